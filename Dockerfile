# logitd container image: build with the official Swift image, ship on debian:bookworm-slim.
#
#   docker build -t logitd .
#   docker run --rm -p 8080:8080 logitd
#
# The build stage and the runtime share a Debian release (bookworm), so the binary never asks
# for a newer glibc than the runtime has. `--static-swift-stdlib` links the Swift runtime into
# the binary (logitd imports no Foundation; FoundationEssentials comes in through two of its
# dependencies, and no ICU): at run time it needs only libc6, libstdc++6, libgcc-s1 and zlib1g
# (libz.so.1, for gzip and deflate bodies), which bookworm-slim already carries (dpkg itself
# pre-depends on zlib1g), so the runtime stage installs nothing. The build stage needs zlib's
# header (zlib1g-dev); the swift image has it through libpython3-dev → libpython3.11-dev, and
# the build stops at `#include <zlib.h>` if a later image drops it.

FROM swift:6.3.1-bookworm AS build
WORKDIR /build

# Resolve the dependencies in a layer of their own: it is rebuilt only when the manifest
# changes, not on every edit of the sources.
COPY Package.swift ./
RUN swift package resolve

# Then the rest of the context: .dockerignore keeps out the build folders, git and the files the
# build does not read. The whole tree, rather than a list of folders, because the manifest reaches
# beyond Sources/: SwiftPM refuses a package whose test target folders are missing (only the
# logitd product is compiled), and Sources/LogitService/openapi.yaml is a symbolic link to the
# top-level openapi.yaml, which the server embeds.
COPY . ./

# --strip-debug drops the DWARF sections (most of a release binary's size) but keeps the symbol
# table, so a crash report from the backtracer still names the functions.
# The binary and the toolchain's static backtracer go to /staging, a plain folder of this
# stage's filesystem, from which the runtime stage copies them.
RUN swift build -c release --static-swift-stdlib --product logitd -Xlinker --strip-debug \
    && mkdir -p /staging \
    && cp "$(swift build -c release --show-bin-path)/logitd" /staging/ \
    && cp /usr/libexec/swift/linux/swift-backtrace-static /staging/

FROM debian:bookworm-slim

# OCI image annotations (github.com/opencontainers/image-spec, annotations.md). The version is
# logitd's own (Sources/LogitVersion/Version.swift; Tests/LogitVersionTests fails when this copy
# differs); the revision is the commit it was built from:
#   docker build --build-arg REVISION="$(git rev-parse HEAD)" -t logitd .
ARG REVISION=unknown
LABEL org.opencontainers.image.title="logitd" \
      org.opencontainers.image.description="An HTTP/1.1 JSON service that turns logits into probabilities and decisions." \
      org.opencontainers.image.version="0.1.0" \
      org.opencontainers.image.revision="$REVISION"

# A system user with a fixed uid, so that Kubernetes' runAsUser (deploy/kubernetes.yaml) and
# file ownership agree; no home directory and no login shell.
RUN useradd --system --uid 10001 --user-group --no-create-home --home-dir /app \
        --shell /usr/sbin/nologin logitd

WORKDIR /app
# Owned by root and not writable by the service user: a compromised process cannot replace
# its own binary.
COPY --from=build /staging/ /app/

# Listen on every interface inside the container (the binary's own default is loopback only).
# A crash prints a symbolicated backtrace of every thread to stderr instead of a bare signal.
ENV HOST=0.0.0.0 \
    PORT=8080 \
    SWIFT_BACKTRACE=enable=yes,sanitize=yes,threads=all,images=all,interactive=no,swift-backtrace=/app/swift-backtrace-static

USER 10001:10001
EXPOSE 8080

# The binary probes its own GET /healthz (the port comes from PORT), so the image needs no
# curl or wget.
HEALTHCHECK --interval=15s --timeout=3s --start-period=5s --retries=3 \
    CMD ["/app/logitd", "healthcheck", "--host", "127.0.0.1"]

# Exec form: logitd is PID 1 and receives SIGTERM itself, then drains and exits 0.
ENTRYPOINT ["/app/logitd"]

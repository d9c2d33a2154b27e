#!/usr/bin/env bash
# Measures what issues 5 and 6 ask of the shipped binary and image, and prints a small table:
#   1. the release binary built as the Dockerfile builds it (`-c release --static-swift-stdlib
#      -Xlinker --strip-debug`, scratch path .build-measure): its size, its size after a full
#      `strip`, its NEEDED libraries and the newest glibc symbol version it asks for, and what nm
#      finds of Foundation: symbols of the Foundation, FoundationInternationalization and
#      FoundationNetworking modules, ICU, and the bytes each module contributes. A Foundation
#      binary is about 70 MB (issue 5), most of it ICU data; logitd imports no Foundation, but
#      swift-argument-parser and swift-metrics import FoundationEssentials, which has no ICU.
#   2. the image size, if an image built with buildah into the podman store under --check-cache
#      (default /tmp/container-check) is tagged localhost/check/<folder>-<hash>:latest;
#   3. idle RSS: VmRSS from /proc/PID/status after start-up and one GET /healthz, median of
#      --rss-starts N starts (5);
#   4. start-up time: from just before the process is spawned to the first 200 from /healthz,
#      polled with a socket connect + GET and ~1 ms sleeps, median of --starts N starts (10). Beside each
#      wall-clock time, the on-CPU time of all the server's threads until then and their time
#      waiting for a CPU (/proc/PID/task/*/schedstat): the wall clock is only as good as the
#      machine is idle, the on-CPU time is what start-up itself costs.
# The goals (issue 6): start-up < 50 ms, idle RSS <= 15 MB. Timings depend on the machine's load:
# the table prints the load average next to them; repeat on a quiet machine before comparing.
#
# Usage: scripts/measure.sh [--no-build] [--starts N] [--rss-starts N] [--check-cache DIR]
#        scripts/measure.sh --binary PATH --no-run   # only the size and nm checks of any binary,
#                                                    # e.g. a Foundation one to compare with
# Servers listen on 127.0.0.1 only and each is stopped with SIGTERM (by its PID) before the next.
set -euo pipefail
cd "$(dirname "$0")/.."

SCRATCH=.build-measure
STARTS=10
RSS_STARTS=5
CHECK_CACHE=${CHECK_CACHE:-/tmp/container-check}
BUILD=1
RUN=1
bin=""
while (($#)); do
    case "$1" in
        --no-build) BUILD=0; shift ;;
        --binary) bin=$2; BUILD=0; shift 2 ;;
        --no-run) RUN=0; shift ;;
        --starts) STARTS=$2; shift 2 ;;
        --rss-starts) RSS_STARTS=$2; shift 2 ;;
        --check-cache) CHECK_CACHE=$2; shift 2 ;;
        -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "measure.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

build_args=(-c release --static-swift-stdlib --product logitd -Xlinker --strip-debug --scratch-path "$SCRATCH")
if ((BUILD)); then
    echo "measure.sh: swift build ${build_args[*]}" >&2
    swift build "${build_args[@]}" >&2
fi
own_binary=0
[[ -n $bin ]] || { bin="$(swift build "${build_args[@]}" --show-bin-path)/logitd" && own_binary=1; }
[[ -x $bin ]] || { echo "measure.sh: no binary at $bin (run without --no-build)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mb() { awk -v b="$1" 'BEGIN { printf "%.2f MB (%d B)", b / 1e6, b }'; }
row() { printf '%-44s %s\n' "$1" "$2"; }

# ---------------------------------------------------------------- 1. the binary
size=$(stat -c %s "$bin")
strip -o "$work/logitd.stripped" "$bin"
stripped=$(stat -c %s "$work/logitd.stripped")
needed=$(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
glibc=$(objdump -T "$bin" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1)
ldd "$bin" > "$work/ldd.txt" 2>&1 || true
# Outside libc6, libstdc++6 and libgcc-s1 (all in debian:bookworm-slim), a library is a finding.
extra=$(awk '$1 !~ /^(linux-vdso|\/lib64\/ld-linux|libc\.so|libm\.so|libstdc\+\+\.so|libgcc_s\.so)/ { print $1 }' \
    "$work/ldd.txt" | tr '\n' ' ')

# Bytes and symbol counts per Swift module (the first module a mangled `$s` name names), C/C++
# groups by prefix, and ICU. The `size` column of `nm -S` counts code and data the symbol owns.
nm -S --defined-only "$bin" > "$work/nm.txt"
python3 - "$work/nm.txt" > "$work/modules.txt" << 'EOF'
import re, sys
from collections import defaultdict

size, count = defaultdict(int), defaultdict(int)
# ICU's C API: u_*, ucol_*, ubrk_*, ... (swift-foundation-icu renames them with a suffix), and
# its C++ namespace (icu_NN:: mangles as _ZN6icu_NN); the data blob is icudt*.
icu = re.compile(r"^(_ZN\d*icu_\d+|icudt|u(|col|brk|cal|dat|num|loc|res|text|trans|regex|set|norm2?|cnv|ldn|plrules|fmt|str|sprep|idna|spoof|sc|char)_[a-z])", re.I)
for line in open(sys.argv[1]):
    parts = line.split()
    if len(parts) != 4:
        continue  # no size: an absolute or undefined-size symbol
    n, name = int(parts[1], 16), parts[3]
    m = re.match(r"^\$s(\d+)", name)
    if m:
        k = len(m.group(0))
        group = "swift:" + name[k:k + int(m.group(1))]
    elif name.startswith(("$ss", "$sS")):
        group = "swift:Swift"  # the standard library's own substitutions
    elif name.startswith("$s"):
        group = "swift:(other)"
    elif icu.match(name):
        group = "ICU"
    elif name.startswith(("swift_", "_swift_", "_ZN5swift", "_ZNK5swift", "_ZL")):
        group = "C/C++:swift runtime"
    elif re.match(r"^_?dispatch_|^_dispatch|^_os_", name):
        group = "C/C++:libdispatch"
    elif name.startswith("_Z"):
        group = "C/C++:other C++"
    else:
        group = "C/C++:other C"
    size[group] += n
    count[group] += 1
for g in sorted(size, key=size.get, reverse=True):
    print(f"{g}\t{count[g]}\t{size[g]}")
EOF
module_bytes() { awk -F'\t' -v g="$1" '$1 == g { print $3; f = 1 } END { if (!f) print 0 }' "$work/modules.txt"; }
module_syms() { awk -F'\t' -v g="$1" '$1 == g { print $2; f = 1 } END { if (!f) print 0 }' "$work/modules.txt"; }

# ---------------------------------------------------------------- 2. the image
key="$(basename "$PWD")-$(printf '%s' "$PWD" | sha1sum | cut -c1-10)"
tag="localhost/check/${key,,}:latest"
podman_store=(podman --root "$CHECK_CACHE/containers-overlay" --runroot "$CHECK_CACHE/containers-run-overlay"
    --storage-driver overlay)
image_size="" image_layers=""
if ((own_binary)) && command -v podman > /dev/null && [[ -d $CHECK_CACHE/containers-overlay ]] &&
    image_size=$("${podman_store[@]}" image inspect --format '{{.Size}}' "$tag" 2> /dev/null); then
    image_layers=$("${podman_store[@]}" history --format '{{.Size}}\t{{.CreatedBy}}' "$tag" 2> /dev/null |
        awk -F'\t' '$1 !~ /^0 *B$/ { sub(/^\/bin\/sh -c #\(nop\) /, "", $2); printf "  %-10s %.70s\n", $1, $2 }')
fi

# ---------------------------------------------------------------- 3, 4. the running server
: > "$work/run.txt"
((RUN == 0)) || python3 - "$bin" "$RSS_STARTS" "$STARTS" > "$work/run.txt" << 'EOF'
import atexit, os, signal, socket, statistics, subprocess, sys, time

binary, rss_starts, starts = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
REQUEST = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
started = []  # every server this script spawned: none may outlive it, even when a check fails
atexit.register(lambda: [p.kill() for p in started if p.poll() is None])


def spawn(args, **kwargs):
    proc = subprocess.Popen([binary] + args, stderr=subprocess.DEVNULL, **kwargs)
    started.append(proc)
    return proc


def healthz(port):
    """The status code of one GET /healthz; raises OSError while nothing listens yet."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(REQUEST)
        data = b""
        while b"\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    return int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.1 ") else 0


def stop(proc):
    """SIGTERM, then the exit status the contract promises (0), within the grace period."""
    proc.send_signal(signal.SIGTERM)
    code = proc.wait(timeout=20)
    if code != 0:
        sys.exit(f"logitd (pid {proc.pid}) exited {code} after SIGTERM")


def status_kb(pid, field):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def on_cpu_ms(pid):
    """(on-CPU, waiting for a CPU) in ms, summed over the live threads of pid."""
    run = wait = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            fields = open(f"/proc/{pid}/task/{task}/schedstat").read().split()
        except OSError:
            continue  # the thread has just exited
        run, wait = run + int(fields[0]), wait + int(fields[1])
    return run / 1e6, wait / 1e6


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


rss = []
for _ in range(rss_starts):
    proc = spawn(["--host", "127.0.0.1", "--port", "0"], stdout=subprocess.PIPE)
    line = proc.stdout.readline().decode()  # "listening on HOST:PORT", once it accepts
    if not line.startswith("listening on "):
        sys.exit(f"unexpected first line from logitd: {line!r}")
    port = int(line.rsplit(":", 1)[1])
    if healthz(port) != 200:
        sys.exit("GET /healthz did not answer 200")
    fields = ("VmRSS", "RssAnon", "RssFile", "VmHWM", "Threads")
    rss.append({f: status_kb(proc.pid, f) for f in fields})
    stop(proc)

times, cpu = [], []
for _ in range(starts):
    port = free_port()  # a fixed port to poll before the server can say which one it took
    t0 = time.perf_counter()
    proc = spawn(["--host", "127.0.0.1", "--port", str(port)], stdout=subprocess.DEVNULL)
    while True:
        try:
            code = healthz(port)
        except OSError:
            code = None
        if code == 200:
            break
        if proc.poll() is not None:
            sys.exit(f"logitd exited {proc.returncode} before answering")
        if time.perf_counter() - t0 > 30:
            sys.exit("no 200 from /healthz within 30 s")
        time.sleep(0.001)
    times.append((time.perf_counter() - t0) * 1000)
    cpu.append(on_cpu_ms(proc.pid))
    stop(proc)

print("rss_kb\t" + " ".join(str(r["VmRSS"]) for r in rss))
print("rss_median_kb\t%d" % statistics.median(r["VmRSS"] for r in rss))
last = sorted(rss, key=lambda r: r["VmRSS"])[len(rss) // 2]  # the start with the median VmRSS
print("rss_detail\tRssAnon %d kB, RssFile %d kB, VmHWM %d kB, %d threads" % (
    last["RssAnon"], last["RssFile"], last["VmHWM"], last["Threads"]))
print("start_ms\t" + " ".join("%.1f" % t for t in times))
print("start_median_ms\t%.1f" % statistics.median(times))
print("start_min_max_ms\t%.1f / %.1f" % (min(times), max(times)))
print("start_cpu_ms\t" + " ".join("%.1f" % c for c, _ in cpu))
print("start_cpu_median_ms\t%.1f" % statistics.median(c for c, _ in cpu))
print("start_wait_ms\t" + " ".join("%.1f" % w for _, w in cpu))
print("start_wait_median_ms\t%.1f" % statistics.median(w for _, w in cpu))
EOF
run() { awk -F'\t' -v k="$1" '$1 == k { print $2 }' "$work/run.txt"; }

# ---------------------------------------------------------------- the table
echo "logitd measurements: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2> /dev/null || echo '?')," \
    "$(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
if ((own_binary)); then
    echo "binary: swift build ${build_args[*]} ($(swift --version 2> /dev/null | head -1 | sed 's/ (.*//'))"
    echo
    row "binary, as the Dockerfile builds it" "$(mb "$size")"
else
    echo "binary: $bin (given with --binary)"
    echo
    row "binary" "$(mb "$size")"
fi
row "binary after strip (all symbols)" "$(mb "$stripped")"
row "NEEDED" "$needed"
row "newest glibc symbol version" "$glibc"
row "libraries beyond libc6/libstdc++6/libgcc-s1" "${extra:-none}"
for m in Foundation FoundationInternationalization FoundationNetworking FoundationXML FoundationEssentials; do
    row "nm: module $m" "$(module_syms "swift:$m") symbols, $(mb "$(module_bytes "swift:$m")")"
done
row "nm: ICU (C API, C++, icudt data)" "$(module_syms ICU) symbols, $(mb "$(module_bytes ICU)")"
linked=""
for m in swift:Foundation swift:FoundationInternationalization swift:FoundationNetworking swift:FoundationXML ICU; do
    (($(module_syms "$m") == 0)) || linked+="${m#swift:} "
done
row "=> Foundation or ICU linked" "${linked:-no (FoundationEssentials only)}"
if [[ -n $image_size ]]; then
    row "image $tag" "$(mb "$image_size")"
elif ((own_binary == 0)); then
    :
else
    row "image" "not found: no $tag in $CHECK_CACHE's podman store"
fi
if ((RUN)); then
    row "idle RSS, median of $RSS_STARTS (VmRSS)" "$(awk -v k="$(run rss_median_kb)" 'BEGIN { printf "%.1f MB (%d kB)", k / 1024, k }') [goal <= 15 MB]"
    row "  each start (kB)" "$(run rss_kb)"
    row "  the median start" "$(run rss_detail)"
    row "start-up to first 200, median of $STARTS" "$(run start_median_ms) ms [goal < 50 ms]"
    row "  each start (ms)" "$(run start_ms)"
    row "  min / max (ms)" "$(run start_min_max_ms)"
    row "  on-CPU until then, all threads (ms)" "$(run start_cpu_ms); median $(run start_cpu_median_ms)"
    row "  waiting for a CPU until then (ms)" "$(run start_wait_ms); median $(run start_wait_median_ms)"
fi
echo
echo "bytes by module (nm -S, defined symbols; top 12):"
head -12 "$work/modules.txt" | awk -F'\t' '{ printf "  %-36s %7d symbols  %8.2f MB\n", $1, $2, $3 / 1e6 }'
if [[ -n $image_layers ]]; then
    echo
    echo "image layers (podman history, non-empty):"
    echo "$image_layers"
fi

#!/usr/bin/env bash
# The oip `head` model's product, y = W·x + b with W 1000×2048 in Double (16 MB, the weights logitd
# serves), timed in logitd's LogitMath and in numpy on the same operands, on this machine, in one run:
#   swift            LogitMath's `linear`, as `Model.apply` calls it (release build, one thread), with
#                    the weights in 4 KiB pages
#   swift-hugepages  the same with the weights advised into transparent huge pages, as logitd serves them
#   numpy-1thread    numpy's W @ x + b with OPENBLAS_NUM_THREADS=1
#   numpy-default    the same with OpenBLAS's default thread count
# Each is timed for SECONDS (default 2) after a warm-up, ROUNDS times in turn (default 3), pinned to
# CPU 1 when taskset and a second CPU exist; the table gives µs per product (best and median of each
# round's samples, then the median over rounds) and each result's error in ulps against the correctly
# rounded W·x + b.
#
# Usage: Benchmarks/head-product/run.sh [--rounds N] [--seconds S]
# Needs Swift 6.3 and Python 3 (3.9–3.12); numpy comes from ../requirements-oip.txt into ../.cache/sklearn,
# the virtualenv ../run.sh makes for --payloads oip.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=3 seconds=2
while (($#)); do
    case $1 in
        --rounds) rounds=${2:?--rounds needs a value}; shift 2 ;;
        --seconds) seconds=${2:?--seconds needs a value}; shift 2 ;;
        -h | --help) sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "head-product/run.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
    esac
done

log() { echo "[$(date +%T)] $*" >&2; }
pin=""
if command -v taskset > /dev/null && (($(nproc) >= 2)); then pin="taskset -c 1"; fi

log "building head-product (swift build -c release)"
swift build -c release --scratch-path .build-bench --product head-product >&2
binary=.build-bench/release/head-product
[[ -d .cache/sklearn ]] || python3 -m venv .cache/sklearn
.cache/sklearn/bin/pip install -q -r requirements-oip.txt >&2
python=.cache/sklearn/bin/python

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
$python head-product/head_product.py write "$work"
results=$work/results
for round in $(seq "$rounds"); do
    log "round $round of $rounds"
    $pin "$binary" "$work" "$seconds" >> "$results"
    $pin "$binary" "$work" "$seconds" hugepages >> "$results"
    OPENBLAS_NUM_THREADS=1 $pin $python head-product/head_product.py time "$work" "$seconds" |
        sed 's/^numpy/numpy-1thread/' >> "$results"
    $python head-product/head_product.py time "$work" "$seconds" | sed 's/^numpy/numpy-default/' >> "$results"
done
cp "$work/y.numpy.f64" "$work/y.numpy-default.f64"
OPENBLAS_NUM_THREADS=1 $python head-product/head_product.py time "$work" 0.2 > /dev/null
cp "$work/y.numpy.f64" "$work/y.numpy-1thread.f64"
$python head-product/head_product.py check "$work" swift swift-hugepages numpy-1thread numpy-default > "$work/ulps"

python3 - "$results" "$work/ulps" "$rounds" "$seconds" "${pin:+, pinned to CPU 1 (numpy-default unpinned)}" << 'PY'
import statistics, sys
results, ulps, rounds, seconds, pinned = sys.argv[1:]
runs = {}
for line in open(results):
    name, best, median, count = line.split()
    runs.setdefault(name, []).append((float(best), float(median), int(count)))
errors = {line.split()[0]: line.split()[1:] for line in open(ulps)}
print("%-14s %10s %10s %9s %14s" % ("product", "best µs", "median µs", "products", "max/median ulp"))
for name, rs in runs.items():
    error = errors.get(name, ["", "-", "", "-"])
    print("%-14s %10.1f %10.1f %9d %14s" % (name, statistics.median(r[0] for r in rs),
          statistics.median(r[1] for r in rs), sum(r[2] for r in rs), f"{error[1]}/{error[3]}"))
median = {name: statistics.median(r[1] for r in rs) for name, rs in runs.items()}
for swift in ("swift", "swift-hugepages"):
    for name in runs:
        if name.startswith("numpy"):
            print(f"{swift} / {name} (median µs): {median[swift] / median[name]:.2f}")
print(f"(1000×2048 Double W·x + b; {seconds} s per cell, medians over {rounds} round(s){pinned})")
PY

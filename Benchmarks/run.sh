#!/usr/bin/env bash
# Runs logitd and its peers under the same wrk load, one at a time, and prints one table.
#
#   run.sh [--only NAME[,NAME...]] [--payloads SET[,SET...]] [--duration S] [--rounds N]
#          [--no-pin] [--logitd 'COMMAND'] [--growth]
#
#   --only      targets to run: logitd hummingbird fastapi fastapi-w2 nginx mlserver kserve
#               (default: every target that answers a selected payload)
#   --payloads  payloads to send, by name or set (default: softmax):
#                 softmax  small batch large: POST /softmax (logitd, hummingbird, fastapi,
#                          fastapi-w2, nginx)
#                 oip      oip-iris oip-head oip-head-binary: POST /v2/models/{iris,head}/infer,
#                          the Open Inference Protocol (logitd, mlserver, kserve); and
#                          model-iris: POST /classify {"model": "iris", ...} (logitd only)
#                 all      both sets
#                 growth   growth-5 growth-1000 growth-16384 growth-131072 growth-1048576:
#                          POST /softmax with that many logits (see --growth)
#               e.g. --payloads oip, --payloads small,oip-iris
#   --duration  seconds of measured load per target and payload (default 10), after a
#               warm-up of WARMUP seconds (env, default 2)
#   --rounds    run every target N times, in turn, and report medians (default 1); on a
#               shared machine 3 rounds keep one noisy moment from skewing one target
#   --no-pin    don't pin the server to CPU 1 and wrk to CPU 0
#   --logitd    a shell command that starts logitd on 127.0.0.1:$PORT, single-quoted so that
#               $PORT is expanded when it runs; it runs in this folder (Benchmarks/), e.g.
#               --logitd '/opt/logitd-0.1.0/logitd --port $PORT'
#               Without it, run.sh builds this repository's logitd as the Dockerfile does
#               (swift build -c release --static-swift-stdlib, in the repository's root, into
#               .build-static/) and runs '../.build-static/release/logitd --port $PORT'.
#               With an oip payload, run.sh appends --model-dir models/logitd.
#   --growth    how cost grows with the work: the growth payloads (5 to 1 048 576 logits; 64
#               connections up to 1 000 logits, 4 from 16 384) on logitd and fastapi (unless
#               --only names others); prints requests/s and server CPU per number (CPU seconds
#               from /proc/PID/stat, utime + stime of the server's processes, sampled while
#               the load runs; needs --duration 3 or more) and writes results/growth.svg
#               (log-log) and results/growth.tsv.
#               The 1 048 576-logit body is about 20 MB, over logitd's default 8 MiB limit:
#               logitd gets --max-body-size 33554432 (32 MiB) with any growth payload.
#
# The table goes to stdout, progress to stderr. Every server runs in its own session and is
# stopped through the PID that this script started; nothing is killed by name.
set -euo pipefail
cd "$(dirname "$0")"

only="" duration=10 rounds=1 logitd="" logitd_given="" pin=1 payload_arg=softmax growth_chart=""
warmup=${WARMUP:-2}
ready_timeout=${READY_TIMEOUT:-120}
while (($#)); do
    case $1 in
        --only) only=${2:?--only needs a value}; shift 2 ;;
        --payloads) payload_arg=${2:?--payloads needs a value}; shift 2 ;;
        --duration) duration=${2:?--duration needs a value}; shift 2 ;;
        --rounds) rounds=${2:?--rounds needs a value}; shift 2 ;;
        --logitd) logitd=${2:?--logitd needs a command} logitd_given=1; shift 2 ;;
        --no-pin) pin=0; shift ;;
        --growth) payload_arg=growth growth_chart=1; shift ;;
        -h | --help) sed -n '2,/^set /p' "${0##*/}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
    esac
done

# The repository's own logitd (built below), unless --logitd names another.
[[ -n $logitd_given ]] || logitd='exec ../.build-static/release/logitd --port $PORT'

log() { echo "[$(date +%T)] $*" >&2; }
die() { log "error: $*"; exit 1; }
for tool in wrk curl python3; do
    command -v "$tool" > /dev/null || die "$tool is missing (apt-get install -y wrk curl python3)"
done

server_cpu="" load_cpu=""
if ((pin)) && command -v taskset > /dev/null && (($(nproc) >= 2)); then
    server_cpu="taskset -c 1" load_cpu="taskset -c 0"
fi

work=$(mktemp -d)
results=$work/results
: > "$results"
server_pid=""

# running -p PID: that process runs; running -s PID: a process of its session runs.
running() { ps -o stat= "$@" | grep -qv '^Z'; }

stop_server() {
    [[ -n $server_pid ]] || return 0
    kill -TERM -- "-$server_pid" 2> /dev/null || true
    for _ in $(seq 100); do  # up to 10 s for a graceful exit
        running -s "$server_pid" || break
        sleep 0.1
    done
    kill -KILL -- "-$server_pid" 2> /dev/null || true
    wait "$server_pid" 2> /dev/null || true
    server_pid=""
}
trap 'stop_server; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# --- payloads: name, path, body, connections ---------------------------------------------

SOFTMAX=(small batch large)
OIP=(oip-iris oip-head oip-head-binary model-iris)
GROWTH=(growth-5 growth-1000 growth-16384 growth-131072 growth-1048576)
declare -A CONNS=([small]=64 [batch]=64 [large]=4 [oip-iris]=64 [oip-head]=64 [oip-head-binary]=64 [model-iris]=64
    [growth-5]=64 [growth-1000]=64 [growth-16384]=4 [growth-131072]=4 [growth-1048576]=4)
declare -A PATH_OF=([small]=/softmax [batch]=/softmax [large]=/softmax
    [oip-iris]=/v2/models/iris/infer [oip-head]=/v2/models/head/infer
    [oip-head-binary]=/v2/models/head/infer [model-iris]=/classify)
for payload in "${GROWTH[@]}"; do PATH_OF[$payload]=/softmax; done
body_of() { [[ $1 == *-binary ]] && echo "payloads/$1.bin" || echo "payloads/$1.json"; }
# Its request headers, one "Name: value" a line (a Content-Type there replaces application/json).
headers_of() { [[ ! -f payloads/$1.headers ]] || cat "payloads/$1.headers"; }

PAYLOADS=()
for name in ${payload_arg//,/ }; do
    case $name in
        softmax) PAYLOADS+=("${SOFTMAX[@]}") ;;
        oip) PAYLOADS+=("${OIP[@]}") ;;
        all) PAYLOADS+=("${SOFTMAX[@]}" "${OIP[@]}") ;;
        growth) PAYLOADS+=("${GROWTH[@]}") ;;
        *) [[ -v CONNS[$name] ]] ||
               die "unknown payload $name (softmax, oip, all, growth, or one of: ${SOFTMAX[*]} ${OIP[*]} ${GROWTH[*]})"
           PAYLOADS+=("$name") ;;
    esac
done
mapfile -t PAYLOADS < <(printf '%s\n' "${PAYLOADS[@]}" | awk '!seen[$0]++')  # once each, in order
oip_selected="" growth_selected=""
# Payloads that need the served models (logitd started with --model-dir, the answers checked).
served() { [[ $1 == oip-* || $1 == model-* ]]; }
for payload in "${PAYLOADS[@]}"; do
    ! served "$payload" || oip_selected=1
    [[ $payload != growth-* ]] || growth_selected=1
done
# --growth alone measures logitd beside FastAPI.
[[ -n $only || -z $growth_chart ]] || only=logitd,fastapi

# --- targets: port, payloads, build, command ---------------------------------------------

# nginx's port is the one in nginx.conf; mlserver also listens on PORT+100 (gRPC, which it
# can't turn off) and PORT+200 (Prometheus metrics).
declare -A PORT_OF=([logitd]=18080 [hummingbird]=18081 [fastapi]=18082 [fastapi-w2]=18083 [nginx]=18084
    [mlserver]=18085 [kserve]=18086)
TARGETS=(logitd hummingbird fastapi fastapi-w2 nginx mlserver kserve)
declare -A SERVES=([logitd]="${SOFTMAX[*]} ${OIP[*]} ${GROWTH[*]}"
    [hummingbird]="${SOFTMAX[*]} ${GROWTH[*]}" [fastapi]="${SOFTMAX[*]} ${GROWTH[*]}"
    [fastapi-w2]="${SOFTMAX[*]} ${GROWTH[*]}"
    [nginx]="small batch"                  # its fixed answer is the small one: no large row
    [mlserver]="oip-iris oip-head"         # no binary tensors over REST: a row of "–"
    [kserve]="oip-iris oip-head oip-head-binary")
declare -A DASHED=([mlserver]="oip-head-binary")
serves() { [[ " ${SERVES[$1]} " == *" $2 "* ]]; }
dashed() { [[ " ${DASHED[$1]:-} " == *" $2 "* ]]; }
UVICORN="peers/fastapi/.venv/bin/uvicorn app:app --app-dir peers/fastapi --host 127.0.0.1"
UVICORN+=" --port \$PORT --http httptools --loop uvloop --no-access-log --log-level warning"
MLSERVER="MLSERVER_HTTP_PORT=\$PORT MLSERVER_GRPC_PORT=\$((PORT + 100)) MLSERVER_METRICS_PORT=\$((PORT + 200))"
MLSERVER+=" exec .cache/mlserver/bin/mlserver start peers/mlserver"
KSERVE="exec .cache/kserve/bin/python peers/kserve/server.py --model_dir models/sklearn --http_port \$PORT"
KSERVE+=" --workers 1 --enable_grpc false --enable_latency_logging false --log_config_file peers/kserve/logging.json"

venv() {  # folder requirements: a virtualenv with exactly these pins
    [[ -d $1 ]] || python3 -m venv "$1"
    "$1/bin/pip" install -q -r "$2"
}

build() {
    case $1 in
        logitd) [[ -n $logitd_given ]] ||
            swift build -c release --static-swift-stdlib --package-path .. --scratch-path ../.build-static --product logitd ;;
        hummingbird) swift build -c release --package-path peers/hummingbird-peer ;;
        fastapi | fastapi-w2)
            [[ -d peers/fastapi/.venv ]] || python3 -m venv peers/fastapi/.venv
            peers/fastapi/.venv/bin/pip install -q -r peers/fastapi/requirements.txt ;;
        nginx) command -v nginx > /dev/null || { echo "apt-get install -y nginx" >&2; return 1; } ;;
        mlserver | kserve) venv ".cache/$1" "peers/$1/requirements.txt" ;;
    esac
}

command_of() {
    case $1 in
        logitd) echo "$logitd${oip_selected:+ --model-dir models/logitd}${growth_selected:+ --max-body-size 33554432}" ;;
        hummingbird) echo "exec peers/hummingbird-peer/.build/release/HummingbirdPeer --port \$PORT" ;;
        fastapi) echo "exec $UVICORN --workers 1" ;;
        fastapi-w2) echo "exec $UVICORN --workers 2" ;;
        nginx) echo "mkdir -p '$work/nginx' && exec nginx -p '$work/nginx/' -e stderr -c '$PWD/nginx.conf'" ;;
        mlserver) echo "$MLSERVER" ;;
        kserve) echo "$KSERVE" ;;
    esac
}

[[ -s payloads/large.json && -s payloads/small.answer.json ]] || python3 gen_payloads.py >&2
if [[ -n $growth_selected ]]; then
    [[ -s payloads/growth-1048576.json ]] || python3 gen_payloads.py --growth >&2
    log "growth payloads: logitd runs with --max-body-size 33554432 (the 1 048 576-logit body is" \
        "$(($(wc -c < payloads/growth-1048576.json) / 1000000)) MB, over its default limit of 8 MiB)"
fi
if [[ -n $oip_selected ]]; then
    log "oip models: installing scikit-learn into .cache/sklearn"
    venv .cache/sklearn requirements-oip.txt > "$work/sklearn.build.log" 2>&1 ||
        { tail -20 "$work/sklearn.build.log" >&2; die "oip models: pip install failed"; }
    if ! [[ -s payloads/model-iris.answer.json && -s models/logitd/head.json && -s models/sklearn/head.joblib ]]; then
        log "oip models: writing models/ and the oip payloads"
        .cache/sklearn/bin/python gen_payloads.py --oip >&2
    fi
fi

# Sums the RSS (KiB) of the server's session: all its workers, or a wrapper and its child.
rss_kib() { ps -o rss= -s "$server_pid" | awk '{ s += $1 } END { print s + 0 }'; }

# logitd's memory, one line in $work/memory per moment: "ROUND MOMENT VmRSS VmHWM" (KiB, from
# /proc/PID/status: the server process itself, which the session's bash exec'd). A moment after a load
# is read once its connections have closed and 0.5 s have passed, so that it shows what stays.
memory() {  # round moment
    local status=/proc/$server_pid/status
    [[ -r $status ]] || return 0
    awk -v round="$1" -v moment="$2" '/^VmRSS:/ { rss = $2 } /^VmHWM:/ { hwm = $2 }
        END { print round, moment, rss, hwm }' "$status" >> "$work/memory"
}

# Ready: answers the small /softmax request, or, for the OIP peers, has both models loaded.
probe() {  # name port: the answer is left in $work/answer
    local name=$1 port=$2 model code
    if [[ $name == mlserver || $name == kserve ]]; then
        for model in iris head; do
            code=$(curl -s -o "$work/answer" -w '%{http_code}' "http://127.0.0.1:$port/v2/models/$model/ready" || true)
            [[ $code == 200 ]] || return 1
        done
    else
        code=$(curl -s -o "$work/answer" -w '%{http_code}' -H 'Content-Type: application/json' \
            --data-binary @payloads/small.json "http://127.0.0.1:$port/softmax" || true)
        [[ $code == 200 ]]
    fi
}

start_server() {  # name port; returns 1 (with the log's tail shown) when it exits or isn't ready
    local name=$1 port=$2 ready="" _
    log "$name: starting on 127.0.0.1:$port"
    PORT=$port setsid $server_cpu bash -c "$(command_of "$name")" > "$work/$name.log" 2>&1 &
    server_pid=$!
    for _ in $(seq $((ready_timeout * 5))); do
        running -p "$server_pid" || { tail -20 "$work/$name.log" >&2; log "$name exited"; return 1; }
        probe "$name" "$port" && { ready=1; break; }
        sleep 0.2
    done
    [[ -n $ready ]] || { tail -20 "$work/$name.log" >&2; log "$name: not ready after ${ready_timeout}s"; return 1; }
    if [[ $name == mlserver || $name == kserve ]]; then
        log "$name: ready, pid $server_pid, models iris and head loaded, RSS $(($(rss_kib) / 1024)) MiB"
    else
        log "$name: ready, pid $server_pid, small answer $(wc -c < "$work/answer") bytes, RSS $(($(rss_kib) / 1024)) MiB"
    fi
}

# One OIP or model-iris request before the load, its answer compared with scikit-learn's predict_proba
# (payloads/NAME.answer.json). A peer that answers wrongly stops the run; logitd is measured
# all the same (without OIP its cells count non-2xx).
check_answer() {  # name port payload
    local name=$1 port=$2 payload=$3 code verdict line
    local -a headers=()
    while IFS= read -r line; do headers+=(-H "$line"); done < <(headers_of "$payload")
    [[ " ${headers[*]} " == *" Content-Type:"* ]] || headers+=(-H 'Content-Type: application/json')
    code=$(curl -s -o "$work/answer" -w '%{http_code}' "${headers[@]}" --data-binary "@$(body_of "$payload")" \
        "http://127.0.0.1:$port${PATH_OF[$payload]}" || true)
    if [[ $code == 200 ]] && verdict=$(python3 check_answer.py "$work/answer" "payloads/$payload.answer.json"); then
        log "$name: $payload answer 200, $(wc -c < "$work/answer") bytes, $verdict"
        [[ $payload != oip-iris ]] || log "$name: $payload answer: $(head -c 400 "$work/answer")"
        return 0
    fi
    [[ $code == 200 ]] || verdict="HTTP $code: $(head -c 200 "$work/answer")"
    [[ $name == logitd ]] || die "$name: $payload answer: $verdict"
    log "$name: $payload answer: $verdict (measured all the same)"
}

# The CPU seconds (user + system) the server's processes have used so far, from /proc/PID/stat
# (utime and stime, fields 14 and 15, counted after the command name in parentheses).
ticks_per_second=$(getconf CLK_TCK)
cpu_seconds() {
    local pid total=0 stat
    local -a fields
    for pid in $(ps -o pid= -s "$server_pid"); do
        stat=$(< "/proc/$pid/stat") 2> /dev/null || continue
        read -r -a fields <<< "${stat##*) }"
        total=$((total + fields[11] + fields[12]))
    done
    awk -v t="$total" -v hz="$ticks_per_second" 'BEGIN { printf "%.2f", t / hz }'
}
now() { date +%s.%N; }

# Appends "NAME PAYLOAD req/s p50 p99 non-2xx sock-err requests cpu" to the results, where cpu is
# the server's CPU seconds per second of load, sampled from 1 s after wrk starts to 1 s before
# it ends (the steady state: no connection set-up, no requests left running after wrk stops);
# cpu / (req/s) is the CPU time of one request.
measure() {  # name port payload
    local name=$1 port=$2 payload=$3 url="http://127.0.0.1:$2${PATH_OF[$3]}" line out=$work/wrk.out
    local -a args=(-t1 -c"${CONNS[$payload]}" --timeout 10s -s wrk/post.lua) extra
    local wrk_pid cpu0 cpu1 t0 t1 cpu=0
    mapfile -t extra < <(headers_of "$payload")
    ((warmup > 0)) && $load_cpu wrk "${args[@]}" -d"${warmup}s" "$url" -- "$(body_of "$payload")" "${extra[@]}" > /dev/null
    $load_cpu wrk "${args[@]}" -d"${duration}s" "$url" -- "$(body_of "$payload")" "${extra[@]}" > "$out" &
    wrk_pid=$!
    if ((duration >= 3)); then
        sleep 1
        cpu0=$(cpu_seconds) t0=$(now)
        sleep $((duration - 2))
        cpu1=$(cpu_seconds) t1=$(now)
        cpu=$(awk -v a="$cpu0" -v b="$cpu1" -v s="$t0" -v e="$t1" 'BEGIN { printf "%.4f", (b - a) / (e - s) }')
    fi
    wait "$wrk_pid" || die "$name/$payload: wrk failed"
    line=$(grep '^RESULT' "$out") || die "$name/$payload: wrk printed no result"
    echo "$name $payload ${line#RESULT } $cpu" >> "$results"
    log "$name/$payload: ${line#RESULT }, server CPU $cpu s/s"
}

# --- run -----------------------------------------------------------------------------------

for name in ${only//,/ }; do
    [[ -v PORT_OF[$name] ]] || die "unknown target $name (one of: ${TARGETS[*]})"
done

selected=()
for name in "${TARGETS[@]}"; do
    [[ -z $only || ",$only," == *",$name,"* ]] || continue
    answered=""
    for payload in "${PAYLOADS[@]}"; do serves "$name" "$payload" && answered=1; done
    if [[ -z $answered ]]; then
        [[ -n $only ]] && die "$name answers none of the payloads ${PAYLOADS[*]} (see --payloads)"
        continue
    fi
    selected+=("$name")
    log "$name: building"
    build "$name" > "$work/$name.build.log" 2>&1 || { tail -20 "$work/$name.build.log" >&2; die "$name: build failed"; }
done

for round in $(seq "$rounds"); do
    ((rounds == 1)) || log "round $round of $rounds"
    for name in "${selected[@]}"; do
        if ! start_server "$name" "${PORT_OF[$name]}"; then
            # logitd may not take --model-dir yet: the peers are still measured.
            [[ $name == logitd && -n $oip_selected ]] || die "$name did not start"
            log "logitd: did not start with --model-dir models/logitd; its cells show –"
            stop_server
            for payload in "${PAYLOADS[@]}"; do echo "$name $payload -" >> "$results"; done
            continue
        fi
        if [[ $name == logitd ]]; then
            memory "$round" idle
            # The weights it holds: 8 bytes a number, m×n + m per served model (GET /models).
            curl -s "http://127.0.0.1:${PORT_OF[logitd]}/models" > "$work/models.json" || true
        fi
        for payload in "${PAYLOADS[@]}"; do
            if ! serves "$name" "$payload"; then
                dashed "$name" "$payload" && echo "$name $payload -" >> "$results"
                continue
            fi
            ((round > 1)) || ! served "$payload" || check_answer "$name" "${PORT_OF[$name]}" "$payload"
            measure "$name" "${PORT_OF[$name]}" "$payload"
            [[ $name != logitd ]] || { sleep 0.5; memory "$round" "$payload"; }
        done
        log "$name: RSS after the load $(($(rss_kib) / 1024)) MiB"
        stop_server
    done
done

connections=""
for payload in "${PAYLOADS[@]}"; do connections+="${connections:+, }$payload ${CONNS[$payload]}"; done

# One row per target and payload: medians over the rounds, errors summed, the spread of
# req/s over the rounds, and the ratio to logitd's median req/s where logitd's answers were
# all 2xx. A cell a target cannot take is a row of "–".
python3 - "$results" "$duration" "$rounds" "${server_cpu:+; server on CPU 1, wrk on CPU 0}" "$connections" << 'EOF'
import statistics, sys
path, duration, rounds, pinned, connections = sys.argv[1:]
cells = {}
for line in open(path):
    target, payload, *values = line.split()
    cells.setdefault((target, payload), []).append(None if values == ["-"] else [float(v) for v in values])
cells = {key: None if None in runs else runs for key, runs in cells.items()}
median = {key: [statistics.median(column) for column in zip(*runs)] for key, runs in cells.items() if runs}
width = max([7] + [len(payload) for _, payload in cells])
head = ("target", width, "payload", "req/s", "p50 ms", "p99 ms", "non-2xx", "sock-err", "spread", "vs logitd")
print("%-12s %-*s %10s %9s %9s %8s %8s %7s %10s" % head)
for (target, payload), runs in cells.items():
    if runs is None:
        print("%-12s %-*s %10s %9s %9s %8s %8s %7s %10s" % (target, width, payload, *["–"] * 7))
        continue
    rps, p50, p99 = median[target, payload][:3]
    errors = [int(sum(column)) for column in list(zip(*runs))[3:5]]
    rates = [run[0] for run in runs]
    spread = "%.0f%%" % (100 * (max(rates) - min(rates)) / rps) if len(runs) > 1 and rps else "-"
    base = median.get(("logitd", payload), [0])[0]
    if base and sum(run[3] for run in cells["logitd", payload]):
        base = 0  # logitd answered errors: a ratio to their rate would mean nothing
    ratio = "%.2f" % (rps / base) if base else "-"
    print("%-12s %-*s %10.1f %9.2f %9.2f %8d %8d %7s %10s" % (target, width, payload, rps, p50, p99, *errors, spread, ratio))
print(f"({duration} s per cell, median of {rounds} round(s); connections: {connections};"
      f" wrk -t1{pinned})")
EOF

# logitd's memory: a fresh process each round, read when it is ready (idle) and after each load.
if [[ -s $work/memory ]]; then
    python3 - "$work/memory" "$work/models.json" << 'EOF'
import json, sys
memory, models = sys.argv[1:]
try:
    served = json.load(open(models)).get("models", [])
except (OSError, ValueError):
    served = []
weights = sum(8 * (m["outputs"] * m["inputs"] + m["outputs"]) for m in served) / 2**20
rounds = {}
for line in open(memory):
    round, moment, rss, hwm = line.split()
    rounds.setdefault(round, []).append((moment, int(rss) / 1024, int(hwm) / 1024))
moments = [moment for moment, _, _ in next(iter(rounds.values()))]
print()
print(f"logitd RSS, MiB (VmRSS; peak VmHWM): models' weights {weights:.1f} MiB")
print("%-6s " % "round" + " ".join("%10s" % m for m in moments) + " %10s %14s" % ("peak", "idle - weights"))
for round, points in rounds.items():
    print("%-6s " % round + " ".join("%10.1f" % rss for _, rss, _ in points)
          + " %10.1f %14.1f" % (max(hwm for _, _, hwm in points), points[0][1] - weights))
EOF
fi

# --growth: the cost-growth table and chart, from the same results.
if [[ -n $growth_selected ]]; then
    mkdir -p results
    grep ' growth-' "$results" > results/growth-cells.txt  # the raw cells, to draw again with growth_chart.py
    python3 growth_chart.py results/growth-cells.txt results/growth.tsv results/growth.svg \
        "$duration s per cell, median of $rounds round(s)${server_cpu:+; server on CPU 1, wrk on CPU 0}"
fi

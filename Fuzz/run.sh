#!/usr/bin/env bash
# Builds a libFuzzer target and runs it for a while, printing libFuzzer's statistics.
#   Fuzz/run.sh TARGET SECONDS [extra libFuzzer flags...]
#   Fuzz/run.sh --build TARGET...          (build only)
#   Fuzz/run.sh --no-build TARGET SECONDS  (run what was built)
# FUZZ_SCRATCH names the scratch corpus folder (default Fuzz/.work/TARGET).
# TARGET:
#   parser    Fuzz/RequestParserFuzz.swift with the HTTPServer Messages and Parsing sources.
#   json      Fuzz/JSONRoundTripFuzz.swift: JSONCodec against a reference validator, and round trips.
#   sigmoid, softmax, linear, classify
#             Fuzz/EndpointFuzz.swift + Fuzz/Entry/TARGET.swift: a request body through the router.
#   onnx      Fuzz/ONNXLoaderFuzz.swift (+ ModelFileFuzz.swift): a model file through the ONNX reader and
#             format detection.
#   logitd, sklearn, safetensors
#             Fuzz/ModelFileFuzz.swift + Fuzz/Entry/TARGET.swift: a model file through decodeModel.
#   oip       Fuzz/InferenceRequestFuzz.swift: an inference request (JSON or binary tensors) through the decoder.
#   inflate   Fuzz/InflateFuzz.swift: gzip/deflate data through ContentCoding's bounded reader.
# The corpus in Fuzz/corpus/TARGET is read and grown in a scratch copy (Fuzz/.work/TARGET), so the
# committed seeds stay small; crashes land in Fuzz/.work/TARGET-artifacts/.
#
# How the endpoint targets are built (plain swiftc, no SwiftPM): swift-numerics' RealModule is taken
# from the git mirror at the version Package.swift asks for (NUMERICS_GIT, NUMERICS_VERSION) and
# compiled as a module; LogitMath, JSONCodec and HTTPServer's Messages and Routing each become a
# static library with sanitizer coverage (swift-http-types' HTTPTypes, which Messages uses, comes from
# Fuzz/httptypes.sh, with ASan and no coverage); so does LogitService's request side (not Service.swift or
# Metrics.swift, which need swift-log/metrics/prometheus) with EndpointFuzz.swift and
# ReferenceJSON.swift, built with -enable-testing; a target is then its Fuzz/Entry file, which
# `@testable import`s it. Modules are rebuilt only when their sources or dependencies change.
# If NUMERICS_GIT is missing, a SwiftPM checkout (.build*/checkouts/swift-numerics) is used.
set -euo pipefail
cd "$(dirname "$0")/.."
# Swift's own crash backtracer fights ASan's signal handling; the fuzzer prints the stack itself.
export SWIFT_BACKTRACE=enable=no
root=$PWD
all_targets="parser json sigmoid softmax linear classify onnx logitd sklearn safetensors oip inflate"

work=$root/Fuzz/.work
modules=$work/modules
numerics=$work/swift-numerics
NUMERICS_GIT=${NUMERICS_GIT:-/opt/swift-packages/apple/swift-numerics.git}
NUMERICS_VERSION=${NUMERICS_VERSION:-1.1.1}
protobuf=$work/swift-protobuf
PROTOBUF_GIT=${PROTOBUF_GIT:-/opt/swift-packages/apple/swift-protobuf.git}
PROTOBUF_VERSION=${PROTOBUF_VERSION:-1.39.0}
upcoming=(-enable-upcoming-feature ExistentialAny -enable-upcoming-feature MemberImportVisibility
    -enable-upcoming-feature InternalImportsByDefault)
# -parse-as-library: no top-level code; libFuzzer supplies main. -O with ASan keeps executions fast
# and memory checked. One package name, so `package` declarations are visible across the modules.
flags=(-sanitize=fuzzer,address -parse-as-library -O -g -package-name logitd "${upcoming[@]}"
    -I "$modules" -I "$numerics/Sources/_NumericsShims/include" -I "$root/Sources/CZlib" -I "$root/Sources/CKernels" -L "$modules" -use-ld=lld)

# module NAME "DEPENDENCIES" SOURCES... [-- FLAGS...]: a static library and its .swiftmodule, unless
# they are newer than the sources, this script and the libraries of the dependencies.
module() {
    local name=$1 deps=$2
    shift 2
    local inputs=() more=()
    while (($#)) && [[ $1 != -- ]]; do inputs+=("$1") && shift; done
    (($#)) && shift && more=("$@")
    local lib=$modules/lib$name.a
    local checked=("${inputs[@]}" Fuzz/run.sh)
    for d in $deps; do checked+=("$modules/lib$d.a"); done
    if [[ -f $lib ]] && [[ -z $(find "${checked[@]}" -newer "$lib" 2>/dev/null) ]]; then return; fi
    set -- "${inputs[@]}"
    local extra=("${flags[@]}" "${more[@]}")
    # RealModule, SwiftProtobuf and the generated ONNXProto are not ours to fuzz: no coverage for them (their
    # edges would only dilute the fuzzer's); ASan still checks them.
    [[ $name == RealModule ]] && extra=(-parse-as-library -O -I "$numerics/Sources/_NumericsShims/include")
    [[ $name == SwiftProtobuf || $name == ONNXProto ]] &&
        extra=(-sanitize=address -parse-as-library -O -package-name logitd -I "$modules" -L "$modules")
    local sources=()
    for s in "$@"; do [[ $s == /* ]] && sources+=("$s") || sources+=("$root/$s"); done
    # In the modules folder, where swiftc leaves the .swiftmodule beside the library.
    (cd "$modules" && swiftc "${extra[@]}" -module-name "$name" -emit-module -emit-library -static \
        "${sources[@]}" -o "lib$name.a")
}

numerics_sources() {
    if [[ ! -f $numerics/.version ]] || [[ $(cat "$numerics/.version") != "$NUMERICS_VERSION" ]]; then
        rm -rf "$numerics" && mkdir -p "$numerics"
        local repo=$NUMERICS_GIT
        [[ -d $repo ]] || repo=$(ls -d .build*/checkouts/swift-numerics 2>/dev/null | head -1)
        git -C "${repo:?no swift-numerics: set NUMERICS_GIT}" archive "$NUMERICS_VERSION" \
            Sources/_NumericsShims Sources/RealModule |
            tar -x -C "$numerics"
        echo "$NUMERICS_VERSION" >"$numerics/.version"
    fi
}

protobuf_sources() {
    if [[ ! -f $protobuf/.version ]] || [[ $(cat "$protobuf/.version") != "$PROTOBUF_VERSION" ]]; then
        rm -rf "$protobuf" && mkdir -p "$protobuf"
        local repo=$PROTOBUF_GIT
        [[ -d $repo ]] || repo=$(ls -d .build*/checkouts/swift-protobuf 2>/dev/null | head -1)
        git -C "${repo:?no swift-protobuf: set PROTOBUF_GIT}" archive "$PROTOBUF_VERSION" Sources/SwiftProtobuf |
            tar -x -C "$protobuf"
        echo "$PROTOBUF_VERSION" >"$protobuf/.version"
    fi
}

# The `onnx` target's modules: SwiftProtobuf's runtime (from the mirror, as Package.swift asks, without the
# default traits' stream APIs), the generated messages, then all of LogitModels with coverage.
build_model_modules() {
    mkdir -p "$modules"
    numerics_sources
    protobuf_sources
    module JSONCodec "" Sources/JSONCodec/*.swift &
    local json_pid=$!
    module SwiftProtobuf "" "$protobuf"/Sources/SwiftProtobuf/*.swift
    module ONNXProto SwiftProtobuf Sources/ONNXProto/*.swift
    module RealModule "" "$numerics"/Sources/RealModule/*.swift
    module LogitMath RealModule Sources/LogitMath/*.swift
    wait "$json_pid"
    module LogitModels "JSONCodec LogitMath ONNXProto SwiftProtobuf" $(find Sources/LogitModels -name '*.swift' | sort)
}

# The model-file targets also check a model's protocol metadata and answers: InferenceProtocol on top.
build_protocol_modules() {
    build_model_modules
    module InferenceProtocol "LogitModels LogitMath JSONCodec" Sources/InferenceProtocol/*.swift
}

# The modules the endpoint targets link against; JSONCodec alone for `json`. JSONCodec is built
# beside HTTPServer and Routing (two cores), then the model modules, Pictures, LogitAPI and LogitService.
build_modules() {
    mkdir -p "$modules"
    numerics_sources
    module JSONCodec "" Sources/JSONCodec/*.swift &
    local json_pid=$!
    if [[ $1 == json ]]; then
        wait "$json_pid"
        return
    fi
    Fuzz/httptypes.sh "$modules" -sanitize=address
    module HTTPServer HTTPTypes Sources/HTTPServer/Messages/*.swift
    module Routing "HTTPServer HTTPTypes" Sources/Routing/*.swift
    wait "$json_pid"
    # A request may name a served model, and /sigmoid, /softmax and /classify can answer with a picture.
    build_model_modules
    module Pictures "JSONCodec LogitMath" Sources/Pictures/*.swift
    # Negotiation reads Accept's weights with ContentCoding's qvalue; zlib comes through CZlib's module map (-I in flags).
    module ContentCoding "" Sources/ContentCoding/*.swift
    module LogitAPI "JSONCodec LogitMath LogitModels" Sources/LogitAPI/*.swift
    local service=(ComputeRoutes ContentType Problem Negotiation PictureRoutes)
    service=("${service[@]/#/Sources/LogitService/}")
    module LogitService "JSONCodec HTTPTypes HTTPServer Routing LogitMath LogitAPI LogitModels Pictures ContentCoding" \
        "${service[@]/%/.swift}" \
        Fuzz/EndpointFuzz.swift Fuzz/ReferenceJSON.swift -- -enable-testing
}

build() {
    local target=$1
    local binary=$work/$target-fuzz
    mkdir -p "$work"
    case "$target" in
    parser)
        mkdir -p "$modules"
        Fuzz/httptypes.sh "$modules" -sanitize=address
        swiftc "${flags[@]}" -module-name parserFuzz \
            Sources/HTTPServer/Messages/*.swift Sources/HTTPServer/Parsing/*.swift Fuzz/RequestParserFuzz.swift \
            -lHTTPTypes -o "$binary"
        ;;
    json)
        build_modules json
        swiftc "${flags[@]}" -module-name jsonFuzz Fuzz/JSONRoundTripFuzz.swift Fuzz/ReferenceJSON.swift \
            -lJSONCodec -o "$binary"
        ;;
    sigmoid | softmax | linear | classify)
        build_modules endpoints
        swiftc "${flags[@]}" -module-name "${target}Fuzz" "Fuzz/Entry/$target.swift" \
            -lLogitService -lLogitAPI -lPictures -lContentCoding -lz -lLogitModels -lONNXProto -lSwiftProtobuf -lJSONCodec -lRouting \
            -lHTTPServer -lHTTPTypes -lLogitMath -lRealModule -lFoundationEssentials -lFoundation -lswiftSynchronization -lswiftGlibc -o "$binary"
        ;;
    onnx)
        # LogitModels and SwiftProtobuf use Foundation's Data, which static libraries don't autolink.
        build_protocol_modules
        swiftc "${flags[@]}" -module-name onnxFuzz Fuzz/ONNXLoaderFuzz.swift Fuzz/ModelFileFuzz.swift \
            -lInferenceProtocol -lLogitModels -lONNXProto -lSwiftProtobuf -lJSONCodec -lLogitMath -lRealModule \
            -lFoundationEssentials -lFoundation -o "$binary"
        ;;
    logitd | sklearn | safetensors)
        build_protocol_modules
        swiftc "${flags[@]}" -module-name "${target}Fuzz" Fuzz/ModelFileFuzz.swift "Fuzz/Entry/$target.swift" \
            -lInferenceProtocol -lLogitModels -lONNXProto -lSwiftProtobuf -lJSONCodec -lLogitMath -lRealModule \
            -lFoundationEssentials -lFoundation -o "$binary"
        ;;
    oip)
        build_protocol_modules
        swiftc "${flags[@]}" -module-name oipFuzz Fuzz/InferenceRequestFuzz.swift Fuzz/ReferenceJSON.swift \
            -lInferenceProtocol -lLogitModels -lONNXProto -lSwiftProtobuf -lJSONCodec -lLogitMath -lRealModule \
            -lFoundationEssentials -lFoundation -o "$binary"
        ;;
    inflate)
        # ContentCoding alone (zlib through CZlib's module map); the round trip compresses with TestSupport's Zlib.
        mkdir -p "$modules"
        module ContentCoding "" Sources/ContentCoding/*.swift
        swiftc "${flags[@]}" -module-name inflateFuzz Fuzz/InflateFuzz.swift Tests/TestSupport/Zlib.swift \
            -lContentCoding -lz -o "$binary"
        ;;
    *)
        echo "unknown target: $target (known: $all_targets)" >&2
        exit 2
        ;;
    esac
}

if [[ ${1:-} == --build ]]; then
    shift
    for t in "$@"; do build "$t"; done
    exit 0
fi

skip_build=no
if [[ ${1:-} == --no-build ]]; then
    skip_build=yes
    shift
fi
target=${1:?usage: Fuzz/run.sh TARGET SECONDS}
seconds=${2:?usage: Fuzz/run.sh TARGET SECONDS}
shift 2
[[ $skip_build == yes ]] || build "$target"

scratch=${FUZZ_SCRATCH:-$work/$target}
mkdir -p "$scratch" "$work/$target-artifacts"
dict=()
[[ -f Fuzz/$target.dict ]] && dict=(-dict=Fuzz/$target.dict)
# The endpoint targets and json share one dictionary of JSON tokens and field names.
[[ -z ${dict[*]} && -f Fuzz/endpoints.dict && $target =~ ^(json|sigmoid|softmax|linear|classify)$ ]] &&
    dict=(-dict=Fuzz/endpoints.dict)
"$work/$target-fuzz" "$scratch" Fuzz/corpus/"$target" "${dict[@]}" \
    -max_total_time="$seconds" -print_final_stats=1 -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$work/$target-artifacts/" "$@"

#!/usr/bin/env bash
# Regenerates Sources/ONNXProto/onnx-ml.pb.swift from scripts/onnx/onnx-ml.proto. Run by hand, once per
# proto or swift-protobuf update; the build never runs it (the plugin's release build takes ~5-10 min here).
#   scripts/onnx/generate-swift.sh [SWIFT_PROTOBUF_GIT]
# Needs protoc (Debian's protobuf-compiler) and a swift-protobuf checkout at the tag Package.swift names.
#
# onnx-ml.proto is copied unchanged from the `onnx` Python package (onnx==1.23.2, onnx/onnx-ml.proto,
# IR_VERSION 14, Apache-2.0, https://github.com/onnx/onnx); the whole file is kept: trimming messages would
# turn fields such as GraphProto.sparse_initializer into unknown fields the loader could not see and refuse.
set -euo pipefail
cd "$(dirname "$0")/../.."
version=1.39.0
repo=${1:-/opt/swift-packages/apple/swift-protobuf.git}
scratch=/tmp/swift-protobuf-gen
if [[ ! -x $scratch/.build/release/protoc-gen-swift ]]; then
    rm -rf "$scratch"
    git clone --quiet --branch "$version" "$repo" "$scratch"
    (cd "$scratch" && swift build -c release --product protoc-gen-swift)
fi
plugin=$scratch/.build/release/protoc-gen-swift
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
protoc --plugin=protoc-gen-swift="$plugin" --swift_opt=Visibility=Package --swift_out="$out" \
    --proto_path=scripts/onnx scripts/onnx/onnx-ml.proto
target=Sources/ONNXProto/onnx-ml.pb.swift
{
    cat <<HEADER
// ONNX's protobuf messages (onnx-ml.proto from onnx 1.23.2, IR_VERSION 14), generated once and committed so
// that the build needs only swift-protobuf's runtime, never its plugin. Made by scripts/onnx/generate-swift.sh:
//   git clone --branch $version /opt/swift-packages/apple/swift-protobuf.git /tmp/swift-protobuf-gen
//   (cd /tmp/swift-protobuf-gen && swift build -c release --product protoc-gen-swift)
//   protoc --plugin=protoc-gen-swift=/tmp/swift-protobuf-gen/.build/release/protoc-gen-swift \\
//       --swift_opt=Visibility=Package --swift_out=OUT --proto_path=scripts/onnx scripts/onnx/onnx-ml.proto
// with $(protoc --version) (Debian protobuf-compiler) and $("$plugin" --version). The whole proto, untrimmed.

HEADER
    cat "$out/onnx-ml.pb.swift"
} >"$target"
echo "wrote $target ($(wc -l <"$target") lines)"

#!/usr/bin/env bash
# ONNX models end to end: skl2onnx and a torch-style head exported fresh, served by the logitd binary from a
# Triton-like repository, every sample's class and probabilities over HTTP against onnxruntime's; a graph
# logitd does not serve exits 2 with one line naming the file, node and op. See scripts/checks/onnx_check.py.
#   scripts/checks/35-onnx.sh PATH/TO/logitd
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:?usage: $0 PATH/TO/logitd}
python=${LOGITD_TEST_PYTHON:-$(scripts/venv.sh)}
"$python" scripts/checks/onnx_check.py "$bin"

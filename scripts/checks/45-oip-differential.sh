#!/usr/bin/env bash
# The differential check of the Open Inference Protocol (Fuzz/differential-oip/README.md), short: random models
# and inputs of a fixed seed, logitd's V2 answers against NumPy and mpmath, for OIP_DIFF_SECONDS (default 30)
# seconds; first 10 s in which every answer is also altered and the checker must object (it can fail).
# Exit 1 on any disagreement; the failing models and request are kept and their path printed.
# Usage: scripts/checks/45-oip-differential.sh path/to/logitd
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=$1
python=$(scripts/venv.sh)
seed=${OIP_DIFF_SEED:-1}
"$python" Fuzz/differential-oip/oip_diff.py --binary "$bin" --seconds 10 --seed "$seed" --self-test
"$python" Fuzz/differential-oip/oip_diff.py --binary "$bin" --seconds "${OIP_DIFF_SECONDS:-30}" --seed "$seed"

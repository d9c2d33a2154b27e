#!/usr/bin/env bash
# Pictures of the playground page as logitd serves it, made by headless Chromium (Selenium):
# docs/images/playground-desktop.png (1280 px wide) and playground-phone.png (390 px), and the
# README's SVG example, docs/images/softmax-seed.svg, as curl prints it.
#
# usage: scripts/screenshot.sh [LOGITD_BINARY] [OUTPUT_DIR]   (default: the debug build, docs/images)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/apt-install.sh
python=$(scripts/venv.sh)
if [[ -n ${1:-} ]]; then
    bin=$1
else
    swift build --product logitd >&2
    bin="$(swift build --show-bin-path)/logitd"
fi
out=${2:-docs/images}
"$python" scripts/playground/screenshot.py "$bin" "$out"

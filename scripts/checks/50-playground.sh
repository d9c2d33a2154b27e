#!/usr/bin/env bash
# The playground page in headless Chromium (Selenium): no console error, no request leaving the
# origin, the server's numbers on the bars, temperature, sigmoid/softmax, threshold and top-k from the
# keyboard, Tab through every control, a phone-width layout. usage: 50-playground.sh LOGITD_BINARY
set -euo pipefail
cd "$(dirname "$0")/../.."
python=${LOGITD_TEST_PYTHON:-$(scripts/venv.sh)}
exec "$python" scripts/playground/check.py "$1"

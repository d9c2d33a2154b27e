#!/usr/bin/env bash
# The test virtualenv (.venv, ignored by git): every scripts/requirements/pip-*.txt installed into it,
# pinned there. Re-installs only when those files change. Prints the venv's python on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv
shopt -s nullglob
files=(scripts/requirements/pip-*.txt)
stamp=$(cat "${files[@]}" 2> /dev/null | sha256sum | cut -d' ' -f1)
if [[ ! -x $venv/bin/python || "$(cat "$venv/.stamp" 2> /dev/null)" != "$stamp" ]]; then
    echo "venv.sh: installing ${files[*]} into $venv" >&2
    [[ -x $venv/bin/python ]] || python3 -m venv "$venv"
    args=()
    for f in "${files[@]}"; do args+=(-r "$f"); done
    if ((${#args[@]})); then
        "$venv/bin/pip" install --quiet --disable-pip-version-check "${args[@]}" >&2
    fi
    echo "$stamp" > "$venv/.stamp"
fi
echo "$PWD/$venv/bin/python"

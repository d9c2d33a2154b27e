#!/usr/bin/env bash
# Installs with apt-get whatever Debian package named in scripts/requirements/apt.txt is missing
# (one name per line; # starts a comment). Needs root or sudo only when something is missing.
# An argument names another such list (Benchmarks/codec-reference/apt.txt), relative to the
# repository's root or absolute.
set -euo pipefail
cd "$(dirname "$0")/.."
list=${1:-scripts/requirements/apt.txt}
missing=()
while read -r pkg _; do
    [[ -z $pkg || $pkg == \#* ]] && continue
    dpkg-query -W -f='${Status}' "$pkg" 2> /dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done < "$list"
if ((${#missing[@]})); then
    echo "apt-install.sh: installing ${missing[*]}" >&2
    sudo_cmd=""
    [[ $(id -u) == 0 ]] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
fi

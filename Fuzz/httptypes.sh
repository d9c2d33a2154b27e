#!/usr/bin/env bash
# Builds swift-http-types' HTTPTypes module (libHTTPTypes.a and HTTPTypes.swiftmodule) into OUT, for the
# plain-swiftc builds here that compile HTTPServer's Messages: from the git mirror at the version Package.swift
# asks for (HTTPTYPES_GIT, HTTPTYPES_VERSION), or else a SwiftPM checkout (.build*/checkouts). Nothing to do
# when OUT already holds that version. Further arguments are swiftc flags (a sanitizer, say).
#   Fuzz/httptypes.sh OUT [SWIFTC FLAGS...]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: Fuzz/httptypes.sh OUT [SWIFTC FLAGS...]}
shift
version=${HTTPTYPES_VERSION:-1.8.0}
# One build at a time per OUT (Fuzz/smoke.sh builds targets in parallel); the second finds it done.
mkdir -p "$out"
exec 9>"$out/.httptypes.lock"
flock 9
if [[ -f $out/libHTTPTypes.a && $(cat "$out/.httptypes-version" 2>/dev/null) == "$version" ]]; then exit 0; fi
repo=${HTTPTYPES_GIT:-/opt/swift-packages/apple/swift-http-types.git}
[[ -d $repo ]] || repo=$(ls -d .build*/checkouts/swift-http-types 2>/dev/null | head -1)
src=$(mktemp -d)
trap 'rm -rf "$src"' EXIT
git -C "${repo:?no swift-http-types: set HTTPTYPES_GIT}" archive "$version" Sources/HTTPTypes | tar -x -C "$src"
# The availability macros its Package.swift defines (every version available everywhere on Linux).
macros=()
for v in 1.0 1.1 1.2 1.3 1.6 1.7; do macros+=(-enable-experimental-feature "AvailabilityMacro=HTTPTypes $v: macOS 10.0"); done
(cd "$out" && swiftc -parse-as-library -O "$@" -enable-upcoming-feature InternalImportsByDefault \
    -enable-upcoming-feature MemberImportVisibility "${macros[@]}" -module-name HTTPTypes -emit-module \
    -emit-library -static "$src"/Sources/HTTPTypes/*.swift -o libHTTPTypes.a)
echo "$version" >"$out/.httptypes-version"

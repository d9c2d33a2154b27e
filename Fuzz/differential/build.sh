#!/usr/bin/env bash
# Builds parsedump with plain swiftc: the HTTP message types, the request parser and
# parsedump.swift compiled as one module (no SwiftPM, no swift-log: Parsing/ and Messages/ need
# neither), linked with swift-http-types' HTTPTypes module (Fuzz/httptypes.sh). The sources come from this checkout, or from LOGITD_SRC (another checkout's root);
# with LOGITD_REV, from that commit or branch of LOGITD_SRC's repository (read with git archive,
# so a checkout being edited is not disturbed). Prints the binary's path.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="${LOGITD_SRC:-$(cd "$here/../.." && pwd)}"
out="$here/.build"
mkdir -p "$out"
if [[ -n "${LOGITD_REV:-}" ]]; then
    rm -rf "$out/rev"
    mkdir -p "$out/rev"
    git -C "$src" archive "$LOGITD_REV" Sources/HTTPServer/Messages Sources/HTTPServer/Parsing | tar -x -C "$out/rev"
    src="$out/rev"
fi
shopt -s nullglob
parsing=("$src"/Sources/HTTPServer/Parsing/*.swift)
messages=("$src"/Sources/HTTPServer/Messages/*.swift)
if ((${#parsing[@]} == 0)); then
    echo "build.sh: no parser sources in $src/Sources/HTTPServer/Parsing" >&2
    exit 1
fi
# Compile a snapshot, so that an editor saving a file mid-build cannot fail it.
rm -rf "$out/src"
mkdir -p "$out/src"
cp "${messages[@]}" "${parsing[@]}" "$here/parsedump.swift" "$out/src/"
"$here/../httptypes.sh" "$out/modules" >&2
# InternalImportsByDefault, as Package.swift builds them: some files import HTTPTypes as `package`, others plainly.
swiftc -O -parse-as-library -package-name logitd -module-name parsedump -I "$out/modules" -L "$out/modules" \
    -enable-upcoming-feature InternalImportsByDefault -lHTTPTypes "$out"/src/*.swift -o "$out/parsedump" >&2
echo "$out/parsedump"

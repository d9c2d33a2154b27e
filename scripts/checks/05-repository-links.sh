#!/usr/bin/env bash
# Nothing in the repository may point outside it: a fresh clone has to work on its own.
#
# Scans every text file of the tree (git's ignored and generated folders left out) for
#   - Markdown links and HTML href/src whose target is not http(s), mailto or an anchor: the target
#     must exist and lie inside the repository;
#   - paths that leave the repository: `../…` resolved from the file's folder above the root,
#     absolute paths under /work/, and any parent-relative path into the team folders (shared, .library);
#   - symbolic links whose target is outside the repository or missing;
#   - in Markdown, a code span naming a path under one of the repository's top-level folders
#     (`scripts/test.sh`, `docs/api.md`) that does not exist; placeholders (`…`, `*`, `NAME`, `{x}`)
#     are left alone.
# http(s) links are fine. Prints one line per finding and `N passed, N failed` (files); exits 1 on
# any finding. scripts/test.sh runs it with the logitd binary as $1, which it does not need; give a
# folder as $1 to scan that tree instead of this repository.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
[[ -d ${1:-} ]] && root=$(cd "$1" && pwd)
exec python3 - "$root" "$(cd "$(dirname "$0")" && pwd)/$(basename "$0")" << 'EOF'
import os, re, sys

root = os.path.realpath(sys.argv[1])
# Folders that are generated, ignored by git, or not ours: build products, virtualenvs, the bench's
# generated payloads, models and venvs, fuzzing output.
SKIP_DIRS = {".git", ".venv", "__pycache__", "node_modules", ".cache", "payloads", "models", "out", ".work"}
SKIP_PREFIXES = (".build", "corpus-", ".benchmarkBaselines")
SKIP_FILES = {"Package.resolved", ".git"}
# This file names the patterns it looks for: it is left out, here and in any tree scanned.
checker = os.path.relpath(os.path.realpath(sys.argv[2]), os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.realpath(sys.argv[2])))))

LINK = re.compile(r"\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)|(?:href|src)=\"([^\"]+)\"")
# A path that climbs: ../ after a start of token (not inside a longer word or URL).
CLIMB = re.compile(r"(?<![\w.:/-])((?:\.\./)+[\w.@+-][\w./@+-]*|(?:\.\./)*\.\.(?=[\s\"'`)]|$))")
TOP = "|".join(re.escape(d) for d in sorted(os.listdir(root))
               if os.path.isdir(os.path.join(root, d)) and d not in SKIP_DIRS and not d.startswith(SKIP_PREFIXES))
SPAN = re.compile(r"`((?:%s)/[^`\s]*)`" % TOP) if TOP else None
PLACEHOLDER = re.compile(r"[…*{}<>$]|NN|NAME|VERSION")
OUTSIDE = re.compile(r"(?<![\w.-])(/work/[\w./-]*|(?:\.\./)+(?:shared|\.library)\b[\w./-]*)")

def exists(path):
    """The path, or a file of that name with an extension (`Tests/X/FooTests` names FooTests.swift)."""
    if os.path.exists(path):
        return True
    folder, name = os.path.split(path)
    return os.path.isdir(folder) and any(f.startswith(name + ".") for f in os.listdir(folder))

def inside(path):
    return os.path.commonpath([root, os.path.realpath(path)]) == root

def text_files():
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs
                         if d not in SKIP_DIRS and not d.startswith(SKIP_PREFIXES)
                         and not os.path.islink(os.path.join(folder, d)))
        for name in sorted(files) + sorted(d for d in os.listdir(folder)
                                           if os.path.islink(os.path.join(folder, d)) and os.path.isdir(os.path.join(folder, d))):
            if name in SKIP_FILES or os.path.relpath(os.path.join(folder, name), root) == checker:
                continue
            yield os.path.join(folder, name)

problems, scanned, links = [], 0, 0
for path in text_files():
    rel = os.path.relpath(path, root)
    if os.path.islink(path):
        target = os.readlink(path)
        if not inside(path) or not os.path.exists(path):
            problems.append(f"{rel}: symbolic link to {target} leaves the repository or is dangling")
        continue
    with open(path, "rb") as handle:
        data = handle.read()
    if b"\0" in data[:8192]:
        continue  # binary
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        continue
    scanned += 1
    folder = os.path.dirname(path)
    markdown = rel.endswith((".md", ".html", ".yaml", ".yml"))
    for number, line in enumerate(text.splitlines(), 1):
        found = {}
        for match in OUTSIDE.finditer(line):
            found.setdefault(match.group(1).rstrip("."), "is outside the repository")
        for match in CLIMB.finditer(line):
            target = match.group(1).rstrip(".") or match.group(1)
            if not inside(os.path.join(folder, target)):
                found.setdefault(target, f"climbs out of the repository (from {os.path.relpath(folder, root)}/)")
        problems += [f"{rel}:{number}: {target} {why}" for target, why in found.items()]
        if not markdown:
            continue
        if rel.endswith(".md") and SPAN:
            for match in SPAN.finditer(line):
                target = re.split(r"[:#]", match.group(1))[0].rstrip("/.,")
                if PLACEHOLDER.search(target) or not target:
                    continue
                links += 1
                if not any(exists(os.path.join(base, target)) for base in (root, folder)):
                    problems.append(f"{rel}:{number}: {target} does not exist")
        for match in LINK.finditer(line):
            target = match.group(1) or match.group(2)
            if re.match(r"(https?|mailto):|#", target) or "{" in target or "$" in target:
                continue
            links += 1
            file = target.split("#", 1)[0].split("?", 1)[0]
            if file.startswith("/") and rel.endswith(".html"):
                continue  # a page the server serves: /x is a URL of the server, not a file of the tree
            resolved = os.path.join(root, file.lstrip("/")) if file.startswith("/") else os.path.join(folder, file)
            if not inside(resolved):
                if target.rstrip(".") not in found:
                    problems.append(f"{rel}:{number}: link {target} leaves the repository")
            elif not os.path.exists(resolved):
                problems.append(f"{rel}:{number}: link {target} points to nothing ({os.path.relpath(resolved, root)} does not exist)")

for problem in problems:
    print(problem)
failed = len({p.split(":", 1)[0] for p in problems})
print(f"repository links: {scanned} text files, {links} links; {scanned - failed} passed, {failed} failed")
sys.exit(1 if problems else 0)
EOF

#!/usr/bin/env python3
"""Holds parsedump's outcomes against a reference parser's, input by input, and classifies each
disagreement.

    compare.py --inputs in.b64 --meta meta.jsonl --ours ours.jsonl --ref h11=h11.jsonl
               [--ref llhttp=llhttp.jsonl] [--seed N] [--examples 3] [--strict]

Agreement means: both accept, with the same requests (method, target, version, header names
compared case-insensitively and values exactly, body, keep-alive) and the same end of stream
(idle, waiting for more bytes, closed); or both reject after the same requests. Both rejecting
with different statuses is agreement on acceptance and is counted as a note.

Each disagreement gets a class (what each side did, by error name), and a class listed in KNOWN is
one that DISAGREEMENTS.md explains. With --strict the exit status is 1 when any input disagrees in
a class not in KNOWN, or when parsedump reported that an outcome depended on how the bytes were
split: that is what the CI smoke checks.
"""

import argparse
import base64
import collections
import json
import re
import sys

# (reference or "*", regex on the class, section of DISAGREEMENTS.md, kind). First match wins. Kind
# "justified": ours follows the RFC sentence quoted in that section; "bug": ours is wrong and the
# section says what the fix is (printed loudly, but not a --strict failure: it is on record).
KNOWN = [
    ("*", r"\[chunk-ext outside the RFC 9112 grammar\]$", "chunk-ext", "justified"),
    # Since the chunk-ext fix, ours refuses `5;a=` (an empty value) that llhttp takes; a chunk size
    # line ours refuses for its digits alone would be refused by llhttp too.
    ("llhttp", r"^ours rejects \(invalidChunkSize\); ref accepts$", "chunk-ext", "justified"),
    ("*", r"^ours rejects \(invalidHost\); ref (accepts|waits)$", "invalid-host", "justified"),
    # h11
    ("h11", r"^ours (accepts|waits); ref rejects: no request line received$", "leading-empty-lines", "justified"),
    ("h11", r"^ours rejects \(bareLineFeed\); ref (accepts|waits)$", "bare-lf", "justified"),
    ("h11", r"^ours rejects \(bareCarriageReturn\); ref (accepts|waits)$", "bare-cr", "justified"),
    ("h11", r"^ours rejects \(obsoleteLineFolding\); ref (accepts|waits)$", "obs-fold", "justified"),
    ("h11", r"^ours rejects \(invalidHeaderValue\); ref (accepts|waits)$", "control-in-value", "justified"),
    ("h11", r"^ours rejects \(multipleContentLengths\); ref (accepts|waits)$", "duplicate-content-length", "justified"),
    ("h11", r"^ours rejects \(contentLengthWithTransferEncoding\); ref (accepts|waits)$", "cl-and-te", "justified"),
    ("h11", r"^ours rejects \(transferEncodingInHTTPN\); ref (accepts|waits)$", "te-http10", "justified"),
    ("h11", r"^ours rejects \(unsupportedVersion\); ref (accepts|waits)$", "versions", "justified"),
    ("h11", r"^ours rejects \(invalidRequestTarget\); ref (accepts|waits)$", "request-target", "justified"),
    ("h11", r"^ours rejects \(invalidChunkSize\); ref (accepts|waits)$", "chunk-size", "justified"),
    ("h11", r"^ours rejects \((headersTooLarge|bodyTooLarge)\); ref (accepts|waits)$", "limits", "justified"),
    ("h11", r"^ours rejects \(invalidContentLength\); ref waits$", "limits", "justified"),
    ("h11", r"^ours (accepts|waits); ref rejects: illegal chunk header: … \[chunk-ext within", "chunk-ext-bws", "justified"),
    ("h11", r"^ours (accepts|waits); ref rejects: Only Transfer-Encoding: chunked is supported$", "te-empty-list-element", "justified"),
    ("h11", r"^both parse request \d+; keep_alive differs$", "http10-keep-alive", "justified"),
    ("h11", r"^both parse request \d+; header value \(transfer-encoding\) differs$", "te-value-normalized", "justified"),
    ("h11", r"^ours rejects \((invalidHeaderName|bareCarriageReturn|invalidVersion|whitespaceBeforeColon|invalidMethod)\); ref waits$", "detection-timing", "justified"),
    ("h11", r"^ours waits; ref rejects: illegal request line$", "detection-timing", "justified"),
    # llhttp
    ("llhttp", r"^ours (accepts|waits); ref rejects: HPE_INVALID_METHOD", "extension-methods", "justified"),
    ("llhttp", r"^ours (accepts|waits); ref rejects: (HPE_INVALID_CHUNK_SIZE|HPE_STRICT).* \[chunk-ext within", "chunk-ext-bws", "justified"),
    ("llhttp", r"^ours rejects \(multipleHosts\); ref (accepts|waits)$", "multiple-host", "justified"),
    ("llhttp", r"^ours (accepts|waits); ref rejects: (HPE_INVALID_CONTENT_LENGTH: Invalid character|HPE_INVALID_TRANSFER_ENCODING: Request has invalid)", "trailing-ows", "justified"),
    ("llhttp", r"^both parse request \d+; keep_alive differs$", "connection-options", "justified"),
    ("llhttp", r"^ours rejects \(transferEncodingInHTTPN\); ref (accepts|waits)$", "te-http10", "justified"),
    ("llhttp", r"^ours rejects \((headersTooLarge|bodyTooLarge)\); ref (accepts|waits)$", "limits", "justified"),
    ("llhttp", r"^ours rejects \((invalidContentLength|invalidChunkSize)\); ref waits$", "limits", "justified"),
    ("llhttp", r"^ours rejects \(unsupportedVersion\); ref (accepts|waits)$", "versions", "justified"),
    ("llhttp", r"^ours rejects \((invalidVersion|invalidRequestLine)\); ref accepts$", "request-line", "justified"),
    ("llhttp", r"^ours rejects \(invalidRequestTarget\); ref (accepts|waits)$", "request-target", "justified"),
    ("llhttp", r"^ours rejects \(chunkedNotFinal\); ref accepts$", "chunked-not-final", "justified"),
    ("llhttp", r"^ours rejects \(unsupportedTransferCoding\); ref accepts$", "unsupported-coding", "justified"),
    ("llhttp", r"^ours rejects \(bareCarriageReturn\); ref accepts$", "bare-cr", "justified"),
    ("llhttp", r"^ours rejects \(bareLineFeed\); ref (accepts|waits)$", "bare-lf", "justified"),
    ("llhttp", r"^ours waits; ref rejects: (HPE_INVALID_HEADER_TOKEN|HPE_STRICT: Expected LF)", "detection-timing", "justified"),
    ("llhttp", r"^ours accepts; ref upgrades", "upgrade", "justified"),
]

# RFC 9112 §7.1.1: chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ),
# chunk-ext-name = token, chunk-ext-val = token / quoted-string (RFC 9110 §5.6.2, §5.6.4).
_TOKEN = rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_QUOTED = rb'"(?:[\t \x21\x23-\x5b\x5d-\x7e\x80-\xff]|\\[\t \x21-\x7e\x80-\xff])*"'
_BWS = rb"[ \t]*"
CHUNK_EXT = re.compile(
    rb"(?:" + _BWS + rb";" + _BWS + _TOKEN + rb"(?:" + _BWS + rb"=" + _BWS + rb"(?:" + _TOKEN + rb"|" + _QUOTED + rb"))?)*"
)
CHUNK_LINE = re.compile(rb"\r\n([0-9A-Fa-f]+)([ \t]*;[^\r\n]*)\r\n")


def refine(cls: str, data: bytes) -> str:
    """Splits a class about chunk extensions by whether the input's extensions fit the grammar.

    A heuristic on the raw bytes (any line that looks like `size;ext`): good enough to tell a
    reference's strictness about BWS apart from our leniency about what follows the `;`.
    """
    if not re.search(r"chunk (header|size|extension)", cls) or not cls.startswith(("ours accepts", "ours waits")):
        return cls
    bad = [m.group(2) for m in CHUNK_LINE.finditer(data) if not CHUNK_EXT.fullmatch(m.group(2))]
    return cls + (" [chunk-ext outside the RFC 9112 grammar]" if bad else " [chunk-ext within the grammar]")


def error_name(outcome: dict) -> str:
    e = outcome.get("error", "")
    e = re.sub(r"\(.*", "", e) if re.match(r"^[a-zA-Z]+\(", e) else e  # Swift: invalidHeaderValue(name: "X")
    e = re.sub(r"(bytearray|b)\(?b?['\"].*", "…", e)  # h11 quotes the offending bytes
    e = re.sub(r"\d+", "N", e)
    return e[:80]


def summary(o: dict) -> str:
    n = len(o["requests"])
    if o["ok"]:
        return f"accept {n} request(s), {o['end']}"
    return f"reject {o['status']} after {o['after']}: {o['error'][:100]}"


def same_request(a: dict, b: dict):
    """None when equal, else the name of the first field that differs."""
    for key in ("method", "target", "version"):
        if a[key] != b[key]:
            return key
    ha, hb = a["headers"], b["headers"]
    if len(ha) != len(hb):
        return "header count"
    for (na, va), (nb, vb) in zip(ha, hb):
        if na.lower() != nb.lower():
            return "header name"
        if va != vb:
            return f"header value ({na.lower()})"
    if a["body_b64"] != b["body_b64"]:
        return "body"
    if a["keep_alive"] != b["keep_alive"]:
        return "keep_alive"
    return None


def terminal(o: dict, name: str) -> str:
    """How a side's stream ended after its last complete request, as a phrase."""
    if not o["ok"]:
        return f"rejects ({error_name(o)})" if name == "ours" else f"rejects: {error_name(o)}"
    return {"idle": "accepts", "pending": "waits", "closed": "closes", "upgrade": "upgrades"}[o["end"]]


def classify(ours: dict, ref: dict):
    """None when the two agree, else a class named for the first point where they diverge.

    Requests are compared pairwise first, so a stream that both parse alike up to request i and
    then split is classified by what each did at request i, not by what came after.
    """
    a, b = ours["requests"], ref["requests"]
    for i, (x, y) in enumerate(zip(a, b)):
        d = same_request(x, y)
        if d:
            return f"both parse request {i}; {d} differs"
    if len(a) == len(b):
        if ours["ok"] and ref["ok"] and ours["end"] == ref["end"]:
            return None
        if not ours["ok"] and not ref["ok"]:
            return None
        return f"ours {terminal(ours, 'ours')}; ref {terminal(ref, 'ref')}"
    if len(a) > len(b):
        return f"ours accepts; ref {terminal(ref, 'ref')}"
    return f"ours {terminal(ours, 'ours')}; ref accepts"


def known(ref_name: str, cls: str, truncated: bool):
    for name, pattern, section, kind in KNOWN:
        if name in (ref_name, "*") and re.search(pattern, cls):
            return section, kind
    # A stream cut short inside a request, where one side has not decided yet: which one rejects
    # first depends only on how early each checks, and the bytes that would settle it are missing.
    if truncated and re.search(r"\bwaits\b", cls):
        return "detection-timing", "justified"
    return None, None


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--inputs", required=True)
    p.add_argument("--meta")
    p.add_argument("--ours", required=True)
    p.add_argument("--ref", action="append", default=[], help="NAME=FILE")
    p.add_argument("--seed", type=int, default=0, help="only to print reproduction commands")
    p.add_argument("--examples", type=int, default=3)
    p.add_argument("--strict", action="store_true")
    a = p.parse_args()

    with open(a.inputs) as f:
        inputs = [line.strip() for line in f]
    meta = load(a.meta) if a.meta else [[] for _ in inputs]
    ours = load(a.ours)
    if len(ours) != len(inputs):
        print(f"compare: {len(inputs)} inputs but {len(ours)} parsedump lines", file=sys.stderr)
        return 2
    failed = False

    splits = [i for i, o in enumerate(ours) if "split_mismatch" in o]
    accepted = sum(1 for o in ours if o["ok"])
    print(f"inputs: {len(inputs)}; ours accepts {accepted}, rejects {len(inputs) - accepted}")
    print(f"split-dependent outcomes (parser bug by itself): {len(splits)}")
    for i in splits[: a.examples]:
        print(f"  #{i} {ours[i]['split_mismatch']}: {base64.b64decode(inputs[i])[:200]!r}")
    if splits:
        failed = True

    for spec in a.ref:
        name, path = spec.split("=", 1)
        refs = load(path)
        if len(refs) != len(inputs):
            print(f"compare: {len(inputs)} inputs but {len(refs)} {name} lines", file=sys.stderr)
            return 2
        classes = collections.defaultdict(list)
        # A class is known only if every input in it is explained; "truncated" is per input.
        sections = collections.defaultdict(set)
        agree = collections.Counter()
        status_notes = collections.Counter()
        for i, (o, r) in enumerate(zip(ours, refs)):
            cls = classify(o, r)
            if cls is not None:
                cls = refine(cls, base64.b64decode(inputs[i]))
            if cls is None:
                if o["ok"]:
                    agree[f"accept ({o['end']})"] += 1
                else:
                    agree["reject"] += 1
                    if o["status"] != r["status"]:
                        status_notes[f"ours {o['status']} ({error_name(o)}), {name} {r['status']} ({error_name(r)})"] += 1
            else:
                classes[cls].append(i)
                sections[cls].add(known(name, cls, "truncated" in meta[i]))
        total_dis = sum(len(v) for v in classes.values())
        print()
        print(f"=== ours vs {name}: {len(inputs) - total_dis} agree "
              f"({', '.join(f'{k} {v}' for k, v in sorted(agree.items()))}), {total_dis} disagree "
              f"in {len(classes)} classes")
        for cls, idx in sorted(classes.items(), key=lambda kv: -len(kv[1])):
            if (None, None) in sections[cls]:
                section, kind = None, None
            else:
                section, kind = known(name, cls, False)
                if section is None:  # explained input by input (all truncated)
                    section, kind = sorted(sections[cls])[0]
            mark = {"justified": f"justified: {section}", "bug": f"OPEN BUG: {section}", None: "UNEXPLAINED"}[kind]
            if not section:
                failed = True
            tags = collections.Counter(t for i in idx for t in meta[i])
            top = ", ".join(f"{t} {c}" for t, c in tags.most_common(6))
            print(f"\n[{len(idx)}] {cls}   <{mark}>\n    tags: {top}")
            for i in idx[: a.examples]:
                data = base64.b64decode(inputs[i])
                print(f"    #{i}: {data[:240]!r}{'…' if len(data) > 240 else ''}")
                print(f"        ours: {summary(ours[i])}")
                print(f"        {name}: {summary(refs[i])}")
                print(f"        repro: generate.py --seed {a.seed} --index {i} --raw")
        if status_notes:
            print(f"\n  both reject, different status (not a disagreement):")
            for k, v in status_notes.most_common(10):
                print(f"    {v}: {k}")
    if a.strict and failed:
        print("\ncompare: unexplained disagreements or split-dependent outcomes", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

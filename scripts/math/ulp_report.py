#!/usr/bin/env python3
"""The ulp error distribution (max, 99th percentile, median) of LogitMath and of scipy against the
mpmath references in Tests/LogitMathTests/Fixtures, on the same inputs.

LogitMath's values come from the `logitmath-dump` executable of the Benchmarks package (built here with
`swift build -c release` unless --dump names a binary). Error = |(computed − hi)/ulp(hi) − frac|, with
(hi, frac) from the fixture (see make_fixtures.py). Results that are NaN or ±∞ where the reference is
finite are counted apart, not averaged in. Run from the repository root: `python3 scripts/math/ulp_report.py`.
"""
import argparse
import math
import os
import subprocess
import sys

import numpy as np
import scipy.special

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(ROOT, "Tests", "LogitMathTests", "Fixtures")
sys.path.insert(0, os.path.dirname(__file__))
from make_fixtures import random_logits  # noqa: E402  (the same SplitMix64 rows)


def ulp_error(computed, hi, frac):
    if math.isinf(hi):
        return None  # the exact value is out of range: LogitMath refuses it; not an ulp question
    if not math.isfinite(computed):
        return math.inf
    ulp = 5e-324 if hi == 0 else math.ulp(hi)
    return abs((computed - hi) / ulp - frac)


class Tally:
    def __init__(self):
        self.errors = []
        self.nonfinite = 0

    def add(self, e):
        if e is None:
            return
        if math.isinf(e):
            self.nonfinite += 1
        else:
            self.errors.append(e)

    def line(self, name):
        a = np.array(self.errors)
        return "%-34s n=%7d  max %12.4g  p99 %8.3f  median %6.3f  non-finite %d" % (
            name, len(a) + self.nonfinite, a.max(), np.percentile(a, 99), np.median(a), self.nonfinite)


def read(name):
    with open(os.path.join(FIXTURES, name)) as fh:
        return [line.split() for line in fh if not line.startswith("#")]


def build_dump():
    bench = os.path.join(ROOT, "Benchmarks")
    subprocess.run(["swift", "build", "-c", "release", "--scratch-path", ".build-bench", "--product", "logitmath-dump"],
                   cwd=bench, check=True, stdout=subprocess.DEVNULL)
    return os.path.join(bench, ".build-bench", "release", "logitmath-dump")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dump", help="a built logitmath-dump binary")
    args = parser.parse_args()
    dump = args.dump or build_dump()

    sig = read("sigmoid.txt")
    xs = [float(r[0]) for r in sig]
    softmax_rows = []  # (name, T, x, p refs, lp refs)
    lines = read("softmax.txt")
    i = 0
    while i < len(lines):
        _, name, t, n = lines[i]
        body = lines[i + 1:i + 1 + int(n)]
        softmax_rows.append((name, float(t), [float(r[0]) for r in body],
                             [(float(r[1]), float(r[2])) for r in body], [(float(r[3]), float(r[4])) for r in body]))
        i += 1 + int(n)
    large = read("softmax_large.txt")
    seed, n, scale, t = large[0]
    x = random_logits(int(seed), int(n), float(scale))
    softmax_rows.append(("large", float(t), x, [(float(r[0]), float(r[1])) for r in large[1:]],
                         [(float(r[2]), float(r[3])) for r in large[1:]]))

    request = ["sigmoid " + " ".join(repr(v) for v in xs)]
    request += ["softmax %r %s" % (t, " ".join(repr(v) for v in x)) for _, t, x, _, _ in softmax_rows]
    out = subprocess.run([dump], input="\n".join(request) + "\n", capture_output=True, text=True, check=True)
    out = out.stdout.splitlines()

    ours = {k: Tally() for k in ("sigmoid", "sigmoidDerivative", "logSigmoid", "softmax", "logSoftmax")}
    theirs = {k: Tally() for k in ("expit", "expit*(1-expit)", "expit(x)*expit(-x)", "log_expit",
                                   "special.softmax", "special.log_softmax")}
    with np.errstate(all="ignore"):
        xa = np.array(xs)
        e = scipy.special.expit(xa)
        d1 = e * (1 - e)
        d2 = e * scipy.special.expit(-xa)
        le = scipy.special.log_expit(xa)
    for k, row in enumerate(sig):
        s, d, l = (float(v) for v in out[k].split())
        refs = [(float(row[1]), float(row[2])), (float(row[3]), float(row[4])), (float(row[5]), float(row[6]))]
        ours["sigmoid"].add(ulp_error(s, *refs[0]))
        ours["sigmoidDerivative"].add(ulp_error(d, *refs[1]))
        ours["logSigmoid"].add(ulp_error(l, *refs[2]))
        theirs["expit"].add(ulp_error(float(e[k]), *refs[0]))
        theirs["expit*(1-expit)"].add(ulp_error(float(d1[k]), *refs[1]))
        theirs["expit(x)*expit(-x)"].add(ulp_error(float(d2[k]), *refs[1]))
        theirs["log_expit"].add(ulp_error(float(le[k]), *refs[2]))

    pos = len(sig)
    refused_rows = []
    for name, t, x, p_ref, lp_ref in softmax_rows:
        p_line, lp_line = out[pos], out[pos + 1]
        pos += 2
        p = [float(v) for v in p_line.split()]
        refused = lp_line == "error"  # LogitMath refuses a row whose log-softmax leaves the Double range
        lp = [math.nan] * len(x) if refused else [float(v) for v in lp_line.split()]
        if refused:
            refused_rows.append("%s T=%r" % (name, t))
        with np.errstate(all="ignore"):
            xt = np.array(x) / t
            sp = scipy.special.softmax(xt)
            slp = scipy.special.log_softmax(xt)
        for j in range(len(x)):
            ours["softmax"].add(ulp_error(p[j], *p_ref[j]))
            if not refused:
                ours["logSoftmax"].add(ulp_error(lp[j], *lp_ref[j]))
            theirs["special.softmax"].add(ulp_error(float(sp[j]), *p_ref[j]))
            theirs["special.log_softmax"].add(ulp_error(float(slp[j]), *lp_ref[j]))

    print("ulp error against mpmath (50 digits); %d sigmoid points, %d softmax rows (%d elements)" % (
        len(xs), len(softmax_rows), sum(len(r[2]) for r in softmax_rows)))
    print("scipy %s (softmax of x/T computed as scipy.special.softmax(x / T))" % scipy.__version__)
    for k, tally in ours.items():
        print(tally.line("LogitMath " + k))
    for k, tally in theirs.items():
        print(tally.line("scipy " + k))
    print("LogitMath logSoftmax refused (nonFiniteResult; an element's exact value is below -1.8e308): %s"
          % ", ".join(refused_rows))


if __name__ == "__main__":
    main()

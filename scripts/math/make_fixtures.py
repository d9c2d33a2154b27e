#!/usr/bin/env python3
"""Writes the LogitMath reference fixtures: sigmoid, σ′, log σ, softmax and log-softmax to 50 digits.

Every reference is computed with mpmath at 50 significant digits from the exact binary value of each
input (an mpf made from a float is exact), then written as the nearest Double (`hi`, the shortest repr
that reads back to it) plus `frac = (reference − hi) / ulp(hi)`, so a test can measure its error in
ulps to about 1/1000 ulp without parsing 50-digit numbers: error = (computed − hi) / ulp(hi) − frac.
`hi` is rounded correctly (Fraction → float is exact round-to-nearest, subnormals included); mpmath's
own float() is not trusted below 2^-1022 because it can round twice.

Run from the repository root: `python3 scripts/math/make_fixtures.py` (mpmath 1.3.0).
"""
import math
import os
from fractions import Fraction

import mpmath
from mpmath import mp, mpf

mp.dps = 50
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "LogitMathTests", "Fixtures")
TINY = mpf(2) ** -1100  # far below half the least subnormal: rounds to 0 with frac 0.000


def split(v):
    """(hi, frac): the Double nearest to mpf v, and (v − hi) / ulp(hi) to 3 decimals."""
    if mpmath.isinf(v):
        return ("-inf" if v < 0 else "inf"), "0"
    if abs(v) < TINY:
        return "0.0", "0"
    sign, man, exp, _ = v._mpf_  # exactly (−1)^sign · man · 2^exp
    if exp + man.bit_length() > 1100:
        return ("-inf" if v < 0 else "inf"), "0"
    f = Fraction(man) * (Fraction(2) ** exp) * (-1 if sign else 1)
    try:
        hi = float(f)
    except OverflowError:
        return ("-inf" if v < 0 else "inf"), "0"
    if math.isinf(hi):
        return repr(hi), "0"
    ulp = math.ulp(hi)
    frac = (f - Fraction(hi)) / Fraction(ulp)
    return repr(hi), "%.3f" % float(frac)


def sigma(x):
    return 1 / (1 + mpmath.exp(-x))


def dsigma(x):
    return sigma(x) * sigma(-x)


def logsigma(x):
    return -mpmath.log1p(mpmath.exp(-x)) if x >= 0 else x - mpmath.log1p(mpmath.exp(x))


def splitmix64(seed):
    """The generator LogitMathTests.SplitMix64 reproduces bit for bit."""
    state = seed
    while True:
        state = (state + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
        yield z ^ (z >> 31)


def random_logits(seed, n, scale):
    """n logits uniform in [−scale, scale): every step is one IEEE operation, so Swift gets the same bits."""
    gen = splitmix64(seed)
    return [((next(gen) >> 11) * 2.0**-53 * 2.0 - 1.0) * scale for _ in range(n)]


SEED_ROW = [0.49671415, -0.1382643, 0.64768854, 1.52302986, -0.23415337]


def sigmoid_grid():
    xs = {0.0, -0.0}
    for a in [1e-300, 5e-324, 1e-20, 1e-8, 0.5, 1, 2, 5, 10, 20, 30, 36, 36.04365338911715, 37, 40, 50,
              100, 300, 700, 708, 709, 709.782712893384, 710, 720, 730, 740, 744, 745, 745.2, 746, 800,
              1000, 1e4, 1e10, 1e100, 1e308, 1.7976931348623157e308]:
        xs.update([a, -a])
    xs.update(SEED_ROW)
    xs.update(random_logits(1, 2000, 40.0))    # the range where all three functions do real work
    xs.update(random_logits(2, 1000, 760.0))   # the tails, down into the subnormals
    xs.update(random_logits(3, 300, 1.0))
    for k in range(-60, 11):                   # log-spaced magnitudes, 2^-60 … 2^10
        xs.update([math.ldexp(1.37, k), -math.ldexp(1.37, k)])
    return sorted(xs)


def write_sigmoid():
    lines = ["# x  sigmoid(hi frac)  sigmoidDerivative(hi frac)  logSigmoid(hi frac); frac = (ref - hi)/ulp(hi)"]
    for x in sigmoid_grid():
        v = mpf(x)
        cols = [repr(x)]
        for f in (sigma, dsigma, logsigma):
            cols.extend(split(f(v)))
        lines.append(" ".join(cols))
    with open(os.path.join(OUT, "sigmoid.txt"), "w") as fh:
        fh.write("\n".join(lines) + "\n")


def softmax_ref(row, t):
    """softmax(x/T) and log-softmax, from d_i = (x_i − max)/T exactly."""
    m = max(mpf(x) for x in row)
    d = [(mpf(x) - m) / mpf(t) for x in row]
    # log Σ as log1p of the terms other than the (first) maximum's 1: log(1 + 1e−60) at 50 digits is 0.
    top = d.index(max(d))
    rest = mpmath.fsum(mpmath.exp(v) for i, v in enumerate(d) if i != top)
    s = 1 + rest
    logs = mpmath.log1p(rest)
    return [mpmath.exp(v) / s for v in d], [v - logs for v in d]


TEMPERATURES = [1e-300, 1e-10, 0.01, 0.5, 1.0, 3.0, 1e10, 1e300]
ROWS = {
    "seed": SEED_ROW,
    "close_large": [1000.0, 1001.0],
    "extreme": [1e308, -1e308],
    "extreme_three": [1.7976931348623157e308, -1.7976931348623157e308, 0.0],
    "equal": [3.0, 3.0, 3.0, 3.0],
    "tiny": [1e-300, -1e-300, 0.0],
    "spread": [0.0, -1.0, -30.0, -700.0, -745.0, -1e5],
    "near_one": [0.0, -40.0, -50.0],
    "single": [42.0],
    "random_small": random_logits(4, 16, 5.0),
    "random_wide": random_logits(5, 64, 400.0),
}
LARGE_SEED, LARGE_N, LARGE_SCALE = 6, 100_000, 30.0


def write_softmax():
    lines = ["# row NAME T N, then per element: x  softmax(hi frac)  logSoftmax(hi frac)"]
    for name, row in ROWS.items():
        for t in TEMPERATURES:
            p, lp = softmax_ref(row, t)
            lines.append("row %s %r %d" % (name, t, len(row)))
            for x, a, b in zip(row, p, lp):
                lines.append(" ".join([repr(x), *split(a), *split(b)]))
    with open(os.path.join(OUT, "softmax.txt"), "w") as fh:
        fh.write("\n".join(lines) + "\n")

    row = random_logits(LARGE_SEED, LARGE_N, LARGE_SCALE)
    p, lp = softmax_ref(row, 1.0)
    lines = ["# splitmix64 seed, n, scale, T; then per element: softmax(hi frac) logSoftmax(hi frac)",
             "%d %d %r %r" % (LARGE_SEED, LARGE_N, LARGE_SCALE, 1.0)]
    for a, b in zip(p, lp):
        lines.append(" ".join([*split(a), *split(b)]))
    with open(os.path.join(OUT, "softmax_large.txt"), "w") as fh:
        fh.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    assert mpmath.__version__ == "1.3.0", mpmath.__version__
    write_sigmoid()
    write_softmax()

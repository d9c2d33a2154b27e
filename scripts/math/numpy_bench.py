#!/usr/bin/env python3
"""numpy/scipy timings on the same data as Benchmarks/ (SplitMix64 uniforms, same seeds), to set beside
`swift package benchmark`. Prints the median and the minimum of repeated runs, in microseconds.

Run with OpenBLAS left to pick its own kernel: `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 scripts/math/numpy_bench.py`.
"""
import statistics
import timeit

import numpy as np
import scipy
import scipy.special

GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def uniform(seed, count, scale):
    """Bit for bit the Doubles of Benchmarks/…/LogitMathBenchmarks.swift `uniform(seed:count:scale:)`."""
    with np.errstate(over="ignore"):
        z = np.uint64(seed) + GOLDEN * np.arange(1, count + 1, dtype=np.uint64)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return ((z >> np.uint64(11)).astype(np.float64) * 2.0**-53 * 2.0 - 1.0) * scale


def measure(name, fn, seconds=3.0):
    number = max(1, int(0.05 / max(timeit.timeit(fn, number=1), 1e-7)))
    runs = []
    deadline = timeit.default_timer() + seconds
    while timeit.default_timer() < deadline or len(runs) < 5:
        runs.append(timeit.timeit(fn, number=number) / number * 1e6)
    print("%-22s median %10.1f us   min %10.1f us   (%d runs of %d)" % (name, statistics.median(runs), min(runs),
                                                                      len(runs), number))


if __name__ == "__main__":
    print("numpy %s, scipy %s" % (np.__version__, scipy.__version__))
    for n in (1000, 131_072, 1_048_576):
        x = uniform(7, n, 30.0)
        measure("softmax %d" % n, lambda: scipy.special.softmax(x))
    x = uniform(7, 131_072, 30.0)
    measure("logSoftmax 131072", lambda: scipy.special.log_softmax(x))
    measure("sigmoid 131072", lambda: scipy.special.expit(x))
    w = uniform(8, 1_000_000, 1.0).reshape(1000, 1000)
    v = uniform(9, 1000, 1.0)
    b = uniform(10, 1000, 1.0)
    measure("linear 1000x1000", lambda: w @ v + b)

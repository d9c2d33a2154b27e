"""numpy's side of the head-product benchmark (run.sh runs it; numpy from requirements-oip.txt).

  head_product.py write DIR          the oip `head` model's operands, drawn as gen_payloads.py --oip draws
                                     them (same seed, same order): DIR/w.f64 (1000x2048), x.f64 (2048, the
                                     float32 features widened), b.f64 (1000), little-endian Doubles
  head_product.py time DIR [SECONDS] times y = W @ x + b (float64, C-contiguous W) for SECONDS after a warm-up,
                                     writes DIR/y.numpy.f64, prints "numpy <best us> <median us> <count>"
  head_product.py check DIR NAME...  each DIR/y.NAME.f64 against the correctly rounded W.x + b (every product
                                     split exactly in two Doubles, each row summed by math.fsum), prints
                                     "NAME max <ulps> median <ulps>" per result
The BLAS thread count is OpenBLAS's own (OPENBLAS_NUM_THREADS, read when numpy loads).
"""

import math
import pathlib
import sys
import time

import numpy as np

OIP_SEED = 20240602  # gen_payloads.py's
ROWS, COLUMNS = 1000, 2048


def write(directory: pathlib.Path) -> None:
    rng = np.random.default_rng(OIP_SEED)
    rng.integers(150)  # gen_payloads.py draws the iris row first
    w = rng.normal(0.0, 0.05, (ROWS, COLUMNS))
    b = rng.normal(0.0, 0.1, ROWS)
    x = rng.normal(0.0, 1.0, COLUMNS).astype(np.float32).astype(np.float64)
    directory.mkdir(parents=True, exist_ok=True)
    for name, array in (("w", w), ("x", x), ("b", b)):
        array.astype("<f8").tofile(directory / f"{name}.f64")


def load(directory: pathlib.Path):
    w = np.fromfile(directory / "w.f64", dtype="<f8").reshape(ROWS, COLUMNS)
    return w, np.fromfile(directory / "x.f64", dtype="<f8"), np.fromfile(directory / "b.f64", dtype="<f8")


def timing(directory: pathlib.Path, seconds: float) -> None:
    w, x, b = load(directory)
    for _ in range(20):
        y = w @ x + b
    samples = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end or len(samples) < 10:
        start = time.perf_counter_ns()
        y = w @ x + b
        samples.append((time.perf_counter_ns() - start) / 1000)
    samples.sort()
    y.astype("<f8").tofile(directory / "y.numpy.f64")
    print(f"numpy {samples[0]:.1f} {samples[len(samples) // 2]:.1f} {len(samples)}")


def two_product(a, b):
    """a*b = p + e exactly (Dekker's split; no FMA needed), elementwise."""
    split = 134217729.0  # 2^27 + 1
    def halves(v):
        t = split * v
        hi = t - (t - v)
        return hi, v - hi
    p = a * b
    ah, al = halves(a)
    bh, bl = halves(b)
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    return p, e


def check(directory: pathlib.Path, names) -> None:
    w, x, b = load(directory)
    p, e = two_product(w, x[None, :])
    exact = np.array([math.fsum([*p[j], *e[j], b[j]]) for j in range(ROWS)])
    ulp = np.spacing(np.abs(exact))
    for name in names:
        y = np.fromfile(directory / f"y.{name}.f64", dtype="<f8")
        ulps = np.abs(y - exact) / ulp
        print(f"{name} max {ulps.max():.2f} median {np.median(ulps):.2f} ulps")


if __name__ == "__main__":
    command, directory, *rest = sys.argv[1:]
    if command == "write":
        write(pathlib.Path(directory))
    elif command == "time":
        timing(pathlib.Path(directory), float(rest[0]) if rest else 2.0)
    elif command == "check":
        check(pathlib.Path(directory), rest)
    else:
        sys.exit(__doc__)

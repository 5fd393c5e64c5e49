"""Benchmark: the scoring pipeline in numpy (``scoring``) against plain Python.

Pipeline for N providers x 6 departments of seeded random scores (about 8 %
missing): composite with re-weighting (min 4 departments), exact k-means
stars (k = 5), Wilson 95 % intervals and empirical-Bayes shrinkage of
satisfaction rates.

The plain-Python pipeline uses lists only, with the same algorithms: the
same weighted re-normalisation, and an exact k-means DP with the same
divide-and-conquer optimisation (O(k n log n)), in which the longest prefix
of each DP row is solved first so that its split bounds all the others (as
``scoring._monotone_dp`` does), so the ratio measures numpy
against the interpreter, not a better algorithm against a worse one. When
``--python-providers`` is set below N (default: N, no scaling), each Python step is timed at that size
and scaled to N: linear steps linearly, sorting and k-means by n log n. The
printout says so.

Usage::

    .venv/bin/python benchmarks/scoring.py [--providers N] [--python-providers M]

The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import bisect
import json
import math
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scoring import composite_scores, shrink_rates, stars_by_kmeans, wilson_interval  # noqa: E402

WEIGHTS = [0.25, 0.15, 0.15, 0.15, 0.10, 0.20]
MIN_DEPARTMENTS = 4
LEVELS = 5
Z = 1.959963984540054


def make_data(n, seed=20240601, continuous=False):
    rng = np.random.default_rng(seed)
    scores = np.clip(rng.normal(78, 9, (n, 6)), 0, 100)
    if not continuous:
        # Score sheets give department scores to 0.1 point.
        scores = np.round(scores, 1)
    scores[rng.random((n, 6)) < 0.08] = np.nan
    respondents = rng.integers(0, 300, n)
    satisfied = rng.binomial(respondents, rng.beta(8, 2, n))
    return scores, satisfied, respondents


# ---------------------------------------------------------------- numpy pipeline


def numpy_pipeline(scores, satisfied, respondents):
    composite = composite_scores(scores, WEIGHTS, MIN_DEPARTMENTS)
    stars = stars_by_kmeans(composite, LEVELS)
    lower, upper = wilson_interval(satisfied, respondents, Z)
    shrunk = shrink_rates(satisfied, respondents)
    return composite, stars, (lower, upper), shrunk.rates


# --------------------------------------------------------- plain-Python pipeline


def py_composite(rows, weights, min_departments):
    nan = float("nan")
    out = []
    for row in rows:
        total_w = acc = 0.0
        count = 0
        for v, w in zip(row, weights):
            if v == v:
                total_w += w
                acc += w * v
                count += 1
        out.append(acc / total_w if count >= min_departments and total_w > 0 else nan)
    return out


def py_kmeans_cuts(values, k):
    """Ascending cut points of the exact k-means clustering, plain Python."""
    counts = {}
    for v in values:
        if v == v:
            counts[v] = counts.get(v, 0) + 1
    xs = sorted(counts)
    n = len(xs)
    if n <= k:
        return xs[1:] + [math.inf] * (k - n)
    median = xs[n // 2]
    w = [0.0] * (n + 1)
    s1 = [0.0] * (n + 1)
    s2 = [0.0] * (n + 1)
    for i, x in enumerate(xs):
        c = counts[x]
        y = x - median
        w[i + 1] = w[i] + c
        s1[i + 1] = s1[i] + c * y
        s2[i + 1] = s2[i] + c * y * y

    def cost(j, i):
        d = s1[i + 1] - s1[j]
        return s2[i + 1] - s2[j] - d * d / (w[i + 1] - w[j])

    inf = math.inf
    prev = [cost(0, i) for i in range(n)]
    args = []
    for c in range(1, k - 1):
        row = [inf] * n
        arg = [0] * n
        # The last row first, by a full scan: its split bounds every other row's from above.
        best, best_j = inf, c
        for j in range(c, n):
            v = prev[j - 1] + cost(j, n - 1)
            if v < best:
                best, best_j = v, j
        row[n - 1], arg[n - 1] = best, best_j
        stack = [(c, n - 2, c, best_j)] if c <= n - 2 else []
        while stack:
            lo, hi, jlo, jhi = stack.pop()
            mid = (lo + hi) // 2
            best, best_j = inf, jlo
            for j in range(jlo, min(jhi, mid) + 1):
                v = prev[j - 1] + cost(j, mid)
                if v < best:
                    best, best_j = v, j
            row[mid] = best
            arg[mid] = best_j
            if lo < mid:
                stack.append((lo, mid - 1, jlo, best_j))
            if mid < hi:
                stack.append((mid + 1, hi, best_j, jhi))
        prev = row
        args.append(arg)
    best, last = inf, k - 1
    for j in range(k - 1, n):
        v = prev[j - 1] + cost(j, n - 1)
        if v < best:
            best, last = v, j
    starts = [0] * k
    starts[k - 1] = last
    for c in range(k - 2, 0, -1):
        starts[c] = args[c - 1][starts[c + 1] - 1]
    return [xs[s] for s in starts[1:]]


def py_stars(values, cuts):
    return [0 if v != v else 1 + bisect.bisect_right(cuts, v) for v in values]


def py_wilson(xs, ns, z):
    lower, upper = [], []
    for x, n in zip(xs, ns):
        if n == 0:
            lower.append(float("nan"))
            upper.append(float("nan"))
            continue
        p = x / n
        z2n = z * z / n
        denom = 1 + z2n
        centre = (p + z2n / 2) / denom
        half = z * math.sqrt(p * (1 - p) / n + z2n / (4 * n)) / denom
        lower.append(0.0 if x == 0 else max(0.0, centre - half))
        upper.append(1.0 if x == n else min(1.0, centre + half))
    return lower, upper


def py_shrink(xs, ns):
    pairs = [(x, n) for x, n in zip(xs, ns) if n > 0]
    total = sum(n for _, n in pairs)
    m = sum(x for x, _ in pairs) / total
    k = len(pairs)
    q = sum(n * (x / n - m) ** 2 for x, n in pairs)
    denom = total - sum(n * n for _, n in pairs) / total - (k - 1)
    rho = (q / (m * (1 - m)) - (k - 1)) / denom if denom > 0 and 0 < m < 1 else 0.0
    if rho <= 0:
        return [m] * len(xs)
    strength = 1 / min(rho, 1.0) - 1
    return [m if n == 0 else (x + strength * m) / (n + strength) for x, n in zip(xs, ns)]


PY_STEPS = ("composite", "kmeans stars", "wilson", "shrinkage")


def python_pipeline(rows, xs, ns, timings=None):
    t0 = time.perf_counter()
    composite = py_composite(rows, WEIGHTS, MIN_DEPARTMENTS)
    t1 = time.perf_counter()
    stars = py_stars(composite, py_kmeans_cuts(composite, LEVELS))
    t2 = time.perf_counter()
    wilson = py_wilson(xs, ns, Z)
    t3 = time.perf_counter()
    shrunk = py_shrink(xs, ns)
    t4 = time.perf_counter()
    if timings is not None:
        timings.append((t1 - t0, t2 - t1, t3 - t2, t4 - t3))
    return composite, stars, wilson, shrunk


# ------------------------------------------------------------------- harness


# Best of 5 on both sides: the shared 2-core machine drifts by a quarter between runs.
REPEAT = 5


def best_of(fn, repeat=REPEAT):
    best = math.inf
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def peak_mb(fn):
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--providers", type=int, default=200_000)
    ap.add_argument("--python-providers", type=int, default=None,
                    help="size for the plain-Python timing (default: N), scaled to N")
    ap.add_argument("--continuous", action="store_true",
                    help="unrounded department scores (default: 0.1-point scores as on score sheets)")
    args = ap.parse_args(argv)
    n = args.providers
    n_py = min(n, args.python_providers or n)

    scores, satisfied, respondents = make_data(n, continuous=args.continuous)
    np_time = best_of(lambda: numpy_pipeline(scores, satisfied, respondents))
    composite = composite_scores(scores, WEIGHTS, MIN_DEPARTMENTS)
    steps_np = [
        best_of(lambda: composite_scores(scores, WEIGHTS, MIN_DEPARTMENTS)),
        best_of(lambda: stars_by_kmeans(composite, LEVELS)),
        best_of(lambda: wilson_interval(satisfied, respondents, Z)),
        best_of(lambda: shrink_rates(satisfied, respondents)),
    ]
    np_peak = peak_mb(lambda: numpy_pipeline(scores, satisfied, respondents))

    rows = scores[:n_py].tolist()
    xs, ns = satisfied[:n_py].tolist(), respondents[:n_py].tolist()
    timings = []
    for _ in range(REPEAT):
        result_py = python_pipeline(rows, xs, ns, timings)
    py_steps = [min(t[i] for t in timings) for i in range(4)]
    py_peak = peak_mb(lambda: python_pipeline(rows, xs, ns))

    # Same answers: numpy on the first n_py providers against plain Python.
    comp, stars, (lo, _), shrunk = numpy_pipeline(scores[:n_py], satisfied[:n_py], respondents[:n_py])
    same = (
        np.allclose(comp, result_py[0], equal_nan=True)
        and stars.stars.tolist() == result_py[1]
        and np.allclose(lo, result_py[2][0], equal_nan=True)
        and np.allclose(shrunk, result_py[3])
    )

    linear = n / n_py
    nlogn = (n * math.log2(n)) / (n_py * math.log2(n_py)) if n_py > 1 else linear
    scale = [linear, nlogn, linear, linear]
    py_scaled = [t * s for t, s in zip(py_steps, scale)]
    py_time = sum(py_scaled)
    ratio = py_time / np_time

    distinct = np.unique(numpy_pipeline(scores, satisfied, respondents)[0]).size
    kind = "unrounded" if args.continuous else "0.1-point"
    print(f"scoring pipeline, {n:,} providers x 6 departments ({kind} scores, "
          f"{distinct:,} distinct composites), k = {LEVELS}, best of {REPEAT}")
    print(f"{'step':<14}{'numpy s':>10}{'python s':>12}{'ratio':>9}")
    for name, a, b in zip(PY_STEPS, steps_np, py_scaled):
        print(f"{name:<14}{a:>10.4f}{b:>12.3f}{b / a if a > 0 else math.inf:>9.0f}")
    print(f"{'pipeline':<14}{np_time:>10.4f}{py_time:>12.3f}{ratio:>9.0f}")
    print(f"peak traced memory: numpy {np_peak:.1f} MB at N = {n:,}; "
          f"plain Python {py_peak:.1f} MB at n = {n_py:,}")
    if n_py < n:
        print(f"plain Python was timed at n = {n_py:,} and scaled to N = {n:,}: "
              f"x{linear:.2f} for linear steps, x{nlogn:.2f} (n log n) for sorting + k-means")
    print(f"numpy and plain Python agree on the first {n_py:,} providers: {same}")
    print(json.dumps({
        "providers": n,
        "seconds": round(np_time, 4),
        "python_seconds": round(py_time, 3),
        "ratio": round(ratio, 1),
        "peak_mb": round(np_peak, 1),
    }))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())

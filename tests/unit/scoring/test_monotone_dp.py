"""The vectorised divide and conquer fills the same DP rows as a full scan of every split."""

from __future__ import annotations

import numpy as np
import pytest

from scoring._monotone_dp import fill_row, schedule


def prefix_sums(values, counts):
    x = values - np.median(values)
    w = np.concatenate(([0.0], np.cumsum(counts)))
    s1 = np.concatenate(([0.0], np.cumsum(counts * x)))
    s2 = np.concatenate(([0.0], np.cumsum(counts * x * x)))
    return s1, s2, w


def full_scan_row(prev, s1, s2, w):
    """Every split j <= i of every row i, with the same candidate formula; leftmost argmin."""
    n = prev.size
    a = np.concatenate(([np.inf], prev[:-1] - s2[1:n]))
    i = np.arange(n)[:, None]
    j = np.arange(n)[None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        d = s1[i + 1] - s1[j]
        vals = a[j] - d * d / (w[i + 1] - w[j])
    vals = np.where(j <= i, vals, np.inf)
    arg = np.argmin(vals, axis=1)
    return vals[np.arange(n), arg] + s2[1:], arg


def data(kind, n, rng):
    if kind == "normal":
        v = rng.normal(78, 9, 4 * n)
    elif kind == "tenths":
        v = np.round(rng.normal(78, 9, 4 * n), 1)
    elif kind == "bimodal":
        v = np.r_[rng.normal(0, 1, 2 * n), rng.normal(40, 3, 2 * n)]
    else:  # evenly spaced: many equally good splits
        v = np.arange(4 * n, dtype=float)
    values, counts = np.unique(v, return_counts=True)
    return values[:n], counts[:n].astype(float)


@pytest.mark.parametrize("n", [2, 3, 4, 5, 17, 64, 255, 256, 257, 1023, 1025])
@pytest.mark.parametrize("kind", ["normal", "tenths", "bimodal", "evenly spaced"])
def test_divide_and_conquer_rows_equal_a_full_scan(n, kind):
    values, counts = data(kind, n, np.random.default_rng(n))
    n = values.size
    if n < 2:
        pytest.skip("needs two distinct values")
    s1, s2, w = prefix_sums(values, counts)
    levels = schedule(n, s1, w, s2)
    row = s2[1:] - s1[1:] ** 2 / w[1:]
    for c in range(1, 5):
        expected, expected_arg = full_scan_row(row, s1, s2, w)
        got, got_arg = fill_row(row, s1, s2, w, levels)
        feasible = np.arange(n) >= c
        np.testing.assert_array_equal(got[feasible], expected[feasible])
        np.testing.assert_array_equal(got_arg[feasible], expected_arg[feasible])
        assert np.isinf(got[~feasible]).all()
        row = got

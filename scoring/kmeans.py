"""Exact, deterministic one-dimensional k-means (最优一维聚类).

The optimum is found by dynamic programming over the sorted values, as in
Ckmeans.1d.dp (Wang & Song 2011, *The R Journal* 3(2):29-33). Each row of
the DP table is filled with the divide-and-conquer optimisation, which is
valid because the within-cluster sum of squares satisfies the quadrangle
(Monge) inequality, so the leftmost optimal split is monotone in the right
end of the cluster. The divide-and-conquer recursion is run breadth-first
and vectorised (``_monotone_dp``): every level of the recursion is one batch
of numpy operations over O(n) candidate splits, giving O(k n log n) work
after sorting and only O(k log n) Python-level steps.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._distinct import distinct_counts
from ._monotone_dp import fill_row, schedule

__all__ = ["KMeans1D", "kmeans_1d"]  # fit and count_reached serve stars.py


class KMeans1D(NamedTuple):
    """Result of :func:`kmeans_1d`.

    Attributes
    ----------
    labels : ndarray of int64, shape (n,)
        Cluster of each input value, ``0`` for the lowest cluster, ``-1``
        for NaN input.
    centers : ndarray of float64, shape (m,)
        Cluster means in ascending order; ``m = min(k, distinct values)``.
    lower_bounds : ndarray of float64, shape (m,)
        Smallest value in each cluster (ascending).
    withinss : float
        Total within-cluster sum of squares (NaN values excluded).
    """

    labels: np.ndarray
    centers: np.ndarray
    lower_bounds: np.ndarray
    withinss: float


def _optimal_starts(values, weights, k):
    """Start index of each of the k clusters of sorted distinct ``values``."""
    # Centring keeps the prefix sums of squares small, which protects the
    # cost differences from cancellation (Ckmeans does the same with the median).
    # The values are sorted: the median is the middle one (or the mean of the middle two,
    # as np.median takes it), without np.median's partition of a copy.
    half = values.size // 2
    x = values - (values[half] if values.size % 2 else np.mean(values[half - 1 : half + 1]))
    n = x.size
    w, s1, s2 = np.zeros((3, n + 1))
    np.cumsum(weights, out=w[1:])
    wx = weights * x
    np.cumsum(wx, out=s1[1:])
    wx *= x
    np.cumsum(wx, out=s2[1:])
    row = s2[1:] - s1[1:] ** 2 / w[1:]
    args = []
    levels = schedule(n, s1, w, s2) if k > 2 else []
    for _ in range(1, k - 1):
        row, arg = fill_row(row, s1, s2, w, levels)
        args.append(arg)
    if k > 1:
        # The last row is needed at i = n - 1 only: one vectorised minimum.
        d = s1[n] - s1[k - 1 : n]
        vals = row[k - 2 : n - 1] + (s2[n] - s2[k - 1 : n]) - d * d / (w[n] - w[k - 1 : n])
        last = k - 1 + int(vals.argmin())
    starts = [0] * k
    if k > 1:
        starts[k - 1] = last
        for c in range(k - 2, 0, -1):
            starts[c] = int(args[c - 1][starts[c + 1] - 1])
    return np.asarray(starts, dtype=np.int64)


def kmeans_1d(x, k):
    """Optimal k-means clustering of one-dimensional data.

    Minimises the total within-cluster sum of squares exactly. Ties between
    equally good partitions are broken deterministically (the leftmost
    optimal split), and equal values always share a cluster.

    Parameters
    ----------
    x : array_like of float, shape (n,)
        Values; NaN entries are ignored and labelled ``-1``.
    k : int
        Number of clusters, ``k >= 1``. With fewer than ``k`` distinct
        values every distinct value becomes its own cluster.

    Returns
    -------
    KMeans1D
        Labels (int64, shape (n,)), centers, lower bounds and the total
        within-cluster sum of squares.

    Examples
    --------
    >>> r = kmeans_1d([1.0, 1.1, 5.0, 5.2, 9.0, float("nan")], 3)
    >>> r.labels.tolist()
    [0, 0, 1, 1, 2, -1]
    >>> r.lower_bounds.tolist()
    [1.0, 5.0, 9.0]
    >>> round(r.withinss, 3)
    0.025
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError("x must be one-dimensional")
    present, values, counts, starts = fit(x, k)
    if values.size == 0:
        empty = np.empty(0)
        return KMeans1D(np.full(x.shape, -1, dtype=np.int64), empty, empty, 0.0)
    m = starts.size
    cluster_of_value = np.zeros(values.size, dtype=np.int64)
    cluster_of_value[starts[1:]] = 1
    cluster_of_value = np.cumsum(cluster_of_value)
    labels = count_reached(x, present, values[starts[1:]], 0)
    weight = np.bincount(cluster_of_value, weights=counts, minlength=m)
    centers = np.bincount(cluster_of_value, weights=counts * values, minlength=m) / weight
    dev = values - centers[cluster_of_value]
    withinss = float(np.sum(counts * dev * dev))
    return KMeans1D(labels, centers, values[starts], withinss)


def fit(x, k):
    """The optimal clusters of the non-NaN values of ``x`` (float64, 1-D).

    Returns the mask of non-NaN entries, the sorted distinct values, their
    counts (int64) and the index in ``values`` where each cluster starts.
    """
    k = int(k)
    if k < 1:
        raise ValueError("k must be at least 1")
    present = ~np.isnan(x)
    # Distinct values and their counts only: the labels come from the cut points afterwards.
    values, counts = distinct_counts(x[present])
    m = min(k, values.size)
    if m == values.size:
        starts = np.arange(m, dtype=np.int64)
    else:
        starts = _optimal_starts(values, counts.astype(np.float64), m)
    return present, values, counts, starts


def count_reached(x, present, cuts, base):
    """``base`` plus the number of ascending ``cuts`` each value reaches; ``base - 1`` for NaN.

    Returns int64 of the shape of ``x``. Cluster c holds the values from its
    cut point on, so ``base = 0`` gives cluster labels and ``base = 1`` stars.
    """
    if cuts.size > 8:
        out = np.full(x.shape, base - 1, dtype=np.int64)
        out[present] = base + np.searchsorted(cuts, x[present], side="right")
        return out
    # With a few cut points, counting the cuts each value reaches is several times
    # faster than a binary search, in int8 (NaN reaches no cut).
    reached = present.astype(np.int8)
    if base != 1:
        reached += np.int8(base - 1)
    for cut in cuts:
        reached += x >= cut
    return reached.astype(np.int64)

"""Exact, deterministic one-dimensional k-means (最优一维聚类).

The optimum is found by dynamic programming over the sorted values, as in
Ckmeans.1d.dp (Wang & Song 2011, *The R Journal* 3(2):29-33). Each row of
the DP table is filled with the divide-and-conquer optimisation, which is
valid because the within-cluster sum of squares satisfies the quadrangle
(Monge) inequality, so the leftmost optimal split is monotone in the right
end of the cluster. The divide-and-conquer recursion is run breadth-first
and fully vectorised: every level of the recursion is one batch of numpy
operations over O(n) candidate splits, giving O(k n log n) work after
sorting and only O(k log n) Python-level steps.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["KMeans1D", "kmeans_1d"]


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


def _segment_first_argmin(values, seg_starts, seg_of):
    # np.minimum.reduceat returns one of the actual elements, so an exact
    # comparison finds it; the first hit per segment is the leftmost argmin,
    # which keeps the result deterministic when splits tie.
    seg_min = np.minimum.reduceat(values, seg_starts)
    hits = np.flatnonzero(values == seg_min[seg_of])
    seg_hit = seg_of[hits]
    first = np.empty(hits.size, dtype=bool)
    first[0] = True
    np.not_equal(seg_hit[1:], seg_hit[:-1], out=first[1:])
    return seg_min, hits[first]


def _fill_row(prev, s1, s2, w, first_i):
    """One DP row: best cost of x[0..i] with one more cluster, for i >= first_i."""
    n = prev.size
    cost = np.full(n, np.inf)
    arg = np.zeros(n, dtype=np.int64)
    # a_j is the part of the candidate cost that depends on the split j only;
    # the s2[i + 1] term is constant per i and does not change the argmin.
    a = np.full(n, np.inf)
    a[1:] = prev[:-1] - s2[1:n]
    lo_i = np.array([first_i], dtype=np.int64)
    hi_i = np.array([n - 1], dtype=np.int64)
    lo_j = np.array([first_i], dtype=np.int64)
    hi_j = np.array([n - 1], dtype=np.int64)
    while lo_i.size:
        mid = (lo_i + hi_i) // 2
        top = np.minimum(hi_j, mid)
        lengths = top - lo_j + 1
        starts = np.zeros(lengths.size, dtype=np.int64)
        np.cumsum(lengths[:-1], out=starts[1:])
        seg_of = np.repeat(np.arange(lengths.size), lengths)
        j = np.arange(lengths.sum()) - np.repeat(starts - lo_j, lengths)
        s1_i = s1[mid + 1][seg_of]
        w_i = w[mid + 1][seg_of]
        d = s1_i - s1[j]
        vals = a[j] - d * d / (w_i - w[j])
        seg_min, at = _segment_first_argmin(vals, starts, seg_of)
        best = j[at]
        cost[mid] = seg_min + s2[mid + 1]
        arg[mid] = best
        left = mid - 1 >= lo_i
        right = mid + 1 <= hi_i
        lo_i, hi_i, lo_j, hi_j = (
            np.concatenate((lo_i[left], mid[right] + 1)),
            np.concatenate((mid[left] - 1, hi_i[right])),
            np.concatenate((lo_j[left], best[right])),
            np.concatenate((best[left], hi_j[right])),
        )
    return cost, arg


def _optimal_starts(values, weights, k):
    """Start index of each of the k clusters of sorted distinct ``values``."""
    # Centring keeps the prefix sums of squares small, which protects the
    # cost differences from cancellation (Ckmeans does the same with the median).
    x = values - np.median(values)
    w = np.concatenate(([0.0], np.cumsum(weights)))
    s1 = np.concatenate(([0.0], np.cumsum(weights * x)))
    s2 = np.concatenate(([0.0], np.cumsum(weights * x * x)))
    n = x.size
    row = s2[1:] - s1[1:] ** 2 / w[1:]
    args = []
    for c in range(1, k - 1):
        row, arg = _fill_row(row, s1, s2, w, c)
        args.append(arg)
    if k > 1:
        # The last row is needed at i = n - 1 only: one vectorised minimum.
        j = np.arange(k - 1, n)
        d = s1[n] - s1[j]
        vals = row[j - 1] + (s2[n] - s2[j]) - d * d / (w[n] - w[j])
        last = int(j[np.argmin(vals)])
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
    k = int(k)
    if k < 1:
        raise ValueError("k must be at least 1")
    present = ~np.isnan(x)
    labels = np.full(x.shape, -1, dtype=np.int64)
    # Distinct values and their counts from one plain sort: np.unique's inverse needs an argsort,
    # about three times the cost; the labels come from the cut points afterwards instead.
    ordered = np.sort(x[present])
    if ordered.size == 0:
        empty = np.empty(0)
        return KMeans1D(labels, empty, empty, 0.0)
    first = np.empty(ordered.size, dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    at = np.flatnonzero(first)
    values = ordered[at]
    counts = np.diff(np.append(at, ordered.size))
    m = min(k, values.size)
    if m == values.size:
        starts = np.arange(m, dtype=np.int64)
    else:
        starts = _optimal_starts(values, counts.astype(np.float64), m)
    cluster_of_value = np.zeros(values.size, dtype=np.int64)
    cluster_of_value[starts[1:]] = 1
    cluster_of_value = np.cumsum(cluster_of_value)
    # Cluster c holds the values from values[starts[c]] on. With a few cut points, counting the
    # cuts each value reaches is several times faster than a binary search (no masked gather).
    cuts = values[starts[1:]]
    if cuts.size <= 8:
        reached = np.zeros(x.shape, dtype=np.int8)
        for cut in cuts:
            reached += x >= cut
        labels = reached.astype(np.int64)
        labels[~present] = -1
    else:
        labels[present] = np.searchsorted(cuts, x[present], side="right")
    weight = np.bincount(cluster_of_value, weights=counts, minlength=m)
    centers = np.bincount(cluster_of_value, weights=counts * values, minlength=m) / weight
    dev = values - centers[cluster_of_value]
    withinss = float(np.sum(counts * dev * dev))
    return KMeans1D(labels, centers, values[starts], withinss)

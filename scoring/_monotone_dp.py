"""Rows of the exact 1-D k-means DP by vectorised divide and conquer.

Row ``c`` of the DP holds, for every prefix ``x[0..i]`` of the sorted distinct
values, the least within-cluster sum of squares with ``c + 1`` clusters:

    D_c(i) = min_{j <= i} D_{c-1}(j - 1) + SSQ(j, i)

and the leftmost minimising ``j`` (where the last cluster starts). SSQ satisfies
the quadrangle inequality, so the leftmost argmin is non-decreasing in ``i``
and divide and conquer over the rows finds it exactly, whatever the order in
which rows are visited: each row only searches between the argmins of the
nearest rows already solved on either side.

Two things make this fast in numpy (it was the bottleneck of rating 200,000
providers):

- The row of the last value is solved first by one full scan. Its argmin
  bounds every other row from above; without it, the rightmost segment of
  every level searches about n/2 columns for nothing.
- The recursion tree depends on ``n`` only, so it is built once
  (:func:`schedule`) and shared by all rows. Each level then costs a handful
  of passes over one contiguous span of columns: the brackets of a level's
  segments overlap only at their ends, so every column belongs to at most one
  segment, apart from each segment's first column, which is evaluated apart.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Level", "fill_row", "schedule"]

# Runs per column above which a level is "deep": see _search_owned.
_MANY = 1 / 16


class Level:
    """One level of the recursion: its rows (ascending) and what is static about them."""

    __slots__ = ("mid", "left", "right", "s1", "w", "s2")

    def __init__(self, mid, lo_i, hi_i, s1, w, s2):
        # Where fill_row keeps the argmins of the rows just left and right of each segment.
        self.mid, self.left, self.right = mid, lo_i, hi_i + 2
        # Prefix sums at mid + 1: the cluster x[j..mid] uses s[mid + 1] - s[j].
        self.s1, self.w, self.s2 = s1[mid + 1], w[mid + 1], s2[mid + 1]


def schedule(n, s1, w, s2):
    """Levels of the divide-and-conquer recursion over rows ``0 .. n-2``.

    Row ``n - 1`` is left out: :func:`fill_row` solves it first. Within a level
    the segments are in row order, so their column brackets are too.
    """
    levels = []
    lo = np.array([0], dtype=np.int64)
    hi = np.array([n - 2], dtype=np.int64)
    lo, hi = lo[lo <= hi], hi[lo <= hi]
    while lo.size:
        mid = (lo + hi) >> 1
        levels.append(Level(mid, lo, hi, s1, w, s2))
        # Children interleaved (left, right) keep the segments in row order.
        child_lo = np.empty(2 * lo.size, dtype=np.int64)
        child_hi = np.empty(2 * lo.size, dtype=np.int64)
        child_lo[0::2], child_hi[0::2] = lo, mid - 1
        child_lo[1::2], child_hi[1::2] = mid + 1, hi
        alive = child_lo <= child_hi
        lo, hi = child_lo[alive], child_hi[alive]
    return levels


def _split_values(a, s1, w, j, s1_i, w_i):
    """Candidate costs without the s2 term of the row: a_j - (S1_i - s1_j)^2 / (W_i - w_j)."""
    d = s1_i - s1[j]
    return a[j] - d * d / (w_i - w[j])


def fill_row(prev, s1, s2, w, levels):
    """One DP row from the previous one.

    Parameters
    ----------
    prev : ndarray of float64, shape (n,)
        Previous row, ``inf`` where infeasible (fewer values than clusters).
    s1, s2, w : ndarray of float64, shape (n + 1,)
        Prefix sums of weighted centred values, their squares and the weights.
    levels : list of Level
        From :func:`schedule` for this ``n``.

    Returns
    -------
    cost : ndarray of float64, shape (n,)
        The new row, ``inf`` where infeasible.
    arg : ndarray of int64, shape (n,)
        Leftmost start of the last cluster for each row (meaningless where
        ``cost`` is ``inf``).
    """
    n = prev.size
    # a_j: the part of a candidate's cost that depends on the split j only;
    # the s2[i + 1] term is the same for every j of row i. The trailing inf
    # pads the span so that reduceat indices may point one past its end.
    a = np.empty(n + 1)
    a[0] = np.inf
    np.subtract(prev[:-1], s2[1:n], out=a[1:n])
    a[n] = np.inf
    cost = np.empty(n)
    # bound[i + 1] = argmin of row i; bound[0] = 0 stands for "no row to the left".
    bound = np.zeros(n + 1, dtype=np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        d = s1[n] - s1[:n]
        last = a[:n] - d * d / (w[n] - w[:n])
        at = int(np.argmin(last))
        cost[n - 1] = last[at] + s2[n]
        bound[n] = at
        for level in levels:
            _solve_level(level, a, s1, w, bound, cost)
    return cost, bound[1:]


def _solve_level(level, a, s1, w, bound, cost):
    mid = level.mid
    lo_j = bound[level.left]
    top = np.minimum(bound[level.right], mid)
    # Each segment's first column, on its own: it may be shared with the segment before.
    best_v = _split_values(a, s1, w, lo_j, level.s1, level.w)
    best = lo_j.copy()
    # The other columns (lo_j, top] of the segments that have any. Deep in the
    # recursion most have none, so the per-segment work below is done for these only.
    owned = np.flatnonzero(top > lo_j)
    if owned.size:
        _search_owned(level, owned, lo_j, top, a, s1, w, best_v, best)
    cost[mid] = best_v + level.s2
    bound[mid + 1] = best


def _search_owned(level, owned, lo_j, top, a, s1, w, best_v, best):
    """Best column in (lo_j, top] of each owned segment; updates best_v and best where it wins."""
    g = owned.size
    span0 = int(lo_j[owned[0]]) + 1
    span1 = int(top[owned[-1]]) + 1
    starts = lo_j[owned] + (1 - span0)
    ends = top[owned] + (1 - span0)
    # The span in runs: each segment's range, then the gap before the next one.
    lengths = np.empty(2 * g, dtype=np.int64)
    lengths[0::2] = ends - starts
    np.subtract(starts[1:], ends[:-1], out=lengths[1:-1:2])
    lengths[-1] = 0
    many = g >= _MANY * (span1 - span0)
    if many:
        # Many short runs (the deep levels): one repeat for the segment numbers, then gathers.
        seg = np.repeat(_interleave(np.arange(g), g), lengths)

        def spread(values, filler):
            return np.append(values, filler)[seg]
    else:
        # Few long runs (the upper levels): repeat is close to a memset.
        def spread(values, filler):
            return np.repeat(_interleave(values, filler), lengths)

    # Gap columns get S1 = 0 and W = inf: their values stay finite and are never read back.
    d = spread(level.s1[owned], 0.0)
    d -= s1[span0:span1]
    d *= d
    denom = spread(level.w[owned], np.inf)
    denom -= w[span0:span1]
    d /= denom
    v = np.subtract(a[span0:span1], d, out=d)
    if not many:
        # Few long ranges: reduceat costs per range, little per column.
        bounds = np.empty(2 * g, dtype=np.int64)
        bounds[0::2], bounds[1::2] = starts, ends
        seg_min = np.minimum.reduceat(np.append(v, np.inf), bounds)[0::2]
        better = np.flatnonzero(seg_min < best_v[owned])
        if not better.size:
            return
        hits = np.flatnonzero(v == spread(seg_min, np.nan))
        first = hits[np.searchsorted(hits, starts[better])]
    else:
        # Many short ranges: ufunc.at costs per column, little per range.
        seg_min = np.full(g + 1, np.inf)
        np.minimum.at(seg_min, seg, v)
        better = np.flatnonzero(seg_min[:g] < best_v[owned])
        if not better.size:
            return
        hits = np.flatnonzero(v == seg_min[seg])
        hit_seg = seg[hits]
        leading = np.ones(hits.size, dtype=bool)
        np.not_equal(hit_seg[1:], hit_seg[:-1], out=leading[1:])
        at = np.empty(g + 1, dtype=np.int64)
        at[hit_seg[leading]] = hits[leading]
        first = at[better]
    # first: the leftmost column reaching its segment's minimum.
    target = owned[better]
    best_v[target] = seg_min[better]
    best[target] = first + span0


def _interleave(values, filler):
    out = np.full(2 * values.size, filler, dtype=values.dtype)
    out[0::2] = values
    return out

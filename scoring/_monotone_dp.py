"""Rows of the exact 1-D k-means DP by vectorised divide and conquer.

Row ``c`` of the DP holds, for every prefix ``x[0..i]`` of the sorted distinct
values, the least within-cluster sum of squares with ``c + 1`` clusters:

    D_c(i) = min_{j <= i} D_{c-1}(j - 1) + SSQ(j, i)

and the leftmost minimising ``j`` (where the last cluster starts). SSQ satisfies
the quadrangle inequality, so the leftmost argmin is non-decreasing in ``i``
and divide and conquer over the rows finds it exactly, whatever the order in
which rows are visited: each row only searches between the argmins of the
nearest rows already solved on either side.

Every level costs a few dozen numpy calls, so on the deep levels the calls'
own overhead counts: the thin forms are used (``a.nonzero()[0]`` rather than
``np.flatnonzero``, ``np.empty`` and ``fill`` rather than ``np.full``).

Three things make this fast in numpy (it was the bottleneck of rating 200,000
providers):

- The row of the last value is solved first by one full scan. Its argmin
  bounds every other row from above; without it, the rightmost segment of
  every level searches about n/2 columns for nothing.
- The recursion tree depends on ``n`` only, so it is built once
  (:func:`schedule`) and shared by all rows. It is a complete binary tree
  over ``2**m - 1`` rows (the rows past the last value repeat the last row),
  so the rows of each level, and the rows bounding them, are evenly spaced:
  reading and writing them are strided slices, not gathers and scatters.
- Each level costs a handful of passes over one contiguous span of columns:
  the brackets of a level's segments overlap only at their ends, so every
  column belongs to at most one segment, apart from each segment's first
  column, which is evaluated apart.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Level", "fill_row", "schedule"]

# Owned ranges per column above which a level counts as deep, and the number of
# ranges up to which a plain loop beats the vectorised searches: see _search_owned.
_MANY = 1 / 16
_FEW = 8


class Level:
    """One level of the recursion: its evenly spaced rows and what is static about them."""

    __slots__ = ("mid", "rows", "found", "left", "right", "s1", "w", "s2")

    def __init__(self, h, size, s1, w, s2, n):
        # Rows h-1, 3h-1, 5h-1, ...; the rows bounding them are h to their left and right.
        self.mid = np.arange(h - 1, size, 2 * h)
        self.rows = slice(h - 1, size, 2 * h)
        # In fill_row's bound array (argmin of row i at i + 1): the rows themselves,
        # and the rows mid - h and mid + h that bound them.
        self.found = slice(h, size + 1, 2 * h)
        self.left = slice(0, size + 2 - 2 * h, 2 * h)
        self.right = slice(2 * h, size + 2, 2 * h)
        # Prefix sums at mid + 1 (the cluster x[j..mid] uses s[mid + 1] - s[j]),
        # with rows past the last value taken as the last row.
        end = np.minimum(self.mid + 1, n)
        self.s1, self.w, self.s2 = s1[end], w[end], s2[end]


def schedule(n, s1, w, s2):
    """Levels of the divide-and-conquer recursion, root first, for ``n >= 2`` values."""
    m = max(1, int(n - 1).bit_length())
    size = (1 << m) - 1  # >= n - 1 rows
    return [Level(1 << (m - 1 - depth), size, s1, w, s2, n) for depth in range(m)]


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
    # the s2[i + 1] term is the same for every j of row i. Split 0 would leave
    # the earlier clusters nothing.
    a = np.empty(n)
    a[0] = np.inf
    np.subtract(prev[:-1], s2[1:n], out=a[1:])
    size = levels[-1].mid[-1] + 1 if levels else 0
    cost = np.empty(size)
    # bound[i + 1] = argmin of row i; bound[0] = 0 stands for "no row to the left",
    # bound[size + 1] for "no row to the right": the last row's argmin.
    bound = np.zeros(size + 2, dtype=np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        d = s1[n] - s1[:n]
        last = a[:n] - d * d / (w[n] - w[:n])
        at = int(last.argmin())
        bound[size + 1] = at
        for level in levels:
            _solve_level(level, a, s1, w, bound, cost)
    row = np.empty(n)
    row[: n - 1] = cost[: n - 1]
    row[n - 1] = last[at] + s2[n]
    arg = bound[1 : n + 1].copy()
    arg[n - 1] = at
    return row, arg


def _solve_level(level, a, s1, w, bound, cost):
    mid = level.mid
    lo_j = bound[level.left]
    top = np.minimum(bound[level.right], mid)
    # Each segment's first column, on its own: it may be shared with the segment before.
    best_v = _split_values(a, s1, w, lo_j, level.s1, level.w)
    best = lo_j.copy()
    # The other columns (lo_j, top] of the segments that have any. Deep in the
    # recursion most have none, so the per-segment work below is done for these only.
    owned = (top > lo_j).nonzero()[0]
    if owned.size:
        _search_owned(level, owned, lo_j, top, a, s1, w, best_v, best)
    np.add(best_v, level.s2, out=cost[level.rows])
    bound[level.found] = best


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
    seg = None
    if g >= _MANY * (span1 - span0):
        # Many short runs (the deep levels): one repeat for the segment numbers, then gathers.
        seg = np.repeat(_interleave(np.arange(g), g), lengths)

        def spread(values, filler):
            return np.concatenate((values, (filler,)))[seg]
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
    incumbent = best_v[owned]
    if g <= _FEW:
        better, seg_min, first = _scan_each(v, starts, ends, incumbent)
    elif seg is None:
        better, seg_min, first = _scan_long(v, starts, ends, incumbent, spread)
    else:
        better, seg_min, first = _scan_short(v, seg, incumbent)
    target = owned[better]
    best_v[target] = seg_min
    best[target] = first + span0


# Each scan returns, for the ranges whose minimum beats the incumbent (their first
# column), which ones they are, that minimum, and the leftmost column reaching it.

def _scan_each(v, starts, ends, incumbent):
    # A handful of ranges (the top levels): argmin of a slice is leftmost by definition.
    first = np.array([lo + int(v[lo:hi].argmin()) for lo, hi in zip(starts.tolist(), ends.tolist())])
    better = (v[first] < incumbent).nonzero()[0]
    return better, v[first[better]], first[better]


def _scan_long(v, starts, ends, incumbent, spread):
    # Few long ranges: reduceat costs per range, little per column.
    bounds = np.empty(2 * starts.size, dtype=np.int64)
    bounds[0::2], bounds[1::2] = starts, ends
    seg_min = np.minimum.reduceat(np.concatenate((v, (np.inf,))), bounds)[0::2]
    better = (seg_min < incumbent).nonzero()[0]
    if not better.size:
        return better, seg_min[better], better
    # The first hit at or after a range's start is its leftmost minimum.
    hits = (v == spread(seg_min, np.nan)).nonzero()[0]
    return better, seg_min[better], hits[np.searchsorted(hits, starts[better])]


def _scan_short(v, seg, incumbent):
    # Many short ranges: ufunc.at costs per column, little per range.
    g = incumbent.size
    seg_min = np.empty(g + 1)
    seg_min.fill(np.inf)
    np.minimum.at(seg_min, seg, v)
    better = (seg_min[:g] < incumbent).nonzero()[0]
    if not better.size:
        return better, seg_min[better], better
    hits = (v == seg_min[seg]).nonzero()[0]
    hit_seg = seg[hits]
    leading = np.ones(hits.size, dtype=bool)
    np.not_equal(hit_seg[1:], hit_seg[:-1], out=leading[1:])
    first = np.empty(g + 1, dtype=np.int64)
    first[hit_seg[leading]] = hits[leading]
    return better, seg_min[better], first[better]


def _interleave(values, filler):
    out = np.empty(2 * values.size, dtype=values.dtype)
    out[0::2] = values
    out[1::2] = filler
    return out

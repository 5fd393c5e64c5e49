"""Star ratings (物业服务星级评定): thresholds, quota by rank, exact k-means, guardrail.

Every method works the same way: it chooses ascending ``cut_points`` and then
stars are assigned from the cut points alone by :func:`stars_from_cut_points`.
Because a star is a function of the score only, equal scores always get equal
stars, and the published cut points reproduce every star exactly.

Conventions shared by all functions here:

* ``cut_points[j]`` is the lowest score earning ``j + 2`` stars, so there are
  ``levels - 1`` cut points, ascending; scores below ``cut_points[0]`` get 1 star.
* A cut point of ``+inf`` means nobody reached that level.
* NaN scores ("not rated", 未评定) get 0 stars.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .kmeans import count_reached, fit

__all__ = [
    "CMS_NURSING_HOME_SHARES",
    "DEFAULT_STAR_THRESHOLDS",
    "StarResult",
    "apply_guardrail",
    "stars_by_kmeans",
    "stars_by_quota",
    "stars_by_thresholds",
    "stars_from_cut_points",
]

#: Lowest score for 5, 4, 3 and 2 stars; anything lower is 1 star.
DEFAULT_STAR_THRESHOLDS = (90.0, 80.0, 70.0, 60.0)

#: Shares of rated providers from 5 stars down to 1 star, as in the CMS
#: nursing-home Five-Star Quality Rating System: top 10 %, three middle
#: bands of 23.33 % each, bottom 20 %.
CMS_NURSING_HOME_SHARES = (0.10, 0.70 / 3, 0.70 / 3, 0.70 / 3, 0.20)


class StarResult(NamedTuple):
    """Stars and the cut points that produced them.

    Attributes
    ----------
    stars : ndarray of int64, shape (n,)
        1 to ``levels`` stars, 0 for NaN scores (not rated).
    cut_points : ndarray of float64, shape (levels - 1,)
        Ascending; ``cut_points[j]`` is the lowest score earning ``j + 2``
        stars, ``+inf`` when no score reached that level.
    """

    stars: np.ndarray
    cut_points: np.ndarray


def _scores(scores):
    x = np.asarray(scores, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError("scores must be one-dimensional")
    if np.isinf(x).any():
        raise ValueError("scores must be finite or NaN")
    return x


def stars_from_cut_points(scores, cut_points):
    """Assign stars from ascending cut points.

    Parameters
    ----------
    scores : array_like of float, shape (n,)
        Composite scores; NaN means not rated.
    cut_points : array_like of float, shape (levels - 1,)
        Non-decreasing; a score ``>= cut_points[j]`` earns at least ``j + 2`` stars.

    Returns
    -------
    StarResult
        ``stars`` (int64, 0 for NaN) and the cut points as float64.

    Examples
    --------
    >>> stars_from_cut_points([59.9, 60.0, 95.0, float("nan")], [60, 70, 80, 90]).stars.tolist()
    [1, 2, 5, 0]
    """
    x = _scores(scores)
    cuts = np.asarray(cut_points, dtype=np.float64)
    if cuts.ndim != 1 or np.isnan(cuts).any():
        raise ValueError("cut_points must be a one-dimensional array without NaN")
    if np.any(cuts[1:] < cuts[:-1]):
        raise ValueError("cut_points must be non-decreasing")
    return StarResult(count_reached(x, ~np.isnan(x), cuts, 1), cuts)


def stars_by_thresholds(scores, thresholds=DEFAULT_STAR_THRESHOLDS):
    """Fixed thresholds, listed from the top star down.

    Parameters
    ----------
    scores : array_like of float, shape (n,)
        Composite scores; NaN gets 0 stars.
    thresholds : sequence of float, length levels - 1
        Non-increasing lowest scores for ``levels, levels - 1, ..., 2`` stars.
        Default ``(90, 80, 70, 60)``: 5 to 2 stars, below 60 is 1 star.

    Returns
    -------
    StarResult

    Examples
    --------
    >>> r = stars_by_thresholds([91.0, 80.0, 79.99, 12.0, float("nan")])
    >>> r.stars.tolist(), r.cut_points.tolist()
    ([5, 4, 3, 1, 0], [60.0, 70.0, 80.0, 90.0])
    """
    t = np.asarray(thresholds, dtype=np.float64)
    if t.ndim != 1 or np.any(np.diff(t) > 0):
        raise ValueError("thresholds must be listed from the top star down (non-increasing)")
    return stars_from_cut_points(scores, t[::-1])


def stars_by_quota(scores, shares=CMS_NURSING_HOME_SHARES):
    """Quota by rank: the top ``shares[0]`` of rated providers get the most stars.

    The number of providers at or above each level is the cumulative share
    times the number rated, rounded half up. The cut point of a level is the
    score of the last provider inside that quota; everyone scoring at least
    that much gets the level, so **ties share the better star** and a level
    may hold more than its quota when the boundary falls inside a tie.

    Parameters
    ----------
    scores : array_like of float, shape (n,)
        Composite scores; NaN entries are not ranked and get 0 stars.
    shares : sequence of float, length levels
        Non-negative shares from the top star down, summing to 1. Default:
        :data:`CMS_NURSING_HOME_SHARES` (10 %, 23.33 % x 3, 20 %).

    Returns
    -------
    StarResult
        A level nobody reached has cut point ``+inf``.

    Examples
    --------
    >>> r = stars_by_quota(np.arange(1.0, 31.0))
    >>> np.bincount(r.stars, minlength=6)[1:].tolist()
    [6, 7, 7, 7, 3]
    >>> r.cut_points.tolist()
    [7.0, 14.0, 21.0, 28.0]
    >>> stars_by_quota([5.0, 5.0, 1.0, 1.0], [0.25, 0.25, 0.5]).stars.tolist()
    [3, 3, 1, 1]
    """
    x = _scores(scores)
    s = np.asarray(shares, dtype=np.float64)
    if s.ndim != 1 or s.size < 1 or np.any(s < 0) or not np.isclose(s.sum(), 1.0):
        raise ValueError("shares must be non-negative and sum to 1")
    ranked = np.sort(x[~np.isnan(x)])[::-1]
    n = ranked.size
    # The 1e-9 absorbs float error in shares such as 0.7 / 3 so that, e.g.,
    # 30 x (0.1 + 0.7 / 3) counts as 10 providers, not 9.
    at_or_above = np.floor(n * np.cumsum(s[:-1]) + 0.5 + 1e-9).astype(np.int64)
    at_or_above = np.minimum(at_or_above, n)
    cuts_desc = np.full(s.size - 1, np.inf)
    reached = at_or_above > 0
    cuts_desc[reached] = ranked[at_or_above[reached] - 1]
    return stars_from_cut_points(x, cuts_desc[::-1])


def stars_by_kmeans(scores, levels=5):
    """Optimal one-dimensional k-means into ``levels`` clusters (exact, deterministic).

    Clusters are ordered by value; the lowest cluster gets 1 star and each
    higher cluster one more. With fewer distinct scores than ``levels``
    there are fewer clusters: the stars then run 1 to the number of
    clusters and the unused top levels get cut point ``+inf``.

    Parameters
    ----------
    scores : array_like of float, shape (n,)
        Composite scores; NaN entries are left out of the clustering and get 0 stars.
    levels : int
        Number of star levels (clusters), default 5.

    Returns
    -------
    StarResult
        ``cut_points`` are the smallest scores of clusters 2 and up.

    Examples
    --------
    >>> r = stars_by_kmeans([50.0, 52.0, 70.0, 71.0, 90.0, float("nan")], levels=3)
    >>> r.stars.tolist(), r.cut_points.tolist()
    ([1, 1, 2, 2, 3, 0], [70.0, 90.0])
    """
    x = _scores(scores)
    levels = int(levels)
    if levels < 1:
        raise ValueError("levels must be at least 1")
    present, values, _, starts = fit(x, levels)
    found = values[starts[1:]]
    cuts = np.full(levels - 1, np.inf)
    cuts[: found.size] = found
    return StarResult(count_reached(x, present, found, 1), cuts)


def apply_guardrail(scores, cut_points, previous_cut_points, max_shift=5.0):
    """Keep each cut point within ``max_shift`` of the previous cycle's, then re-assign stars.

    Medicare Part C/D star ratings use such a guardrail (5 points) so that
    ratings do not jump between cycles.

    Parameters
    ----------
    scores : array_like of float, shape (n,)
        Composite scores of this cycle (NaN: not rated).
    cut_points : array_like of float, shape (levels - 1,)
        This cycle's unconstrained cut points (ascending).
    previous_cut_points : array_like of float, shape (levels - 1,)
        Last cycle's published cut points (ascending). A non-finite previous
        cut point leaves that cut point unconstrained.
    max_shift : float
        Largest allowed move of a cut point, ``>= 0``.

    Returns
    -------
    StarResult
        Stars assigned from the clipped cut points.

    Examples
    --------
    >>> r = apply_guardrail([61.0, 72.0, 99.0], [60, 70, 80, 90], [50, 66, 80, 95], max_shift=5)
    >>> r.cut_points.tolist(), r.stars.tolist()
    ([55.0, 70.0, 80.0, 90.0], [2, 3, 5])
    """
    cuts = np.asarray(cut_points, dtype=np.float64)
    prev = np.asarray(previous_cut_points, dtype=np.float64)
    if cuts.shape != prev.shape:
        raise ValueError("cut_points and previous_cut_points must have the same shape")
    if not max_shift >= 0:
        raise ValueError("max_shift must be non-negative")
    bounded = np.isfinite(prev)
    clipped = cuts.copy()
    clipped[bounded] = np.clip(cuts[bounded], prev[bounded] - max_shift, prev[bounded] + max_shift)
    # Clipping keeps the order when every previous cut is finite; with
    # unconstrained neighbours the running maximum restores a valid order.
    clipped = np.maximum.accumulate(clipped)
    return stars_from_cut_points(scores, clipped)

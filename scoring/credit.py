"""Credit score (信用分) and grade from dated point items.

Dates: numpy ``datetime64[D]`` throughout. Integer inputs are accepted as day
numbers since 1970-01-01 (the same count ``datetime64[D]`` stores), so
``np.datetime64("2024-01-01").astype(int)`` round-trips. An item counts on
date ``d`` when ``occurred <= d < expires`` (validity window, end exclusive).

Capped groups: items may carry a ``cap_group``; the sum of the active items
of one group that occurred in one calendar period (quarter by default) is
clipped to ``[-cap, +cap]``, e.g. substantiated complaints at -1 each, at
most -10 per quarter.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

__all__ = [
    "DEFAULT_CREDIT_GRADES",
    "DEFAULT_CREDIT_THRESHOLDS",
    "add_months",
    "as_dates",
    "credit_grades",
    "credit_scores",
    "item_expiry",
]

#: Lowest scores for grades A, B and C; below the last is D.
DEFAULT_CREDIT_THRESHOLDS = (90.0, 75.0, 60.0)
DEFAULT_CREDIT_GRADES = ("A", "B", "C", "D")

_PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def as_dates(dates):
    """Coerce to ``datetime64[D]``; integers are days since 1970-01-01.

    Examples
    --------
    >>> as_dates([0, 19723]).tolist()
    [datetime.date(1970, 1, 1), datetime.date(2024, 1, 1)]
    """
    a = np.asarray(dates)
    if a.dtype.kind == "M":
        return a.astype("datetime64[D]")
    if a.dtype.kind in "iu" or a.size == 0:
        return a.astype(np.int64).astype("datetime64[D]")
    if a.dtype.kind in "UO":
        return a.astype("datetime64[D]")
    raise TypeError(f"dates must be datetime64 or integer day numbers, got {a.dtype}")


def add_months(dates, months):
    """Add calendar months, clamping the day to the end of the target month.

    Parameters
    ----------
    dates : array_like of datetime64[D] or int day numbers
    months : int or array_like of int
        Broadcasts against ``dates``.

    Returns
    -------
    ndarray of datetime64[D]

    Examples
    --------
    >>> add_months(np.array(["2024-01-31", "2023-05-15"], "datetime64[D]"), [1, 12]).tolist()
    [datetime.date(2024, 2, 29), datetime.date(2024, 5, 15)]
    """
    d = as_dates(dates)
    month = d.astype("datetime64[M]")
    day = (d - month.astype("datetime64[D]")).astype(np.int64)
    target = month + np.asarray(months, dtype=np.int64).astype("timedelta64[M]")
    last_day = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(np.int64)
    return target.astype("datetime64[D]") + np.minimum(day, last_day - 1).astype("timedelta64[D]")


def item_expiry(occurred, points, good_months=12, bad_months=24):
    """Default end of validity: good items count 12 months, bad ones 24.

    Parameters
    ----------
    occurred : array_like of datetime64[D] or int, shape (m,)
    points : array_like of float, shape (m,)
        Positive for additions (good), negative or zero for deductions (bad).
    good_months, bad_months : int
        Validity in calendar months.

    Returns
    -------
    ndarray of datetime64[D], shape (m,)
        First day on which the item no longer counts.

    Examples
    --------
    >>> item_expiry(np.array(["2024-03-10", "2024-03-10"], "datetime64[D]"), [5, -2]).tolist()
    [datetime.date(2025, 3, 10), datetime.date(2026, 3, 10)]
    """
    p = np.asarray(points, dtype=np.float64)
    return add_months(occurred, np.where(p > 0, int(good_months), int(bad_months)))


def _period_key(days, cap_period):
    months = _PERIOD_MONTHS.get(cap_period)
    if months is None:
        raise ValueError(f"cap_period must be one of {sorted(_PERIOD_MONTHS)}")
    return days.astype("datetime64[M]").astype(np.int64) // months


def credit_scores(
    at,
    occurred,
    points,
    *,
    expires=None,
    cap_group=None,
    group_caps=None,
    cap_period="quarter",
    good_months=12,
    bad_months=24,
    base=100.0,
    lower=0.0,
    upper=None,
):
    """Credit score of one provider on each of many dates.

    Parameters
    ----------
    at : array_like of datetime64[D] or int, shape (t,)
        Dates to evaluate.
    occurred : array_like of datetime64[D] or int, shape (m,)
        Business date of each point item (first day it counts).
    points : array_like of float, shape (m,)
        Signed points (e.g. -2 failed inspection, +5 for a 5-star result).
    expires : array_like of datetime64[D] or int, shape (m,), optional
        First day the item no longer counts; default from :func:`item_expiry`
        with ``good_months`` / ``bad_months``.
    cap_group : array_like of int, shape (m,), optional
        Cap group per item, ``-1`` (default for all) for uncapped items.
    group_caps : mapping of int to float, optional
        Largest absolute sum of one group's active items that occurred in
        one ``cap_period``; required for every group used.
    cap_period : {"quarter", "month", "year"}
        Calendar period of the caps.
    good_months, bad_months : int
        Default validity of positive and non-positive items (months).
    base : float
        Starting score, default 100.
    lower, upper : float or None
        Clip bounds of the score; ``None`` means unbounded on that side.

    Returns
    -------
    ndarray of float64, shape (t,)

    Notes
    -----
    Memory and time are O(t m).

    Examples
    --------
    >>> days = np.array(["2024-01-05"] * 12 + ["2024-02-01"], "datetime64[D]")
    >>> pts = [-1] * 12 + [-5]
    >>> grp = [0] * 12 + [-1]
    >>> at = np.array(["2024-01-04", "2024-01-31", "2024-03-01", "2026-03-01"], "datetime64[D]")
    >>> credit_scores(at, days, pts, cap_group=grp, group_caps={0: 10}).tolist()
    [100.0, 90.0, 85.0, 100.0]
    """
    t = as_dates(at).astype(np.int64)
    occ_d = as_dates(occurred)
    occ = occ_d.astype(np.int64)
    p = np.asarray(points, dtype=np.float64)
    if t.ndim != 1 or occ.ndim != 1 or p.shape != occ.shape:
        raise ValueError("at must be 1-D; occurred and points 1-D of equal length")
    if not np.all(np.isfinite(p)):
        raise ValueError("points must be finite")
    exp = (item_expiry(occ_d, p, good_months, bad_months) if expires is None else as_dates(expires))
    exp = exp.astype(np.int64)
    if exp.shape != occ.shape:
        raise ValueError("expires must have the same shape as occurred")
    g = np.full(occ.shape, -1, dtype=np.int64) if cap_group is None else np.asarray(cap_group, np.int64)
    if g.shape != occ.shape:
        raise ValueError("cap_group must have the same shape as occurred")
    active = (occ <= t[:, None]) & (t[:, None] < exp)
    contrib = np.where(active, p, 0.0)
    free = g < 0
    total = contrib[:, free].sum(axis=1)
    if not free.all():
        caps = dict(group_caps or {}) if isinstance(group_caps, Mapping) or group_caps is None else None
        if caps is None:
            raise TypeError("group_caps must be a mapping of group to cap")
        missing = set(np.unique(g[~free]).tolist()) - set(caps)
        if missing:
            raise ValueError(f"group_caps has no cap for groups {sorted(missing)}")
        gc = g[~free]
        key = np.stack((gc, _period_key(occ_d[~free], cap_period)), axis=1)
        _, bucket = np.unique(key, axis=0, return_inverse=True)
        bucket = bucket.ravel()
        n_buckets = int(bucket.max()) + 1
        onehot = np.zeros((gc.size, n_buckets))
        onehot[np.arange(gc.size), bucket] = 1.0
        sums = contrib[:, ~free] @ onehot
        cap_of_bucket = np.zeros(n_buckets)
        cap_of_bucket[bucket] = [abs(float(caps[x])) for x in gc.tolist()]
        total = total + np.clip(sums, -cap_of_bucket, cap_of_bucket).sum(axis=1)
    score = base + total
    if lower is not None or upper is not None:
        score = np.clip(score, -np.inf if lower is None else lower, np.inf if upper is None else upper)
    return score


def credit_grades(
    scores, thresholds=DEFAULT_CREDIT_THRESHOLDS, labels=DEFAULT_CREDIT_GRADES, veto=None
):
    """Grade credit scores by thresholds; a veto (一票否决) forces the lowest grade.

    Parameters
    ----------
    scores : array_like of float, shape (n,)
        NaN scores get the empty string (not graded) unless vetoed.
    thresholds : sequence of float
        Non-increasing lowest scores of the grades above the lowest;
        default ``(90, 75, 60)`` for A, B, C.
    labels : sequence of str, length ``len(thresholds) + 1``
        Grades from best to worst; default ``("A", "B", "C", "D")``.
    veto : array_like of bool, optional
        Broadcasts against ``scores``; True forces ``labels[-1]``.

    Returns
    -------
    ndarray of str, shape (n,)

    Examples
    --------
    >>> credit_grades([95, 90, 89.9, 60, 59, np.nan], veto=[0, 1, 0, 0, 0, 0]).tolist()
    ['A', 'D', 'B', 'C', 'D', '']
    """
    s = np.asarray(scores, dtype=np.float64)
    th = np.asarray(thresholds, dtype=np.float64)
    if th.ndim != 1 or np.any(np.diff(th) > 0):
        raise ValueError("thresholds must be non-increasing")
    if len(labels) != th.size + 1:
        raise ValueError("need exactly one more label than thresholds")
    lab = np.asarray(list(labels) + [""])
    worse = th.size - np.searchsorted(th[::-1], s, side="right")
    idx = np.where(np.isnan(s), th.size + 1, worse)
    if veto is not None:
        idx = np.where(np.asarray(veto, dtype=bool), th.size, idx)
    return lab[idx]

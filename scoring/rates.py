"""Rates: Wilson intervals, empirical-Bayes shrinkage, complaints per 1,000 households.

Satisfaction (满意度) is satisfied / valid responses; small surveys are noisy,
so rates are shown with their Wilson score interval and may be shrunk toward
the group mean before ranking.
"""

from __future__ import annotations

from statistics import NormalDist
from typing import NamedTuple

import numpy as np

__all__ = [
    "Shrinkage",
    "complaints_per_thousand",
    "shrink_rates",
    "wilson_interval",
    "z_for_confidence",
]

#: Two-sided 95 % standard normal quantile.
Z95 = NormalDist().inv_cdf(0.975)


def z_for_confidence(confidence=0.95):
    """Two-sided standard normal quantile for a confidence level.

    Examples
    --------
    >>> round(z_for_confidence(0.95), 6)
    1.959964
    """
    if not 0 < confidence < 1:
        raise ValueError("confidence must be in (0, 1)")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def _counts(successes, trials):
    x = np.asarray(successes, dtype=np.float64)
    n = np.asarray(trials, dtype=np.float64)
    # trials < 0 implies successes < 0 or successes > trials.
    if np.any(x < 0) or np.any(x > n):
        raise ValueError("need 0 <= successes <= trials")
    return x, n


def wilson_interval(successes, trials, z=Z95):
    """Wilson score interval for a binomial proportion (no continuity correction).

    Parameters
    ----------
    successes, trials : array_like of int or float
        Broadcastable counts with ``0 <= successes <= trials``; NaN propagates.
    z : float or array_like
        Standard normal quantile, default 1.959964 (95 %); broadcasts.

    Returns
    -------
    lower, upper : ndarray of float64
        Bounds in [0, 1], broadcast shape; NaN where ``trials == 0``.

    Notes
    -----
    Centre ``(p + z²/2n) / (1 + z²/n)`` plus or minus
    ``z sqrt(p(1-p)/n + z²/4n²) / (1 + z²/n)``; this is Newcombe's (1998)
    method 3.

    Examples
    --------
    >>> lo, hi = wilson_interval([81, 0], [263, 20])
    >>> np.round(lo, 4).tolist(), np.round(hi, 4).tolist()
    ([0.2553, 0.0], [0.3662, 0.1611])
    """
    x, n = _counts(successes, trials)
    z = np.asarray(z, dtype=np.float64)
    if z.ndim or x.ndim != 1 or x.shape != n.shape:
        return _wilson_broadcast(x, n, z)
    # The operations of _wilson_broadcast in the same order, so the same bits, into a few
    # buffers: in a pipeline, fresh 200,000-row temporaries cost more than the arithmetic.
    # (Products are commuted, halving and quartering are exact, clip is max then min.)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.divide(x, n)
        z2n = np.divide(z * z, n)
        denom = np.add(z2n, 1.0)
        centre = np.multiply(z2n, 0.5)
        centre += p
        centre /= denom
        half = np.subtract(1.0, p)
        half *= p
        half /= n
        quarter = np.multiply(n, 4.0, out=p)
        np.divide(z2n, quarter, out=quarter)
        half += quarter
        np.sqrt(half, out=half)
        half *= z
        half /= denom
    lower = np.subtract(centre, half, out=z2n)
    upper = np.add(centre, half, out=centre)
    for bound in (lower, upper):
        np.maximum(bound, 0.0, out=bound)
        np.minimum(bound, 1.0, out=bound)
    lower *= x > 0
    upper += x == n
    np.minimum(upper, 1.0, out=upper)
    return lower, upper


def _wilson_broadcast(x, n, z):
    with np.errstate(invalid="ignore", divide="ignore"):
        p = x / n
        z2n = z * z / n
        denom = 1.0 + z2n
        centre = (p + z2n / 2.0) / denom
        half = z * np.sqrt(p * (1.0 - p) / n + z2n / (4.0 * n)) / denom
    # At x = 0 and x = n the bounds are exactly 0 and 1; the formula only
    # reaches them up to rounding, which would exclude p from its interval.
    # Arithmetic instead of np.where (a masked select costs several passes):
    # times (x > 0) zeroes the lower bound at x = 0 and keeps NaN (n = 0 gives
    # p = NaN); adding (x == n) lifts the upper bound to 1 or more, and
    # np.minimum (which keeps NaN) brings it back to exactly 1.
    lower = np.clip(centre - half, 0.0, 1.0) * (x > 0)
    upper = np.minimum(np.clip(centre + half, 0.0, 1.0) + (x == n), 1.0)
    return lower, upper


class Shrinkage(NamedTuple):
    """Result of :func:`shrink_rates`.

    Attributes
    ----------
    rates : ndarray of float64, shape (n,)
        Posterior-mean rates ``(x + M m) / (n + M)``.
    prior_mean : ndarray of float64, shape (n,)
        Group mean ``m`` each rate was shrunk toward.
    prior_strength : ndarray of float64, shape (n,)
        ``M = alpha + beta`` of the fitted beta prior of the row's group;
        ``inf`` means no detectable between-provider spread (full pooling).
    """

    rates: np.ndarray
    prior_mean: np.ndarray
    prior_strength: np.ndarray


def _fit_group(x, n):
    """Beta-binomial method of moments on one group: (mean, alpha + beta)."""
    keep = n > 0
    x, n = x[keep], n[keep]
    total = n.sum()
    if total == 0:
        return np.nan, np.inf
    m = x.sum() / total
    k = n.size
    if k < 2 or m <= 0 or m >= 1:
        return m, np.inf
    q = np.sum(n * (x / n - m) ** 2)
    denom = total - np.sum(n * n) / total - (k - 1)
    if denom <= 0:
        return m, np.inf
    rho = (q / (m * (1 - m)) - (k - 1)) / denom
    if rho <= 0:
        return m, np.inf
    rho = min(rho, 1.0)
    return m, 1.0 / rho - 1.0


def shrink_rates(successes, trials, groups=None):
    """Empirical-Bayes shrinkage of rates toward their group mean.

    Each provider's true rate is modelled as drawn from a beta distribution
    with mean ``m`` and intra-class correlation ``rho = 1 / (alpha + beta + 1)``
    (beta-binomial model). ``m`` is the pooled rate ``sum x / sum n``, so it
    is weighted by sample size. ``rho`` is the method-of-moments solution of

        E[Q] = m (1 - m) [(k - 1) + rho (N - sum n_i² / N - (k - 1))],
        Q = sum_i n_i (x_i / n_i - m)²,

    with ``N = sum n_i`` over the ``k`` providers with ``n_i > 0`` (Kleinman
    1973, *JASA* 68:46-54). ``rho`` is clipped to [0, 1]; ``rho = 0`` means
    no spread beyond binomial noise, so every rate becomes ``m``. The
    posterior mean is ``(x + M m) / (n + M)`` with ``M = 1 / rho - 1``:
    small samples move most.

    Parameters
    ----------
    successes, trials : array_like of int or float, shape (n,)
        Counts with ``0 <= successes <= trials``. Rows with ``trials == 0``
        take their group mean.
    groups : array_like of int, shape (n,), optional
        Group labels (e.g. management mode); each group is fitted separately.
        Default: one group.

    Returns
    -------
    Shrinkage
        Shrunk rates, the group mean and the prior strength per row.

    Examples
    --------
    >>> r = shrink_rates([9, 50, 1, 30], [10, 100, 10, 100])
    >>> np.round(r.rates, 3).tolist()
    [0.726, 0.495, 0.21, 0.306]
    >>> round(float(r.prior_mean[0]), 4)
    0.4091
    """
    x, n = _counts(successes, trials)
    if x.ndim != 1 or x.shape != n.shape:
        raise ValueError("successes and trials must be 1-D of equal length")
    if groups is None:
        m, big_m = _fit_group(x, n)
        mean = np.full_like(x, m)
        strength = np.full_like(x, big_m)
        if np.isinf(big_m):
            return Shrinkage(mean.copy(), mean, strength)
        # One prior for every row: the same arithmetic as below, without its masked select.
        with np.errstate(invalid="ignore", divide="ignore"):
            rates = (x + big_m * m) / (n + big_m)
        rates[np.flatnonzero(n == 0)] = m
        return Shrinkage(rates, mean, strength)
    mean = np.empty_like(x)
    strength = np.empty_like(x)
    g = np.asarray(groups)
    if g.shape != x.shape:
        raise ValueError("groups must have the same shape as successes")
    for label in np.unique(g):
        rows = g == label
        mean[rows], strength[rows] = _fit_group(x[rows], n[rows])
    with np.errstate(invalid="ignore", divide="ignore"):
        shrunk = (x + strength * mean) / (n + strength)
    rates = np.where(np.isinf(strength) | (n == 0), mean, shrunk)
    return Shrinkage(rates, mean, strength)


def complaints_per_thousand(complaints, households, per=1000.0):
    """Complaints per 1,000 households (千户投诉率).

    Parameters
    ----------
    complaints, households : array_like
        Broadcastable non-negative counts.
    per : float
        Scale, default 1,000 households.

    Returns
    -------
    ndarray of float64
        NaN where ``households == 0``.

    Examples
    --------
    >>> complaints_per_thousand([3, 0, 5], [1500, 200, 0]).tolist()
    [2.0, 0.0, nan]
    """
    c = np.asarray(complaints, dtype=np.float64)
    h = np.asarray(households, dtype=np.float64)
    if np.any(c < 0) or np.any(h < 0):
        raise ValueError("complaints and households must be non-negative")
    out = np.full(np.broadcast(c, h).shape, np.nan)
    np.divide(c * per, h, out=out, where=h > 0)
    return out

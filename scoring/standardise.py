"""Standardisation of department scores: raw, z-score, min-max, Winsorisation.

All functions work column-wise by default (``axis=0``: one column per
department) and keep NaN where the input is NaN.
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = ["STANDARDISE_METHODS", "standardise", "winsorise"]

STANDARDISE_METHODS = ("raw", "zscore", "minmax")


def winsorise(x, lower=5.0, upper=95.0, axis=0):
    """Clip values to the given percentiles (缩尾处理), ignoring NaN.

    Parameters
    ----------
    x : array_like of float, shape (n,) or (n, d)
        Values; NaN stays NaN and is left out of the percentiles.
    lower, upper : float
        Percentiles in ``[0, 100]`` with ``lower <= upper`` (linear
        interpolation, as :func:`numpy.nanpercentile`).
    axis : int
        Axis along which percentiles are taken (default 0, per column).

    Returns
    -------
    ndarray of float64, same shape as ``x``

    Examples
    --------
    >>> winsorise([1.0, 2.0, 3.0, 4.0, 100.0, np.nan], 0, 75).tolist()
    [1.0, 2.0, 3.0, 4.0, 4.0, nan]
    """
    a = np.asarray(x, dtype=np.float64)
    if not 0 <= lower <= upper <= 100:
        raise ValueError("need 0 <= lower <= upper <= 100")
    if a.size == 0 or np.all(np.isnan(a)):
        return a.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        lo = np.nanpercentile(a, lower, axis=axis, keepdims=True)
        hi = np.nanpercentile(a, upper, axis=axis, keepdims=True)
    # np.clip would turn an all-NaN column's NaN bounds into NaN values anyway;
    # explicit where keeps NaN inputs NaN and everything else clipped.
    return np.where(np.isnan(a), np.nan, np.minimum(np.maximum(a, lo), hi))


def standardise(x, method="raw", winsor=None, axis=0, ddof=0):
    """Put scores on a common scale, optionally Winsorising first.

    Parameters
    ----------
    x : array_like of float, shape (n,) or (n, d)
        Scores, NaN for missing; NaN is preserved and ignored in statistics.
    method : {"raw", "zscore", "minmax"}
        ``raw`` leaves values unchanged; ``zscore`` gives (x - mean) / std;
        ``minmax`` maps the observed range to [0, 1].
    winsor : tuple of float, optional
        ``(lower, upper)`` percentiles for :func:`winsorise`, applied first.
    axis : int
        Axis of the statistics (default 0: per department column).
    ddof : int
        Delta degrees of freedom of the standard deviation (z-score).

    Returns
    -------
    ndarray of float64, same shape as ``x``
        A constant column (zero spread) maps to 0 for both ``zscore`` and
        ``minmax`` rather than dividing by zero.

    Examples
    --------
    >>> standardise([2.0, 4.0, np.nan, 6.0], "minmax").tolist()
    [0.0, 0.5, nan, 1.0]
    >>> np.round(standardise([1.0, 2.0, 3.0], "zscore"), 4).tolist()
    [-1.2247, 0.0, 1.2247]
    """
    if method not in STANDARDISE_METHODS:
        raise ValueError(f"method must be one of {STANDARDISE_METHODS}, got {method!r}")
    a = np.asarray(x, dtype=np.float64)
    if np.isinf(a).any():
        raise ValueError("x must be finite or NaN")
    if winsor is not None:
        a = winsorise(a, winsor[0], winsor[1], axis=axis)
    else:
        a = a.copy()
    if method == "raw" or a.size == 0:
        return a
    # An all-NaN column has no statistics; it stays NaN, so numpy's warning is noise.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if method == "zscore":
            centre = np.nanmean(a, axis=axis, keepdims=True)
            spread = np.nanstd(a, axis=axis, ddof=ddof, keepdims=True)
        else:
            centre = np.nanmin(a, axis=axis, keepdims=True)
            spread = np.nanmax(a, axis=axis, keepdims=True) - centre
    safe = np.where(spread > 0, spread, 1.0)
    out = (a - centre) / safe
    return np.where(np.isnan(a), np.nan, np.where(spread > 0, out, 0.0))

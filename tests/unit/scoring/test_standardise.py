"""Standardisation and Winsorisation keep NaN and map onto the documented scales."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from scoring import standardise, winsorise

cols = arrays(float, st.tuples(st.integers(1, 20), st.integers(1, 4)),
              elements=st.one_of(st.floats(-100, 100), st.just(np.nan)))


@pytest.mark.parametrize("method", ["raw", "zscore", "minmax"])
@given(x=cols)
def test_standardise_preserves_nan_positions(method, x):
    out = standardise(x, method)
    assert np.array_equal(np.isnan(out), np.isnan(x))


@given(cols)
def test_minmax_maps_each_column_into_unit_interval(x):
    out = standardise(x, "minmax")
    ok = ~np.isnan(out)
    assert np.all(out[ok] >= 0) and np.all(out[ok] <= 1 + 1e-12)


def test_zscore_has_zero_mean_unit_sd_and_constant_column_maps_to_zero():
    x = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0], [np.nan, 5.0]])
    z = standardise(x, "zscore")
    assert np.nanmean(z[:, 0]) == pytest.approx(0) and np.nanstd(z[:, 0]) == pytest.approx(1)
    assert z[:, 1].tolist() == [0.0] * 4


def test_winsorisation_clips_outliers_at_percentiles_before_scaling():
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 1000.0])
    w = winsorise(x, 0, 80)
    assert w.max() == 5.0 and w.min() == 1.0
    assert standardise(x, "minmax", winsor=(0, 80)).tolist() == [0, 0.25, 0.5, 0.75, 1, 1]


def test_all_nan_column_stays_nan_without_warnings():
    x = np.array([[np.nan, 1.0], [np.nan, 2.0]])
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(standardise(x, "zscore", winsor=(5, 95))[:, 0]).all()


def test_unknown_method_is_rejected():
    with pytest.raises(ValueError):
        standardise([1.0], "rank")

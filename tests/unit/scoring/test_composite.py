"""Composite scores with missing departments, and floor-area aggregation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from scoring import area_weighted_scores, composite_scores, effective_weights

W6 = [0.25, 0.15, 0.15, 0.15, 0.1, 0.2]
cell = st.one_of(st.floats(0, 100), st.just(np.nan))
matrices = st.integers(1, 12).flatmap(lambda n: arrays(float, (n, 6), elements=cell))


def test_missing_department_weight_is_shared_over_present_ones():
    x, w = [[80, np.nan, 60, 60, 60, 60]], [0.5, 0.1, 0.1, 0.1, 0.1, 0.1]
    # 0.5 / 0.9 on 80, 0.1 / 0.9 on each of four 60s.
    assert composite_scores(x, w, 4)[0] == pytest.approx((0.5 * 80 + 0.4 * 60) / 0.9)
    assert effective_weights(x, w, 4)[0].tolist() == pytest.approx([5 / 9, 0, 1 / 9, 1 / 9, 1 / 9, 1 / 9])


def test_fewer_than_min_departments_is_not_rated():
    x = [[90, 90, 90, np.nan, np.nan, np.nan], [90, 90, 90, 90, np.nan, np.nan]]
    c = composite_scores(x, W6, min_departments=4)
    assert np.isnan(c[0]) and c[1] == pytest.approx(90)
    assert effective_weights(x, W6, 4)[0].tolist() == [0.0] * 6


def test_present_departments_with_zero_weight_only_are_not_rated():
    c = composite_scores([[np.nan, 70.0]], [1.0, 0.0], min_departments=1)
    assert np.isnan(c[0])


@given(matrices)
def test_effective_weights_sum_to_one_on_rated_rows_and_zero_elsewhere(x):
    c = composite_scores(x, W6, 4)
    eff = effective_weights(x, W6, 4)
    rated = ~np.isnan(c)
    assert np.allclose(eff[rated].sum(axis=1), 1.0)
    assert np.all(eff[~rated] == 0) and np.all(eff[np.isnan(x)] == 0)
    assert np.allclose(np.nansum(eff * x, axis=1)[rated], c[rated])


@given(matrices)
def test_composite_lies_between_row_min_and_max(x):
    c = composite_scores(x, W6, 1)
    rated = ~np.isnan(c)
    with np.errstate(all="ignore"):
        lo, hi = np.nanmin(x[rated], axis=1, initial=np.inf), np.nanmax(x[rated], axis=1, initial=-np.inf)
    assert np.all(c[rated] >= lo - 1e-9) and np.all(c[rated] <= hi + 1e-9)


@given(matrices, st.integers(0, 2**32 - 1))
def test_composites_are_permutation_invariant_over_providers_and_departments(x, seed):
    rng = np.random.default_rng(seed)
    rows, cols = rng.permutation(x.shape[0]), rng.permutation(6)
    base = composite_scores(x, W6, 4)
    moved = composite_scores(x[rows][:, cols], np.asarray(W6)[cols], 4)
    assert np.allclose(base[rows], moved, equal_nan=True)


def test_area_weighted_mean_ignores_nan_scores_and_their_area():
    s = area_weighted_scores([80.0, 90.0, np.nan, 60.0], [100, 300, 1e6, 50], [1, 1, 1, 0], 3)
    assert s[1] == pytest.approx(87.5) and s[0] == 60.0 and np.isnan(s[2])


def test_area_weighted_scores_reject_bad_input():
    with pytest.raises(ValueError):
        area_weighted_scores([1.0], [-1.0], [0])
    with pytest.raises(TypeError):
        area_weighted_scores([1.0], [1.0], [0.0])
    with pytest.raises(ValueError):
        area_weighted_scores([1.0], [1.0], [3], n_providers=2)
    with pytest.raises(ValueError):
        composite_scores([[1.0, 2.0]], [1.0, -1.0])
    with pytest.raises(ValueError, match="finite"):
        composite_scores([[np.inf, 2.0]], [1.0, 1.0], 1)


def test_a_providers_composite_does_not_depend_on_the_other_rows_in_the_call():
    # BLAS mat-vec products split work by call size; a replay must not move a last digit.
    rng = np.random.default_rng(7)
    scores = rng.uniform(40, 100, size=(60_000, 6))
    scores[rng.random(scores.shape) < 0.1] = np.nan
    weights = rng.uniform(0.5, 2.0, size=6)
    whole = composite_scores(scores, weights, min_departments=4)
    for start in (0, 12_345, 59_000):
        part = composite_scores(scores[start:start + 1000], weights, min_departments=4)
        assert np.array_equal(whole[start:start + 1000], part, equal_nan=True)

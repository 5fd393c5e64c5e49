"""Wilson intervals, empirical-Bayes shrinkage, complaints per 1,000 households."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring import complaints_per_thousand, shrink_rates, wilson_interval, z_for_confidence
from scoring.rates import _wilson_broadcast

# Newcombe R.G. (1998) "Two-sided confidence intervals for the single proportion:
# comparison of seven methods", Statistics in Medicine 17:857-872, Table I,
# method 3 (Wilson score interval without continuity correction), 95 %.
NEWCOMBE_TABLE_I = [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
]


@pytest.mark.parametrize(("x", "n", "lo", "hi"), NEWCOMBE_TABLE_I)
def test_wilson_95_matches_newcombe_1998_table_i(x, n, lo, hi):
    lower, upper = wilson_interval(x, n)
    assert round(float(lower), 4) == lo and round(float(upper), 4) == hi


def test_wilson_is_vectorised_over_counts_and_z():
    x = np.array([r[0] for r in NEWCOMBE_TABLE_I])
    n = np.array([r[1] for r in NEWCOMBE_TABLE_I])
    lower, upper = wilson_interval(x, n, z_for_confidence(0.95))
    assert np.round(lower, 4).tolist() == [r[2] for r in NEWCOMBE_TABLE_I]
    lo3, hi3 = wilson_interval(81, 263, np.array([[1.0], [2.0], [3.0]]))
    assert lo3.shape == (3, 1) and np.all(np.diff(lo3[:, 0]) < 0) and np.all(np.diff(hi3[:, 0]) > 0)


@given(st.integers(0, 10_000), st.integers(1, 10_000), st.floats(0.1, 5))
def test_wilson_interval_contains_the_rate_and_stays_in_unit_interval(x, n, z):
    x = min(x, n)
    lower, upper = wilson_interval(x, n, z)
    assert 0 <= lower <= x / n <= upper <= 1


def test_wilson_with_no_trials_is_nan_and_bad_counts_are_rejected():
    assert np.isnan(wilson_interval(0, 0)).all()
    with pytest.raises(ValueError):
        wilson_interval(5, 4)


counts = st.lists(st.tuples(st.integers(0, 200), st.integers(0, 200)), min_size=1, max_size=30)


@given(counts)
def test_shrunk_rates_lie_between_raw_rate_and_group_mean(pairs):
    n = np.array([max(a, b) for a, b in pairs])
    x = np.array([min(a, b) for a, b in pairs])
    r = shrink_rates(x, n)
    with np.errstate(all="ignore"):
        raw = np.where(n > 0, x / n, r.prior_mean)
    lo, hi = np.minimum(raw, r.prior_mean), np.maximum(raw, r.prior_mean)
    ok = ~np.isnan(r.rates)
    assert np.all(r.rates[ok] >= lo[ok] - 1e-12) and np.all(r.rates[ok] <= hi[ok] + 1e-12)


def test_group_mean_is_weighted_by_sample_size_and_small_samples_move_most():
    r = shrink_rates([9, 900, 10, 200], [10, 1000, 100, 1000])
    assert r.prior_mean[0] == pytest.approx(1119 / 2110)
    move = np.abs(r.rates - np.array([0.9, 0.9, 0.1, 0.2]))
    assert move[0] > move[1] and move[2] > move[3]


def test_no_spread_beyond_binomial_noise_pools_fully():
    r = shrink_rates([50, 50, 50], [100, 100, 100])
    assert np.isinf(r.prior_strength).all() and r.rates.tolist() == [0.5, 0.5, 0.5]


def test_groups_are_shrunk_toward_their_own_mean():
    r = shrink_rates([9, 1, 90, 10], [10, 10, 100, 100], groups=[0, 0, 1, 1])
    assert r.prior_mean.tolist() == [0.5, 0.5, 0.5, 0.5]
    r = shrink_rates([9, 8, 1, 2], [10, 10, 10, 10], groups=[0, 0, 1, 1])
    assert r.prior_mean[:2].tolist() == [0.85, 0.85] and r.prior_mean[2:] == pytest.approx(0.15)


def test_complaints_per_thousand_households():
    assert complaints_per_thousand([12, 0], [4000, 0]).tolist()[0] == 3.0
    assert np.isnan(complaints_per_thousand(1, 0))


@given(counts, st.floats(0.1, 4.0))
def test_wilson_on_count_vectors_equals_the_broadcast_formula_bit_for_bit(pairs, z):
    # The 1-D path works in place; the satisfaction read model stores its bounds,
    # so a rebuild must give the same bits as the plain formula.
    x = np.array([min(a, b) for a, b in pairs], dtype=np.float64)
    n = np.array([b for _, b in pairs], dtype=np.float64)
    fast = wilson_interval(x, n, z)
    plain = _wilson_broadcast(x, n, np.float64(z))
    for got, want in zip(fast, plain):
        assert got.tobytes() == want.tobytes()

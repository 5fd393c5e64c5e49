"""Distinct values and counts by hashing: the same as a sort, collisions or not."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring import _distinct
from scoring._distinct import distinct_counts


def by_sorting(v):
    values, counts = np.unique(v, return_counts=True)
    return values, counts


values = st.one_of(
    st.floats(allow_nan=False),
    st.sampled_from([0.0, -0.0, 1.0, 78.3, 78.30000000000001, np.inf, -np.inf]),
    st.integers(-3, 3).map(float),
)


@pytest.fixture
def tiny_tables(monkeypatch):
    """Hash every input, into tables about as small as the input: collisions in every round."""
    monkeypatch.setattr(_distinct, "_SMALL", 1)
    monkeypatch.setattr(_distinct, "_MIN_WIDTH", 1)


@given(st.lists(values, max_size=200))
def test_distinct_counts_equal_a_sort_when_every_round_collides(x):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_distinct, "_SMALL", 1)
        mp.setattr(_distinct, "_MIN_WIDTH", 1)
        got = distinct_counts(np.asarray(x, dtype=np.float64))
    want = by_sorting(np.asarray(x, dtype=np.float64))
    assert got[0].tolist() == want[0].tolist()
    assert got[1].tolist() == want[1].tolist()


def test_negative_zero_and_zero_are_one_value(tiny_tables):
    values, counts = distinct_counts(np.array([-0.0, 0.0, -0.0, 2.0]))
    assert values.tolist() == [0.0, 2.0]
    assert counts.tolist() == [3, 1]


@pytest.mark.parametrize("n, spread", [(200_000, 0.1), (50_000, 1e-12), (20_000, 1e6)])
def test_distinct_counts_of_large_inputs_equal_a_sort(n, spread):
    rng = np.random.default_rng(n)
    # Scores to 0.1 point re-weighted, as composites are: many ties and neighbours one ulp apart.
    x = np.round(rng.normal(78, 9, n), 1) * 0.15 / 0.15
    x = x + spread * rng.integers(0, 3, n)
    got = distinct_counts(x)
    want = by_sorting(x)
    assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])
    assert got[1].dtype == np.int64

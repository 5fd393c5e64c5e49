"""Exact 1-D k-means: optimal against brute force, deterministic, robust to ties."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from scoring import kmeans_1d


def brute_force_withinss(x, k):
    """Smallest within-cluster sum of squares over all contiguous partitions of sorted x."""
    v = np.sort(np.asarray(x, dtype=float))
    n = v.size
    k = min(k, n)
    best = np.inf
    for cuts in itertools.combinations(range(1, n), k - 1):
        bounds = (0, *cuts, n)
        ss = sum(((v[a:b] - v[a:b].mean()) ** 2).sum() for a, b in itertools.pairwise(bounds))
        best = min(best, ss)
    return best


def quadratic_dp_withinss(x, k):
    """Plain O(k n^2) Ckmeans dynamic programme, for inputs too big to enumerate."""
    v = np.sort(np.asarray(x, dtype=float))
    n = v.size
    k = min(k, n)

    def cost(a, b):
        seg = v[a : b + 1]
        return ((seg - seg.mean()) ** 2).sum()

    d = [[cost(0, i) for i in range(n)]]
    for c in range(1, k):
        row = [np.inf] * n
        for i in range(c, n):
            row[i] = min(d[c - 1][j - 1] + cost(j, i) for j in range(c, i + 1))
        d.append(row)
    return d[k - 1][n - 1]


values = st.one_of(
    st.floats(-1e3, 1e3, allow_nan=False),
    st.integers(0, 5).map(float),  # many ties
)


@given(st.lists(values, min_size=1, max_size=10), st.integers(1, 4))
def test_kmeans_matches_brute_force_optimum_on_small_inputs(x, k):
    result = kmeans_1d(x, k)
    assert np.isclose(result.withinss, brute_force_withinss(x, k), rtol=1e-9, atol=1e-6)


@given(st.lists(st.floats(0, 100), min_size=1, max_size=60), st.integers(2, 6))
def test_kmeans_matches_quadratic_dynamic_programme(x, k):
    result = kmeans_1d(x, k)
    assert np.isclose(result.withinss, quadratic_dp_withinss(x, k), rtol=1e-9, atol=1e-6)


@given(st.lists(values, min_size=1, max_size=30), st.integers(1, 5))
def test_equal_values_share_a_cluster_and_clusters_are_ordered(x, k):
    result = kmeans_1d(x, k)
    x = np.asarray(x)
    for value in np.unique(x):
        assert np.unique(result.labels[x == value]).size == 1
    order = np.argsort(x, kind="stable")
    assert np.all(np.diff(result.labels[order]) >= 0)
    assert np.all(np.diff(result.centers) > 0)


def test_fewer_distinct_values_than_k_gives_one_cluster_per_value():
    result = kmeans_1d([3.0, 1.0, 3.0, 1.0], 5)
    assert result.labels.tolist() == [1, 0, 1, 0]
    assert result.lower_bounds.tolist() == [1.0, 3.0]
    assert result.withinss == 0.0


def test_nan_values_are_left_out_and_labelled_minus_one():
    result = kmeans_1d([np.nan, 1.0, 10.0, np.nan], 2)
    assert result.labels.tolist() == [-1, 0, 1, -1]
    assert kmeans_1d([np.nan, np.nan], 3).labels.tolist() == [-1, -1]


def test_kmeans_is_deterministic_and_permutation_invariant_on_large_input():
    rng = np.random.default_rng(7)
    x = np.round(rng.normal(75, 10, 5000), 1)
    first = kmeans_1d(x, 5)
    perm = rng.permutation(x.size)
    second = kmeans_1d(x[perm], 5)
    assert np.array_equal(first.labels[perm], second.labels)
    assert np.array_equal(first.lower_bounds, second.lower_bounds)


def test_large_offset_values_are_clustered_without_cancellation_error():
    # Values near 1e6 with small spread would lose precision in raw prefix sums.
    x = 1e6 + np.array([0.0, 0.001, 0.002, 1.0, 1.001, 2.0])
    assert kmeans_1d(x, 3).labels.tolist() == [0, 0, 0, 1, 1, 2]

"""Star ratings: thresholds, CMS quotas, exact k-means, guardrail."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from scoring import (
    CMS_NURSING_HOME_SHARES,
    apply_guardrail,
    stars_by_kmeans,
    stars_by_quota,
    stars_by_thresholds,
    stars_from_cut_points,
)

score = st.one_of(st.floats(0, 100, allow_nan=False), st.integers(50, 60).map(float), st.just(np.nan))
scores = st.lists(score, min_size=1, max_size=40)

METHODS = {
    "thresholds": stars_by_thresholds,
    "quota": stars_by_quota,
    "kmeans": stars_by_kmeans,
}
MONOTONE_METHODS = {"thresholds": stars_by_thresholds, "quota": stars_by_quota}


def test_default_thresholds_are_90_80_70_60():
    r = stars_by_thresholds([100, 90, 89.99, 80, 70, 60, 59.99, 0])
    assert r.stars.tolist() == [5, 5, 4, 4, 3, 2, 1, 1]
    assert r.cut_points.tolist() == [60, 70, 80, 90]


def test_cms_shares_on_100_ranked_values_give_10_23_24_23_20():
    # CMS Five-Star Quality Rating System for nursing homes: top 10 % 5 stars,
    # middle 70 % split in thirds (23.33 % each), bottom 20 % 1 star.
    # Cumulative counts 10, 33.3 -> 33, 56.7 -> 57, 80.
    x = np.arange(100, 0, -1, dtype=float)
    r = stars_by_quota(x, CMS_NURSING_HOME_SHARES)
    assert np.bincount(r.stars, minlength=6)[1:][::-1].tolist() == [10, 23, 24, 23, 20]
    assert r.stars[:10].tolist() == [5] * 10
    assert r.stars[-20:].tolist() == [1] * 20
    assert r.cut_points.tolist() == [21.0, 44.0, 68.0, 91.0]


def test_cms_shares_on_30_ranked_values_give_3_7_7_7_6():
    x = np.linspace(40, 99, 30)
    r = stars_by_quota(x)
    assert np.bincount(r.stars, minlength=6)[1:][::-1].tolist() == [3, 7, 7, 7, 6]


def test_quota_ties_at_a_boundary_share_the_better_star():
    x = [95, 90, 90, 90, 80, 70, 60, 50, 40, 30]  # top 10 % is one slot, tied below
    r = stars_by_quota(x)
    assert r.stars[:4].tolist() == [5, 4, 4, 4]
    r = stars_by_quota([90, 90, 90, 80, 70, 60, 50, 40, 30, 20])
    assert r.stars[:3].tolist() == [5, 5, 5]


def test_quota_with_arbitrary_shares():
    r = stars_by_quota([1, 2, 3, 4], [0.5, 0.5])
    assert r.stars.tolist() == [1, 1, 2, 2]
    with pytest.raises(ValueError):
        stars_by_quota([1, 2], [0.5, 0.6])


def test_nan_score_means_not_rated_with_zero_stars_in_every_method():
    x = [np.nan, 80.0, 95.0, np.nan, 61.0]
    for method in METHODS.values():
        assert method(x).stars[[0, 3]].tolist() == [0, 0]
        assert np.all(method(x).stars[[1, 2, 4]] >= 1)


def test_all_nan_input_gives_no_stars_and_unreached_cut_points():
    for method in (stars_by_quota, stars_by_kmeans):
        r = method([np.nan, np.nan])
        assert r.stars.tolist() == [0, 0]
        assert r.cut_points.size == 4 and np.all(np.isinf(r.cut_points))


def test_kmeans_stars_follow_cluster_order_and_publish_cluster_minima():
    x = [10, 11, 30, 31, 50, 51, 70, 71, 90, 91]
    r = stars_by_kmeans(x, 5)
    assert r.stars.tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert r.cut_points.tolist() == [30, 50, 70, 90]


def test_kmeans_with_fewer_distinct_scores_than_levels_still_rates():
    r = stars_by_kmeans([70.0, 70.0, 85.0], 5)
    assert r.stars.tolist() == [1, 1, 2]
    assert r.cut_points[0] == 85.0 and np.all(np.isinf(r.cut_points[1:]))


@pytest.mark.parametrize("name", sorted(METHODS))
@given(x=scores)
def test_equal_scores_always_get_equal_stars(name, x):
    x = np.asarray(x)
    stars = METHODS[name](x).stars
    for value in np.unique(x[~np.isnan(x)]):
        assert np.unique(stars[x == value]).size == 1


@pytest.mark.parametrize("name", sorted(METHODS))
@given(x=scores, seed=st.integers(0, 2**32 - 1))
def test_stars_are_permutation_invariant(name, x, seed):
    x = np.asarray(x)
    perm = np.random.default_rng(seed).permutation(x.size)
    a, b = METHODS[name](x), METHODS[name](x[perm])
    assert np.array_equal(a.stars[perm], b.stars)
    assert np.array_equal(a.cut_points, b.cut_points)


@pytest.mark.parametrize("name", sorted(MONOTONE_METHODS))
@given(x=scores, i=st.integers(0, 39), bump=st.floats(0, 50))
def test_raising_one_score_never_lowers_its_stars(name, x, i, bump):
    x = np.asarray(x)
    i = i % x.size
    assume(not np.isnan(x[i]))
    raised = x.copy()
    raised[i] += bump
    method = MONOTONE_METHODS[name]
    assert method(raised).stars[i] >= method(x).stars[i]


@pytest.mark.parametrize("name", sorted(METHODS))
@given(x=scores)
def test_stars_are_reproducible_from_the_published_cut_points(name, x):
    r = METHODS[name](x)
    assert np.array_equal(stars_from_cut_points(x, r.cut_points).stars, r.stars)


@given(
    x=scores,
    cuts=st.lists(st.floats(0, 100), min_size=4, max_size=4).map(sorted),
    prev=st.lists(st.floats(0, 100), min_size=4, max_size=4).map(sorted),
    g=st.floats(0, 20),
)
def test_guardrail_keeps_every_cut_point_within_g_of_the_previous_cycle(x, cuts, prev, g):
    r = apply_guardrail(x, cuts, prev, g)
    assert np.all(np.abs(r.cut_points - np.asarray(prev)) <= g + 1e-9)
    assert np.all(np.diff(r.cut_points) >= 0)
    assert np.array_equal(r.stars, stars_from_cut_points(x, r.cut_points).stars)


def test_guardrail_leaves_cut_points_after_an_unreached_previous_level_free():
    r = apply_guardrail([50.0, 99.0], [60, 70, 80, 90], [60, 70, 80, np.inf], 5)
    assert r.cut_points.tolist() == [60, 70, 80, 90]


def test_guardrail_changes_stars_when_cut_points_move_too_far():
    # This cycle k-means would put the 5-star cut at 80; last cycle it was 90.
    x = [50.0, 82.0, 86.0]
    r = apply_guardrail(x, [55, 60, 70, 80], [55, 60, 70, 90], max_shift=5)
    assert r.cut_points[-1] == 85
    assert r.stars.tolist() == [1, 4, 5]


def test_bad_inputs_are_rejected():
    with pytest.raises(ValueError):
        stars_by_thresholds([1.0], thresholds=(60, 70))
    with pytest.raises(ValueError):
        stars_from_cut_points([np.inf], [1.0])
    with pytest.raises(ValueError):
        stars_by_kmeans([[1.0]])

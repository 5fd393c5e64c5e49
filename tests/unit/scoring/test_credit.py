"""Credit scores over dates: validity windows, quarterly caps, bounds, grades and vetoes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring import add_months, as_dates, credit_grades, credit_scores, item_expiry


def d(*days):
    return np.array(days, dtype="datetime64[D]")


def test_item_counts_from_its_date_until_its_expiry_exclusive():
    s = credit_scores(d("2024-03-09", "2024-03-10", "2026-03-09", "2026-03-10"), d("2024-03-10"), [-2])
    assert s.tolist() == [100, 98, 98, 100]


def test_good_items_last_12_months_and_bad_items_24_by_default():
    occ = d("2024-01-15", "2024-01-15")
    assert item_expiry(occ, [3, -3]).tolist() == list(d("2025-01-15", "2026-01-15").tolist())
    assert item_expiry(occ, [3, -3], good_months=6, bad_months=1).astype(str).tolist() == [
        "2024-07-15",
        "2024-02-15",
    ]


def test_complaints_are_capped_at_minus_10_per_calendar_quarter():
    occ = d(*(["2024-02-01"] * 8 + ["2024-03-30"] * 8 + ["2024-04-02"] * 3))
    at = d("2024-03-01", "2024-03-31", "2024-04-30")
    s = credit_scores(at, occ, [-1] * 19, cap_group=[0] * 19, group_caps={0: 10})
    assert s.tolist() == [92, 90, 87]


def test_caps_apply_per_group_and_leave_other_items_alone():
    occ = d("2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05")
    s = credit_scores(d("2024-01-31"), occ, [-6, -6, 5, -20], cap_group=[0, 0, 1, -1],
                      group_caps={0: 10, 1: 2})
    assert s.tolist() == [100 - 10 + 2 - 20]


def test_cap_period_and_base_are_parameters():
    occ = d("2024-01-02", "2024-05-03")
    common = dict(cap_group=[0, 0], group_caps={0: 1.5})
    assert credit_scores(d("2024-06-01"), occ, [-1, -1], **common).tolist() == [98]
    assert credit_scores(d("2024-06-01"), occ, [-1, -1], cap_period="year", base=80, **common).tolist() == [78.5]


def test_integer_day_numbers_are_accepted_as_dates():
    day = int(np.datetime64("2024-01-01").astype(int))
    assert as_dates([day]).tolist() == d("2024-01-01").tolist()
    assert credit_scores([day, day + 10], [day + 5], [-5], expires=[day + 100]).tolist() == [100, 95]


def test_add_months_clamps_to_month_end():
    assert add_months(d("2023-01-31", "2024-08-31"), [1, 6]).astype(str).tolist() == ["2023-02-28", "2025-02-28"]


items = st.lists(
    st.tuples(st.integers(0, 2000), st.floats(-30, 30), st.integers(-1, 2)), min_size=0, max_size=25
)


@given(items, st.lists(st.integers(-100, 2500), min_size=1, max_size=20),
       st.floats(0, 80), st.floats(0, 80))
def test_credit_always_within_its_bounds(rows, at, lo, width):
    occ = np.array([r[0] for r in rows], dtype=np.int64)
    pts = np.array([r[1] for r in rows])
    grp = np.array([r[2] for r in rows], dtype=np.int64)
    s = credit_scores(at, occ, pts, cap_group=grp, group_caps={0: 10, 1: 3, 2: 0}, lower=lo, upper=lo + width)
    assert s.shape == (len(at),)
    assert np.all(s >= lo) and np.all(s <= lo + width)


@given(items, st.lists(st.integers(-100, 2500), min_size=1, max_size=20))
def test_scores_for_many_dates_equal_scores_one_date_at_a_time(rows, at):
    occ = [r[0] for r in rows]
    pts = [r[1] for r in rows]
    grp = [r[2] for r in rows]
    kw = dict(cap_group=grp, group_caps={0: 10, 1: 3, 2: 0})
    together = credit_scores(at, occ, pts, **kw)
    alone = [credit_scores([t], occ, pts, **kw)[0] for t in at]
    assert np.allclose(together, alone)


def test_missing_cap_for_a_group_is_an_error():
    with pytest.raises(ValueError, match="no cap"):
        credit_scores([0], [0], [-1], cap_group=[3], group_caps={0: 10})


def test_grades_use_thresholds_and_vetoes_force_the_lowest_grade():
    s = [100, 90, 89.99, 75, 74.9, 60, 59.9]
    assert credit_grades(s).tolist() == ["A", "A", "B", "B", "C", "C", "D"]
    assert credit_grades(s, veto=np.ones(7, bool)).tolist() == ["D"] * 7
    assert credit_grades([85], thresholds=(80,), labels=("good", "bad")).tolist() == ["good"]
    assert credit_grades([np.nan]).tolist() == [""]

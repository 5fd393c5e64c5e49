"""Shijingshan (satisfaction ≥ 80 %, 0.30 元/m²·月, five years), Jinnan (quarterly grade bands,
district and town), Baodi (taper by year)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.unit.subsidies.helpers import check, due, keys

D = Decimal
START = date(2017, 7, 1)


# --- Shijingshan ---------------------------------------------------------------------------------
def shijingshan(period: str = "2018-Q1", survey=(100, 100, 80), **kw):
    return due("shijingshan", period, term_start=kw.pop("term_start", START), survey=survey, **kw)


@pytest.mark.parametrize("valid,satisfied", [(100, 80), (5, 4), (250, 200), (1000, 800)])
def test_satisfaction_of_exactly_80_percent_qualifies(valid, satisfied):
    d = shijingshan(survey=(valid, valid, satisfied))
    assert d.amount == D("10800.00")  # 12,000 m² × 0.30 × 3 months
    assert check(d, "satisfaction").passed


@pytest.mark.parametrize("valid,satisfied", [(1000, 799), (10000, 7999), (5, 3)])
def test_satisfaction_just_under_80_percent_does_not(valid, satisfied):
    d = shijingshan(survey=(valid, valid, satisfied))
    assert d.amount == D("0.00")
    assert keys(d) == ["satisfaction_below"]
    assert "79.9 %" in d.reasons[0].zh or "60 %" in d.reasons[0].zh  # shown truncated, never rounded up to 80 %


def test_a_survey_with_too_few_valid_responses_does_not_count():
    d = shijingshan(survey=(1000, 299, 299))
    assert keys(d) == ["survey_too_few"]
    assert shijingshan(survey=(1000, 300, 300)).amount > 0


def test_no_survey_no_award():
    assert keys(shijingshan(survey=None)) == ["no_survey"]


def test_award_is_030_per_m2_month_for_five_years_at_most():
    assert shijingshan("2017-Q3").amount == D("10800.00")  # year 1
    last = shijingshan("2022-Q2")  # months 58–60
    assert last.amount == D("10800.00") and {s.year for s in last.segments} == {5}
    after = shijingshan("2022-Q3")
    assert after.amount == D("0.00") and keys(after) == ["term_cap_reached"]
    assert after.reasons[0].zh == "已超过 5 年补贴期限"


def test_the_five_years_count_whole_months_from_a_mid_quarter_start():
    started = date(2017, 8, 1)
    assert shijingshan("2017-Q3", term_start=started).months == 2
    assert shijingshan("2022-Q3", term_start=started).months == 1  # July 2022 is month 60


def test_single_property_unit_communities_are_excluded_with_the_seed_words():
    d = shijingshan(mode="property_unit")
    assert keys(d) == ["mode_excluded"]
    assert "产权单位自行管理" in d.reasons[0].zh


def test_no_agreement_no_term():
    d = shijingshan(term_start=None, served=False)
    assert d.amount == 0 and set(keys(d)) <= {"no_agreement", "term_not_started"}


# --- Jinnan -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("grade,amount", [("excellent", "7200.00"), ("model", "6480.00"),
                                          ("standard", "5040.00"), ("fail", "0.00")])
def test_jinnan_pays_by_band_of_the_quarterly_grade(grade, amount):
    d = due("jinnan", "2024-Q1", grade=grade)
    assert d.amount == D(amount)
    assert d.band == {"excellent": 1, "model": D("0.9"), "standard": D("0.7"), "fail": 0}[grade]
    assert sum(d.parts.values()) == d.amount and set(d.parts) == {"district", "town"}
    if grade == "fail":
        assert keys(d) == ["grade_band_zero"]


def test_a_veto_fails_the_quarter_whatever_the_points():
    d = due("jinnan", "2024-Q1", grade="excellent", total=96, vetoes=("gate_staff_absent",))
    assert d.amount == 0 and keys(d) == ["assessment_vetoed"]
    assert not check(d, "veto").passed and d.grade == "fail"


def test_no_assessment_no_subsidy():
    assert keys(due("jinnan", "2024-Q1")) == ["no_assessment"]


def test_jinnan_covers_renovated_old_communities_built_before_2000():
    assert keys(due("jinnan", "2024-Q1", grade="model", category="other_old")) == ["category_out_of_scope"]
    assert keys(due("jinnan", "2024-Q1", grade="model", build_year=2000)) == ["built_after_scope"]
    assert keys(due("jinnan", "2024-Q1", grade="model", renovated=False)) == ["not_renovated"]


def test_street_fallback_service_gets_nothing_and_says_so():
    d = due("jinnan", "2024-Q1", grade="model", mode="fallback")
    assert keys(d) == ["mode_excluded"] and "保底服务" in d.reasons[0].zh


def test_the_district_town_split_adds_up_to_the_fen():
    d = due("jinnan", "2024-Q1", grade="model", area="1000.05")  # 540.027 → 540.03
    assert d.amount == D("540.03")
    assert d.parts == {"district": D("270.02"), "town": D("270.01")}


# --- Baodi ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("year,factor", [(2021, "1"), (2022, "0.8"), (2023, "0.6"), (2024, "0.4"),
                                         (2025, "0.2")])
def test_baodi_tapers_the_subsidy_year_by_year(year, factor):
    d = due("baodi", f"{year}-Q3", grade="excellent", term_start=date(2021, 7, 1))
    assert d.amount == (D("7200") * D(factor)).quantize(D("0.01"))
    assert [s.taper for s in d.segments] == [D(factor)]
    assert sum(d.parts.values()) == d.amount and set(d.parts) == {"city", "district"}


def test_baodi_taper_reaches_zero_in_year_six_and_says_so():
    d = due("baodi", "2026-Q3", grade="excellent", term_start=date(2021, 7, 1))
    assert d.amount == 0 and keys(d) == ["taper_zero"]
    assert due("baodi", "2030-Q1", grade="excellent", term_start=date(2021, 7, 1)).amount == 0


def test_taper_and_band_multiply():
    d = due("baodi", "2022-Q3", grade="standard", term_start=date(2021, 7, 1))
    assert d.amount == D("4032.00")  # 7,200 × 0.8 × 0.7


def test_a_quarter_straddling_a_taper_year_has_two_segments_and_one_rounding():
    d = due("baodi", "2022-Q3", grade="excellent", term_start=date(2021, 8, 1), area="1000.01")
    assert [(s.months, s.taper) for s in d.segments] == [(1, D("1")), (2, D("0.8"))]
    assert d.exact == D("1000.01") * D("0.20") * (1 + 2 * D("0.8"))
    assert d.amount == D("520.01")  # 520.0052 rounded once

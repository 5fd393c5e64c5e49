"""Yancheng (seed 001 §二, §五(二)): district subsidy by mode and renovation, city award in lieu of subsidy."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.unit.subsidies.helpers import award, check, due, keys

D = Decimal


def test_trusteeship_not_renovated_12000_m2_gets_3600_a_month_from_the_district():
    d = due("yancheng", "2019-03", mode="trusteeship", renovated=False, category="other_old")
    assert d.amount == D("3600.00")
    assert d.parts == {"district": D("3600.00")}
    assert [(s.months, s.mode, s.renovated, s.rate) for s in d.segments] == [(1, "trusteeship", False, D("0.3"))]
    assert d.reasons == ()


def test_trusteeship_renovated_gets_1200():
    assert due("yancheng", "2019-03", mode="trusteeship", renovated=True).amount == D("1200.00")


@pytest.mark.parametrize("renovated", [True, False])
def test_professional_mode_gets_1200_renovated_or_not(renovated):
    assert due("yancheng", "2019-03", mode="professional", renovated=renovated).amount == D("1200.00")


def test_self_governance_needs_no_agreement_and_follows_the_renovation_rate():
    d = due("yancheng", "2019-03", mode="self_governance", renovated=False, served=False)
    assert d.amount == D("3600.00")


def test_trusteeship_without_an_agreement_gets_nothing_and_says_why():
    d = due("yancheng", "2019-03", mode="trusteeship", renovated=False, served=False)
    assert d.amount == D("0.00")
    assert keys(d) == ["no_agreement"]
    assert d.reasons[0].zh == "无有效的服务协议"


@pytest.mark.parametrize("year,amount", [(1998, "3600.00"), (1999, "0.00")])
def test_scope_is_communities_built_in_or_before_1998(year, amount):
    d = due("yancheng", "2019-03", mode="trusteeship", renovated=False, build_year=year)
    assert d.amount == D(amount)
    assert check(d, "scope_build_year").passed is (year <= 1998)
    if year > 1998:
        assert keys(d) == ["built_after_scope"]


def test_property_unit_mode_is_not_covered():
    d = due("yancheng", "2019-03", mode="property_unit")
    assert keys(d) == ["mode_not_covered"]


def test_tinghu_city_award_is_half_of_what_the_district_actually_paid():
    # 12 months due 3,600.00 each, but the district paid only 40,000.00: the award follows the vouchers.
    a = award("yancheng", 2019, "40000.00")
    assert a.amount == D("20000.00")
    assert a.parts == {"city": D("20000.00")}
    assert a.stream == "co_funding"


@pytest.mark.parametrize("year", [2018, 2019, 2020])
def test_the_award_runs_for_the_three_transition_years(year):
    assert award("yancheng", year, "43200.00").amount == D("21600.00")


@pytest.mark.parametrize("year", [2017, 2021, 2025])
def test_nothing_outside_the_transition_years(year):
    a = award("yancheng", year, "43200.00")
    assert a.amount == D("0.00")
    assert "not_transition_year" in keys(a)


def test_yandu_gets_20_percent():
    a = award("yancheng", 2019, "43200.00", **{"jurisdiction.district": "yandu"})
    assert a.amount == D("8640.00")


def test_the_award_needs_a_passed_third_party_evaluation():
    assert keys(award("yancheng", 2019, "43200.00", evaluation=None)) == ["no_evaluation"]
    assert keys(award("yancheng", 2019, "43200.00", evaluation=(55, False))) == ["evaluation_failed"]


def test_a_substandard_evaluation_cuts_the_award_by_the_packs_share():
    a = award("yancheng", 2019, "43200.00", evaluation=(75, True))
    assert a.amount == D("10800.00")  # 50 % of the 50 % award
    assert check(a, "substandard").passed


def test_complaints_beyond_the_allowance_cut_the_award_down_to_nothing():
    assert award("yancheng", 2019, "43200.00", complaints=3).amount == D("21600.00")
    assert award("yancheng", 2019, "43200.00", complaints=5).amount == D("17280.00")  # 2 × 10 % cut
    zero = award("yancheng", 2019, "43200.00", complaints=13)
    assert zero.amount == D("0.00") and keys(zero) == ["complaints_cut_all"]


def test_no_district_payment_no_award():
    assert keys(award("yancheng", 2019, "0.00")) == ["no_base_payment"]


def test_the_award_rounds_once_half_up_to_the_fen():
    assert award("yancheng", 2019, "0.05").amount == D("0.03")  # 0.025 → 0.03
    assert award("yancheng", 2019, "0.05", **{"jurisdiction.district": "yandu"}).amount == D("0.01")


def test_the_cut_size_is_a_pack_parameter():
    a = award("yancheng", 2019, "43200.00", complaints=4, **{"co_funding.complaints.cut_each": "0.25"})
    assert a.amount == D("16200.00")


def test_transition_start_is_a_pack_parameter():
    a = award("yancheng", 2021, "43200.00", **{"co_funding.transition_from": "2021-01-01"})
    assert a.amount == D("21600.00")
    assert award("yancheng", 2020, "1.00", **{"co_funding.transition_from": "2021-01-01"}).amount == 0


def test_months_before_the_agreement_in_the_same_period_are_left_out_with_their_reason():
    from projections.subsidy_periods import require_period
    from projections.subsidy_rules import MonthFacts

    q = require_period("2019-Q1")
    facts = tuple(MonthFacts(m, "trusteeship", False, m >= date(2019, 2, 1)) for m in q.months())
    d = due("yancheng", "2019-Q1", month_facts=facts)
    assert d.months == 2 and d.amount == D("7200.00")
    assert "2019-01：无有效的服务协议" in check(d, "months").detail

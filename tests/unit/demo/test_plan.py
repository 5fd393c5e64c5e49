"""The demo district's plan: the Jinnan mix, providers, modes, stories."""

from __future__ import annotations

from collections import Counter

import pytest

from domain.demo.names import STREETS
from domain.demo.plan import JINNAN_MIX, apportion, plan_district
from domain.errors import ValidationError
from domain.values import check_uscc


def jinnan(**kwargs):
    return plan_district(**{"communities": 394, "years": 3, "seed": 2026, "last_year": 2025, **kwargs})


def test_default_district_has_the_jinnan_mix_of_seed_004():
    plan = jinnan()
    assert Counter(c.category for c in plan.communities) == {
        "commercial": 137, "resettlement": 91, "renovated_old": 93, "other_old": 73}
    assert {c.street for c in plan.communities} == set(STREETS)
    assert len({c.code for c in plan.communities}) == len({c.name for c in plan.communities}) == 394


@pytest.mark.parametrize("total", [8, 20, 394, 1000, 5000])
def test_apportion_keeps_the_total_and_every_category(total):
    counts = apportion(total, JINNAN_MIX)
    assert sum(counts.values()) == total
    assert all(n >= 1 for n in counts.values())


@pytest.mark.parametrize("communities", [394, 5000])
def test_providers_scale_at_about_one_per_six_to_seven_communities(communities):
    plan = jinnan(communities=communities)
    assert communities / 7 <= len(plan.providers) <= communities / 6
    assert any(p.kind == "street_centre" for p in plan.providers)


def test_providers_have_valid_unique_credit_codes_of_the_district():
    plan = jinnan()
    codes = [p.uscc for p in plan.providers]
    assert len(set(codes)) == len(codes)
    for p in plan.providers:
        assert check_uscc(p.uscc) == p.uscc
        assert p.uscc[2:8] == "120112"  # 天津市津南区
        assert p.uscc[:2] == ("12" if p.kind == "street_centre" else "91")
    assert len({p.name for p in plan.providers}) == len(plan.providers)


def test_old_communities_were_built_before_2000_and_new_ones_after():
    for c in jinnan().communities:
        if c.category in ("renovated_old", "other_old"):
            assert c.build_year <= 1999
        else:
            assert 2001 <= c.build_year <= 2022


def test_management_modes_match_the_category_and_the_provider():
    plan = jinnan()
    allowed = {"commercial": {"professional"}, "resettlement": {"professional", "self_governance"},
               "renovated_old": {"professional", "trusteeship", "self_governance"},
               "other_old": {"professional", "trusteeship", "fallback", "property_unit"}}
    for c in plan.communities:
        assert c.mode in allowed[c.category]
        if c.mode == "professional":
            assert plan.provider(c.provider).kind == "company"
        elif c.mode == "trusteeship":
            centre = plan.provider(c.provider)
            assert centre.kind == "street_centre" and centre.street == c.street
        else:
            assert c.provider is None


def test_stories_are_placed_once_each():
    plan = jinnan()
    assert sum(c.overdue for c in plan.communities) == 1
    assert sorted(p.dishonest for p in plan.providers if p.dishonest) == ["active", "lifted"]
    assert 1 <= sum(c.exit_month is not None for c in plan.communities) <= 10
    assert any(c.renovate_month is not None for c in plan.communities)
    for story in ("correction", "withdrawal", "relief", "complaint", "committee"):
        assert any(story in c.showcase for c in plan.communities)


def test_no_dishonest_or_overdue_provider_enters_a_new_community():
    plan = jinnan()
    barred = {p.uscc for p in plan.providers if p.dishonest} | {c.provider for c in plan.communities if c.overdue}
    newcomers = {c.next_provider for c in plan.communities if c.next_provider}
    assert newcomers and not newcomers & barred
    for c in plan.communities:
        if c.next_provider and c.exit_month is not None:
            assert c.next_provider != c.provider


def test_the_number_of_overdue_handovers_is_a_parameter():
    assert sum(c.overdue for c in jinnan(overdue_handovers=0).communities) == 0
    assert sum(c.overdue for c in jinnan(overdue_handovers=3).communities) == 3
    with pytest.raises(ValidationError) as error:
        jinnan(communities=20, overdue_handovers=50)
    assert error.value.field == "overdue_handovers"


def test_same_seed_same_plan_and_another_seed_another():
    def names(plan):
        return [(c.code, c.name, c.mode, c.provider) for c in plan.communities]
    assert names(jinnan()) == names(jinnan())
    assert names(jinnan()) != names(jinnan(seed=7))

"""Policy packs: adoption by events, and the rules in force on a business date."""

from __future__ import annotations

from datetime import date

import pytest

from domain.community import Community
from domain.errors import RuleViolation, ValidationError
from domain.policy import REGISTRY_CODE, PolicyRegistry, pack_digest
from domain.sheet import DEFAULT_SHEET
from tests.unit.domain import builders as b

REG = ((PolicyRegistry, REGISTRY_CODE),)
JULY = date(2024, 7, 1)
# A two-section sheet, in force from 1 July 2024.
SHEET_V2 = {"assessment_sheet": {"sections": {"cleaning": 50, "gate_patrol": 50},
                                 "veto_items": ["fire_exit_blocked"], "grades": [[85, "excellent"], [0, "fail"]]}}
POINTS_V2 = {"cleaning": 45, "gate_patrol": 44}


def adopt(ledger, content=None, version="2024.2", effective_from=JULY, pack_id="jinnan"):
    return ledger.adopt_policy(pack_id=pack_id, version=version, effective_from=effective_from,
                               content=SHEET_V2 if content is None else content, stamp=b.stamp())


def assess(ledger, points, on, quarter):
    return ledger.record_assessment(b.COMMUNITY, quarter=quarter, points=points, vetoes=[],
                                    stamp=b.stamp(on, "housing_bureau"))


def test_adoption_records_the_pack_content_and_its_digest(ledger):
    adopt(ledger)
    registry = b.get(ledger, PolicyRegistry, REGISTRY_CODE)
    assert registry.adoptions == [["jinnan", "2024.2", JULY, SHEET_V2]]
    (event,) = list(ledger.events.get(registry.id, gt=1))
    assert event.sha256 == pack_digest(SHEET_V2)


def test_sheet_in_force_changes_on_its_effective_date(ledger):
    adopt(ledger)
    assert ledger.sheet_in_force(date(2024, 6, 30)) == DEFAULT_SHEET
    assert ledger.sheet_in_force(JULY).sections == {"cleaning": 50, "gate_patrol": 50}


def test_assessment_is_validated_against_the_sheet_in_force_on_its_date(served):
    adopt(served)
    with b.refused(served, ValidationError, "points.overall_management", "required"):
        assess(served, POINTS_V2, date(2024, 6, 30), "2024-Q2")
    assess(served, b.POINTS, date(2024, 6, 30), "2024-Q2")
    with b.refused(served, ValidationError, "points.overall_management", "known_section"):
        assess(served, b.POINTS, JULY, "2024-Q3")
    with b.refused(served, ValidationError, "points.cleaning", "maximum"):
        assess(served, {"cleaning": 51, "gate_patrol": 1}, JULY, "2024-Q3")
    assess(served, POINTS_V2, JULY, "2024-Q3")
    community = b.get(served, Community, b.COMMUNITY)
    event = list(served.events.get(community.id, gt=community.version - 1))[0]
    assert (event.total, event.grade) == (89, "excellent")  # the v2 grades: ≥ 85 is excellent


def test_packs_of_another_jurisdiction_do_not_apply(ledger):
    adopt(ledger, pack_id="yancheng")
    assert ledger.sheet_in_force(date(2030, 1, 1)) == DEFAULT_SHEET


def test_later_adoption_supersedes_from_its_own_date(ledger):
    adopt(ledger)
    adopt(ledger, content={"exit": {"notice_months": 6}}, version="2025.1", effective_from=date(2025, 1, 1))
    assert ledger.sheet_in_force(date(2024, 12, 31)).sections == {"cleaning": 50, "gate_patrol": 50}
    assert ledger.sheet_in_force(date(2025, 1, 1)) == DEFAULT_SHEET  # v2025.1 carries no sheet
    assert ledger.exit_rules_in_force(date(2025, 1, 1)).notice_months == 6


def test_exit_rules_of_the_pack_set_the_notice_period(served):
    adopt(served, content={"exit": {"notice_months": 6, "handover_days": 30}}, effective_from=date(2024, 1, 1))
    with b.refused(served, RuleViolation, "occurred_on", "notice_period"):
        b.exit_notice(served, on=date(2025, 7, 1))  # 6 months before 2025-12-31 is 2025-06-30
    b.exit_notice(served, on=date(2025, 6, 30))


def test_a_pack_version_is_adopted_once(ledger):
    adopt(ledger)
    with b.refused(ledger, RuleViolation, "version", "adopt_once", REG):
        adopt(ledger, effective_from=date(2025, 1, 1))


@pytest.mark.parametrize("kwargs, field, rule", [
    ({"content": {}}, "content", "required"),
    ({"effective_from": "2024-07-01"}, "effective_from", "date"),
    ({"pack_id": "jin nan"}, "pack_id", "code_format"),
    ({"version": ""}, "version", "required"),
    ({"content": {"rates": {0.1, 0.3}}}, "content", "json"),
    ({"content": {"rate": float("nan")}}, "content", "json"),
    ({"content": {"assessment_sheet": {"sections": {"cleaning": 50}}}},
     "content.assessment_sheet.veto_items", "required"),
    ({"content": {"assessment_sheet": {"sections": {"cleaning": -5}, "veto_items": []}}},
     "content.assessment_sheet.sections.cleaning", "minimum"),
    ({"content": {"assessment_sheet": {"veto_items": []}}}, "content.assessment_sheet.sections", "required"),
    ({"content": {"exit": {"notice_months": "three"}}}, "content.exit.notice_months", "integer"),
    ({"content": {"exit": {"grace_days": 3}}}, "content.exit", "exit_rules"),
])
def test_malformed_pack_is_refused_at_adoption(ledger, kwargs, field, rule):
    with b.refused(ledger, ValidationError, field, rule, REG):
        adopt(ledger, **kwargs)


def test_a_refused_adoption_leaves_later_assessments_working(served):
    with pytest.raises(ValidationError):
        adopt(served, content={"assessment_sheet": {"sections": {"cleaning": 50}}}, effective_from=date(2024, 1, 1))
    assess(served, b.POINTS, date(2024, 3, 31), "2024-Q1")


def test_adopted_content_is_plain_json_so_the_ledger_and_a_replay_see_the_same():
    ledger = b.new_ledger(env=b.IN_MEMORY_ENV)
    content = {"taper": (1.0, 0.8, 0.6)}
    adopt(ledger, content=content)
    content["taper"] = ()  # the caller's object is not the recorded one
    registry_id = b.aggregate_id(PolicyRegistry.KIND, REGISTRY_CODE)
    in_memory = b.in_memory(ledger, registry_id)
    assert in_memory.adoptions[0][3] == {"taper": [1.0, 0.8, 0.6]}
    assert b.state(in_memory) == b.state(b.reloaded(ledger, registry_id))


def test_of_two_adoptions_effective_the_same_day_the_later_is_in_force(ledger):
    from domain.policy import REGISTRY_CODE, PolicyRegistry

    first = {"assessment_sheet": {"sections": {"a": 50, "b": 50}, "veto_items": []}}
    second = {"assessment_sheet": {"sections": {"a": 60, "b": 40}, "veto_items": []}}
    for version, content in (("1", first), ("1.1", second)):
        ledger.adopt_policy(pack_id=ledger.pack_id, version=version, effective_from=date(2024, 1, 1),
                            content=content, stamp=b.stamp())
    assert ledger.sheet_in_force(date(2024, 6, 1)).sections == {"a": 60, "b": 40}
    registry = b.get(ledger, PolicyRegistry, REGISTRY_CODE)
    assert registry.in_force(ledger.pack_id, date(2024, 6, 1))[1] == "1.1"

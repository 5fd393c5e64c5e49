"""The Ledger's machinery: idempotency keys, optimistic concurrency, batch mode, multi-aggregate commands."""

from __future__ import annotations

from datetime import date

import pytest

from domain.community import Community
from domain.complaint import Complaint
from domain.engagement import Engagement
from domain.errors import ConflictError, NotFoundError, RuleViolation, ValidationError
from tests.unit.domain import builders as b

C = ((Community, b.COMMUNITY),)


def inspect(ledger, month="2024-01", **kwargs):
    return ledger.community_command("record_inspection", b.COMMUNITY, month=month, items={"cleaning": True},
                                    stamp=b.stamp(), **kwargs)


# --- idempotency keys ------------------------------------------------------------------
def test_same_idempotency_key_returns_the_original_result_and_writes_nothing(served):
    first = inspect(served, idempotency_key="req-1")
    position, community_version = served.max_position(), b.version(served, Community, b.COMMUNITY)
    again = inspect(served, idempotency_key="req-1")
    assert again.replayed and not first.replayed
    assert (again.command, again.positions, again.versions) == (first.command, first.positions, first.versions)
    assert served.max_position() == position
    assert b.version(served, Community, b.COMMUNITY) == community_version


def test_replay_ignores_the_arguments_of_the_retry(served):
    first = inspect(served, idempotency_key="req-1")
    again = inspect(served, month="2024-02", idempotency_key="req-1")  # a retry is the same request
    assert again.replayed and again.positions == first.positions
    assert ("InspectionRecorded", "2024-02") not in b.get(served, Community, b.COMMUNITY).records


def test_key_reused_for_another_command_is_refused_and_writes_nothing(served):
    inspect(served, idempotency_key="req-9")
    position = served.max_position()
    with pytest.raises(RuleViolation) as refused:
        served.community_command("record_survey", b.COMMUNITY, period="2024", households=10,
                                 valid_responses=5, satisfied=4, stamp=b.stamp(), idempotency_key="req-9")
    assert (refused.value.field, refused.value.rule) == ("idempotency_key", "same_command")
    assert served.max_position() == position


def test_key_of_a_multi_aggregate_command_replays_every_position(ledger):
    b.provider(ledger)
    b.community(ledger)
    b.request_entry(ledger)
    b.decide(ledger)
    first = b.sign(ledger, idempotency_key="sign-1")
    assert len(first.positions) == 2 and len(first.versions) == 2
    again = b.sign(ledger, idempotency_key="sign-1")
    assert again.replayed and again.positions == first.positions and again.versions == first.versions


def test_refused_command_does_not_consume_its_key(served):
    inspect(served)
    with b.refused(served, RuleViolation, "month", "one_per_period", C):
        inspect(served, idempotency_key="req-2")
    position = served.max_position()
    result = inspect(served, month="2024-02", idempotency_key="req-2")
    assert not result.replayed and result.positions == [position + 1]  # then the key's own record


def test_idempotency_key_is_normalised_like_the_record(served):
    first = inspect(served, idempotency_key="req-3")
    again = inspect(served, idempotency_key="  req-3 ")
    assert again.replayed and again.positions == first.positions


def test_overlong_idempotency_key_is_refused(served):
    with b.refused(served, ValidationError, "idempotency_key", "max_length", C):
        inspect(served, idempotency_key="k" * 201)


def test_registration_with_a_key_replays_instead_of_failing_as_a_duplicate(ledger):
    first = b.community(ledger, idempotency_key="reg-1")
    assert b.community(ledger, idempotency_key="reg-1").positions == first.positions
    with b.refused(ledger, RuleViolation, "code", "unique", C):
        b.community(ledger, idempotency_key="reg-2")


# --- optimistic concurrency -------------------------------------------------------------
def test_expected_version_mismatch_is_a_conflict_and_writes_nothing(served):
    current = b.version(served, Community, b.COMMUNITY)
    with b.refused(served, ConflictError, "expected_version", "optimistic_concurrency", C) as info:
        inspect(served, expected_version=current - 1)
    assert (info.value.expected, info.value.actual) == (current - 1, current)
    result = inspect(served, expected_version=current)
    assert list(result.versions.values()) == [current + 1]


STALE = {  # one command of every family, each with an expected_version the aggregate is not at
    "provider_command": lambda l: l.provider_command("commend", b.USCC, reason="x", points=1, stamp=b.stamp(),
                                                     expected_version=0),
    "community_command": lambda l: inspect(l, expected_version=1),
    "record_assessment": lambda l: l.record_assessment(b.COMMUNITY, quarter="2024-Q1", points=b.POINTS, vetoes=[],
                                                       stamp=b.stamp(), expected_version=1),
    "decide_entry": lambda l: b.decide(l, "E-002", expected_version=2),
    "sign_agreement": lambda l: b.sign(l, "E-002", expected_version=2),
    "engagement_command": lambda l: b.exit_notice(l, expected_version=2),
    "end_engagement": lambda l: l.end_engagement(b.ENGAGEMENT, ended_on=b.END, stamp=b.stamp(), expected_version=2),
    "cycle_command": lambda l: l.cycle_command("open", "CY", period_start=b.START, period_end=b.END,
                                               stamp=b.stamp(), expected_version=0),
}


@pytest.mark.parametrize("family", STALE)
def test_every_command_family_refuses_a_stale_expected_version(served, family):
    b.request_entry(served, "E-002")  # version 1: the stale expectations above are 0 or 2
    served.adopt_scheme(code="CY", departments=["housing_bureau"], weights={"housing_bureau": 1},
                        method="thresholds", parameters={"thresholds": [90, 80, 70, 60]}, min_departments=1, stamp=b.stamp())
    watch = (*b.WATCH_DEFAULT, (Engagement, "E-002"))
    with b.refused(served, ConflictError, "expected_version", "optimistic_concurrency", watch):
        STALE[family](served)


# --- multi-aggregate commands ------------------------------------------------------------------
def test_sign_agreement_writes_engagement_and_community_together(ledger):
    b.provider(ledger)
    b.community(ledger)
    b.request_entry(ledger)
    b.decide(ledger)
    position = ledger.max_position()
    result = b.sign(ledger)
    assert result.positions == [position + 1, position + 2]
    assert set(result.versions) == {str(b.get(ledger, Engagement, b.ENGAGEMENT).id),
                                    str(b.get(ledger, Community, b.COMMUNITY).id)}


# --- batch mode ------------------------------------------------------------------------
def test_batch_saves_on_leaving_the_block(served):
    position = served.max_position()
    with served.batch():
        inspect(served)
        inspect(served, month="2024-02")
        assert served.max_position() == position
    assert served.max_position() == position + 2


def test_refused_command_in_a_batch_writes_nothing(served):
    position = served.max_position()
    with served.batch():
        inspect(served)
        with pytest.raises(RuleViolation):
            inspect(served)
        with pytest.raises(ValidationError):
            inspect(served, month="2024-02", idempotency_key="k" * 201)
    assert served.max_position() == position + 1
    assert set(b.get(served, Community, b.COMMUNITY).records) == {("InspectionRecorded", "2024-01")}


def test_idempotency_key_replays_inside_a_batch(served):
    with served.batch():
        inspect(served, idempotency_key="bulk-1")
        assert inspect(served, idempotency_key="bulk-1").replayed
    assert inspect(served, idempotency_key="bulk-1").replayed


def test_key_used_in_a_batch_replays_only_its_own_command(served):
    with served.batch():
        inspect(served)
        inspect(served, month="2024-02", idempotency_key="bulk-2")
        inspect(served, month="2024-03")
    replay = inspect(served, month="2024-02", idempotency_key="bulk-2")
    community = b.get(served, Community, b.COMMUNITY)
    assert replay.versions == {str(community.id): community.version - 1}
    assert len(replay.positions) == 1  # the February inspection, not January's or March's


def test_batched_entry_decision_rests_on_the_earlier_batched_events(ledger):
    with ledger.batch():
        b.provider(ledger)
        b.community(ledger)
        b.request_entry(ledger)
        b.decide(ledger)
    engagement = b.get(ledger, Engagement, b.ENGAGEMENT)
    decided = list(ledger.events.get(engagement.id, gt=1))[0]
    assert decided.blacklist_position == 3  # as one by one: provider, community, entry request


# --- complaints (a small aggregate that leans on the community) --------------------------------
def file(ledger, code="TS-001", **kwargs):
    fields = {"category": "卫生", "channel": "hotline_12345", "description": "楼道垃圾未清运",
              "complainant_name": "李四", "complainant_phone": "13800000000", **kwargs}
    return ledger.file_complaint(code=code, community_code=b.COMMUNITY, stamp=b.stamp(date(2024, 3, 1)), **fields)


def test_complaint_is_held_against_the_provider_in_place(served):
    file(served)
    assert b.get(served, Complaint, "TS-001").provider_uscc == b.USCC


def test_complaint_about_an_unknown_community_or_provider_is_refused(ledger):
    with b.refused(ledger, NotFoundError, "community_code", "exists", ((Complaint, "TS-001"),)):
        file(ledger)
    b.community(ledger)
    with b.refused(ledger, NotFoundError, "provider_uscc", "exists", ((Complaint, "TS-001"),)):
        file(ledger, provider_uscc=b.uscc(404))
    with b.refused(ledger, ValidationError, "channel", "choice", ((Complaint, "TS-001"),)):
        file(ledger, channel="carrier_pigeon")


def test_complaint_is_resolved_once_and_not_before_it_was_filed(served):
    file(served)
    watch = ((Complaint, "TS-001"),)
    with b.refused(served, ValidationError, "occurred_on", "date_order", watch):
        served.resolve_complaint("TS-001", substantiated=True, resolution="已整改", stamp=b.stamp(date(2024, 2, 1)))
    served.resolve_complaint("TS-001", substantiated=True, resolution="已整改", stamp=b.stamp(date(2024, 3, 2)))
    with b.refused(served, RuleViolation, "complaint", "resolve_once", watch):
        served.resolve_complaint("TS-001", substantiated=False, resolution="x", stamp=b.stamp(date(2024, 3, 3)))


def test_unknown_community_command_is_refused(served):
    with b.refused(served, ValidationError, "command", "known_command", C):
        served.community_command("demolish", b.COMMUNITY, stamp=b.stamp())


def test_a_large_flush_is_saved_in_chunks_that_never_split_a_command(ledger, monkeypatch):
    b.provider(ledger)
    for n in range(1, 4):
        b.community(ledger, code=f"C-{n}")
        b.request_entry(ledger, code=f"E-{n}", community_code=f"C-{n}")
        b.decide(ledger, code=f"E-{n}")
    saves: list[set] = []
    real_save = ledger.save

    def spy(*aggregates):
        saves.append({a.id for a in aggregates})
        return real_save(*aggregates)

    monkeypatch.setattr(ledger, "save", spy)
    monkeypatch.setattr(ledger, "MAX_EVENTS_PER_SAVE", 3)
    with ledger.batch():
        for n in range(1, 4):
            b.sign(ledger, code=f"E-{n}")  # one command: the engagement and its community
            ledger.community_command("record_inspection", f"C-{n}", month="2024-03", items={"cleaning": True},
                                     stamp=b.stamp())
    assert len(saves) == 3  # 3 events per command group: each group alone, never split
    for n in range(1, 4):
        engagement, community = b.aggregate_id("engagement", f"E-{n}"), b.aggregate_id("community", f"C-{n}")
        assert sum(engagement in ids and community in ids for ids in saves) == 1
    assert b.get(ledger, Community, "C-3").current_engagement == "E-3"


def test_codes_are_found_without_their_surrounding_blanks(ledger):
    b.provider(ledger)
    b.community(ledger)
    ledger.request_entry(code="E-9 ", provider_uscc=b.USCC, community_code=b.COMMUNITY, stamp=b.stamp(),
                         **b.ENTRY_FIELDS)
    assert b.get(ledger, Engagement, "E-9").code == "E-9"
    with b.refused(ledger, RuleViolation, "code", "unique"):
        ledger.request_entry(code="E-9", provider_uscc=b.USCC, community_code=b.COMMUNITY, stamp=b.stamp(),
                             **b.ENTRY_FIELDS)

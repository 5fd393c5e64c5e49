"""Engagement lifecycle: entry request → party decision → agreement → exit → handover → end."""

from __future__ import annotations

from datetime import date

import pytest

from domain.community import Community
from domain.engagement import Engagement
from domain.errors import NotFoundError, RuleViolation, ValidationError
from domain.vocab import BASIC_SERVICES, HANDOVER_ITEMS
from tests.unit.domain import builders as b


@pytest.fixture
def requested(ledger):
    b.provider(ledger)
    b.community(ledger)
    b.request_entry(ledger)
    return ledger


# --- entry request ---------------------------------------------------------------------
def test_entry_request_for_an_unknown_community_is_refused(ledger):
    b.provider(ledger)
    with b.refused(ledger, NotFoundError, "community_code", "exists"):
        b.request_entry(ledger, community_code="C-404")


def test_entry_request_for_an_unknown_provider_is_refused(ledger):
    b.community(ledger)
    with b.refused(ledger, NotFoundError, "provider_uscc", "exists"):
        b.request_entry(ledger, provider_uscc=b.uscc(404))


def test_entry_request_with_a_malformed_provider_code_is_refused(ledger):
    b.community(ledger)
    with b.refused(ledger, ValidationError, "provider_uscc", "uscc_check_character"):
        b.request_entry(ledger, provider_uscc=b.USCC[:17] + "0")


@pytest.mark.parametrize("service", BASIC_SERVICES)
def test_entry_request_missing_a_mandatory_service_is_refused(ledger, service):
    b.provider(ledger)
    b.community(ledger)
    services = [s for s in BASIC_SERVICES if s != service] + ["greening"]
    with b.refused(ledger, ValidationError, "services", "basic_services"):
        b.request_entry(ledger, services=services)


@pytest.mark.parametrize("field, value, rule", [
    ("served_area", -5.0, "minimum"), ("served_area", float("nan"), "finite"),
    ("served_area", float("inf"), "finite"), ("term_months", 0, "minimum"),
    ("term_months", 12.5, "integer"), ("mode", "laissez_faire", "choice"),
])
def test_entry_request_with_bad_terms_is_refused(ledger, field, value, rule):
    b.provider(ledger)
    b.community(ledger)
    with b.refused(ledger, ValidationError, field, rule):
        b.request_entry(ledger, **{field: value})


def test_second_entry_request_with_the_same_code_is_refused(requested):
    with b.refused(requested, RuleViolation, "code", "unique"):
        b.request_entry(requested)


def test_entry_decision_on_an_unknown_engagement_is_refused(ledger):
    with b.refused(ledger, NotFoundError, "engagement_code", "exists"):
        b.decide(ledger, "E-404")


# --- party decision and the blacklist --------------------------------------------------------
def test_second_decision_on_the_same_entry_request_is_refused(requested):
    b.decide(requested, approved=False)
    with b.refused(requested, RuleViolation, "engagement", "one_decision"):
        b.decide(requested, approved=True)


def test_decision_without_a_blacklist_view_records_the_current_position(requested):
    position = requested.max_position()
    result = b.decide(requested)
    event = requested.events.get(b.get(requested, Engagement, b.ENGAGEMENT).id, gt=1)
    (decided,) = list(event)
    assert (decided.blacklisted, decided.blacklist_position) == (False, position)
    assert result.positions == [position + 1]


def _blacklisted_setup(listed: bool):
    blacklist = b.FakeBlacklist({b.USCC} if listed else set(), position=42)
    ledger = b.new_ledger(blacklist=blacklist)
    b.provider(ledger)
    b.community(ledger)
    b.request_entry(ledger)
    return ledger, blacklist


def test_blacklisted_provider_cannot_enter_without_override():
    ledger, blacklist = _blacklisted_setup(listed=True)
    with b.refused(ledger, RuleViolation, "provider_uscc", "blacklisted"):
        b.decide(ledger)
    with b.refused(ledger, RuleViolation, "provider_uscc", "blacklisted"):
        b.decide(ledger, override_reason="   ")  # a blank reason is no override
    assert blacklist.asked == [(b.USCC, b.DAY), (b.USCC, b.DAY)]
    assert b.get(ledger, Engagement, b.ENGAGEMENT).status == "requested"


def test_blacklisted_provider_enters_with_an_override_and_the_override_is_recorded():
    ledger, _ = _blacklisted_setup(listed=True)
    b.decide(ledger, override_reason=" 区政府兜底接管，限期整改 ")
    engagement = b.get(ledger, Engagement, b.ENGAGEMENT)
    assert engagement.status == "approved"
    assert engagement.override_reason == "区政府兜底接管，限期整改"
    decided = list(ledger.events.get(engagement.id, gt=1))[0]
    assert (decided.blacklisted, decided.blacklist_position) == (True, 42)
    assert decided.override_reason == "区政府兜底接管，限期整改"


def test_refusing_a_blacklisted_provider_needs_no_override_and_records_none():
    ledger, _ = _blacklisted_setup(listed=True)
    b.decide(ledger, approved=False, override_reason="irrelevant")
    decided = list(ledger.events.get(b.get(ledger, Engagement, b.ENGAGEMENT).id, gt=1))[0]
    assert (decided.approved, decided.blacklisted, decided.override_reason) == (False, True, None)


def test_a_provider_not_on_the_blacklist_needs_no_override():
    ledger, _ = _blacklisted_setup(listed=False)
    b.decide(ledger)
    decided = list(ledger.events.get(b.get(ledger, Engagement, b.ENGAGEMENT).id, gt=1))[0]
    assert (decided.blacklisted, decided.blacklist_position, decided.override_reason) == (False, 42, None)


# --- agreement -----------------------------------------------------------------------
def test_agreement_needs_an_approved_entry(requested):
    with b.refused(requested, RuleViolation, "engagement", "approved_first"):
        b.sign(requested)
    b.decide(requested, approved=False)
    with b.refused(requested, RuleViolation, "engagement", "approved_first"):
        b.sign(requested)


@pytest.mark.parametrize("start, end", [(date(2024, 1, 1), date(2023, 12, 31)), (date(2024, 1, 1), date(2024, 1, 1))])
def test_agreement_ending_before_or_on_its_start_is_refused(requested, start, end):
    b.decide(requested)
    with b.refused(requested, ValidationError, "end", "date_order"):
        b.sign(requested, start=start, end=end)


def test_agreement_dates_given_as_text_are_refused(requested):
    b.decide(requested)
    with b.refused(requested, ValidationError, "start", "date"):
        requested.sign_agreement(b.ENGAGEMENT, start="2024-01-01", end=b.END, stamp=b.stamp())


def test_signing_starts_the_service_of_the_community(served):
    community = b.get(served, Community, b.COMMUNITY)
    assert (community.current_engagement, community.current_provider) == (b.ENGAGEMENT, b.USCC)
    assert b.get(served, Engagement, b.ENGAGEMENT).status == "active"


def test_second_providers_agreement_is_refused_while_the_community_is_served(served):
    second = b.uscc(2)
    b.provider(served, second)
    b.request_entry(served, "E-002", provider_uscc=second)
    b.decide(served, "E-002")
    watch = ((Engagement, "E-002"), (Community, b.COMMUNITY), (Engagement, b.ENGAGEMENT))
    with b.refused(served, RuleViolation, "community", "one_provider_at_a_time", watch):
        b.sign(served, "E-002")
    assert b.get(served, Engagement, "E-002").status == "approved"
    assert b.get(served, Community, b.COMMUNITY).current_engagement == b.ENGAGEMENT


# --- exit ----------------------------------------------------------------------------
def test_exit_notice_before_entry_is_refused(requested):
    with b.refused(requested, RuleViolation, "engagement", "active_first"):
        b.exit_notice(requested)


def test_exit_date_before_the_agreement_start_is_refused(served):
    with b.refused(served, ValidationError, "exit_date", "date_order"):
        b.exit_notice(served, by="mutual", exit_date=date(2023, 12, 31))


def test_non_renewal_notice_three_months_before_the_end_is_accepted(served):
    b.exit_notice(served, on=date(2025, 9, 30))  # the end is 2025-12-31; 3 months before is 09-30
    assert b.get(served, Engagement, b.ENGAGEMENT).status == "exit_noticed"


def test_non_renewal_notice_later_than_three_months_before_the_end_is_refused(served):
    with b.refused(served, RuleViolation, "occurred_on", "notice_period"):
        b.exit_notice(served, on=date(2025, 10, 1))


def test_termination_by_the_community_is_not_bound_by_the_notice_period(served):
    b.exit_notice(served, on=date(2025, 12, 1), by="community_termination")
    assert b.get(served, Engagement, b.ENGAGEMENT).status == "exit_noticed"


def test_exit_notice_by_an_unknown_party_is_refused(served):
    with b.refused(served, ValidationError, "by", "choice"):
        b.exit_notice(served, by="the_weather")


def test_exit_decision_needs_an_undecided_notice(served):
    with b.refused(served, RuleViolation, "engagement", "one_decision"):
        b.approve_exit(served)
    b.exit_notice(served)
    b.approve_exit(served)
    with b.refused(served, RuleViolation, "engagement", "one_decision"):
        b.approve_exit(served)


def test_refused_exit_returns_the_engagement_to_active(served):
    b.exit_notice(served)
    served.engagement_command("decide_exit", b.ENGAGEMENT, approved=False, reason="不同意",
                              stamp=b.stamp(date(2025, 9, 5), "party_committee"))
    assert b.get(served, Engagement, b.ENGAGEMENT).status == "active"


# --- handover and end ----------------------------------------------------------------
def test_handover_before_an_approved_exit_is_refused(served):
    with b.refused(served, RuleViolation, "engagement", "exit_approved_first"):
        b.hand_over(served, items=["documents"])


def test_unknown_handover_item_is_refused(served):
    b.exit_notice(served)
    b.approve_exit(served)
    with b.refused(served, ValidationError, "item", "choice"):
        b.hand_over(served, items=["keys_to_the_city"])


@pytest.mark.parametrize("missing", HANDOVER_ITEMS)
def test_end_is_refused_while_one_handover_item_is_missing(served, missing):
    b.exit_notice(served)
    b.approve_exit(served)
    b.hand_over(served, items=[i for i in HANDOVER_ITEMS if i != missing])
    with b.refused(served, RuleViolation, "handover", "all_items_accepted"):
        served.end_engagement(b.ENGAGEMENT, ended_on=b.END, stamp=b.stamp(b.END, "street"))


def test_end_is_refused_while_an_item_was_not_accepted_and_allowed_once_it_is(served):
    b.exit_notice(served)
    b.approve_exit(served)
    b.hand_over(served)
    b.hand_over(served, items=["premises"], accepted=False)  # the takeover inspection found a defect
    with b.refused(served, RuleViolation, "handover", "all_items_accepted"):
        served.end_engagement(b.ENGAGEMENT, ended_on=b.END, stamp=b.stamp(b.END, "street"))
    b.hand_over(served, items=["premises"])
    served.end_engagement(b.ENGAGEMENT, ended_on=b.END, stamp=b.stamp(b.END, "street"))
    assert b.get(served, Engagement, b.ENGAGEMENT).status == "ended"


def test_end_after_all_five_items_frees_the_community_for_the_next_provider(served):
    b.exit_notice(served)
    b.approve_exit(served)
    b.hand_over(served)
    result = served.end_engagement(b.ENGAGEMENT, ended_on=b.END, stamp=b.stamp(b.END, "street"))
    assert len(result.positions) == 2 and len(result.versions) == 2
    assert b.get(served, Community, b.COMMUNITY).current_engagement is None
    second = b.uscc(2)
    b.provider(served, second)
    b.request_entry(served, "E-002", provider_uscc=second)
    b.decide(served, "E-002")
    b.sign(served, "E-002", start=date(2026, 1, 1), end=date(2028, 12, 31))
    assert b.get(served, Community, b.COMMUNITY).current_provider == second


def test_end_before_the_exit_is_approved_is_refused(served):
    with b.refused(served, RuleViolation, "engagement", "exit_approved_first"):
        served.end_engagement(b.ENGAGEMENT, ended_on=b.END, stamp=b.stamp(b.END))


def test_end_dated_before_the_start_is_refused(served):
    b.exit_notice(served)
    b.approve_exit(served)
    b.hand_over(served)
    with b.refused(served, ValidationError, "ended_on", "date_order"):
        served.end_engagement(b.ENGAGEMENT, ended_on=date(2023, 6, 1), stamp=b.stamp(b.END))


# --- overdue -----------------------------------------------------------------------------
def test_overdue_only_after_the_end_plus_fifteen_days(served):
    b.exit_notice(served)
    b.approve_exit(served)
    with b.refused(served, RuleViolation, "occurred_on", "after_deadline"):
        served.engagement_command("mark_overdue", b.ENGAGEMENT, stamp=b.stamp(date(2026, 1, 15)))
    served.engagement_command("mark_overdue", b.ENGAGEMENT, stamp=b.stamp(date(2026, 1, 16)))
    engagement = b.get(served, Engagement, b.ENGAGEMENT)
    assert engagement.overdue
    marked = list(served.events.get(engagement.id, gt=engagement.version - 1))[0]
    assert marked.deadline == date(2026, 1, 15)


def test_overdue_counts_from_an_exit_date_earlier_than_the_contract_end(served):
    b.exit_notice(served, by="mutual", exit_date=date(2025, 6, 30), on=date(2025, 5, 1))
    b.approve_exit(served, on=date(2025, 5, 10))
    with b.refused(served, RuleViolation, "occurred_on", "after_deadline"):
        served.engagement_command("mark_overdue", b.ENGAGEMENT, stamp=b.stamp(date(2025, 7, 15)))
    served.engagement_command("mark_overdue", b.ENGAGEMENT, stamp=b.stamp(date(2025, 7, 16)))


def test_overdue_is_marked_once_and_never_for_an_ended_or_unsigned_engagement(served):
    served.engagement_command("mark_overdue", b.ENGAGEMENT, stamp=b.stamp(date(2026, 2, 1)))
    with b.refused(served, RuleViolation, "engagement", "once"):
        served.engagement_command("mark_overdue", b.ENGAGEMENT, stamp=b.stamp(date(2026, 2, 2)))
    b.provider(served, b.uscc(3))
    b.community(served, "C-003")
    b.request_entry(served, "E-003", provider_uscc=b.uscc(3), community_code="C-003")
    watch = ((Engagement, "E-003"),)
    with b.refused(served, RuleViolation, "engagement", "in_service", watch):
        served.engagement_command("mark_overdue", "E-003", stamp=b.stamp(date(2030, 1, 1)))


def test_unknown_engagement_command_is_refused(served):
    with b.refused(served, ValidationError, "command", "known_command"):
        served.engagement_command("teleport", b.ENGAGEMENT, stamp=b.stamp())


def test_entry_decision_dated_before_the_request_is_refused(ledger):
    # Otherwise the blacklist could be consulted as of a day chosen to get round it.
    b.provider(ledger)
    b.community(ledger)
    b.request_entry(ledger, on=date(2024, 4, 1))
    with b.refused(ledger, ValidationError, "occurred_on", "after_previous_step"):
        b.decide(ledger, on=date(2024, 3, 1))

"""The party committee's entry decision rests on the blacklist as it stood, and says so."""

from __future__ import annotations

from datetime import date

import pytest

from domain.engagement import Engagement
from domain.errors import RuleViolation
from tests.unit.domain import builders as b
from tests.unit.ratings import scenario as s

U = b.USCC


@pytest.fixture
def listed():
    """Provider U under a dishonesty declaration for 2024; community C-001 asks it in."""
    ledger = s.wired()
    b.provider(ledger)
    b.community(ledger)
    ledger.provider_command("declare_dishonest", U, term_start=date(2024, 1, 1), term_end=date(2024, 12, 31),
                            reason="提供虚假材料", stamp=b.stamp(date(2024, 1, 1)))
    b.request_entry(ledger)
    return ledger


def _decision(ledger):
    engagement = b.get(ledger, Engagement, b.ENGAGEMENT)
    return [e for e in ledger.repository.event_store.get(engagement.id) if isinstance(e, Engagement.EntryDecided)][0]


def test_entry_for_a_blacklisted_provider_is_refused_without_an_override(listed):
    with b.refused(listed, RuleViolation, "provider_uscc", "blacklisted"):
        b.decide(listed, on=date(2024, 3, 1))


def test_approval_with_an_override_records_the_reason_and_the_position_the_blacklist_was_read_at(listed):
    position = listed.max_position()
    b.decide(listed, on=date(2024, 3, 1), override_reason="全区唯一具备资质的企业，经区住建委同意")
    decision = _decision(listed)
    assert decision.approved and decision.blacklisted
    assert decision.blacklist_position == position
    assert decision.override_reason == "全区唯一具备资质的企业，经区住建委同意"
    b.sign(listed, start=date(2024, 4, 1), end=date(2025, 3, 31))
    assert b.get(listed, Engagement, b.ENGAGEMENT).override_reason == decision.override_reason


def test_after_the_term_the_same_provider_is_approved_without_override(listed):
    b.decide(listed, on=date(2025, 1, 1))
    decision = _decision(listed)
    assert decision.approved and not decision.blacklisted and decision.override_reason is None


def test_a_refusal_needs_no_override_and_still_records_what_the_committee_saw(listed):
    b.decide(listed, approved=False, on=date(2024, 3, 1))
    decision = _decision(listed)
    assert not decision.approved and decision.blacklisted and decision.override_reason is None

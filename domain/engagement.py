"""Engagement: one provider serving one community, from entry request to handover.

requested → party decision (approved | refused) → agreement signed → exit notice
→ exit decision → handover items → ended; an exit not completed in time is
marked overdue (a veto offence for credit, POLICIES.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from domain.base import LedgerAggregate, Stamp
from domain.errors import RuleViolation, ValidationError
from domain.values import (
    check_choice, check_code, check_count, check_money, check_number, check_order, check_text,
    check_uscc,
)
from domain.vocab import BASIC_SERVICES, HANDOVER_ITEMS, ExitBy, Mode


@dataclass(frozen=True)
class ExitRules:
    """Exit parameters of the policy pack in force ([default] values of POLICIES.md)."""

    notice_months: int = 3  # written notice of non-renewal before the contract ends
    handover_days: int = 15  # days after the contract end to leave and hand over


def add_months(day: date, months: int) -> date:
    """Same day ``months`` later (clamped to the month's last day)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


class Engagement(LedgerAggregate):
    KIND = "engagement"
    COMMANDS = frozenset({"give_exit_notice", "decide_exit", "record_handover_item", "mark_overdue"})

    class EntryRequested(LedgerAggregate.Created):
        code: str
        provider_uscc: str
        community_code: str
        mode: str
        services: list
        fee_standard: Decimal  # 元/m²·月
        term_months: int
        served_area: float

        def apply(self, e: Engagement) -> None:
            for key in ("code", "provider_uscc", "community_code", "mode", "services", "served_area"):
                setattr(e, key, getattr(self, key))
            e.status = "requested"
            e.last_decided_on = self.occurred_on  # decisions may not be dated before what they decide
            e.start = e.end = e.exit_date = None
            e.handover = {}
            e.overdue = False
            e.override_reason = None

    class EntryDecided(LedgerAggregate.Event):
        approved: bool
        reason: str
        blacklist_position: int
        blacklisted: bool
        override_reason: str | None

        def apply(self, e: Engagement) -> None:
            e.status = "approved" if self.approved else "refused"
            e.override_reason = self.override_reason
            e.last_decided_on = self.occurred_on

    class AgreementSigned(LedgerAggregate.Event):
        start: date
        end: date

        def apply(self, e: Engagement) -> None:
            e.status, e.start, e.end = "active", self.start, self.end

    class ExitNoticed(LedgerAggregate.Event):
        by: str
        reason: str
        exit_date: date

        def apply(self, e: Engagement) -> None:
            e.status, e.exit_date = "exit_noticed", self.exit_date
            e.last_decided_on = max(e.last_decided_on, self.occurred_on)

    class ExitDecided(LedgerAggregate.Event):
        approved: bool
        reason: str

        def apply(self, e: Engagement) -> None:
            e.status = "exit_approved" if self.approved else "active"

    class HandoverItemRecorded(LedgerAggregate.Event):  # 交接 / 承接查验
        item: str
        accepted: bool
        note: str

        def apply(self, e: Engagement) -> None:
            e.handover[self.item] = self.accepted

    class Ended(LedgerAggregate.Event):
        ended_on: date

        def apply(self, e: Engagement) -> None:
            e.status = "ended"

    class MarkedOverdue(LedgerAggregate.Event):
        deadline: date

        def apply(self, e: Engagement) -> None:
            e.overdue = True

    @classmethod
    def request_entry(cls, *, code: str, provider_uscc: str, community_code: str, mode: str,
                      services: list[str], fee_standard: Decimal | str, term_months: int,
                      served_area: float, stamp: Stamp) -> Engagement:
        missing = [s for s in BASIC_SERVICES if s not in (services or [])]
        if missing:
            raise ValidationError("services", "basic_services", f"the basic service {missing[0]} is mandatory")
        return cls._create_with(
            cls.EntryRequested, (code := check_code(code, "code")), stamp, code=code,
            provider_uscc=check_uscc(provider_uscc, "provider_uscc"),
            community_code=check_code(community_code, "community_code"),
            mode=check_choice(mode, "mode", Mode), services=sorted(set(services)),
            fee_standard=check_money(fee_standard, "fee_standard"),
            term_months=check_count(term_months, "term_months", minimum=1),
            served_area=check_number(served_area, "served_area", strict=True),
        )

    def _not_before_last_step(self, stamp: Stamp) -> None:
        # A decision dated before the request (or a notice before the decision it follows)
        # would let the blacklist be consulted as of a day chosen to get round it.
        if stamp.occurred_on < self.last_decided_on:
            raise ValidationError("occurred_on", "after_previous_step",
                                  f"must not be before {self.last_decided_on.isoformat()}, the engagement's previous step")

    def decide_entry(self, *, approved: bool, reason: str, blacklist_position: int, blacklisted: bool,
                     stamp: Stamp, override_reason: str | None = None) -> None:
        if self.status != "requested":
            raise RuleViolation("engagement", "one_decision", f"the entry request was already decided ({self.status})")
        self._not_before_last_step(stamp)
        check_count(blacklist_position, "blacklist_position")
        override = override_reason.strip() if override_reason else None
        if approved and blacklisted and not override:
            raise RuleViolation("provider_uscc", "blacklisted",
                                "the provider is on the blacklist; approval needs an override with a reason")
        self._trigger(self.EntryDecided, stamp, approved=bool(approved), reason=check_text(reason, "reason"),
                      blacklist_position=blacklist_position, blacklisted=bool(blacklisted),
                      override_reason=override if approved and blacklisted else None)

    def sign_agreement(self, *, start: date, end: date, stamp: Stamp) -> None:
        if self.status != "approved":
            raise RuleViolation("engagement", "approved_first", "an agreement needs an approved entry request")
        check_order(start, end, "start", "end")
        if end == start:
            raise ValidationError("end", "date_order", "must be after start")
        self._trigger(self.AgreementSigned, stamp, start=start, end=end)

    def give_exit_notice(self, *, by: str, reason: str, exit_date: date, stamp: Stamp,
                         rules: ExitRules = ExitRules()) -> None:
        if self.status != "active":
            raise RuleViolation("engagement", "active_first", "an exit needs an active engagement (entry first)")
        check_choice(by, "by", ExitBy)
        check_order(self.start, exit_date, "start", "exit_date")
        if by == ExitBy.PROVIDER_NON_RENEWAL.value:
            latest = add_months(self.end, -rules.notice_months)
            if stamp.occurred_on > latest:
                raise RuleViolation("occurred_on", "notice_period",
                                    f"non-renewal needs written notice {rules.notice_months} months before the contract end, by {latest.isoformat()}")
        self._trigger(self.ExitNoticed, stamp, by=by, reason=check_text(reason, "reason"), exit_date=exit_date)

    def decide_exit(self, *, approved: bool, reason: str, stamp: Stamp) -> None:
        if self.status != "exit_noticed":
            raise RuleViolation("engagement", "one_decision", "there is no undecided exit notice")
        self._not_before_last_step(stamp)
        self._trigger(self.ExitDecided, stamp, approved=bool(approved), reason=check_text(reason, "reason"))

    def record_handover_item(self, *, item: str, accepted: bool, note: str, stamp: Stamp) -> None:
        if self.status != "exit_approved":
            raise RuleViolation("engagement", "exit_approved_first", "handover follows an approved exit")
        check_choice(item, "item", set(HANDOVER_ITEMS))
        self._trigger(self.HandoverItemRecorded, stamp, item=item, accepted=bool(accepted), note=note or "")

    # Not ``end``: that name is the agreement's end date, an attribute set by the events.
    def finish(self, *, ended_on: date, stamp: Stamp) -> None:
        if self.status != "exit_approved":
            raise RuleViolation("engagement", "exit_approved_first", "an engagement ends after an approved exit")
        missing = [i for i in HANDOVER_ITEMS if not self.handover.get(i)]
        if missing:
            raise RuleViolation("handover", "all_items_accepted", f"handover item {missing[0]} is not accepted yet")
        check_order(self.start, ended_on, "start", "ended_on")
        self._trigger(self.Ended, stamp, ended_on=ended_on)

    def handover_deadline(self, rules: ExitRules = ExitRules()) -> date:
        last_day = min(self.end, self.exit_date) if self.exit_date else self.end
        return last_day + timedelta(days=rules.handover_days)

    def mark_overdue(self, *, stamp: Stamp, rules: ExitRules = ExitRules()) -> None:
        if self.status in ("requested", "refused", "approved", "ended") or self.end is None:
            raise RuleViolation("engagement", "in_service", "only an engagement still in place can be overdue")
        if self.overdue:
            raise RuleViolation("engagement", "once", "the engagement is already marked overdue")
        deadline = self.handover_deadline(rules)
        if stamp.occurred_on <= deadline:
            raise RuleViolation("occurred_on", "after_deadline", f"the handover deadline {deadline.isoformat()} has not passed")
        self._trigger(self.MarkedOverdue, stamp, deadline=deadline)

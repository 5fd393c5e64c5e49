"""Property: whatever valid sequence of commands runs, every aggregate rebuilt
from the stored events equals the one the commands left in memory; commands
invalid in the current state raise and write nothing.

A small model (which engagements exist, in which status; which months,
vouchers, applications are recorded) decides whether each generated command is
valid, so the ledger must also agree with the model on every refusal."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from uuid import UUID

import pytest
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from domain.engagement import add_months
from domain.errors import DomainError
from domain.vocab import HANDOVER_ITEMS
from tests.unit.domain import builders as b

PROVIDERS = [b.uscc(n) for n in range(3)]
COMMUNITIES = ["C-1", "C-2", "C-3"]
MONTHS = ["2024-01", "2024-02", "2024-03"]


@dataclass
class Eng:
    provider: str
    community: str
    status: str = "requested"
    start: date | None = None
    end: date | None = None
    exit_date: date | None = None
    items: dict = field(default_factory=dict)
    overdue: bool = False


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.ledger = b.new_ledger(env=b.IN_MEMORY_ENV)
        self.today = date(2024, 1, 5)
        self.ids: set[UUID] = set()
        self.providers: set[str] = set()
        self.communities: dict[str, str | None] = {}  # code -> engagement serving it
        self.engagements: dict[str, Eng] = {}
        self.records: set[tuple[str, str]] = set()
        self.vouchers: set[str] = set()
        self.relief: dict[str, set[int]] = {}  # community -> pending application versions
        self.keyed: dict[str, object] = {}  # idempotency key -> first result
        self.declarations: dict[str, set[int]] = {}  # provider -> versions of unlifted declarations

    # --- helpers ---------------------------------------------------------------------------
    def stamp(self):
        return b.stamp(self.today)

    def versions(self) -> dict[UUID, int]:
        return {i: self.ledger.repository.get(i).version for i in self.ids}

    def attempt(self, valid: bool, run):
        event("valid" if valid else "invalid")
        if valid:
            result = run()
            self.ids.update(UUID(k) for k in result.versions)
            return result
        position, versions = self.ledger.max_position(), self.versions()
        with pytest.raises(DomainError):
            run()
        assert self.ledger.max_position() == position
        assert self.versions() == versions
        return None

    def engagement(self, index: int) -> tuple[str, Eng | None]:
        codes = sorted(self.engagements)
        if not codes:
            return "E-404", None
        code = codes[index % len(codes)]
        return code, self.engagements[code]

    @initialize(providers=st.lists(st.sampled_from(PROVIDERS), min_size=len(COMMUNITIES),
                                   max_size=len(COMMUNITIES)))
    def register_everyone_and_request_entries(self, providers):
        """Hypothesis enables a random subset of rules per run (swarm testing): starting
        with one entry request per community keeps every run's lifecycles reachable."""
        for code in PROVIDERS:
            self.register_provider(code)
        for code, provider in zip(COMMUNITIES, providers):
            self.register_community(code)
            self.request_entry(provider, code)

    @rule(index=st.integers(0, 5), steps=st.integers(1, 12))
    def progress(self, index, steps):
        """The next valid steps of an engagement's lifecycle, so whole lifecycles are common."""
        for _ in range(steps):
            self.step(index)

    def step(self, index):
        code, eng = self.engagement(index)
        if eng is None:
            return
        if eng.status == "requested":
            self.decide_entry(index, approved=True)
        elif eng.status == "approved" and self.communities[eng.community] is None:
            self.sign_agreement(index, key=None)
        elif eng.status == "active":
            self.give_exit_notice(index, by="mutual")
        elif eng.status == "exit_noticed":
            self.decide_exit(index, approved=True)
        elif eng.status == "exit_approved" and not all(eng.items.get(i) for i in HANDOVER_ITEMS):
            self.hand_over(index, item=next(i for i in HANDOVER_ITEMS if not eng.items.get(i)), accepted=True)
        elif eng.status == "exit_approved":
            self.end_engagement(index)

    # --- time ------------------------------------------------------------------------------------
    @rule(days=st.sampled_from([1, 10, 45, 200, 400]))
    def advance(self, days):
        self.today += timedelta(days=days)

    # --- registration ----------------------------------------------------------------------------
    @rule(code=st.sampled_from(PROVIDERS))
    def register_provider(self, code):
        self.attempt(code not in self.providers, lambda: b.provider(self.ledger, code, on=self.today))
        self.providers.add(code)

    @rule(code=st.sampled_from(COMMUNITIES))
    def register_community(self, code):
        self.attempt(code not in self.communities, lambda: b.community(self.ledger, code, on=self.today))
        self.communities.setdefault(code, None)

    # --- engagement lifecycle ----------------------------------------------------------------------
    @rule(provider=st.sampled_from(PROVIDERS), community=st.sampled_from(COMMUNITIES))
    def request_entry(self, provider, community):
        code = f"E-{len(self.engagements) + 1}"
        valid = provider in self.providers and community in self.communities
        self.attempt(valid, lambda: b.request_entry(self.ledger, code, provider, community, on=self.today))
        if valid:
            self.engagements[code] = Eng(provider, community)

    @rule(index=st.integers(0, 5), approved=st.booleans())
    def decide_entry(self, index, approved):
        code, eng = self.engagement(index)
        valid = eng is not None and eng.status == "requested"
        self.attempt(valid, lambda: b.decide(self.ledger, code, approved=approved, on=self.today))
        if valid:
            eng.status = "approved" if approved else "refused"

    @rule(index=st.integers(0, 5), key=st.sampled_from([None, "k-1", "k-2"]))
    def sign_agreement(self, index, key):
        code, eng = self.engagement(index)
        if key in self.keyed:  # a retry: the original result, nothing written
            position = self.ledger.max_position()
            again = b.sign(self.ledger, code, start=self.today, end=add_months(self.today, 24), idempotency_key=key)
            assert again.replayed and again.positions == self.keyed[key].positions
            assert self.ledger.max_position() == position
            return
        valid = eng is not None and eng.status == "approved" and self.communities[eng.community] is None
        result = self.attempt(valid, lambda: b.sign(self.ledger, code, start=self.today,
                                                    end=add_months(self.today, 24), idempotency_key=key))
        if valid:
            eng.status, eng.start, eng.end = "active", self.today, add_months(self.today, 24)
            self.communities[eng.community] = code
            if key:
                self.keyed[key] = result

    @rule(index=st.integers(0, 5), by=st.sampled_from(["mutual", "provider_non_renewal"]))
    def give_exit_notice(self, index, by):
        code, eng = self.engagement(index)
        exit_date = self.today + timedelta(days=30)
        valid = eng is not None and eng.status == "active" and (
            by == "mutual" or self.today <= add_months(eng.end, -3))
        self.attempt(valid, lambda: b.exit_notice(self.ledger, code, on=self.today, by=by, exit_date=exit_date))
        if valid:
            eng.status, eng.exit_date = "exit_noticed", exit_date

    @rule(index=st.integers(0, 5), approved=st.booleans())
    def decide_exit(self, index, approved):
        code, eng = self.engagement(index)
        valid = eng is not None and eng.status == "exit_noticed"
        self.attempt(valid, lambda: self.ledger.engagement_command(
            "decide_exit", code, approved=approved, reason="研究决定", stamp=self.stamp()))
        if valid:
            eng.status = "exit_approved" if approved else "active"

    @rule(index=st.integers(0, 5), item=st.sampled_from(HANDOVER_ITEMS), accepted=st.booleans())
    def hand_over(self, index, item, accepted):
        code, eng = self.engagement(index)
        valid = eng is not None and eng.status == "exit_approved"
        self.attempt(valid, lambda: b.hand_over(self.ledger, code, items=[item], on=self.today, accepted=accepted))
        if valid:
            eng.items[item] = accepted

    @rule(index=st.integers(0, 5))
    def end_engagement(self, index):
        code, eng = self.engagement(index)
        valid = eng is not None and eng.status == "exit_approved" and all(eng.items.get(i) for i in HANDOVER_ITEMS)
        self.attempt(valid, lambda: self.ledger.end_engagement(code, ended_on=self.today, stamp=self.stamp()))
        if valid:
            event("an engagement ended")
            eng.status = "ended"
            self.communities[eng.community] = None

    @rule(index=st.integers(0, 5))
    def mark_overdue(self, index):
        code, eng = self.engagement(index)
        valid = (eng is not None and eng.status in ("active", "exit_noticed", "exit_approved") and not eng.overdue
                 and self.today > min(eng.end, eng.exit_date or eng.end) + timedelta(days=15))
        self.attempt(valid, lambda: self.ledger.engagement_command("mark_overdue", code, stamp=self.stamp()))
        if valid:
            event("an engagement overdue")
            eng.overdue = True

    @rule(method=st.sampled_from(["decide_exit", "mark_overdue", "give_exit_notice"]))
    def unknown_engagement_is_refused(self, method):
        self.attempt(False, lambda: self.ledger.engagement_command(method, "E-404", stamp=self.stamp()))

    @rule(index=st.integers(0, 5), version=st.integers(0, 3))
    def stale_write_conflicts(self, index, version):
        code, eng = self.engagement(index)
        if eng is None:
            return
        self.attempt(False, lambda: self.ledger.engagement_command(
            "decide_exit", code, approved=True, reason="x", stamp=self.stamp(), expected_version=version - 9))

    # --- community records -------------------------------------------------------------------------
    @rule(community=st.sampled_from(COMMUNITIES), month=st.sampled_from(MONTHS))
    def record_inspection(self, community, month):
        valid = community in self.communities and (community, month) not in self.records
        self.attempt(valid, lambda: self.ledger.community_command(
            "record_inspection", community, month=month, items={"cleaning": True, "gate_duty": month != "2024-02"},
            stamp=self.stamp()))
        if valid:
            self.records.add((community, month))

    @rule(community=st.sampled_from(COMMUNITIES), voucher=st.sampled_from(["V1", "V2"]),
          amount=st.sampled_from(["3600.00", "0.01", "12.345", "-1", "NaN"]))
    def pay_subsidy(self, community, voucher, amount):
        valid = (community in self.communities and (community, voucher) not in self.vouchers
                 and amount in ("3600.00", "0.01"))
        self.attempt(valid, lambda: self.ledger.community_command(
            "pay_subsidy", community, period="2024-Q1", payer_level="district", amount=amount,
            voucher_no=voucher, stamp=self.stamp()))
        if valid:
            self.vouchers.add((community, voucher))

    @rule(community=st.sampled_from(COMMUNITIES))
    def apply_fee_relief(self, community):
        valid = community in self.communities
        result = self.attempt(valid, lambda: self.ledger.community_command(
            "apply_fee_relief", community, household="1-1-101", kind="dibao", months=6, stamp=self.stamp()))
        if valid:
            self.relief.setdefault(community, set()).update(result.versions.values())

    @rule(community=st.sampled_from(COMMUNITIES), version=st.integers(2, 12), approved=st.booleans())
    def decide_fee_relief(self, community, version, approved):
        valid = version in self.relief.get(community, set())
        self.attempt(valid, lambda: self.ledger.community_command(
            "decide_fee_relief", community, application_version=version, approved=approved, reason="核实",
            stamp=self.stamp()))
        if valid:
            self.relief[community].discard(version)

    @rule(community=st.sampled_from(COMMUNITIES), quarter=st.sampled_from(["2024-Q1", "2024-Q2"]),
          cleaning=st.sampled_from([0, 29.5, 30, 31]), veto=st.sampled_from([[], ["gate_staff_absent"], ["x"]]))
    def record_assessment(self, community, quarter, cleaning, veto):
        valid = (community, quarter) not in self.records and cleaning <= 30 and veto != ["x"]
        self.attempt(valid, lambda: self.ledger.record_assessment(
            community, quarter=quarter, points={**b.POINTS, "cleaning": cleaning}, vetoes=veto, stamp=self.stamp()))
        if valid:
            self.records.add((community, quarter))

    # --- providers ---------------------------------------------------------------------------------
    @rule(provider=st.sampled_from(PROVIDERS), days=st.sampled_from([0, 365]))
    def declare_dishonest(self, provider, days):
        result = self.attempt(days > 0, lambda: self.ledger.provider_command(
            "declare_dishonest", provider, term_start=self.today, term_end=self.today + timedelta(days=days),
            reason="失信", stamp=self.stamp()))
        if days > 0:
            self.declarations.setdefault(provider, set()).update(result.versions.values())

    @rule(provider=st.sampled_from(PROVIDERS), version=st.integers(1, 8))
    def lift_dishonesty(self, provider, version):
        valid = version in self.declarations.get(provider, set())
        self.attempt(valid, lambda: self.ledger.provider_command(
            "lift_dishonesty", provider, declaration_version=version, reason="信用修复", stamp=self.stamp()))
        if valid:
            self.declarations[provider].discard(version)

    # --- the property ----------------------------------------------------------------------------------
    @invariant()
    def every_aggregate_rebuilt_from_the_store_equals_the_one_in_memory(self):
        for agg_id in self.ids:
            assert b.state(b.in_memory(self.ledger, agg_id)) == b.state(b.reloaded(self.ledger, agg_id))


LedgerMachine.TestCase.settings = settings(settings(), stateful_step_count=60)
test_replayed_aggregates_equal_the_ones_commands_built = LedgerMachine.TestCase

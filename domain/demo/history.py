"""One community's history: registration, renovation, committee, and its
engagements from entry request to handover, with the plan's stories (a refused
entry, an exit with a full handover, a renovation that brings a provider in, an
overdue handover). The records made over time are in :mod:`domain.demo.records`."""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from domain.base import Stamp, aggregate_id
from domain.demo import actors
from domain.demo.plan import CommunityPlan, DistrictPlan
from domain.demo.records import RecordsMixin
from domain.demo.timeline import (
    COMMITTEE, DECIDE, END, EXIT, HANDOVER, MODE, REGISTER, RENOVATE, REQUEST, SIGN, Timeline,
)
from domain.engagement import add_months
from domain.values import Source
from domain.vocab import BASIC_SERVICES, HANDOVER_ITEMS, Category, CommitteeKind, Mode

if TYPE_CHECKING:
    from domain.demo.cycle import CycleWriter
    from domain.ledger import Ledger
    from domain.sheet import AssessmentSheet

_EXTRA_SERVICES = ("greening", "repairs", "fire_safety", "elevator", "security_cameras")
_FEE_CENTS = {"commercial": (120, 280), "resettlement": (50, 100), "renovated_old": (30, 60),
              "other_old": (20, 45)}


@dataclass
class Context:
    """What every community's history shares while the district is written."""

    ledger: Ledger
    plan: DistrictPlan
    sheet: AssessmentSheet
    subsidy: dict | None  # the pack's subsidy section
    cycle: CycleWriter
    engagements: int = 0
    complaints: int = 0
    exits: list[str] = field(default_factory=list)
    overdue: list[str] = field(default_factory=list)


@dataclass
class Service:
    engagement: str
    provider: str
    start: date
    last_day: date  # inclusive; the period's end when the provider is still there
    fee: Decimal
    paid_until: date  # fees are due to the provider up to here (not after an overdue contract end)


class CommunityHistory(RecordsMixin):
    def __init__(self, ctx: Context, c: CommunityPlan) -> None:
        self.ctx, self.c, self.plan, self.ledger = ctx, c, ctx.plan, ctx.ledger
        self.rng = random.Random(f"taizhang-demo:{ctx.plan.seed}:community:{c.index}")
        self.timeline = Timeline(last_day=ctx.plan.end)
        self.agg_id = str(aggregate_id("community", c.code))
        self.street_officer = actors.street_officer(c.street)
        self.services: list[Service] = []
        self.versions: dict[tuple, int] = {}  # (record kind, key) -> community version, for follow-ups
        self.offset = self.rng.uniform(-0.04, 0.04)
        self.unserved_quality = self.rng.uniform(0.72, 0.85)
        self.renovated_on: date | None = None
        self.modes: list[tuple[date, str]] = [(date.min, c.mode)]
        self.complaint_no = 0

    def write(self) -> int:
        """Draw and run the whole history; returns the number of commands."""
        registered = self.plan.start.replace(year=self.plan.first_year - 1, month=11) + timedelta(
            days=self.rng.randint(0, 19))
        self._register(registered)
        self._engagements(registered)
        self._records(registered)
        commands = self.timeline.run()
        opened = self.ctx.cycle.opened
        if any(s.start <= opened <= s.last_day for s in self.services):  # rated while still in the batch
            self.ctx.cycle.score(self.c.index, self.c.code, self.quality(opened))
        return commands

    # --- helpers ------------------------------------------------------------------
    def days(self, low: int, high: int) -> timedelta:
        return timedelta(days=self.rng.randint(low, high))

    def serving(self, day: date) -> Service | None:
        for s in self.services:
            if s.start <= day <= s.last_day:
                return s
        return None

    def mode_on(self, day: date) -> str:
        return [mode for since, mode in self.modes if since <= day][-1]

    def quality(self, day: date) -> float:
        service = self.serving(day)
        base = self.plan.provider(service.provider).quality if service else self.unserved_quality
        return min(0.99, max(0.3, base + self.offset))

    def _community(self, method: str, day: date, actor, source: Source | None = None, **kwargs):
        return self.timeline.at(day, kwargs.pop("order"), self.ledger.community_command, method, self.c.code,
                                stamp=Stamp(day, actor, source), **kwargs)

    # --- registration, renovation, committee ----------------------------------------
    def _register(self, day: date) -> None:
        c = self.c
        self.timeline.at(day, REGISTER, self.ledger.register_community, code=c.code, name=c.name,
                         street=c.street.name, category=c.category, build_year=c.build_year,
                         floor_area=c.floor_area, households=c.households, mode=c.mode,
                         stamp=Stamp(day, self.street_officer, Source(document=f"{c.street.name}小区基础信息台账")))
        if c.category == Category.RENOVATED_OLD.value:
            latest = self.plan.first_year - 2  # renovated before the period (old ones were built by 1999)
            year = self.rng.randint(min(max(c.build_year + 10, latest - 6), latest), latest)
            self._renovate(date(year, self.rng.randint(3, 11), self.rng.randint(1, 28)), day + self.days(1, 10))
        kind, chance = {
            Category.COMMERCIAL.value: (CommitteeKind.OWNERS.value, 0.65),
            Category.RESETTLEMENT.value: (CommitteeKind.PROPERTY_MANAGEMENT.value, 0.4),
        }.get(c.category, (CommitteeKind.SELF_MANAGEMENT.value, 0.9) if c.mode in (
            Mode.SELF_GOVERNANCE.value, Mode.PROPERTY_UNIT.value) else (CommitteeKind.RESIDENTS_ACTING.value, 0.3))
        if self.rng.random() < chance or "committee" in c.showcase:
            members = self.rng.randint(3, 7) if kind == CommitteeKind.RESIDENTS_ACTING.value else self.rng.randint(5, 9)
            # Jinnan (seed 004 §五(二)1): party members are at least half of an owners' committee.
            party = self.rng.randint(math.ceil(members / 2), members)
            self._community("form_committee", day + self.days(20, 300), actors.residents_committee(c.street),
                            order=COMMITTEE, kind=kind, members=members, party_members=party)

    def _renovate(self, completed: date, recorded: date) -> None:
        self.renovated_on = completed
        self._community("renovate", recorded, actors.HOUSING_BUREAU,
                        Source(document=f"津南住建〔{completed.year}〕{self.rng.randint(5, 90)}号"), order=RENOVATE,
                        completed_on=completed, project=f"{completed.year}年津南区老旧小区改造提升工程")

    # --- engagements ---------------------------------------------------------------------
    def _engagements(self, registered: date) -> None:
        c, plan = self.c, self.plan
        if c.provider:
            day = registered + self.days(3, 5)
            if c.refused_provider:
                self._request(1, c.refused_provider, c.mode, day, c.term_months)
                self._decide(1, day + self.days(4, 6), approved=False)
                day += self.days(7, 9)
            n = 2 if c.refused_provider else 1
            self._request(n, c.provider, c.mode, day, c.term_months)
            self._decide(n, day + self.days(3, 8))
            signed = date(plan.first_year - 1, 12, self.rng.randint(20, 28))
            service = self._sign(n, c.provider, signed, plan.start, c.term_months)
            if c.overdue:
                self._overdue(service, n + 1)
            elif c.exit_month is not None:
                self._exit(service, n + 1)
        elif c.renovate_month is not None:
            month = plan.month_start(c.renovate_month)
            self._renovate(month + self.days(5, 20), month + self.days(21, 26))
            changed = plan.month_start(c.renovate_month + 1) + self.days(0, 4)
            self._community("change_mode", changed, self.street_officer, order=MODE, mode=c.new_mode)
            self.modes.append((changed, c.new_mode))
            self._request(1, c.next_provider, c.new_mode, changed + self.days(3, 6), c.term_months)
            self._decide(1, changed + self.days(10, 14))
            start = plan.month_start(c.renovate_month + 2)
            self._sign(1, c.next_provider, start - self.days(1, 3), start, c.term_months)

    def code(self, n: int) -> str:
        return f"{self.c.code}-E{n}"

    def _request(self, n: int, provider: str, mode: str, day: date, term: int) -> None:
        c = self.c
        cents = (20, 40) if mode == Mode.TRUSTEESHIP.value else _FEE_CENTS[c.category]
        extras = self.rng.sample(_EXTRA_SERVICES, self.rng.randint(0, 3)) if mode == Mode.PROFESSIONAL.value else []
        self.fee = Decimal(self.rng.randrange(cents[0], cents[1] + 1, 5)) / 100
        self.ctx.engagements += 1
        self.timeline.at(day, REQUEST, self.ledger.request_entry, code=self.code(n), provider_uscc=provider,
                         community_code=c.code, mode=mode, services=[*BASIC_SERVICES, *extras],
                         fee_standard=self.fee, term_months=term, served_area=c.floor_area,
                         stamp=Stamp(day, self.street_officer, Source(document=f"{c.name}物业服务企业进驻申请")))

    def _decide(self, n: int, day: date, approved: bool = True) -> None:
        reason = ("经社区党组织会议研究，经查询失信企业名单未列入，同意进驻" if approved
                  else "经社区党组织会议研究，该企业服务方案不符合小区实际，不同意进驻")
        self.timeline.at(day, DECIDE, self.ledger.decide_entry, self.code(n), approved=approved, reason=reason,
                         stamp=Stamp(day, actors.party_committee(self.c.street)))

    def _sign(self, n: int, provider: str, signed: date, start: date, term: int) -> Service:
        code = self.code(n)
        end = add_months(start, term) - timedelta(days=1)
        digest = hashlib.sha256(f"物业服务协议 {code}".encode()).hexdigest()
        self.timeline.at(signed, SIGN, self.ledger.sign_agreement, code, start=start, end=end,
                         stamp=Stamp(signed, self.street_officer, Source(document=f"物业服务协议 {code}", sha256=digest)))
        service = Service(code, provider, start, min(end, self.plan.end), self.fee, end)
        self.services.append(service)
        return service

    # --- exits ---------------------------------------------------------------------------
    def _notice(self, service: Service, by: str, day: date, exit_date: date) -> None:
        reason = {"provider_non_renewal": "合同期满，企业书面通知不再续约",
                  "community_termination": "业主大会表决解聘，服务质量长期不达标"}[by]
        self.timeline.at(day, EXIT, self.ledger.engagement_command, "give_exit_notice", service.engagement,
                         by=by, reason=reason, exit_date=exit_date,
                         stamp=Stamp(day, self.street_officer, Source(document="物业服务企业退出书面告知")))
        decided = day + self.days(7, 14)
        self.timeline.at(decided, DECIDE, self.ledger.engagement_command, "decide_exit", service.engagement,
                         approved=True, reason="经社区党组织研究，同意退出，由街道监督交接",
                         stamp=Stamp(decided, actors.party_committee(self.c.street)))

    def _handover(self, engagement: str, day: date, item: str, accepted: bool, note: str = "") -> None:
        self.timeline.at(day, HANDOVER, self.ledger.engagement_command, "record_handover_item", engagement,
                         item=item, accepted=accepted, note=note or "承接查验合格，已移交",
                         stamp=Stamp(day, self.street_officer))

    def _exit(self, service: Service, successor: int) -> None:
        """A full exit: notice, party approval, all five items handed over, ended; the successor signs next day."""
        c = self.c
        exit_date = self.plan.month_start(c.exit_month) - timedelta(days=1)
        if c.exit_by == "provider_non_renewal":  # at least three months before the contract end
            noticed = add_months(exit_date, -4) + self.days(0, 10)
        else:
            noticed = exit_date - self.days(45, 75)
        self._notice(service, c.exit_by, noticed, exit_date)
        requested = noticed + self.days(15, 25)
        term = self.plan.months - c.exit_month + 12 * self.rng.randint(1, 3)
        self._request(successor, c.next_provider, c.mode, requested, term)
        self._decide(successor, requested + self.days(5, 10))
        redo = self.rng.choice(HANDOVER_ITEMS)
        for i, item in enumerate(HANDOVER_ITEMS):  # one item fails the takeover inspection at first
            first = exit_date + timedelta(days=1 + i)
            self._handover(service.engagement, first, item, item != redo, "" if item != redo else "清单与实物不符，待补正")
        self._handover(service.engagement, exit_date + timedelta(days=7), redo, True, "补正后复验合格")
        ended = exit_date + self.days(9, 13)  # within the 15-day handover period
        self.timeline.at(ended, END, self.ledger.end_engagement, service.engagement, ended_on=ended,
                         stamp=Stamp(ended, self.street_officer))
        service.last_day = service.paid_until = ended
        start = ended + timedelta(days=1)
        self._sign(successor, c.next_provider, start, start, term)
        self.ctx.exits.append(service.engagement)

    def _overdue(self, service: Service, successor: int) -> None:
        """Non-renewal, approved, but two handover items are withheld: past the deadline the engagement is overdue."""
        c, end = self.c, service.paid_until
        self._notice(service, "provider_non_renewal", add_months(end, -4) + self.days(0, 10), end)
        requested = end - self.days(35, 45)
        self._request(successor, c.next_provider, c.mode, requested, 36)
        self._decide(successor, requested + self.days(5, 10))  # approved, waiting for the community to be free
        withheld = {"documents": "企业拒不移交档案资料", "settled_funds": "预收物业费及代收代缴款项未结算"}
        for i, item in enumerate(HANDOVER_ITEMS):
            self._handover(service.engagement, end + timedelta(days=2 + i), item, item not in withheld,
                           withheld.get(item, ""))
        marked = end + self.days(20, 35)
        self.timeline.at(marked, END, self.ledger.engagement_command, "mark_overdue", service.engagement,
                         stamp=Stamp(marked, self.street_officer, Source(document="逾期未完成交接情况报告")))
        self.ctx.overdue.append(service.engagement)

"""Providers: registration before the period, then what the housing bureau
records about them during it: admonition interviews (约谈) and other sanctions,
commendations, profile changes, two dishonesty declarations (失信) of which one
is lifted after an approved credit repair (信用修复)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from domain.base import Stamp, aggregate_id
from domain.demo import actors
from domain.demo.history import Context
from domain.demo.names import landline, person_name
from domain.demo.plan import DistrictPlan, ProviderPlan
from domain.demo.timeline import Timeline
from domain.engagement import add_months
from domain.values import Source
from domain.vocab import ProviderKind, SanctionKind


def register_providers(ledger, plan: DistrictPlan) -> int:
    """Every provider registers in October of the year before the period."""
    rng = random.Random(f"taizhang-demo:{plan.seed}:registrations")
    timeline = Timeline(last_day=plan.end)
    for p in plan.providers:
        day = date(plan.first_year - 1, 10, rng.randint(1, 28))
        timeline.at(day, 0, ledger.register_provider, uscc=p.uscc, name=p.name, kind=p.kind,
                    legal_representative=p.legal_representative, contact=p.contact,
                    stamp=Stamp(day, actors.HOUSING_BUREAU, Source(document=f"物业服务企业备案 {p.uscc}")))
    return timeline.run()


class ProviderStories:
    def __init__(self, ctx: Context) -> None:
        self.ctx, self.plan, self.ledger = ctx, ctx.plan, ctx.ledger
        self.rng = random.Random(f"taizhang-demo:{ctx.plan.seed}:providers")
        self.timeline = Timeline(last_day=ctx.plan.end)
        self.declarations: dict[str, int] = {}

    def day_in_month(self, month: int) -> date:
        return self.plan.month_start(month) + timedelta(days=self.rng.randint(3, 25))

    def document(self, day: date) -> Source:
        return Source(document=f"津南住建〔{day.year}〕{self.rng.randint(10, 180)}号")

    def write(self) -> int:
        plan, rng, months = self.plan, self.rng, self.plan.months
        companies = [p for p in plan.providers if p.kind == ProviderKind.COMPANY.value]
        for p in companies:
            if p.dishonest == "lifted":
                self._dishonest(p, max(2, round(0.35 * months)), term_months=24, lifted=True)
            elif p.dishonest == "active":
                self._dishonest(p, months - 6, term_months=12, lifted=False)
            elif p.quality < 0.84 and rng.random() < 0.5:
                self._sanction(p, SanctionKind.INTERVIEW.value, self.day_in_month(rng.randrange(months)),
                               "季度联合考核得分偏低，约谈企业负责人")
        others = [p for p in companies if not p.dishonest]
        weakest = sorted(others, key=lambda p: p.quality)
        if len(companies) >= 10:
            self._sanction(weakest[0], SanctionKind.FINE.value, self.day_in_month(rng.randrange(months)),
                           "擅自撤销门岗值守，依据《天津市物业管理条例》处以罚款")
        if len(companies) >= 20:
            self._sanction(weakest[1], SanctionKind.SAFETY_ACCIDENT.value, self.day_in_month(rng.randrange(months)),
                           "小区电动车充电引发火情，未造成人员伤亡")
        best = sorted(others, key=lambda p: -p.quality)
        for p in best[: max(1, round(len(companies) * 0.1))]:
            year = rng.randint(plan.first_year, plan.last_year)
            day = date(year, 12, rng.randint(10, 20))
            self.timeline.at(day, 0, self.ledger.provider_command, "commend", p.uscc,
                             reason=f"{year}年度津南区物业服务先进单位", points=rng.choice((3, 5)),
                             stamp=Stamp(day, actors.HOUSING_BUREAU, self.document(day)))
        for p in rng.sample(plan.providers, max(1, round(len(plan.providers) * 0.05))):
            day = self.day_in_month(rng.randrange(months))
            changes = ({"contact": landline(rng)} if rng.random() < 0.5
                       else {"legal_representative": person_name(rng)})
            self.timeline.at(day, 0, self.ledger.provider_command, "amend_profile", p.uscc, changes=changes,
                             stamp=Stamp(day, actors.HOUSING_BUREAU))
        return self.timeline.run()

    def _sanction(self, p: ProviderPlan, kind: str, day: date, reason: str) -> None:
        self.timeline.at(day, 0, self.ledger.provider_command, "sanction", p.uscc, kind=kind, reason=reason,
                         stamp=Stamp(day, actors.HOUSING_BUREAU, self.document(day)))

    def _dishonest(self, p: ProviderPlan, month: int, *, term_months: int, lifted: bool) -> None:
        """约谈 two months before; then 失信 for a term; when lifted, after an approved credit repair."""
        self._sanction(p, SanctionKind.INTERVIEW.value, self.day_in_month(month - 2),
                       "服务项目多次巡查不合格、投诉集中，约谈企业负责人并限期整改")
        declared = self.plan.month_start(month) + timedelta(days=self.rng.randint(5, 15))
        self.timeline.at(declared, 1, self._declare, p.uscc, declared, add_months(declared, term_months))
        if lifted:
            requested = declared + timedelta(days=self.rng.randint(120, 150))
            decided = requested + timedelta(days=7)  # five working days (Shanghai practice)
            self.timeline.at(requested, 2, self.ledger.provider_command, "request_credit_repair", p.uscc,
                             reason="已完成整改并提交整改报告，申请信用修复", stamp=Stamp(requested, actors.HOUSING_BUREAU))
            self.timeline.at(decided, 3, self.ledger.provider_command, "decide_credit_repair", p.uscc,
                             approved=True, reason="经核查整改到位，同意信用修复",
                             stamp=Stamp(decided, actors.HOUSING_BUREAU, self.document(decided)))
            self.timeline.at(decided, 4, self._lift, p.uscc, decided)

    def _declare(self, uscc: str, start: date, end: date) -> None:
        result = self.ledger.provider_command(
            "declare_dishonest", uscc, term_start=start, term_end=end,
            reason="季度联合考核连续不达标且约谈后拒不整改，列为失信企业",
            stamp=Stamp(start, actors.HOUSING_BUREAU, self.document(start)))
        self.declarations[uscc] = result.versions[str(aggregate_id("provider", uscc))]

    def _lift(self, uscc: str, day: date) -> None:
        self.ledger.provider_command("lift_dishonesty", uscc, declaration_version=self.declarations[uscc],
                                     reason="信用修复已核准，提前解除失信认定", stamp=Stamp(day, actors.HOUSING_BUREAU))

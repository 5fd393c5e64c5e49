"""What is recorded against a community over the period: monthly inspections and
fee collections, quarterly joint assessments (and, for old communities, the
subsidies that follow a passing assessment), satisfaction surveys,
evaluations, complaints, low-income fee relief and the maintenance fund.

Outcomes follow the quality of whoever serves the community on the day, so a
weak provider's communities fail inspections, draw complaints and lose
subsidies more often than a good one's."""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal

from domain.base import Stamp
from domain.demo import actors
from domain.demo.names import household, mobile, person_name
from domain.demo.subsidy import QuarterFacts, payments, quarter_end
from domain.demo.timeline import COMPLAINT, FOLLOW_UP, RECORD, RESOLVE
from domain.values import Source
from domain.vocab import BASIC_SERVICES, Category, Channel, ReliefKind

FEN = Decimal("0.01")
_ITEMS = (*BASIC_SERVICES, "fire_access", "facilities")  # + 消防通道, 公共设施
_VOUCHER = {"district": "JNCZ", "town": "ZCZ", "city": "TJCZ"}  # 区财政 / 镇(街)财政 / 市财政
_COMPLAINTS = (
    ("环境卫生", ("楼道垃圾多日无人清理", "垃圾桶满溢，夏季异味严重", "小区内建筑垃圾长期堆放")),
    ("门岗管理", ("夜间门岗无人值守", "外来车辆随意进出小区", "门卫态度恶劣")),
    ("车辆停放", ("消防通道被私家车长期占用", "私设地锁无人管理", "电动车乱停放堵塞楼门")),
    ("设施维修", ("单元门禁损坏报修一周未修", "楼道照明灯不亮", "雨水管破裂无人维修")),
    ("绿化养护", ("公共绿地被圈占种菜", "树木长期未修剪遮挡采光")),
    ("物业收费", ("物业费收费标准未公示", "收费后未开具票据")),
    ("安全隐患", ("楼道内电动车充电", "消防器材过期未更换")),
)
_CHANNELS = ((Channel.HOTLINE_12345.value, 60), (Channel.PHONE.value, 15), (Channel.WALK_IN.value, 12),
             (Channel.ONLINE.value, 10), (Channel.LETTER.value, 3))


class RecordsMixin:
    """Mixed into :class:`domain.demo.history.CommunityHistory` (which supplies the state)."""

    def poisson(self, lam: float) -> int:
        limit, k, p = math.exp(-lam), 0, self.rng.random()
        while p > limit:
            k, p = k + 1, p * self.rng.random()
        return k

    def _records(self, registered: date) -> None:
        c, plan, rng = self.c, self.plan, self.rng
        self.vacancy = rng.uniform(0.02, 0.12)
        self.collection = {Category.COMMERCIAL.value: rng.uniform(0.86, 0.97),
                           Category.RESETTLEMENT.value: rng.uniform(0.65, 0.85)}.get(c.category, rng.uniform(0.5, 0.8))
        half_yearly = rng.random() < (0.5 if c.category == Category.COMMERCIAL.value else 0.25)
        if c.category in (Category.COMMERCIAL.value, Category.RESETTLEMENT.value):
            self._maintenance_fund(registered)
        rate = self.collection
        for m in range(plan.months):
            start = plan.month_start(m)
            label, q = f"{start.year}-{start.month:02d}", self.quality(start + timedelta(days=14))
            self._inspection(m, label, start + self.days(4, 24), q)
            fee_day = start + self.days(24, 27)
            service = self.serving(fee_day)
            if service is not None and fee_day <= service.paid_until:
                rate = self._fees(label, fee_day, service, q)
            if start.month % 3 == 0:
                self._assessment(m, f"{start.year}-Q{start.month // 3}", start + self.days(17, 25), q, rate)
            if start.month == 12 or (half_yearly and start.month == 6):
                period = f"{start.year}-H{start.month // 6}" if half_yearly else str(start.year)
                self._survey(period, start + self.days(1, 20), q)
            if start.month == 12:
                self._evaluations(str(start.year), start, q)
            self._complaints(m, start, q)
        self._reliefs()

    # --- monthly ------------------------------------------------------------------------
    def _inspection(self, m: int, label: str, day: date, q: float) -> None:
        fail = (1 - q) * 0.04  # calibrated: a handful of grade-D providers, not a third of them
        items = {item: self.rng.random() >= fail for item in _ITEMS}
        self.timeline.at(day, RECORD, self._record_inspection, m, label, items, day)
        follow_up = m < self.plan.months - 1
        if follow_up and ((m == 1 and "correction" in self.c.showcase) or self.rng.random() < 0.003):
            fixed = dict(items)
            wrong = next((k for k, ok in items.items() if not ok), self.rng.choice(_ITEMS))
            fixed[wrong] = not items[wrong]
            corrected = day + self.days(3, 8)
            self.timeline.at(corrected, FOLLOW_UP, self._follow_up, "correct_record", m, corrected,
                             fields={"items": fixed, "passed": all(fixed.values())},
                             reason=f"巡查复核更正：{wrong} 项原记录有误")
        elif follow_up and ((m == 2 and "withdrawal" in self.c.showcase) or self.rng.random() < 0.001):
            withdrawn = day + self.days(2, 5)
            self.timeline.at(withdrawn, FOLLOW_UP, self._follow_up, "withdraw_record", m, withdrawn,
                             reason="误将其他小区的巡查记录录入本小区，撤回后重新录入")
            again = {item: self.rng.random() >= fail for item in _ITEMS}
            self.timeline.at(withdrawn + timedelta(days=1), RECORD, self._record_inspection, m, label, again,
                             withdrawn + timedelta(days=1))

    def _record_inspection(self, m: int, label: str, items: dict, day: date) -> None:
        result = self.ledger.community_command("record_inspection", self.c.code, month=label, items=items,
                                               stamp=Stamp(day, self.street_officer))
        self.versions[("inspection", m)] = result.versions[self.agg_id]

    def _follow_up(self, method: str, m: int, day: date, **kwargs) -> None:
        key = "corrects_version" if method == "correct_record" else "withdraws_version"
        self.ledger.community_command(method, self.c.code, stamp=Stamp(day, self.street_officer),
                                      **{key: self.versions[("inspection", m)]}, **kwargs)

    def _fees(self, label: str, day: date, service, q: float) -> float:
        c = self.c
        billed = max(1, round(c.households * (1 - self.vacancy)))
        rate = min(1.0, max(0.2, self.collection + (q - 0.85) * 0.3 + self.rng.gauss(0, 0.02)))
        paid = round(billed * rate)
        amount = (Decimal(str(c.floor_area)) * billed / c.households * service.fee).quantize(FEN)
        collected = min(amount, (amount * paid / billed).quantize(FEN))
        self._community("record_fees", day, self.street_officer, order=RECORD, month=label,
                        households_billed=billed, households_paid=paid, amount_billed=amount,
                        amount_collected=collected)
        return paid / billed

    # --- quarterly ---------------------------------------------------------------------
    def _assessment(self, m: int, quarter: str, day: date, q: float, rate: float) -> None:
        sheet, rng = self.ctx.sheet, self.rng
        points = {}
        for section, top in sheet.sections.items():
            share = rate if section == "fee_collection" else min(1.0, max(0.4, rng.gauss(q, 0.05)))
            points[section] = min(float(top), math.floor(top * share * 2) / 2)  # half points
        vetoes = [rng.choice(sheet.veto_items)] if rng.random() < 0.004 + max(0.0, 0.85 - q) * 0.15 else []
        grade = sheet.grade(round(sum(points.values()), 2), bool(vetoes))
        self.timeline.at(day, RECORD, self.ledger.record_assessment, self.c.code, quarter=quarter, points=points,
                         vetoes=vetoes, sheet=sheet, stamp=Stamp(day, actors.HOUSING_BUREAU,
                                                                 Source(document=f"津南区{quarter}物业管理联合考核")))
        facts = QuarterFacts(
            category=self.c.category, build_year=self.c.build_year, mode=self.mode_on(day),
            renovated=self.renovated_on is not None and self.renovated_on <= day,
            served=self.serving(quarter_end(quarter)) is not None, grade=grade,
            area=Decimal(str(self.c.floor_area)), quarter=quarter,
            months=tuple(f"{quarter[:4]}-{3 * int(quarter[-1]) - k:02d}" for k in (2, 1, 0)))
        paid = self.plan.month_start(m + 1) + self.days(9, 24)  # the month after the quarter
        for period, level, amount in payments(self.ctx.subsidy, facts):
            voucher = f"{_VOUCHER[level]}-{period}-{self.c.code}"
            self._community("pay_subsidy", paid, actors.FINANCE if level == "district" else actors.TOWN_FINANCE,
                            Source(document=voucher), order=RECORD, period=period, payer_level=level,
                            amount=amount, voucher_no=voucher)

    # --- yearly -------------------------------------------------------------------------
    def _survey(self, period: str, day: date, q: float) -> None:
        h, rng = self.c.households, self.rng
        share = rng.uniform(0.12, 0.28) if rng.random() < 0.1 else rng.uniform(0.32, 0.6)
        valid = max(1, min(h, round(h * share)))
        p = min(0.99, max(0.3, q + 0.03 + rng.gauss(0, 0.04)))
        satisfied = min(valid, max(0, round(valid * p + rng.gauss(0, math.sqrt(valid * p * (1 - p))))))
        self._community("record_survey", day, actors.residents_committee(self.c.street), order=RECORD,
                        period=period, households=h, valid_responses=valid, satisfied=satisfied)

    def _evaluations(self, period: str, start: date, q: float) -> None:
        served = self.serving(start + timedelta(days=15)) is not None
        plan = [("residents_committee", self.days(5, 20), actors.residents_committee(self.c.street))]
        if served:
            plan.append(("third_party", self.days(1, 12), actors.THIRD_PARTY))
            if self.rng.random() < 0.3:
                plan.append(("party_committee", self.days(8, 22), actors.party_committee(self.c.street)))
        for evaluator, offset, actor in plan:
            score = round(min(100.0, max(40.0, self.rng.gauss(100 * q, 5))), 1)
            self._community("record_evaluation", start + offset, actor, order=RECORD, evaluator=evaluator,
                            period=period, score=score, passed=score >= 70)

    def _maintenance_fund(self, registered: date) -> None:
        first = (Decimal(str(self.c.floor_area)) * self.rng.randint(40, 80)).quantize(FEN)
        balance = first * Decimal(str(round(self.rng.uniform(0.25, 0.9), 3)))
        days = [registered + timedelta(days=3)] + [date(y, 12, self.rng.randint(15, 28))
                                                   for y in range(self.plan.first_year, self.plan.last_year + 1)]
        for day in days:
            if balance < first * Decimal("0.3") and self.rng.random() < 0.5:  # Puyang rule: topped up below 30 %
                balance += first * Decimal("0.2")
            self._community("record_maintenance_fund", day, actors.HOUSING_BUREAU, order=RECORD,
                            first_collection=first, balance=balance.quantize(FEN))
            balance *= Decimal(str(round(self.rng.uniform(0.85, 0.99), 3)))

    # --- complaints and fee relief -------------------------------------------------------
    def _complaints(self, m: int, start: date, q: float) -> None:
        c, rng = self.c, self.rng
        n = self.poisson(c.households / 3000 * (0.5 + 3 * (1 - q)))
        if m == 0 and "complaint" in c.showcase:
            n = max(n, 1)
        for _ in range(n):
            self.ctx.complaints += 1
            self.complaint_no += 1
            code = f"TS-{c.code}-{self.complaint_no:04d}"
            category, texts = rng.choice(_COMPLAINTS)
            filed = start + self.days(0, 27)
            channel = rng.choices([ch for ch, _ in _CHANNELS], weights=[w for _, w in _CHANNELS])[0]
            self.timeline.at(filed, COMPLAINT, self.ledger.file_complaint, code=code, community_code=c.code,
                             category=category, channel=channel, description=f"{c.name}{rng.choice(texts)}",
                             complainant_name=person_name(rng), complainant_phone=mobile(rng),
                             stamp=Stamp(filed, self.street_officer, Source(document=f"工单 {code}")))
            resolved, substantiated = filed + self.days(1, 15), rng.random() < 0.08 + 1.0 * (1 - q)
            self.timeline.at(resolved, RESOLVE, self.ledger.resolve_complaint, code, substantiated=substantiated,
                             resolution=("经核实情况属实，已责令物业限期整改并复查" if substantiated
                                         else "经核实物业已按约定履职，已向居民解释说明"),
                             stamp=Stamp(resolved, self.street_officer))

    def _reliefs(self) -> None:
        c, plan, rng = self.c, self.plan, self.rng
        n = 0 if c.category == Category.COMMERCIAL.value else min(12, self.poisson(c.households * 0.0015 * plan.years))
        n += 1 if "relief" in c.showcase else 0
        for i in range(n):
            day = plan.start + self.days(0, (plan.end - plan.start).days - 30)
            self.timeline.at(day, RECORD, self._apply_relief, i, day)
            decided, approved = day + self.days(7, 20), rng.random() < 0.85
            self.timeline.at(decided, FOLLOW_UP, self._decide_relief, i, decided, approved)

    def _apply_relief(self, i: int, day: date) -> None:
        kind = ReliefKind.DIBAO.value if self.rng.random() < 0.7 else ReliefKind.TEKUN.value
        result = self.ledger.community_command("apply_fee_relief", self.c.code, household=household(self.rng),
                                               kind=kind, months=12, stamp=Stamp(day, self.street_officer))
        self.versions[("relief", i)] = result.versions[self.agg_id]

    def _decide_relief(self, i: int, day: date, approved: bool) -> None:
        self.ledger.community_command("decide_fee_relief", self.c.code, application_version=self.versions[("relief", i)],
                                      approved=approved, reason=("经核实符合低保/特困条件，同意减免" if approved
                                                                 else "经核查家庭收入超出标准，不予减免"),
                                      stamp=Stamp(day, self.street_officer))

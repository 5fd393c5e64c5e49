"""Award in lieu of subsidy (以奖代补, Yancheng seed 001 §五(二)2–3), pure.

During a transition of N years the city pays a district's share of what the
district *actually paid* (its payment vouchers) for a community in a year, only
after the third-party evaluation passes; a substandard result or many
substantiated complaints cut it, down to nothing. Every number is a pack
parameter; the amount is rounded to the fen once per community and year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext

from scoring.money import co_funding
from projections.subsidy_periods import Period
from projections.subsidy_rules import ZERO, Check, Due, Evaluation, complaint_factor
from projections.subsidy_text import PAYER_ZH, Reason, percent, reason


@dataclass(frozen=True)
class CoFundingRules:
    pack_id: str
    version: str
    payer: str
    base_payer: str
    district: str
    share: Decimal | None  # None: this district is not co-funded
    transition_from: date
    transition_years: int
    evaluator: str
    substandard_below: float
    substandard_cut: Decimal
    complaints_allowed: int | None
    complaint_cut: Decimal

    @classmethod
    def from_pack(cls, content: dict) -> CoFundingRules | None:
        c = content.get("co_funding")
        if not c:
            return None
        district = content["jurisdiction"].get("district", "")
        share = c["shares"].get(district)
        comp, ev = c.get("complaints"), c["evaluation"]
        return cls(content["pack_id"], content["version"], c["payer"], c["base_payer"], district,
                   Decimal(share) if share is not None else None, date.fromisoformat(c["transition_from"]),
                   c["transition_years"], ev["evaluator"], ev["substandard_below"], Decimal(ev["substandard_cut"]),
                   comp["allowed"] if comp else None, Decimal(comp["cut_each"]) if comp else ZERO)

    def transition(self) -> tuple[date, date]:
        """[first day, first day after] of the transition."""
        start = self.transition_from
        return start, start.replace(year=start.year + self.transition_years)

    def covers(self, year: Period) -> bool:
        first, after = self.transition()
        return first <= year.start < after


@dataclass(frozen=True)
class AwardInput:
    community: str
    year: Period
    base_paid: Decimal  # what the base payer actually paid for the year's periods
    evaluation: Evaluation | None
    complaints: int  # substantiated complaints filed in the year


def city_award(inp: AwardInput, rules: CoFundingRules) -> Due:
    checks: list[Check] = []
    reasons: list[Reason] = []
    first, after = rules.transition()
    in_transition = rules.covers(inp.year)
    checks.append(Check("transition", "以奖代补过渡期", in_transition,
                        f"{inp.year.label} ∈ {first.year}–{after.year - 1}"))
    if not in_transition:
        reasons.append(reason("not_transition_year", first=first.year, last=after.year - 1))
    if rules.share is None:
        reasons.append(reason("district_not_co_funded", district=rules.district))
    base = PAYER_ZH.get(rules.base_payer, rules.base_payer)
    checks.append(Check("base_paid", f"{base}实际拨付", inp.base_paid > 0, f"{inp.base_paid} 元"))
    if inp.base_paid == 0:
        reasons.append(reason("no_base_payment"))
    ev, factor = inp.evaluation, Decimal(1)
    if ev is None:
        checks.append(Check("evaluation", "第三方绩效评价", False, "无评价结果"))
        reasons.append(reason("no_evaluation"))
    else:
        checks.append(Check("evaluation", "第三方绩效评价", ev.passed, f"{ev.score:g} 分（{ev.period}）"))
        if not ev.passed:
            reasons.append(reason("evaluation_failed"))
        elif ev.score < rules.substandard_below:
            factor -= rules.substandard_cut
            checks.append(Check("substandard", "评价效果差扣减", factor > 0,
                                f"{ev.score:g} < {rules.substandard_below:g}，扣 {percent(rules.substandard_cut)}"))
    if rules.complaints_allowed is not None:
        cut = complaint_factor(inp.complaints, rules.complaints_allowed, rules.complaint_cut)
        checks.append(Check("complaints", "有效投诉扣减", cut > 0,
                            f"{inp.complaints} 件，允许 {rules.complaints_allowed} 件，系数 {percent(cut)}"))
        factor *= cut
        if cut == 0:
            reasons.append(reason("complaints_cut_all", n=inp.complaints))
    factor = max(factor, ZERO)
    eligible = not reasons and factor > 0
    with localcontext() as ctx:
        ctx.prec = 60
        exact = inp.base_paid * rules.share * factor if eligible else ZERO
    amount = co_funding(inp.base_paid, rules.share * factor) if eligible else Decimal("0.00")
    if amount == 0 and not reasons:
        reasons.append(reason("complaints_cut_all", n=inp.complaints) if factor == 0 else reason("amount_zero"))
    return Due(inp.community, inp.year.label, "co_funding", rules.pack_id, rules.version, ZERO, (), 0, None,
               rules.share, factor, exact, amount, {rules.payer: amount}, tuple(checks),
               tuple(dict.fromkeys(reasons)) if amount == 0 else ())

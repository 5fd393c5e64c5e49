"""Subsidy eligibility as pure functions of one community's facts and the pack.

No database, no clock: :func:`eligibility` takes a :class:`PeriodInput` (what the
ledger says about one community in one period) and the :class:`SubsidyRules`
parsed from the pack in force, and returns a :class:`Due` that shows the amount,
every input of its formula, every condition checked with its outcome, the split
by payer and, for a zero, the reasons. :func:`city_award` does the same for an
award in lieu of subsidy (以奖代补). Money is ``Decimal``, rounded half up to
the fen once per community and period by :mod:`scoring.money`.

The formula: ``due = round_fen(Σ_segments area × rate × months × taper × band ×
complaint_factor)`` where a segment is a run of counted months sharing mode,
renovated flag, rate, term year and taper factor.
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from fractions import Fraction

from projections.subsidy_model import (  # the dataclasses, re-exported for callers of the rules
    ZERO, Assessment, Check, Due, Evaluation, MonthFacts, PeriodInput, Segment, SubsidyRules, Survey,
)
from projections.subsidy_periods import full_years_between
from projections.subsidy_text import GRADE_ZH, MODE_ZH, Reason, percent, reason
from scoring.money import round_fen, split_by_payers

__all__ = ["ZERO", "Assessment", "Check", "Due", "Evaluation", "MonthFacts", "PeriodInput", "Segment",
           "SubsidyRules", "Survey", "complaint_factor", "eligibility"]


def _exact_sum(terms: list[tuple[Decimal, ...]]) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 60
        total = ZERO
        for term in terms:
            product = Decimal(1)
            for value in term:
                product *= value
            total += product
        return total


def _month_outcome(inp: PeriodInput, rules: SubsidyRules, m: MonthFacts) -> tuple[Segment | None, Reason | None]:
    if rules.requires_renovation and not m.renovated:
        return None, reason("not_renovated")
    if m.mode not in rules.rates:
        text = rules.excluded_modes.get(m.mode)
        return None, Reason("mode_excluded", text) if text else reason("mode_not_covered", mode=MODE_ZH.get(m.mode, m.mode))
    if m.mode in rules.agreement_required_modes and not m.served:
        return None, reason("no_agreement")
    year, taper = None, Decimal(1)
    if rules.term_start is not None:
        if inp.term_start is None or m.first_day < inp.term_start:
            return None, reason("term_not_started")
        year = full_years_between(inp.term_start, m.first_day) + 1
        if rules.cap_years is not None and year > rules.cap_years:
            return None, reason("term_cap_reached", cap=rules.cap_years)
        if rules.taper:
            taper = rules.taper[min(year, len(rules.taper)) - 1]
            if taper == 0:
                return None, reason("taper_zero", year=year)
    rate = rules.rates[m.mode][0 if m.renovated else 1]
    return Segment(1, m.mode, m.renovated, rate, year, taper), None


def _segments(outcomes: list[Segment]) -> tuple[Segment, ...]:
    merged: list[Segment] = []
    for seg in outcomes:
        last = merged[-1] if merged else None
        if last and (last.mode, last.renovated, last.rate, last.year, last.taper) == (
                seg.mode, seg.renovated, seg.rate, seg.year, seg.taper):
            merged[-1] = Segment(last.months + 1, seg.mode, seg.renovated, seg.rate, seg.year, seg.taper)
        else:
            merged.append(seg)
    return tuple(merged)


def _scope_checks(inp: PeriodInput, rules: SubsidyRules) -> tuple[list[Check], list[Reason]]:
    checks, reasons = [], []
    if rules.built_on_or_before is not None:
        ok = inp.build_year <= rules.built_on_or_before
        checks.append(Check("scope_build_year", "建成年份", ok, f"{inp.build_year} ≤ {rules.built_on_or_before}"))
        if not ok:
            reasons.append(reason("built_after_scope", year=inp.build_year, limit=rules.built_on_or_before))
    if rules.categories is not None:
        ok = inp.category in rules.categories
        checks.append(Check("scope_category", "小区类别", ok, f"{inp.category} ∈ {sorted(rules.categories)}"))
        if not ok:
            reasons.append(reason("category_out_of_scope", category=inp.category))
    return checks, reasons


def _period_factors(inp: PeriodInput, rules: SubsidyRules) -> tuple[Decimal, Decimal, list[Check], list[Reason]]:
    """(band, complaint factor, checks, reasons) of the period-level conditions."""
    band, factor, checks, reasons = Decimal(1), Decimal(1), [], []
    if rules.bands is not None:
        a = inp.assessment
        if a is None:
            checks.append(Check("assessment", "季度联合考核", False, "无考核结果"))
            reasons.append(reason("no_assessment"))
            band = ZERO
        else:
            grade = "fail" if a.vetoes else a.grade
            band = rules.bands.get(grade, ZERO)
            checks.append(Check("veto", "一票否决", not a.vetoes, "、".join(a.vetoes) or "无"))
            checks.append(Check("assessment", "考核等级与补贴比例", band > 0,
                                f"{a.total:g} 分，{GRADE_ZH.get(grade, grade)}，{percent(band)}"))
            if a.vetoes:
                reasons.append(reason("assessment_vetoed", items="、".join(a.vetoes)))
            elif band == 0:
                reasons.append(reason("grade_band_zero", grade=GRADE_ZH.get(grade, grade)))
    if rules.min_share is not None:
        s = inp.survey
        if s is None:
            checks.append(Check("satisfaction", "满意度", False, "无满意度调查"))
            reasons.append(reason("no_survey"))
        elif s.valid == 0 or s.valid * rules.min_valid_share.denominator < rules.min_valid_share.numerator * s.households:
            checks.append(Check("survey_responses", "有效问卷", False,
                                f"{s.valid}/{s.households} 户 < {percent(rules.min_valid_share)}"))
            reasons.append(reason("survey_too_few", valid=s.valid, households=s.households,
                                  share=percent(rules.min_valid_share)))
        else:
            # Exact integers: 80 % itself qualifies, 79.9 % does not.
            ok = s.satisfied * rules.min_share.denominator >= rules.min_share.numerator * s.valid
            checks.append(Check("satisfaction", "满意度", ok,
                                f"{s.satisfied}/{s.valid} = {percent(Fraction(s.satisfied, s.valid))} "
                                f"{'≥' if ok else '<'} {percent(rules.min_share)}（{s.period}）"))
            if not ok:
                reasons.append(reason("satisfaction_below", share=percent(Fraction(s.satisfied, s.valid)),
                                      minimum=percent(rules.min_share)))
    if rules.complaints_allowed is not None:
        factor = complaint_factor(inp.complaints, rules.complaints_allowed, rules.complaint_cut)
        checks.append(Check("complaints", "有效投诉扣减", factor > 0,
                            f"{inp.complaints} 件，允许 {rules.complaints_allowed} 件，系数 {percent(factor)}"))
        if factor == 0:
            reasons.append(reason("complaints_cut_all", n=inp.complaints))
    return band, factor, checks, reasons


def complaint_factor(n: int, allowed: int, cut: Decimal) -> Decimal:
    return max(ZERO, Decimal(1) - cut * max(0, n - allowed))


def _unique(reasons: list[Reason]) -> tuple[Reason, ...]:
    return tuple(dict.fromkeys(reasons))


def eligibility(inp: PeriodInput, rules: SubsidyRules | None) -> Due:
    """What the base subsidy owes one community for one period under ``rules``."""
    def due(segments=(), months=0, grade=None, band=None, factor=Decimal(1), exact=ZERO, checks=(), reasons=()):
        amount = round_fen(exact)
        payers = rules.payers if rules else {}
        if len(payers) == 1:  # the common case: one payer takes it all (split_by_payers agrees)
            parts = {next(iter(payers)): amount}
        else:
            parts = split_by_payers(amount, payers) if payers else {}
        if amount == 0 and not reasons:
            reasons = (reason("amount_zero"),)
        return Due(inp.community, inp.period.label, "subsidy", rules.pack_id if rules else "",
                   rules.version if rules else "", inp.area, tuple(segments), months, grade, band, factor,
                   exact, amount, parts, tuple(checks), _unique(list(reasons)) if amount == 0 else ())

    if rules is None:
        return due(reasons=(reason("no_pack_in_force"),))
    if not rules.enabled:
        return due(reasons=(rules.disabled,))
    checks, reasons = _scope_checks(inp, rules)
    if reasons:
        return due(checks=checks, reasons=reasons)
    counted, month_reasons, skipped = [], [], []
    for m in inp.months:
        segment, why = _month_outcome(inp, rules, m)
        if segment:
            counted.append(segment)
        else:
            month_reasons.append(why)
            skipped.append(f"{m.first_day:%Y-%m}：{why.zh}")
    segments = _segments(counted)
    checks.append(Check("months", "计补月数", bool(counted),
                        f"{len(counted)}/{len(inp.months)}" + (f"（{'；'.join(skipped)}）" if skipped else "")))
    if rules.term_start is not None:
        years = sorted({s.year for s in segments})
        cap = f"，上限 {rules.cap_years} 年" if rules.cap_years else ""
        tapers = "、".join(percent(s.taper) for s in segments) or "—"
        checks.append(Check("term", "补贴年度", bool(counted), f"第 {years or '—'} 年{cap}；退坡系数 {tapers}"))
    band, factor, period_checks, period_reasons = _period_factors(inp, rules)
    checks += period_checks
    grade = inp.assessment and ("fail" if inp.assessment.vetoes else inp.assessment.grade)
    # Every period-level reason (no assessment, veto, satisfaction, complaints) means nothing is due.
    exact = ZERO if period_reasons else _exact_sum(
        [(inp.area, s.rate, Decimal(s.months), s.taper, band, factor) for s in segments])
    return due(segments, len(counted), grade or None, band if rules.bands is not None else None, factor, exact,
               checks, month_reasons + period_reasons)

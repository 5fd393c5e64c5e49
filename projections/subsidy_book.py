"""From folded facts to what is due: every community, every period, every stream.

:func:`compute_dues` walks the periods of the pack in force (a pack governs the
periods whose first day falls on or after its effective date; the latest
effective date wins, as in ``PolicyRegistry.in_force``) up to the horizon — the
latest business date in the log, so the result is a pure function of the log —
and applies the pure rules of :mod:`projections.subsidy_rules` and
:mod:`projections.subsidy_award`. ``override`` swaps in another pack for a
what-if without touching the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Iterator

from domain.errors import ValidationError
from domain.packs import validate_subsidy
from domain.sheet import sheet_of
from projections.subsidy_award import AwardInput, CoFundingRules, city_award
from projections.subsidy_periods import Period, parse_period, period_of
from projections.subsidy_text import reason
from projections.subsidy_rules import (
    Assessment, Due, Evaluation, MonthFacts, PeriodInput, SubsidyRules, Survey, eligibility,
)

D = date.fromisoformat


@dataclass(frozen=True)
class Adoption:
    pack_id: str
    version: str
    effective_from: date
    content: dict
    position: int  # ledger position of the adoption (0 for a what-if pack)
    rules: SubsidyRules
    co_funding: CoFundingRules | None


def _parsed(pack_id: str, version: str, content: dict) -> tuple[SubsidyRules, CoFundingRules | None]:
    """The pack's subsidy rules; an adopted pack without valid ones pays nothing, and says why
    (the ledger stores whatever content it was given: the read model must not fail on it)."""
    if not isinstance(content, dict) or "subsidy" not in content:
        return SubsidyRules(pack_id, version, False, reason("pack_without_subsidy")), None
    try:
        validate_subsidy(content)
    except ValidationError as error:
        return SubsidyRules(pack_id, version, False, reason("pack_invalid", error=str(error))), None
    content = {**content, "pack_id": pack_id, "version": version}
    return SubsidyRules.from_pack(content), CoFundingRules.from_pack(content)


def make_adoption(pack_id: str, version: str, effective_from: date, content: dict, position: int) -> Adoption:
    return Adoption(pack_id, version, effective_from, content, position, *_parsed(pack_id, version, content))


def adoptions_of(state: dict[str, Any], pack_id: str, override: dict | None = None) -> list[Adoption]:
    """The adoptions that govern ``pack_id``; a what-if ``override`` pack replaces them all."""
    if override is not None:
        return [make_adoption(override["pack_id"], override["version"], D(override["effective_from"]), override, 0)]
    return [make_adoption(a[0], a[1], D(a[2]), a[3], a[4]) for a in state["adoptions"] if a[0] == pack_id]


def in_force(adoptions: list[Adoption], on: date) -> Adoption | None:
    candidates = [a for a in adoptions if a.effective_from <= on]
    return max(candidates, key=lambda a: a.effective_from) if candidates else None


def _unit(adoption: Adoption) -> str:
    return adoption.rules.period if adoption.rules.enabled else "quarter"


def governed_periods(adoptions: list[Adoption], first: date, last: date) -> Iterator[tuple[Period, Adoption]]:
    """(period, adoption in force on its first day) from ``first`` to the period containing ``last``."""
    if not adoptions:
        return
    day = max(first, min(a.effective_from for a in adoptions))
    while day <= last:
        current = in_force(adoptions, day)
        period = period_of(day, _unit(current))
        if period.start < day:  # effective mid-period: what was in force on its first day governs it
            earlier = in_force(adoptions, period.start)
            if earlier is None:
                day = period.end + timedelta(days=1)
                continue
            if _unit(earlier) != _unit(current):  # the unit changed: finish month by month
                period, earlier = period_of(day, "month"), current
            current = earlier
        yield period, current
        day = period.end + timedelta(days=1)


def _span(label: str) -> Period | None:
    return parse_period(label)


def _best(records: list[dict], label_key: str, period: Period) -> dict | None:
    """The record whose period overlaps ``period``: latest end, then narrowest, then last recorded."""
    found = [(p, r) for r in records if (p := _span(r[label_key])) is not None and p.overlaps(period)]
    if not found:
        return None
    return max(found, key=lambda pr: (pr[0].end, -(pr[0].end - pr[0].start).days, int(pr[1]["_v"])))[1]


def _assessment(record: dict | None, content: dict) -> Assessment | None:
    if record is None:
        return None
    vetoes = tuple(record.get("vetoes") or ())
    total = float(sum(record["points"].values())) if record.get("regrade") and record.get("points") else \
        float(record["total"])
    grade = sheet_of(content).grade(total, bool(vetoes)) if record.get("regrade") else record["grade"]
    return Assessment(grade, round(total, 2), vetoes)


class CommunityFacts:
    """One community's facts, with the month-by-month state the rules need."""

    def __init__(self, c: dict, engagements: list[dict], complaints: list[dict]) -> None:
        self.c = c
        self.area = Decimal(c["area"])
        self.registered = D(c["registered_on"])
        self.records: dict[str, list[dict]] = {}
        for r in c["records"].values():
            self.records.setdefault(r["kind"], []).append(r)
        # An agreement counts from its start to its end, or to the day the engagement ended if earlier.
        self.terms = sorted((D(e["start"]), min(D(e["end"]), D(e["ended_on"]) if e["ended_on"] else D(e["end"])))
                            for e in engagements if e["start"])
        self.complaints = sorted(D(k["filed_on"]) for k in complaints if k["substantiated"])

    def month(self, first_day: date) -> MonthFacts:
        mode = self.c["mode"]
        for on, new in self.c["mode_changes"]:
            if D(on) <= first_day:
                mode = new
        renovated = self.c["category"] == "renovated_old" or (
            self.c["renovated_on"] is not None and D(self.c["renovated_on"]) <= first_day)
        served = any(start <= first_day <= end for start, end in self.terms)
        return MonthFacts(first_day, mode, renovated, served)

    def term_start(self, kind: str | None) -> date | None:
        agreement = self.terms[0][0] if self.terms else None
        if kind == "renovation" and self.c["renovated_on"]:
            return D(self.c["renovated_on"])
        return agreement

    def complaints_in(self, period: Period) -> int:
        return sum(1 for on in self.complaints if period.start <= on <= period.end)

    def period_input(self, period: Period, adoption: Adoption, rules: SubsidyRules) -> PeriodInput | None:
        months = tuple(self.month(m) for m in period.months() if period_of(m, "month").end >= self.registered)
        if not months:
            return None
        quarter = _best(self.records.get("AssessmentRecorded", []), "quarter", period)
        survey = _best(self.records.get("SatisfactionSurveyed", []), "period", period)
        return PeriodInput(
            self.c["code"], self.c["build_year"], self.c["category"], self.area, period, months,
            self.term_start(rules.term_start), _assessment(quarter, adoption.content),
            Survey(survey["period"], survey["households"], survey["valid_responses"], survey["satisfied"])
            if survey else None, self.complaints_in(period))

    def evaluation(self, evaluator: str, period: Period) -> Evaluation | None:
        found = _best([r for r in self.records.get("EvaluationRecorded", []) if r["evaluator"] == evaluator],
                      "period", period)
        return Evaluation(found["period"], float(found["score"]), bool(found["passed"])) if found else None

    def paid(self, payer: str, within: Period) -> Decimal:
        return sum((Decimal(p["amount"]) for p in self.c["payments"].values()
                    if p["payer"] == payer and (s := _span(p["period"])) is not None and within.contains(s)),
                   Decimal("0.00"))


def _by_community(state: dict[str, Any], kind: str) -> dict[str, list[dict]]:
    index: dict[str, list[dict]] = {}
    for piece in state[kind].values():
        index.setdefault(piece["community"], []).append(piece)
    return index


def compute_dues(state: dict[str, Any], pack_id: str, *, override: dict | None = None,
                 first: date | None = None, last: date | None = None,
                 only: dict[str, date] | None = None) -> list[tuple[Due, Adoption, dict]]:
    """Every (community, period, stream) due under the packs in force, in a stable order, as
    (due, adoption, community facts). ``first``/``last`` keep the periods overlapping that range;
    ``only`` maps community codes to a date: just those communities, periods ending on or after it."""
    adoptions = adoptions_of(state, pack_id, override)
    horizon = last or (D(state["horizon"]) if state["horizon"] else None)
    if horizon is None or not adoptions:
        return []
    periods = [(p, a) for p, a in governed_periods(adoptions, date.min, horizon) if first is None or p.end >= first]
    out: list[tuple[Due, Adoption, dict]] = []
    codes = sorted(state["communities"]) if only is None else sorted(c for c in only if c in state["communities"])
    engagements, complaints = _by_community(state, "engagements"), _by_community(state, "complaints")
    for code in codes:
        since = only[code] if only is not None else date.min
        c = state["communities"][code]
        facts = CommunityFacts(c, engagements.get(code, []), complaints.get(code, []))
        years: set[int] = set()
        for period, adoption in periods:
            years.add(period.start.year)
            if period.end < since:
                continue
            rules = adoption.rules
            inp = facts.period_input(period, adoption, rules)
            if inp is not None:
                out.append((eligibility(inp, rules), adoption, c))
        for y in sorted(years):
            year = period_of(date(y, 1, 1), "year")
            if year.end < since or year.end < facts.registered:
                continue
            governing = in_force(adoptions, year.start) or in_force(adoptions, year.end)
            co = governing.co_funding if governing else None
            if co is None:
                continue
            award_in = AwardInput(code, year, facts.paid(co.base_payer, year), facts.evaluation(co.evaluator, year),
                                  facts.complaints_in(year))
            out.append((city_award(award_in, co), governing, c))
    return out

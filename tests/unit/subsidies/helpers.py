"""Builders for the pure subsidy rules: packs by id (optionally changed), one
community's months, and a due in one call."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Any

from domain.packs import load_pack
from projections.subsidy_award import AwardInput, CoFundingRules, city_award
from projections.subsidy_periods import Period, period_of, require_period
from projections.subsidy_rules import (
    Assessment, Due, Evaluation, MonthFacts, PeriodInput, SubsidyRules, Survey, eligibility,
)


def pack(name: str, /, **changes: Any) -> dict:
    """A shipped pack's content, with dotted-path changes: ``pack("jinnan", **{"subsidy.period": "month"})``."""
    content = copy.deepcopy(load_pack(name).content)
    for path, value in changes.items():
        node = content
        *parents, last = path.split(".")
        for key in parents:
            node = node[key]
        if value is DELETE:
            del node[last]
        else:
            node[last] = value
    return content


DELETE = object()


def rules(pack_id: str, **changes: Any) -> SubsidyRules:
    return SubsidyRules.from_pack(pack(pack_id, **changes))


def months(period: Period, mode: str = "professional", renovated: bool = True, served: bool = True) -> tuple:
    return tuple(MonthFacts(m, mode, renovated, served) for m in period.months())


def due(pack_id: str, period: str, *, area: str = "12000", mode: str = "professional", renovated: bool = True,
        served: bool = True, build_year: int = 1990, category: str = "renovated_old",
        term_start: date | None = None, grade: str | None = None, vetoes: tuple = (), total: float = 88,
        survey: tuple[int, int, int] | None = None, complaints: int = 0, month_facts: tuple | None = None,
        pack_rules: SubsidyRules | None = None) -> Due:
    p = require_period(period)
    inp = PeriodInput(
        "C-001", build_year, category, Decimal(area), p,
        month_facts or months(p, mode, renovated, served), term_start,
        Assessment(grade, total, tuple(vetoes)) if grade else None,
        Survey(period, *survey) if survey else None, complaints,
    )
    return eligibility(inp, pack_rules or rules(pack_id))


def award(pack_id: str, year: int, paid: str, *, evaluation: tuple[float, bool] | None = (90, True),
          complaints: int = 0, **changes: Any) -> Due:
    co = CoFundingRules.from_pack(pack(pack_id, **changes))
    ev = Evaluation(str(year), *evaluation) if evaluation else None
    return city_award(AwardInput("C-001", period_of(date(year, 1, 1), "year"), Decimal(paid), ev, complaints), co)


def keys(d: Due) -> list[str]:
    return [r.key for r in d.reasons]


def check(d: Due, key: str):
    return next(c for c in d.checks if c.key == key)

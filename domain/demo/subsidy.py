"""What finance pays a community for a quarter, following the pack in force.

The demo pays what the pack's ``subsidy`` section makes due (scope, mode,
agreement, rate, the assessment grade's band, the payers' shares), so the
subsidy read model shows payments that match their dues; rules the demo does
not model (satisfaction, term, complaint cuts) are left to that read model.
Without a ``subsidy`` section, old communities get a plain district subsidy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from domain.vocab import Category

FEN = Decimal("0.01")
_LEVELS = ("district", "town", "city")
_OLD = (Category.RENOVATED_OLD.value, Category.OTHER_OLD.value)


@dataclass(frozen=True)
class QuarterFacts:
    category: str
    build_year: int
    mode: str
    renovated: bool
    served: bool  # under a signed agreement at the quarter's end
    grade: str  # of the quarter's joint assessment
    area: Decimal
    quarter: str  # "2024-Q2"
    months: tuple[str, ...]  # ("2024-04", "2024-05", "2024-06")


def _round(amount: Decimal) -> Decimal:
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def _split(total: Decimal, shares: dict) -> list[tuple[str, Decimal]]:
    """Each payer's share rounded to the fen; the last payer takes the remainder, so parts add up."""
    levels = sorted(shares, key=lambda lv: _LEVELS.index(lv) if lv in _LEVELS else len(_LEVELS))
    parts = [(lv, _round(total * Decimal(str(shares[lv])))) for lv in levels[:-1]]
    parts.append((levels[-1], total - sum((a for _, a in parts), Decimal(0))))
    return [(lv, a) for lv, a in parts if a > 0]


def payments(subsidy: dict | None, f: QuarterFacts) -> list[tuple[str, str, Decimal]]:
    """[(period, payer_level, amount)] for the quarter (periods are months for a monthly pack)."""
    if subsidy is None:
        if f.category not in _OLD or f.grade == "fail":
            return []
        rate = Decimal("0.10") if f.renovated else Decimal("0.06")
        return [(f.quarter, "district", _round(f.area * rate * 3))]
    scope = subsidy.get("scope") or {}
    excluded = subsidy.get("excluded_modes") or {}
    if (not subsidy.get("enabled") or (scope.get("categories") and f.category not in scope["categories"])
            or (scope.get("built_on_or_before") is not None and f.build_year > scope["built_on_or_before"])
            or (scope.get("requires_renovation") and not f.renovated)
            or f.mode in excluded or f.mode not in subsidy["rates"]
            or (f.mode in (subsidy.get("agreement_required_modes") or []) and not f.served)):
        return []
    rate = subsidy["rates"][f.mode]
    if isinstance(rate, dict):
        rate = rate["renovated" if f.renovated else "not_renovated"]
    band = Decimal(str(((subsidy.get("assessment") or {}).get("bands") or {}).get(f.grade, "1")))
    monthly = subsidy.get("period") == "month"
    periods, months = (f.months, 1) if monthly else ((f.quarter,), 3)
    out = []
    for period in periods:
        total = _round(f.area * Decimal(str(rate)) * months * band)
        if total > 0:
            out += [(period, level, amount) for level, amount in _split(total, subsidy["payers"])]
    return out


def quarter_end(quarter: str) -> date:
    year, q = int(quarter[:4]), int(quarter[-1])
    return date(year, 3 * q, 30 if q in (2, 3) else 31)

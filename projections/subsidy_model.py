"""The inputs and outputs of the subsidy rules (:mod:`projections.subsidy_rules`), and the
``subsidy`` section of a pack parsed into :class:`SubsidyRules`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from projections.subsidy_periods import Period
from projections.subsidy_text import Reason

ZERO = Decimal(0)


@dataclass(frozen=True)
class MonthFacts:
    first_day: date
    mode: str
    renovated: bool
    served: bool  # an agreement was in force on the month's first day


@dataclass(frozen=True)
class Assessment:
    grade: str
    total: float
    vetoes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Survey:
    period: str
    households: int
    valid: int
    satisfied: int


@dataclass(frozen=True)
class Evaluation:
    period: str
    score: float
    passed: bool


@dataclass(frozen=True)
class PeriodInput:
    community: str
    build_year: int
    category: str
    area: Decimal
    period: Period
    months: tuple[MonthFacts, ...]
    term_start: date | None = None
    assessment: Assessment | None = None
    survey: Survey | None = None
    complaints: int = 0  # substantiated complaints filed in the period


@dataclass(frozen=True)
class SubsidyRules:
    """The ``subsidy`` section of a pack, parsed (the validator has checked its shape)."""

    pack_id: str
    version: str
    enabled: bool
    disabled: Reason | None = None
    period: str = "month"
    payers: dict = field(default_factory=dict)
    built_on_or_before: int | None = None
    categories: frozenset | None = None
    requires_renovation: bool = False
    rates: dict = field(default_factory=dict)  # mode -> (renovated rate, not renovated rate)
    excluded_modes: dict = field(default_factory=dict)
    agreement_required_modes: frozenset = frozenset()
    bands: dict | None = None
    min_share: Fraction | None = None
    min_valid_share: Fraction | None = None
    term_start: str | None = None
    cap_years: int | None = None
    taper: tuple | None = None
    complaints_allowed: int | None = None
    complaint_cut: Decimal = ZERO

    @classmethod
    def from_pack(cls, content: dict) -> SubsidyRules:
        s = content["subsidy"]
        head = {"pack_id": content["pack_id"], "version": content["version"]}
        if not s["enabled"]:
            return cls(**head, enabled=False, disabled=Reason(s["disabled_reason"]["key"], s["disabled_reason"]["zh"]))
        rates = {m: (Decimal(r["renovated"]), Decimal(r["not_renovated"])) if isinstance(r, dict)
                 else (Decimal(r), Decimal(r)) for m, r in s["rates"].items()}
        sat, term, comp = s.get("satisfaction"), s.get("term"), s.get("complaints")
        return cls(
            **head, enabled=True, period=s["period"], payers={k: Decimal(v) for k, v in s["payers"].items()},
            built_on_or_before=s["scope"].get("built_on_or_before"),
            categories=frozenset(s["scope"]["categories"]) if s["scope"].get("categories") else None,
            requires_renovation=s["scope"]["requires_renovation"], rates=rates,
            excluded_modes=dict(s.get("excluded_modes", {})),
            agreement_required_modes=frozenset(s.get("agreement_required_modes", ())),
            bands={g: Decimal(v) for g, v in s["assessment"]["bands"].items()} if s.get("assessment") else None,
            min_share=Fraction(sat["min_share"]) if sat else None,
            min_valid_share=Fraction(sat["min_valid_share"]) if sat else None,
            term_start=term["start"] if term else None, cap_years=term.get("cap_years") if term else None,
            taper=tuple(Decimal(f) for f in term["taper"]) if term and term.get("taper") else None,
            complaints_allowed=comp["allowed"] if comp else None,
            complaint_cut=Decimal(comp["cut_each"]) if comp else ZERO,
        )


@dataclass(frozen=True)
class Check:
    key: str
    zh: str
    passed: bool
    detail: str


@dataclass(frozen=True)
class Segment:
    months: int
    mode: str
    renovated: bool
    rate: Decimal
    year: int | None
    taper: Decimal


@dataclass(frozen=True)
class Due:
    """What is due to one community for one period from one stream, and why."""

    community: str
    period: str
    stream: str  # "subsidy" | "co_funding"
    pack_id: str
    version: str
    area: Decimal
    segments: tuple[Segment, ...]
    months: int
    grade: str | None
    band: Decimal | None
    factor: Decimal  # complaint and evaluation cuts multiplied (1 = none)
    exact: Decimal
    amount: Decimal
    parts: dict  # payer level -> Decimal, summing to amount
    checks: tuple[Check, ...]
    reasons: tuple[Reason, ...]  # non-empty exactly when amount is zero

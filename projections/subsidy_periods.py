"""Calendar periods of subsidy work: months ``2025-10``, quarters ``2025-Q4``,
half-years ``2025-H2`` and years ``2025``.

Records carry free-text period labels (a survey "2025", a payment "2025-Q4");
:func:`parse_period` turns a label into its date range so that records can be
matched to the subsidy periods they overlap.
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass
from datetime import date, timedelta

UNITS = ("month", "quarter", "half", "year")
_PATTERNS = (
    (re.compile(r"(\d{4})-(0[1-9]|1[0-2])"), "month"),
    (re.compile(r"(\d{4})-Q([1-4])"), "quarter"),
    (re.compile(r"(\d{4})-H([12])"), "half"),
    (re.compile(r"(\d{4})"), "year"),
)
_MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date  # inclusive
    unit: str
    label: str

    def months(self) -> list[date]:
        """First days of the months in the period."""
        out, day = [], self.start
        while day <= self.end:
            out.append(day)
            day = _add_months(day, 1)
        return out

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: Period) -> bool:
        return self.start <= other.end and other.start <= self.end

    def next(self) -> Period:
        return period_of(self.end + timedelta(days=1), self.unit)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _label(start: date, unit: str) -> str:
    if unit == "month":
        return f"{start.year}-{start.month:02d}"
    if unit == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if unit == "half":
        return f"{start.year}-H{(start.month - 1) // 6 + 1}"
    return str(start.year)


def period_of(day: date, unit: str) -> Period:
    """The period of ``unit`` that contains ``day``."""
    if unit not in _MONTHS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}")
    size = _MONTHS[unit]
    start = date(day.year, (day.month - 1) // size * size + 1, 1)
    return Period(start, _add_months(start, size) - timedelta(days=1), unit, _label(start, unit))


@lru_cache(maxsize=4096)
def parse_period(label: str) -> Period | None:
    """The period a label names, or None when it is not one of the four forms."""
    text = (label or "").strip()
    for pattern, unit in _PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            year = int(match.group(1))
            if unit == "year":
                return period_of(date(year, 1, 1), unit)
            n = int(match.group(2))
            return period_of(date(year, (n - 1) * _MONTHS[unit] + 1, 1), unit)
    return None


def require_period(label: str, field: str = "period") -> Period:
    period = parse_period(label)
    if period is None:
        raise ValueError(f"{field}: must be a period YYYY, YYYY-Hn, YYYY-Qn or YYYY-MM, got {label!r}")
    return period


def periods_between(first: date, last: date, unit: str) -> list[Period]:
    """Every period of ``unit`` from the one containing ``first`` to the one containing ``last``."""
    out: list[Period] = []
    period = period_of(first, unit)
    while period.start <= last:
        out.append(period)
        period = period.next()
    return out


def full_years_between(start: date, day: date) -> int:
    """Whole years from ``start`` to ``day`` (negative when ``day`` is earlier)."""
    return day.year - start.year - ((day.month, day.day) < (start.month, start.day))

"""Builders for rating-cycle, credit and blacklist tests (on top of the domain builders)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from domain.base import aggregate_id
from domain.ledger import Ledger
from domain.rating_cycle import RatingCycle
from domain.scheme_pack import load_pack, scheme_kwargs
from domain.vocab import DEPARTMENTS
from projections.blacklist import LedgerBlacklistView
from projections.ratings import ratings_calculator
from tests.unit.domain import builders as b

CYCLE = "2024"
PERIOD = (date(2024, 1, 1), date(2024, 12, 31))
CLOSED_ON = date(2025, 1, 6)
PUBLISHED_ON = date(2025, 1, 10)  # a Friday: 10 working days later is Friday 24 January


def wired(url: str = "memory://") -> Ledger:
    """A ledger with the ratings calculator and the in-memory blacklist view plugged in."""
    ledger = Ledger(url)
    ledger.ratings = ratings_calculator(ledger)
    ledger.blacklist = LedgerBlacklistView(ledger)
    return ledger


def providers(ledger: Ledger, n: int, first: int = 0) -> list[str]:
    codes = [b.uscc(i) for i in range(first, first + n)]
    for code in codes:
        b.provider(ledger, code)
    return codes


def adopt(ledger: Ledger, code: str = CYCLE, pack: str = "jinnan_default", **overrides: Any):
    kwargs = {**scheme_kwargs(load_pack(pack)), **overrides}
    return ledger.adopt_scheme(code=code, stamp=b.stamp(date(2023, 12, 1)), **kwargs)


def open_cycle(ledger: Ledger, code: str = CYCLE, period: tuple[date, date] = PERIOD, **scheme: Any) -> None:
    adopt(ledger, code, **scheme)
    ledger.cycle_command("open", code, period_start=period[0], period_end=period[1], stamp=b.stamp(period[0]))


def score(ledger: Ledger, subject: str, department: str, value: float, code: str = CYCLE,
          kind: str = "provider", on: date = date(2024, 12, 1)):
    return ledger.submit_score(code, subject_kind=kind, subject=subject, department=department, score=value,
                               stamp=b.stamp(on, "department"))


def score_all(ledger: Ledger, subject: str, values: list[float | None], code: str = CYCLE, **kw: Any) -> None:
    """One score per department in vocabulary order; None leaves a department out."""
    for department, value in zip(DEPARTMENTS, values):
        if value is not None:
            score(ledger, subject, department, value, code, **kw)


def close(ledger: Ledger, code: str = CYCLE, on: date = date(2025, 1, 5)):
    return ledger.cycle_command("close", code, stamp=b.stamp(on))


def compute(ledger: Ledger, code: str = CYCLE, on: date = CLOSED_ON):
    return ledger.compute_result(code, stamp=b.stamp(on))


def publish(ledger: Ledger, code: str = CYCLE, on: date = PUBLISHED_ON):
    return ledger.cycle_command("publish", code, stamp=b.stamp(on))


def cycle(ledger: Ledger, code: str = CYCLE) -> RatingCycle:
    return ledger.repository.get(aggregate_id("rating_cycle", code))


def object_to(ledger: Ledger, uscc: str, code: str = CYCLE, on: date = date(2025, 1, 15),
              reason: str = "消防评分漏报") -> int:
    ledger.cycle_command("file_objection", code, provider_uscc=uscc, reason=reason, stamp=b.stamp(on))
    return cycle(ledger, code).version


def decide(ledger: Ledger, objection: int, upheld: bool, code: str = CYCLE, on: date = date(2025, 1, 20),
           **remedy: Any):
    return ledger.cycle_command("decide_objection", code, objection_version=objection, upheld=upheld,
                                reason="复核认定" if upheld else "复核驳回", stamp=b.stamp(on), **remedy)


def published_cycle(ledger: Ledger, rows: dict[str, list[float | None]], code: str = CYCLE,
                    period: tuple[date, date] = PERIOD, **scheme: Any) -> RatingCycle:
    """Open, score (provider -> department values), close, compute and publish."""
    open_cycle(ledger, code, period, **scheme)
    for uscc, values in rows.items():
        score_all(ledger, uscc, values, code, on=period[1])
    end = period[1]
    close(ledger, code, end + timedelta(days=5))
    compute(ledger, code, end + timedelta(days=6))
    publish(ledger, code, end + timedelta(days=10))
    return cycle(ledger, code)

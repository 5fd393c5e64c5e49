"""The demo's publications after its rating cycle is published: the blacklist in force
on the publication day (housing bureau) and the last complete quarter's subsidy list
(civil affairs). Each is computed by the projections (the ledger's ``publisher``
port) and signed with a checkpoint (its ``checkpoints`` port): the demo needs both
wired, so unlike the generator this runs only on an audited, wired ledger."""

from __future__ import annotations

from datetime import date, timedelta

from domain.application import CommandResult
from domain.base import Stamp
from domain.demo import actors
from domain.demo.generator import DemoSummary
from domain.values import Source


def last_complete_quarter(horizon: date) -> str:
    """The quarter ending on ``horizon``, else the one before it (``2025-Q4``)."""
    quarter = (horizon.month - 1) // 3
    next_start = date(horizon.year + (quarter == 3), (quarter + 1) % 4 * 3 + 1, 1)
    if horizon + timedelta(days=1) == next_start:
        return f"{horizon.year}-Q{quarter + 1}"
    year, previous = (horizon.year - 1, 4) if quarter == 0 else (horizon.year, quarter)
    return f"{year}-Q{previous}"


def publish_lists(ledger, summary: DemoSummary, on: date, quarter: str) -> dict[str, CommandResult]:
    """Publish the blacklist as of ``on`` and the subsidy list of ``quarter`` (idempotent per seed)."""
    key = f"demo-{summary.seed}"
    blacklist = ledger.publish_blacklist(
        as_of=on, stamp=Stamp(on, actors.HOUSING_BUREAU, Source(document=f"津南区物业服务企业黑名单（{on.isoformat()}）")),
        idempotency_key=f"{key}-blacklist-{on.isoformat()}")
    subsidy = ledger.publish_subsidy_list(
        period=quarter, stamp=Stamp(on, actors.CIVIL_AFFAIRS, Source(document=f"津南区旧楼区长效管理补贴清单（{quarter}）")),
        idempotency_key=f"{key}-subsidy-{quarter}")
    return {"blacklist": blacklist, "subsidy_list": subsidy}

"""Completeness: has every projection applied every event up to its tracking position?

For each projection, the number of events it applied (``processed``, committed
with its position) must equal the number of events of its topics in the log up
to that position (and, for an "effective on" build, with a business date on or
before it). A projection that skipped an event, or an event that appeared below
a position already passed (a late commit), makes the counts differ.

Gaps in the positions are reported too. On SQLite they cannot come from normal
operation (a rowid is taken inside the single writer's transaction), so a gap
means deleted rows and fails the check. On PostgreSQL a gap below the horizon
is a sequence value of a rolled-back insert (projections.source): listed, not an
error.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from projections.base import Projection
from projections.source import EventSource
from projections.tracking import Tracked


@dataclass(frozen=True)
class ProjectionCheck:
    name: str
    position: int
    processed: int
    expected: int

    @property
    def ok(self) -> bool:
        return self.processed == self.expected


@dataclass
class CheckReport:
    horizon: int
    store: str
    projections: list[ProjectionCheck] = field(default_factory=list)
    gaps: list[tuple[int, int]] = field(default_factory=list)

    @property
    def gaps_ok(self) -> bool:
        return self.store == "postgresql" or not self.gaps

    @property
    def ok(self) -> bool:
        return self.gaps_ok and all(p.ok for p in self.projections)

    def as_dict(self) -> dict:
        return {"ok": self.ok, "horizon": self.horizon, "store": self.store,
                "gaps": [list(g) for g in self.gaps], "gaps_ok": self.gaps_ok,
                "projections": [{"name": p.name, "position": p.position, "processed": p.processed,
                                 "expected": p.expected, "ok": p.ok} for p in self.projections]}


def check_completeness(source: EventSource, tracked: dict[str, Tracked], classes: list[type[Projection]],
                       effective_on: str | None = None) -> CheckReport:
    report = CheckReport(horizon=source.horizon(), store=source.kind)
    top = 0
    for cls in classes:
        row = tracked.get(cls.name)
        if row is None:
            report.projections.append(ProjectionCheck(cls.name, 0, 0, 0))
            continue
        expected = source.count(row.position, cls.topics(), effective_on)
        report.projections.append(ProjectionCheck(cls.name, row.position, row.processed, expected))
        top = max(top, row.position)
    report.gaps = source.gaps(top)
    return report

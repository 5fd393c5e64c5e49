"""What ``taizhang audit verify`` reports: findings, each naming a position and the event there."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any
from uuid import UUID

EVENT_KINDS = ("altered", "missing", "inserted", "unlogged", "log_damaged")


@dataclass
class Finding:
    kind: str  # altered | missing | inserted | unlogged | log_damaged | node | checkpoint
    message: str
    position: int | None = None
    leaf_index: int | None = None
    event: dict | None = None  # aggregate_id, version, topic of the event now at that position


@dataclass
class VerifyReport:
    tree_size: int = 0
    last_position: int = 0
    events: int = 0
    adopted: int = 0
    adopted_positions: list[int] = field(default_factory=list)  # the first 20
    checkpoints: int = 0
    key_pinned: bool = False
    findings: list[Finding] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def first_bad_position(self) -> int | None:
        exact = [f.position for f in self.findings if f.kind in EVENT_KINDS and f.position is not None]
        if exact:
            return min(exact)
        ranged = [f.position for f in self.findings if f.position is not None]
        return min(ranged) if ranged else None

    def add(self, finding: Finding, keep: int = 50) -> None:
        self.counts[finding.kind] = self.counts.get(finding.kind, 0) + 1
        if self.counts[finding.kind] <= keep:
            self.findings.append(finding)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "first_bad_position": self.first_bad_position, "tree_size": self.tree_size,
                "last_position": self.last_position, "events": self.events, "adopted": self.adopted,
                "adopted_positions": self.adopted_positions,
                "checkpoints": self.checkpoints, "key_pinned": self.key_pinned, "counts": self.counts,
                "findings": [asdict(f) for f in self.findings]}


def identity(originator_id: Any, version: int, topic: str) -> dict:
    try:
        agg = str(UUID(str(originator_id)))
    except ValueError:
        agg = str(originator_id)
    return {"aggregate_id": agg, "version": version, "topic": topic}

"""The aggregate and event base every Taizhang aggregate builds on.

Every event carries ``occurred_on`` (the business date), the library's recorded
``timestamp``, ``actor`` and an optional ``source``. Events mutate state in
``apply``; rules run only in the command methods, so replay never re-runs them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.errors import ValidationError
from domain.values import Actor, Source

# Fixed namespace: an aggregate's id is derived from its stable business code,
# so every process (and an auditor's replay) finds the same id for the same code.
TAIZHANG_NAMESPACE = UUID("5a1c0d2e-7b1f-4c53-9e4a-7a1d2a3b4c5d")


def aggregate_id(kind: str, code: str) -> UUID:
    """Deterministic id of the aggregate of ``kind`` with business ``code``.

    Codes are compared without surrounding blanks, as the aggregates store them."""
    return uuid5(TAIZHANG_NAMESPACE, f"{kind}:{code.strip()}")


@dataclass(frozen=True)
class Stamp:
    """Who did it, when it happened in business time, and on what evidence."""

    occurred_on: date
    actor: Actor
    source: Source | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.occurred_on, date) or isinstance(self.occurred_on, datetime):
            raise ValidationError("occurred_on", "date", "must be a date (YYYY-MM-DD)")
        if not isinstance(self.actor, Actor):
            raise ValidationError("actor", "required", "the acting user is required")

    def fields(self) -> dict[str, Any]:
        # Built by hand: dataclasses.asdict deep-copies recursively and showed up in
        # the cost of every command of a bulk import.
        actor, source = self.actor, self.source
        return {
            "occurred_on": self.occurred_on,
            "actor": {"user": actor.user, "role": actor.role, "org": actor.org},
            "source": {"document": source.document, "sha256": source.sha256} if source else None,
        }


class LedgerAggregate(Aggregate):
    """Base aggregate: events carry a :class:`Stamp`'s fields."""

    KIND = "aggregate"
    COMMANDS: ClassVar[frozenset[str]] = frozenset()  # methods the Ledger may call by name

    class Event(Aggregate.Event):
        occurred_on: date
        actor: dict
        source: dict | None

    class Created(Event, Aggregate.Created):
        pass

    def _trigger(self, event_class: type, stamp: Stamp, /, **fields: Any) -> None:
        self.trigger_event(event_class, **fields, **stamp.fields())

    @classmethod
    def _create_with(cls, event_class: type, agg_code: str, stamp: Stamp, /, **fields: Any) -> Any:
        return cls._create(event_class, id=aggregate_id(cls.KIND, agg_code), **fields, **stamp.fields())

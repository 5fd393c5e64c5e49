"""Light records read straight from a Ledger's recorder, for any store (memory, SQLite, PostgreSQL).

The projection runner reads with plain SQL (:mod:`projections.source`); the
ratings calculator and the in-process blacklist view use this small reader
instead because they must work on whatever store the Ledger was given,
including ``memory://`` in unit tests, and must see exactly the prefix of the
log up to a position.
"""

from __future__ import annotations

import threading
from typing import Any, Iterator, Sequence

from projections.records import Record, loads


def read_records(recorder: Any, after: int, upto: int, topics: Sequence[str] = (),
                 batch: int = 10000) -> Iterator[Record]:
    """Records with ``after < position <= upto`` (of ``topics`` when given), in position order."""
    start = after + 1
    while start <= upto:
        notes = recorder.select_notifications(start, batch, stop=upto, topics=tuple(topics))
        for n in notes:
            yield Record(n.id, n.originator_id.hex, n.originator_version, n.topic, loads(n.state))
        if len(notes) < batch:
            return
        start = notes[-1].id + 1


class Follower:
    """Keeps an in-memory state (anything with ``apply(record)``) caught up with a ledger's log.

    ``lock`` serialises catching up and reading the state (API workers are threads):
    hold it around any read of ``state`` that must not see a half-applied batch."""

    def __init__(self, recorder: Any, state: Any, topics: Sequence[str]) -> None:
        self.recorder, self.state, self.topics = recorder, state, tuple(topics)
        self.position = 0
        self.lock = threading.RLock()

    def catch_up(self, upto: int | None = None) -> int:
        with self.lock:
            target = (self.recorder.max_notification_id() or 0) if upto is None else upto
            if target > self.position:
                for record in read_records(self.recorder, self.position, target, self.topics):
                    self.state.apply(record)
                self.position = target
            return self.position


def recorder_lookup(recorder: Any):
    """``lookup(aggregate id hex, version) -> Record | None`` over a recorder (position unknown: 0)."""
    from uuid import UUID

    def lookup(originator_id: str, version: int) -> Record | None:
        found = recorder.select_events(UUID(originator_id), gt=version - 1, lte=version)
        if not found:
            return None
        s = found[0]
        return Record(0, originator_id, s.originator_version, s.topic, loads(s.state))
    return lookup

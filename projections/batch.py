"""Applying one batch of stored rows to every projection of a runner, in one pass over the rows.

Each row is decoded once, turned into a :class:`~projections.records.Record` and
handed at once to every projection handling its topic (event-major), then
dropped: the decoded state is freed while it is still in the CPU cache, and no
per-projection lists of records are built. Each projection still sees exactly
its own topics, in position order; since a projection writes and reads only its
own tables (and its own in-memory state), interleaving the handlers of
different projections changes nothing in any of them. At the end of the batch
each projection queues its accumulated writes (``before_flush``) and flushes
them, as :meth:`Projection.apply_batch` does.

Projections that override ``apply_batch``, and the rare batch in which some
projection already stands past the batch's start (after an earlier failure),
take the per-projection path: records are decoded first, then every projection
gets its own list through ``apply_batch``.
"""

from __future__ import annotations

import json
from collections import Counter
from operator import itemgetter
from typing import Callable, Sequence

from sqlalchemy.engine import Connection

from projections.base import Projection
from projections.records import Record, _fast_loads, _FastError

Row = tuple  # (position, originator id hex, version, topic, state bytes), as EventSource.rows returns

_new_record = tuple.__new__  # Record(...) without the Python-level __new__ frame: the same tuple


def decode(rows: Sequence[Row]) -> list[Record]:
    """The rows as records (what EventSource.read returns)."""
    out = []
    for p, o, v, t, s in rows:
        try:
            state = _fast_loads(s)
        except _FastError:  # what orjson refuses (NaN, integers beyond 64 bits): the stdlib's values
            state = json.loads(s)
        out.append(_new_record(Record, (p, o, v, t, state)))
    return out


def apply_rows(conn: Connection, work: Sequence[tuple[Projection, int]], rows: Sequence[Row], lo: int,
               effective_on: str | None) -> list[int]:
    """Apply ``rows`` (positions after ``lo``) to each ``(projection, committed position)`` of ``work``
    and flush their writes on ``conn``; returns how many events each projection applied."""
    default = Projection.apply_batch
    if any(pos > lo for _, pos in work) or any(type(p).apply_batch is not default for p, _ in work):
        return _apply_each(conn, work, decode(rows), effective_on)
    handlers: dict[str, list] = {}
    for projection, _ in work:
        projection.conn = conn
        for topic, fn in projection._dispatch.items():
            handlers.setdefault(topic, []).append(fn)
    # One callable per topic: most topics have a single handler, so the per-event loop makes one call.
    calls = {t: fns[0] if len(fns) == 1 else _fan_out(fns) for t, fns in handlers.items()}
    if effective_on is None:
        _apply_all(rows, calls)
        applied = Counter(map(_topic, rows))  # every row of a handled topic was applied (others are not summed)
    else:
        applied = Counter()
        _apply_effective(rows, calls, effective_on, applied)
    counts = []
    for projection, _ in work:
        projection.before_flush()
        projection.out.flush(conn)
        projection.conn = None
        counts.append(sum(applied.get(t, 0) for t in projection._dispatch))
    return counts


_topic = itemgetter(3)


def _fan_out(fns: list) -> Callable[[Record], None]:
    def call(record: Record) -> None:
        for fn in fns:
            fn(record)
    return call


def _apply_all(rows: Sequence[Row], calls: dict[str, Callable]) -> None:
    # The per-event loop of a rebuild: no date test, no counting (done in C afterwards), one call.
    get = calls.get
    for p, o, v, t, s in rows:
        fn = get(t)
        if fn is None:  # a topic of a projection that is not in this batch
            continue
        try:
            state = _fast_loads(s)
        except _FastError:
            state = json.loads(s)
        fn(_new_record(Record, (p, o, v, t, state)))


def _apply_effective(rows: Sequence[Row], calls: dict[str, Callable], effective_on: str, applied: Counter) -> None:
    get = calls.get
    for p, o, v, t, s in rows:
        fn = get(t)
        if fn is None:
            continue
        try:
            state = _fast_loads(s)
        except _FastError:
            state = json.loads(s)
        if state["occurred_on"]["_data_"] > effective_on:
            continue
        applied[t] += 1
        fn(_new_record(Record, (p, o, v, t, state)))


def _apply_each(conn: Connection, work: Sequence[tuple[Projection, int]], records: list[Record],
                effective_on: str | None) -> list[int]:
    if effective_on is not None:
        records = [r for r in records if r.state["occurred_on"]["_data_"] <= effective_on]
    counts = []
    for projection, pos in work:
        dispatch = projection._dispatch
        events = [r for r in records if r.topic in dispatch and r.position > pos]
        projection.apply_batch(conn, events)
        counts.append(len(events))
    return counts

"""The integrity log as the rest of the system sees it: size, roots, proofs,
receipts, and a catch-up for events written without the integrity recorder.

Reads go through SQLAlchemy (``projections.db.engine_for``); the perfect
subtree nodes are a read-only :class:`SqlNodeStore`.  Writes happen in one
place, ``sql.append_events``, inside the event recorder's transaction
(``recorder.py``) or inside :meth:`IntegrityLog.catch_up`'s.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from projections.audit.merkle import MerkleLog, NodeId
from projections.audit.recorder import IntegrityRecording
from projections.audit.sql import (Appended, Dialect, EventRow, append_events, create_all_retrying, read_state,
                                   select_events)
from projections.db import engine_for


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class SqlNodeStore:
    """Read-only NodeStore over ``merkle_nodes`` (appends go through ``append_events``)."""

    def __init__(self, engine: Engine, d: Dialect) -> None:
        self.engine, self.d = engine, d

    def get(self, level: int, index: int) -> bytes:
        return self.get_many([(level, index)])[0]

    def get_many(self, ids: Sequence[NodeId]) -> list[bytes]:
        if not ids:
            return []
        where = " OR ".join(f"(level = :l{i} AND idx = :i{i})" for i in range(len(ids)))
        params = {k: v for i, (lv, ix) in enumerate(ids) for k, v in ((f"l{i}", lv), (f"i{i}", ix))}
        with self.engine.connect() as conn:
            found = {(lv, ix): bytes(h) for lv, ix, h in conn.execute(
                text(f"SELECT level, idx, hash FROM {self.d.table('merkle_nodes')} WHERE {where}"), params)}
        if len(found) < len(set(ids)):
            raise KeyError(f"merkle nodes missing: {[i for i in ids if i not in found][:3]}")
        return [found[i] for i in ids]

    def put_many(self, items: Iterable[tuple[int, int, bytes]]) -> None:
        raise NotImplementedError("the integrity log appends through sql.append_events, in a transaction")

    def leaf_count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(text(f"SELECT size FROM {self.d.table('merkle_state')} WHERE id = 1")).scalar_one())


class IntegrityLog:
    """RFC 9162 log over the ledger's committed events, in the ledger's database."""

    def __init__(self, database_url: str, engine: Engine | None = None) -> None:
        self.database_url = database_url
        self.d = Dialect.for_url(database_url)
        self.engine = engine or engine_for(database_url)
        self.store = SqlNodeStore(self.engine, self.d)
        self.merkle = MerkleLog(self.store)
        self._ready = False

    # --- tables and state ------------------------------------------------------------
    def setup(self) -> IntegrityLog:
        if not self._ready:
            def create() -> None:
                with self.engine.begin() as conn:
                    for statement in self.d.ddl():
                        conn.exec_driver_sql(statement)
            create_all_retrying(create)
            self._ready = True
        return self

    def state(self) -> tuple[int, int]:
        """(tree size, last logged position)."""
        self.setup()
        with self.engine.connect() as conn:
            size, last = conn.execute(text(f"SELECT size, last_position FROM {self.d.table('merkle_state')}")).one()
        return int(size), int(last)

    def root(self, size: int | None = None) -> bytes:
        self.setup()
        return self.merkle.root(size)

    def _events_table_exists(self) -> bool:
        name = self.d.events.rsplit(".", 1)[-1]
        return inspect(self.engine).has_table(name, schema=self.d.schema or None)

    def max_position(self) -> int:
        if not self._events_table_exists():
            return 0
        with self.engine.connect() as conn:
            return int(conn.execute(text(f"SELECT MAX({self.d.position}) FROM {self.d.events}")).scalar() or 0)

    def unlogged(self) -> int:
        """Committed events beyond the log (written without the integrity recorder, or forged)."""
        _, last = self.state()
        if not self._events_table_exists():
            return 0
        with self.engine.connect() as conn:
            return int(conn.execute(text(f"SELECT COUNT(*) FROM {self.d.events} WHERE {self.d.position} > :p"),
                                    {"p": last}).scalar_one())

    # --- leaves and events --------------------------------------------------------------
    def leaf_index(self, position: int) -> int | None:
        self.setup()
        with self.engine.connect() as conn:
            return conn.execute(text(f"SELECT idx FROM {self.d.table('merkle_leaves')} WHERE position = :p"),
                                {"p": position}).scalar()

    def position_of(self, index: int) -> int | None:
        self.setup()
        with self.engine.connect() as conn:
            return conn.execute(text(f"SELECT position FROM {self.d.table('merkle_leaves')} WHERE idx = :i"),
                                {"i": index}).scalar()

    def event(self, position: int) -> EventRow | None:
        with self.engine.connect() as conn:
            row = conn.execute(text(f"SELECT {self.d.position}, originator_id, originator_version, topic, state "
                                    f"FROM {self.d.events} WHERE {self.d.position} = :p"), {"p": position}).first()
        return None if row is None else (int(row[0]), row[1], int(row[2]), row[3], bytes(row[4]))

    # --- appending what the recorder did not see ---------------------------------------------
    def catch_up(self, chunk: int = 20000) -> int:
        """Log committed events beyond the log, flagged ``adopted``; returns how many.

        PostgreSQL: each chunk holds ``LOCK TABLE events IN SHARE MODE``, which
        waits for every transaction that has drawn notification ids to end and
        keeps new ones out, so the ids visible under it are final: a gap is a
        rolled-back id, never a commit still to come.  SQLite: ``BEGIN
        IMMEDIATE`` takes the single write lock.
        """
        self.setup()
        if not self._events_table_exists():
            return 0
        total = 0
        while True:
            appended = self._in_write_transaction(
                lambda cur: self._append_chunk(cur, chunk))
            if appended is None:
                return total
            total += len(appended.leaf_index)

    def _append_chunk(self, cur: Any, chunk: int) -> Appended | None:
        state = read_state(cur, self.d, for_update=True)
        events = select_events(cur, self.d, after=state[1], limit=chunk)
        return append_events(cur, self.d, events, adopted=[e[0] for e in events], state=state) if events else None

    def _in_write_transaction(self, work: Callable[[Any], Any]) -> Any:
        raw = self.engine.raw_connection()
        try:
            cur = raw.cursor()
            if self.d.pg:
                cur.execute(f"LOCK TABLE {self.d.events} IN SHARE MODE")
            else:
                cur.execute("BEGIN IMMEDIATE")
            result = work(cur)
            raw.commit()
            return result
        except BaseException:
            raw.rollback()
            raise
        finally:
            raw.close()

    def follow(self, interval: float = 0.5, stop: threading.Event | None = None,
               on_append: Callable[[int], None] | None = None) -> None:
        """Follower mode, for ledgers not using the integrity recorder: catch up every ``interval`` s."""
        stop = stop or threading.Event()
        while not stop.is_set():
            n = self.catch_up()
            if n and on_append:
                on_append(n)
            stop.wait(interval)

    # --- receipts -------------------------------------------------------------------------
    def attach(self, ledger: Any) -> None:
        """Register a save listener: every command's receipt names the tree holding its events.

        With the integrity recorder the log was written in the command's own
        transaction; without it, the listener catches up (follower mode).
        """
        recorder = getattr(ledger, "recorder", None)
        if isinstance(recorder, IntegrityRecording):
            def listener(positions: list[int]) -> dict[str, Any]:
                return self.receipt(positions, recorder.take_receipt(), mode="transaction")
        else:
            def listener(positions: list[int]) -> dict[str, Any]:
                self.catch_up()
                return self.receipt(positions, None, mode="follower")
        ledger.save_listeners.append(listener)

    def receipt(self, positions: list[int], appended: Appended | None, mode: str) -> dict[str, Any]:
        if appended is None or any(p not in appended.leaf_index for p in positions):
            size, last = self.state()
            appended = Appended(size, self.root(size), last, {p: self.leaf_index(p) for p in positions})
        return {"tree_size": appended.tree_size, "root": b64(appended.root),
                "leaf_index": [appended.leaf_index.get(p) for p in positions], "log_mode": mode}

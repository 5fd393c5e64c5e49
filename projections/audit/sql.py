"""The integrity log's tables and its one append routine, on a DB-API cursor.

Appends run inside someone else's transaction: the event recorder's (the
integrity log is written in the same transaction as the events, see
``recorder.py``) or the catch-up's (``log.py``).  Both hand us a raw DB-API
cursor, so the SQL here is plain text for two dialects: SQLite (``?``) and
PostgreSQL via psycopg (``%s``).

Tables (beside the event table, in the same database/schema):

    merkle_nodes(level, idx, hash)         perfect subtrees, level 0 = leaf hashes
    merkle_leaves(idx, position, adopted)  leaf index -> ledger position; adopted =
                                           logged by a catch-up, not by the
                                           transaction that wrote the event
    merkle_state(id = 1, size, last_position)   the log's size, one row
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from domain.store import parse_database_url
from projections.audit.merkle import MerkleLog, NodeId
from projections.audit.verify import event_leaf_hash

EventRow = tuple[int, Any, int, str, bytes]  # position, originator_id, version, topic, state


@dataclass(frozen=True)
class Dialect:
    kind: str  # "sqlite" | "postgresql"
    schema: str = ""  # PostgreSQL schema; "" = the connection's search_path

    @classmethod
    def for_url(cls, database_url: str) -> Dialect:
        config = parse_database_url(database_url)
        if config.kind not in ("sqlite", "postgresql"):
            raise ValueError("the integrity log needs SQLite or PostgreSQL")
        return cls(config.kind, config.schema)

    @property
    def pg(self) -> bool:
        return self.kind == "postgresql"

    def table(self, name: str) -> str:
        if self.pg and self.schema:
            return '"' + self.schema.replace('"', '""') + '".' + name
        return name

    @property
    def events(self) -> str:
        return self.table("taizhang_events" if self.pg else "stored_events")

    @property
    def position(self) -> str:
        return "notification_id" if self.pg else "rowid"

    def sql(self, text: str) -> str:
        """Statements are written with ``?``; psycopg wants ``%s``."""
        return text.replace("?", "%s") if self.pg else text

    def ddl(self) -> list[str]:
        blob, big, boolean = ("bytea", "bigint", "boolean") if self.pg else ("BLOB", "INTEGER", "INTEGER")
        nodes, leaves, state = (self.table(t) for t in ("merkle_nodes", "merkle_leaves", "merkle_state"))
        seed = (f"INSERT INTO {state} (id, size, last_position) VALUES (1, 0, 0) ON CONFLICT (id) DO NOTHING"
                if self.pg else f"INSERT OR IGNORE INTO {state} (id, size, last_position) VALUES (1, 0, 0)")
        return [
            f"CREATE TABLE IF NOT EXISTS {nodes} (level {big} NOT NULL, idx {big} NOT NULL, "
            f"hash {blob} NOT NULL, PRIMARY KEY (level, idx))" + ("" if self.pg else " WITHOUT ROWID"),
            f"CREATE TABLE IF NOT EXISTS {leaves} (idx {big} PRIMARY KEY, position {big} NOT NULL UNIQUE, "
            f"adopted {boolean} NOT NULL DEFAULT {'false' if self.pg else '0'})",
            f"CREATE TABLE IF NOT EXISTS {state} (id {big} PRIMARY KEY CHECK (id = 1), "
            f"size {big} NOT NULL, last_position {big} NOT NULL)",
            seed,
        ]


def rows(cursor: Any) -> list[tuple]:
    """Fetch all rows as tuples (eventsourcing's cursors return dicts or sqlite3.Row)."""
    return [tuple(r.values()) if isinstance(r, dict) else tuple(r) for r in cursor.fetchall()]


def read_state(cursor: Any, d: Dialect, *, for_update: bool = False) -> tuple[int, int]:
    """(size, last_position); FOR UPDATE serialises appenders on PostgreSQL."""
    lock = " FOR UPDATE" if for_update and d.pg else ""
    cursor.execute(f"SELECT size, last_position FROM {d.table('merkle_state')} WHERE id = 1{lock}")
    found = rows(cursor)
    if not found:
        raise RuntimeError("integrity log tables are not set up (merkle_state is empty)")
    return int(found[0][0]), int(found[0][1])


def select_events(cursor: Any, d: Dialect, after: int, before: int | None = None,
                  limit: int | None = None) -> list[EventRow]:
    """Committed events with after < position (< before), in notification order."""
    sql = (f"SELECT {d.position}, originator_id, originator_version, topic, state "
           f"FROM {d.events} WHERE {d.position} > ?")
    params: list[int] = [after]
    if before is not None:
        sql += f" AND {d.position} < ?"
        params.append(before)
    sql += f" ORDER BY {d.position}"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    cursor.execute(d.sql(sql), params)
    return [(int(p), o, int(v), t, bytes(s)) for p, o, v, t, s in rows(cursor)]


class CursorNodeStore:
    """NodeStore over a DB-API cursor, inside the caller's transaction."""

    def __init__(self, cursor: Any, d: Dialect, size: int) -> None:
        self.cursor, self.d, self.size = cursor, d, size

    def get(self, level: int, index: int) -> bytes:
        return self.get_many([(level, index)])[0]

    def get_many(self, ids: Sequence[NodeId]) -> list[bytes]:
        if not ids:
            return []
        where = " OR ".join(["(level = ? AND idx = ?)"] * len(ids))
        self.cursor.execute(self.d.sql(f"SELECT level, idx, hash FROM {self.d.table('merkle_nodes')} WHERE {where}"),
                            [x for nid in ids for x in nid])
        found = {(int(lv), int(ix)): bytes(h) for lv, ix, h in rows(self.cursor)}
        missing = [nid for nid in ids if nid not in found]
        if missing:
            raise KeyError(f"merkle nodes missing: {missing[:3]}")
        return [found[nid] for nid in ids]

    def put_many(self, items: Iterable[tuple[int, int, bytes]]) -> None:
        items = list(items)
        self.cursor.executemany(
            self.d.sql(f"INSERT INTO {self.d.table('merkle_nodes')} (level, idx, hash) VALUES (?, ?, ?)"), items)
        self.size += sum(1 for level, _, _ in items if level == 0)

    def leaf_count(self) -> int:
        return self.size


@dataclass(frozen=True)
class Appended:
    """The log after an append: its size and root, and where the new events went."""

    tree_size: int
    root: bytes
    last_position: int
    leaf_index: dict[int, int]  # position -> leaf index


def append_events(cursor: Any, d: Dialect, events: Sequence[EventRow], *, adopted: Iterable[int] = (),
                  state: tuple[int, int] | None = None) -> Appended:
    """Append events (ascending positions, beyond the log) in the caller's transaction.

    The caller holds the lock that orders appends: the event table's write
    lock (SQLite's single writer; PostgreSQL's EXCLUSIVE table lock taken by
    eventsourcing, or the SHARE lock a catch-up takes).  ``state``: (size, last
    position) when the caller has just read it (FOR UPDATE) in this transaction.
    """
    size, last = state if state is not None else read_state(cursor, d, for_update=True)
    adopted = set(adopted)
    hashes, leaves = [], []
    for i, (position, originator_id, version, topic, state) in enumerate(events):
        if position <= last:
            raise RuntimeError(f"position {position} is not beyond the integrity log's last position {last}: "
                               "events must be logged once, in notification order")
        hashes.append(event_leaf_hash(position, originator_id, version, topic, state))
        leaves.append((size + i, position, position in adopted))
        last = position
    log = MerkleLog(CursorNodeStore(cursor, d, size))
    log.append_leaf_hashes(hashes)
    if leaves:
        cursor.executemany(d.sql(f"INSERT INTO {d.table('merkle_leaves')} (idx, position, adopted) VALUES (?, ?, ?)"),
                           leaves if d.pg else [(i, p, int(a)) for i, p, a in leaves])
        cursor.execute(d.sql(f"UPDATE {d.table('merkle_state')} SET size = ?, last_position = ? WHERE id = 1"),
                       (size + len(leaves), last))
    return Appended(size + len(leaves), log.root(size + len(leaves)), last, {p: i for i, p, _ in leaves})


def create_all_retrying(create) -> None:
    """Run idempotent DDL; two processes creating the same table at once make one of
    them fail ("already exists" / a unique violation in the catalog): run it again."""
    from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

    for attempt in range(3):
        try:
            create()
            return
        except (OperationalError, ProgrammingError, IntegrityError):
            if attempt == 2:
                raise

"""Reading the event log with plain SQL, in large batches, for SQLite and PostgreSQL.

The *horizon* is the highest position below which the log can no longer change:
every position up to it is either committed or will never exist. Projections
never read past it, so a late-committing event cannot be skipped:

- SQLite has one writer at a time and readers see committed snapshots (WAL), and
  a rowid is only taken inside the writing transaction: the horizon is
  ``MAX(rowid)``. Gaps are impossible unless rows were deleted.
- PostgreSQL takes notification ids from a sequence, outside transactions: a
  rolled-back insert leaves a permanent gap, and an insert still in flight holds
  an id below ids that may already be committed. Every inserting transaction
  holds ROW EXCLUSIVE on the table from before it takes an id until it ends, so
  the horizon is read under a brief ``LOCK TABLE … IN SHARE MODE`` (which
  conflicts with ROW EXCLUSIVE): while we hold it no insert is in flight, so
  every id up to ``MAX(notification_id)`` is settled, and a gap below it is a
  rolled-back id, never an event yet to come. The lock is held for one
  ``SELECT max`` and does not depend on the library's own ``EXCLUSIVE`` lock
  (which its stored-function insert path does not take).
"""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from datetime import datetime
from typing import Iterable, Sequence

from domain.store import StoreConfig, parse_database_url
from projections.records import Record, loads

LOCK_TIMEOUT_S = 5


class EventSource:
    """Read-only access to one ledger's event log (one connection; use from one thread)."""

    def __init__(self, database_url: str, lookup_cache: int = 20000) -> None:
        self.url = database_url
        self.config: StoreConfig = parse_database_url(database_url)
        if self.config.kind == "sqlite":
            self._conn = sqlite3.connect(self.config.sqlite_path, timeout=30, isolation_level=None,
                                         check_same_thread=False)
            self.table, self.pos, self.ph = "stored_events", "rowid", "?"
            self.oid = "originator_id"
        elif self.config.kind == "postgresql":
            import psycopg

            c = self.config
            self._conn = psycopg.connect(host=c.host, port=c.port, user=c.user, password=c.password,
                                         dbname=c.dbname, autocommit=True)
            schema = c.schema or "public"
            self.table, self.pos, self.ph = f'"{schema}".taizhang_events', "notification_id", "%s"
            self.oid = "replace(originator_id::text, '-', '')"
        else:
            raise ValueError("projections read SQLite or PostgreSQL event stores, not memory://")
        self._lookups: OrderedDict[tuple[str, int], Record | None] = OrderedDict()
        self._lookup_cache = lookup_cache
        self._exists = False

    # --- plumbing ---------------------------------------------------------------------
    @property
    def kind(self) -> str:
        return self.config.kind

    def _query(self, sql: str, params: Sequence = ()) -> list[tuple]:
        cur = self._conn.execute(sql, params)
        rows = cur.fetchall()
        return rows

    def exists(self) -> bool:
        """Whether the ledger has created its event table yet."""
        if not self._exists:
            if self.kind == "sqlite":
                sql = "SELECT 1 FROM sqlite_master WHERE type='table' AND name='stored_events'"
                self._exists = bool(self._query(sql))
            else:
                self._exists = self._query("SELECT to_regclass(%s)", [self.table])[0][0] is not None
        return self._exists

    def close(self) -> None:
        self._conn.close()

    def _topic_clause(self, topics: Sequence[str] | None) -> tuple[str, list]:
        if topics is None:
            return "", []
        if self.kind == "sqlite":
            return f" AND topic IN ({','.join('?' * len(topics))})", list(topics)
        return " AND topic = ANY(%s)", [list(topics)]

    # --- positions --------------------------------------------------------------------------
    def horizon(self) -> int:
        """The highest settled position (see the module docstring)."""
        if not self.exists():
            return 0
        if self.kind == "sqlite":
            return self._query(f"SELECT MAX(rowid) FROM {self.table}")[0][0] or 0
        with self._conn.transaction():
            self._conn.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT_S}s'")
            self._conn.execute(f"LOCK TABLE {self.table} IN SHARE MODE")
            return self._query(f"SELECT MAX(notification_id) FROM {self.table}")[0][0] or 0

    # --- reading ----------------------------------------------------------------------------------
    def rows(self, after: int, upto: int, limit: int, topics: Sequence[str] | None = None) -> list[tuple]:
        """Raw rows (position, originator id hex, version, topic, state bytes), in position order."""
        if not self.exists():
            return []
        clause, params = self._topic_clause(topics)
        sql = (f"SELECT {self.pos}, {self.oid}, originator_version, topic, state FROM {self.table} "
               f"WHERE {self.pos} > {self.ph} AND {self.pos} <= {self.ph}{clause} "
               f"ORDER BY {self.pos} LIMIT {self.ph}")
        return self._query(sql, [after, upto, *params, limit])

    def read(self, after: int, upto: int, limit: int, topics: Sequence[str] | None = None) -> list[Record]:
        """Decoded records with ``after < position <= upto``, at most ``limit``."""
        return [Record(p, o, v, t, loads(s)) for p, o, v, t, s in self.rows(after, upto, limit, topics)]

    def get(self, originator_id: str, version: int) -> Record | None:
        """One event by aggregate id (32 hex digits) and version: for the rare look-back (a correction
        names the record it corrects; a follower restarted mid-stream meets an aggregate it has not seen)."""
        key = (originator_id, version)
        if key in self._lookups:
            self._lookups.move_to_end(key)
            return self._lookups[key]
        where = "originator_id = ?" if self.kind == "sqlite" else "originator_id = %s::uuid"
        rows = self._query(f"SELECT {self.pos}, {self.oid}, originator_version, topic, state FROM {self.table} "
                           f"WHERE {where} AND originator_version = {self.ph}", [originator_id, version])
        record = Record(rows[0][0], rows[0][1], rows[0][2], rows[0][3], loads(rows[0][4])) if rows else None
        self._lookups[key] = record
        if len(self._lookups) > self._lookup_cache:
            self._lookups.popitem(last=False)
        return record

    # --- checks ----------------------------------------------------------------------------------
    def count(self, upto: int, topics: Sequence[str], effective_on: str | None = None) -> int:
        """How many events of ``topics`` lie at positions ≤ ``upto`` (and occurred on or before a date)."""
        if not self.exists() or not topics:
            return 0
        clause, params = self._topic_clause(topics)
        extra, more = "", []
        if effective_on:
            if self.kind == "sqlite":
                extra = " AND json_extract(CAST(state AS TEXT), '$.occurred_on._data_') <= ?"
            else:
                extra = " AND (convert_from(state, 'UTF8')::jsonb #>> '{occurred_on,_data_}') <= %s"
            more = [effective_on]
        sql = f"SELECT COUNT(*) FROM {self.table} WHERE {self.pos} <= {self.ph}{clause}{extra}"
        return self._query(sql, [upto, *params, *more])[0][0]

    def gaps(self, upto: int) -> list[tuple[int, int]]:
        """Missing position ranges ``(first, last)`` up to ``upto``."""
        if not self.exists() or upto <= 0:
            return []
        sql = (f"SELECT id + 1, nxt - 1 FROM (SELECT {self.pos} AS id, LEAD({self.pos}) OVER "
               f"(ORDER BY {self.pos}) AS nxt FROM {self.table} WHERE {self.pos} <= {self.ph}) AS w "
               f"WHERE nxt > id + 1")
        found = [(a, b) for a, b in self._query(sql, [upto])]
        first = self._query(f"SELECT MIN({self.pos}) FROM {self.table}")[0][0]
        if first is not None and first > 1:
            found.insert(0, (1, min(first - 1, upto)))
        return found

    def position_at(self, cutoff: datetime) -> int:
        """The longest prefix of the log whose events were all recorded before ``cutoff`` (aware datetime):
        the position just before the first event recorded at or after it."""
        if not self.exists():
            return 0
        if self.kind == "sqlite":
            ts = "json_extract(CAST(state AS TEXT), '$.timestamp._data_')"
        else:
            ts = "(convert_from(state, 'UTF8')::jsonb #>> '{timestamp,_data_}')"
        after, horizon = 0, self.horizon()
        while True:
            rows = self._query(f"SELECT {self.pos}, {ts} FROM {self.table} WHERE {self.pos} > {self.ph} "
                               f"AND {self.pos} <= {self.ph} ORDER BY {self.pos} LIMIT 50000", [after, horizon])
            for position, stamp in rows:
                if datetime.fromisoformat(stamp) >= cutoff:
                    return position - 1
            if len(rows) < 50000:
                return horizon
            after = rows[-1][0]


def union_topics(topic_sets: Iterable[Iterable[str]]) -> list[str]:
    return sorted({t for topics in topic_sets for t in topics})

"""The projection base class: a read model is a function of the event log.

A projection declares its ``name``, ``version`` (bump it to rebuild), its
SQLAlchemy Core tables in its own ``MetaData`` and the events it handles, with
``@on(EventClass, …)`` on a method taking one :class:`~projections.records.Record`.
The runner hands it batches of records and commits its writes together with its
tracking position, so it never sees an event twice and never misses one.

Handlers queue their writes on ``self.out`` (a :class:`Writer`); the runner
flushes them at the end of the batch as executemany statements, in order. A
projection may also keep in-memory state across batches (rebuilding from zero
then needs no reads at all): it must be restorable by :meth:`Projection.load`,
because after any error the runner throws the instance away and starts a new
one from what was committed.
"""

from __future__ import annotations

from typing import Any, Callable, ClassVar, Sequence

from sqlalchemy import MetaData, Table
from sqlalchemy.engine import Connection

from projections.records import Record, topic_of


def on(*event_classes: type) -> Callable:
    """Mark a method as the handler of these event classes."""
    def mark(fn: Callable) -> Callable:
        fn._handles = tuple(topic_of(c) for c in event_classes)  # type: ignore[attr-defined]
        return fn
    return mark


COPY_MIN_ROWS = 64  # smaller groups of inserts are not worth a COPY round on PostgreSQL


class _Queue:
    """``Writer.ops``: projections may queue a statement of their own with ``out.ops.append((sql, params))``."""

    __slots__ = ("_add",)

    def __init__(self, writer: Writer) -> None:
        self._add = writer._add

    def append(self, op: tuple[str, tuple]) -> None:
        self._add(*op)


class Writer:
    """Ordered, buffered writes: consecutive operations with the same statement go out as one executemany."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        # Queued writes, already grouped the way flush sends them: a list of segments, each either
        # {statement: [params, …]} (first-appearance order) or one UPDATE, which is a barrier.
        self._done: list = []
        self._groups: dict[str, list[tuple]] = {}
        self._queued = 0
        self.ops = _Queue(self)  # ``out.ops.append((sql, params))`` queues any statement
        self._sql: dict[tuple, str] = {}
        self._inserts: dict[Table, str] = {}
        self._copies: dict[str, str] = {}  # plain INSERT statement → its COPY (PostgreSQL)

    def _ph(self, n: int) -> str:
        return ", ".join(["?" if self.dialect == "sqlite" else "%s"] * n)

    def insert(self, table: Table, values: tuple) -> None:
        # The hot path of a rebuild (one call per inserted row): two lookups that almost always hit.
        try:
            self._groups[self._inserts[table]].append(values)
        except KeyError:
            self._insert_first(table, values)

    def _insert_first(self, table: Table, values: tuple) -> None:
        sql = self._inserts.get(table)
        if sql is None:
            cols = ", ".join(c.name for c in table.columns)
            sql = self._inserts[table] = f"INSERT INTO {table.name} ({cols}) VALUES ({self._ph(len(table.columns))})"
            self._copies[sql] = f"COPY {table.name} ({cols}) FROM STDIN"
        self._groups[sql] = [values]

    def upsert(self, table: Table, values: tuple) -> None:
        """Insert, or replace every non-key column of the row with the same primary key."""
        key = ("upsert", table.name)
        sql = self._sql.get(key)
        if sql is None:
            cols = [c.name for c in table.columns]
            pk = [c.name for c in table.primary_key.columns]
            sets = ", ".join(f"{c} = excluded.{c}" for c in cols if c not in pk)
            sql = self._sql[key] = (f"INSERT INTO {table.name} ({', '.join(cols)}) VALUES ({self._ph(len(cols))}) "
                                    f"ON CONFLICT ({', '.join(pk)}) DO " + (f"UPDATE SET {sets}" if sets else "NOTHING"))
        self._add(sql, values)

    def add(self, table: Table, values: tuple, counters: Sequence[str]) -> None:
        """Insert, or add the ``counters`` columns onto the existing row (other columns keep their values)."""
        key = ("add", table.name, tuple(counters))
        sql = self._sql.get(key)
        if sql is None:
            cols = [c.name for c in table.columns]
            pk = [c.name for c in table.primary_key.columns]
            sets = ", ".join(f"{c} = {table.name}.{c} + excluded.{c}" for c in counters)
            sql = self._sql[key] = (f"INSERT INTO {table.name} ({', '.join(cols)}) VALUES ({self._ph(len(cols))}) "
                                    f"ON CONFLICT ({', '.join(pk)}) DO UPDATE SET {sets}")
        self._add(sql, values)

    def update(self, table: Table, key: dict[str, Any], changes: dict[str, Any]) -> None:
        ph = "?" if self.dialect == "sqlite" else "%s"
        sets = ", ".join(f"{c} = {ph}" for c in changes)
        where = " AND ".join(f"{c} = {ph}" for c in key)
        self._add(f"UPDATE {table.name} SET {sets} WHERE {where}", (*changes.values(), *key.values()))

    def _add(self, sql: str, params: tuple) -> None:
        if sql[0] == "U":  # an UPDATE may touch rows queued before it: a barrier
            if self._groups:
                self._done.append(self._groups)
                self._groups = {}
            self._done.append((sql, params))
            self._queued += 1
            return
        rows = self._groups.get(sql)
        if rows is None:
            self._groups[sql] = [params]
        else:
            rows.append(params)

    def flush(self, conn: Connection) -> int:
        """Send the queued writes; returns how many rows were written.

        Inserts and upserts commute across tables and keep their order within a
        statement, so between two UPDATEs (which may touch rows queued before
        them) the operations are grouped by statement: one executemany each.
        The grouping happens as they are queued."""
        segments, groups = self._done, self._groups
        self._done, self._groups = [], {}
        if groups:
            segments.append(groups)
        if not segments:
            return 0
        count, self._queued = self._queued, 0
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        count += self.send(cursor, segments)
        cursor.close()
        return count

    def send(self, cursor: Any, segments: list) -> int:
        """Send segments as queued (UPDATE tuples, or groups of rows by statement) on a DB-API cursor;
        returns the rows inserted or upserted. (Also how benchmarks/replay.py replays a rebuild's writes.)"""
        count = 0
        for segment in segments:
            if type(segment) is tuple:
                cursor.execute(*segment)
            else:
                count += sum(len(rows) for rows in segment.values())
                self._send(cursor, segment)
        return count

    def _send(self, cursor: Any, groups: dict[str, list[tuple]]) -> None:
        for sql, rows in groups.items():
            if len(rows) == 1:
                cursor.execute(sql, rows[0])
            elif len(rows) >= COPY_MIN_ROWS and sql in self._copies and self.dialect == "postgresql":
                self._copy(cursor, sql, rows)
            else:
                cursor.executemany(sql, rows)
        groups.clear()

    def _copy(self, cursor: Any, sql: str, rows: list[tuple]) -> None:
        """Plain inserts on PostgreSQL through COPY (several times faster than executemany, which
        still runs one INSERT per row). Should COPY refuse a value that the INSERT would have taken
        (an assignment cast COPY's text input does not make), the same rows go through executemany
        from a savepoint, so the outcome, rows or error, is the INSERT's."""
        import psycopg

        cursor.execute("SAVEPOINT taizhang_copy")
        try:
            with cursor.copy(self._copies[sql]) as copy:
                for row in rows:
                    copy.write_row(row)
        except psycopg.Error:
            cursor.execute("ROLLBACK TO SAVEPOINT taizhang_copy")
            cursor.executemany(sql, rows)
        cursor.execute("RELEASE SAVEPOINT taizhang_copy")


class Projection:
    """Base class of every read model (see the module docstring)."""

    name: ClassVar[str] = ""
    version: ClassVar[int] = 1
    metadata: ClassVar[MetaData]
    # Whether "effective on date D" (events whose occurred_on ≤ D) is meaningful for it.
    business_time: ClassVar[bool] = True
    # Whether the runner may build the tables' secondary indexes after a from-zero catch-up instead
    # of maintaining them row by row (several times cheaper in bulk). Only for projections whose
    # handlers never read through those indexes: they are missing until the catch-up ends.
    deferred_indexes: ClassVar[bool] = False
    _handler_names: ClassVar[dict[str, str]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        handlers: dict[str, str] = {}
        for klass in reversed(cls.__mro__):
            for attr, fn in vars(klass).items():
                for topic in getattr(fn, "_handles", ()):
                    handlers[topic] = attr
        cls._handler_names = handlers

    @classmethod
    def topics(cls) -> tuple[str, ...]:
        return tuple(sorted(cls._handler_names))

    @classmethod
    def tables(cls) -> list[Table]:
        return list(cls.metadata.sorted_tables)

    def __init__(self, dialect: str = "sqlite", source: Any = None) -> None:
        self.dialect = dialect
        self.source = source  # an EventSource for look-backs (projections.source)
        self.out = Writer(dialect)
        self.conn: Connection | None = None
        self._dispatch = {t: getattr(self, n) for t, n in self._handler_names.items()}

    # --- the runner calls these -----------------------------------------------------------
    def load(self, conn: Connection) -> None:
        """Restore in-memory state from the committed tables (after a start or an error)."""

    def apply_batch(self, conn: Connection, events: list[Record]) -> None:
        """Apply a batch (in position order, only this projection's topics) and queue/flush the writes."""
        self.conn = conn
        dispatch = self._dispatch
        for event in events:
            dispatch[event.topic](event)
        self.before_flush()
        self.out.flush(conn)
        self.conn = None

    def before_flush(self) -> None:
        """Queue the writes of state accumulated over the batch (aggregates, dirty rows)."""

    # --- helpers for handlers -------------------------------------------------------------
    def flush_now(self) -> None:
        """Send queued writes before reading the tables back (rare paths: corrections)."""
        if self.conn is not None:
            self.out.flush(self.conn)

    def lookup(self, originator_id: str, version: int) -> Record | None:
        return self.source.get(originator_id, version) if self.source is not None else None

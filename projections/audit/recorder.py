"""Event recorders that write the integrity log in the same transaction as the events.

Why the same transaction rather than a follower: the leaves are then exactly
the committed events, by construction.  A rolled-back insert rolls its leaves
back with it, so PostgreSQL's notification-id gaps (sequence values of
aborted transactions) never get a leaf and no "late commit into a gap" can be
missed; appends are ordered by the lock the recorder already holds (SQLite's
single writer; on PostgreSQL eventsourcing takes ``LOCK TABLE … IN EXCLUSIVE
MODE`` before drawing notification ids, so ids are drawn and committed in
order, see ``PostgresApplicationRecorder._lock_table``); every command's
receipt names a tree that contains its events; and an event row that has no
leaf was not written by an integrity-logging ledger (a forged insert, or a
writer configured without this recorder: see ``IntegrityLog.catch_up``).
The cost is O(log n) small rows per event inside the write transaction.

Use: ``Ledger(url, env=integrity_env(url))`` (eventsourcing resolves
``APPLICATION_RECORDER_TOPIC``); ``domain`` stays free of this package.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg.sql import SQL

from domain.store import parse_database_url
from projections.audit.sql import Appended, Dialect, append_events, read_state, select_events


class IntegrityRecording:
    """Mixin: after the events are inserted (ids known, lock held), log them."""

    dialect: Dialect

    def _log_inserted(self, cursor: Any, ids: Sequence[int] | None, stored: Sequence[StoredEvent]) -> None:
        if not ids:
            return
        if list(ids) != sorted(ids):
            raise RuntimeError("notification ids of one insert are not ascending")
        state = read_state(cursor, self.dialect, for_update=True)
        last = state[1]
        # Events committed by a writer without this recorder sit between the log and
        # our ids: log them first (flagged as adopted) so leaves stay in notification order.
        foreign = select_events(cursor, self.dialect, after=last, before=ids[0])
        ours = [(i, s.originator_id, s.originator_version, s.topic, s.state) for i, s in zip(ids, stored)]
        appended = append_events(cursor, self.dialect, foreign + ours, adopted=[e[0] for e in foreign], state=state)
        self._receipts.last = appended

    @property
    def _receipts(self) -> threading.local:
        local = self.__dict__.get("_receipts_local")
        if local is None:
            local = self.__dict__.setdefault("_receipts_local", threading.local())
        return local

    def take_receipt(self) -> Appended | None:
        """What the last save in this thread appended (read once, by the save listener)."""
        appended = getattr(self._receipts, "last", None)
        self._receipts.last = None
        return appended


class SQLiteIntegrityRecorder(IntegrityRecording, SQLiteApplicationRecorder):
    dialect = Dialect("sqlite")

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *self.dialect.ddl()]

    def _insert_events(self, c: Any, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        self._log_inserted(c, ids, stored_events)
        return ids


class PostgresIntegrityRecorder(IntegrityRecording, PostgresApplicationRecorder):
    def __init__(self, datastore: Any, *, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        if datastore.enable_db_functions:
            # The stored-function insert path skips both the table lock and our hook.
            raise ValueError("the integrity log needs POSTGRES_ENABLE_DB_FUNCTIONS off")
        self.dialect = Dialect("postgresql", datastore.schema)
        self.sql_create_statements.extend(SQL(s) for s in self.dialect.ddl())  # type: ignore[arg-type]

    def _fetch_ids_after_insert_events(self, curs: Any, stored_events: Sequence[StoredEvent],
                                       **kwargs: Any) -> Sequence[int] | None:
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        self._log_inserted(curs, ids, stored_events)  # still inside the insert's transaction
        return ids


def integrity_env(database_url: str) -> dict[str, str]:
    """eventsourcing settings that make a Ledger write the integrity log in its transactions."""
    kind = parse_database_url(database_url).kind
    if kind == "sqlite":
        return {"APPLICATION_RECORDER_TOPIC": f"{__name__}:SQLiteIntegrityRecorder"}
    if kind == "postgresql":
        return {"APPLICATION_RECORDER_TOPIC": f"{__name__}:PostgresIntegrityRecorder"}
    return {}  # memory:// has no tables to log into

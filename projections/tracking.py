"""The tracking table: one row per projection, written in the same transaction as its read-model rows.

``position`` is the ledger position up to which the projection has applied
every event; ``processed`` is how many events it applied up to there (the
completeness check compares it with the log); ``version`` is the projection's
version the rows were built with (a different one means rebuild).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, select
from sqlalchemy.engine import Connection

tracking_metadata = MetaData()

projection_tracking = Table(
    "projection_tracking", tracking_metadata,
    Column("name", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("position", BigInteger, nullable=False),
    Column("processed", BigInteger, nullable=False),
)

# What a disposable as-of database was built from (projections.asof).
projection_build = Table(
    "projection_build", tracking_metadata,
    Column("key", String(32), primary_key=True),
    Column("value", String(400), nullable=False),
)


@dataclass(frozen=True)
class Tracked:
    name: str
    version: int
    position: int
    processed: int


def ensure_tracking(conn: Connection) -> None:
    tracking_metadata.create_all(conn, checkfirst=True)


def read_tracking(conn: Connection) -> dict[str, Tracked]:
    rows = conn.execute(select(projection_tracking)).all()
    return {r.name: Tracked(r.name, r.version, r.position, r.processed) for r in rows}


def write_tracking(conn: Connection, tracked: Tracked) -> None:
    """Upsert the projection's row (raw SQL: the same statement on SQLite and PostgreSQL)."""
    ph = "?" if conn.dialect.name == "sqlite" else "%s"
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    cursor.execute(
        f"INSERT INTO projection_tracking (name, version, position, processed) VALUES ({ph}, {ph}, {ph}, {ph}) "
        "ON CONFLICT (name) DO UPDATE SET version = excluded.version, position = excluded.position, "
        "processed = excluded.processed",
        (tracked.name, tracked.version, tracked.position, tracked.processed),
    )
    cursor.close()


def read_build_info(conn: Connection) -> dict[str, str]:
    return {r.key: r.value for r in conn.execute(select(projection_build))}

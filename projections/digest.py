"""Deterministic digests of read models: two builds of the same log compare byte for byte.

Per table: SHA-256 over ``name\\n`` then one line per row, in primary-key order
(sorted in Python, so the database's collation plays no part), each row a JSON
array of its values in column order (no spaces, UTF-8, floats by ``repr``). A
projection's digest is the SHA-256 over its tables' ``name:hexdigest`` lines,
tables in name order. Text columns hold canonical JSON already; dates are
``YYYY-MM-DD`` strings; so the same log gives the same digest on SQLite and
PostgreSQL."""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import Table, select
from sqlalchemy.engine import Connection

from projections.base import Projection


def _encode(value: object) -> object:
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


def table_digest(conn: Connection, table: Table) -> tuple[str, int]:
    """(hex digest, row count) of one table."""
    pk_index = [i for i, c in enumerate(table.columns) if c.primary_key]
    rows = [tuple(r) for r in conn.execute(select(table))]
    rows.sort(key=lambda r: tuple(r[i] for i in pk_index))
    h = hashlib.sha256(f"{table.name}\n".encode())
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_encode).encode
    for row in rows:
        h.update(dumps(list(row)).encode())
        h.update(b"\n")
    return h.hexdigest(), len(rows)


def projection_digest(conn: Connection, projection: type[Projection]) -> dict:
    """``{"digest": hex, "tables": {name: {"digest": hex, "rows": n}}}``."""
    tables = {}
    for table in sorted(projection.tables(), key=lambda t: t.name):
        digest, count = table_digest(conn, table)
        tables[table.name] = {"digest": digest, "rows": count}
    outer = hashlib.sha256("".join(f"{n}:{t['digest']}\n" for n, t in tables.items()).encode())
    return {"digest": outer.hexdigest(), "tables": tables}

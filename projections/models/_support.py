"""Shared pieces of the read models: the community index, cached mutable rows, policy packs."""

from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy import Column, MetaData, String, Table, Text, select
from sqlalchemy.engine import Connection

from domain.community import Community
from domain.policy import PolicyRegistry
from projections.base import Projection, Writer, on
from projections.records import Record, canonical_json, data, hex_id, topic_of

COMMUNITY_REGISTERED = topic_of(Community.Registered)


class CommunityIndex:
    """Aggregate id → the community's registration (code, households, street, category, …).

    Filled from ``Community.Registered`` events as they pass; an id not seen in this
    process (a follower restarted mid-stream) is looked up in the log: the
    registration is always the aggregate's version 1, at an earlier position.
    """

    def __init__(self, projection: Projection) -> None:
        self.projection = projection
        self.by_id: dict[str, dict] = {}
        self.by_code: dict[str, dict] = {}

    def add(self, e: Record) -> None:
        self.by_id[e.originator_id] = self.by_code[e.state["code"]] = e.state

    def by_business_code(self, code: str) -> dict:
        state = self.by_code.get(code)
        if state is None:
            state = self.get(hex_id("community", code))
            self.by_code[code] = state
        return state

    def get(self, originator_id: str) -> dict:
        state = self.by_id.get(originator_id)
        if state is None:
            record = self.projection.lookup(originator_id, 1)
            if record is None or record.topic != COMMUNITY_REGISTERED:
                raise LookupError(f"no community registration for aggregate {originator_id}")
            state = self.by_id[originator_id] = record.state
        return state

    def code(self, originator_id: str) -> str:
        state = self.by_id.get(originator_id) or self.get(originator_id)
        return state["code"]


class RowCache:
    """All rows of a small mutable table kept in memory, written back (upsert) when changed."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.columns = [c.name for c in table.columns]
        self.pk = [c.name for c in table.primary_key.columns]
        self.rows: dict[Any, dict] = {}
        self.dirty: set = set()

    def key(self, row: dict) -> Any:
        return row[self.pk[0]] if len(self.pk) == 1 else tuple(row[c] for c in self.pk)

    def load(self, conn: Connection) -> None:
        self.rows = {self.key(dict(r._mapping)): dict(r._mapping) for r in conn.execute(select(self.table))}
        self.dirty = set()

    def get(self, key: Any) -> dict | None:
        return self.rows.get(key)

    def put(self, row: dict) -> dict:
        full = {c: row.get(c) for c in self.columns}
        key = self.key(full)
        self.rows[key] = full
        self.dirty.add(key)
        return full

    def touch(self, key: Any, **changes: Any) -> dict | None:
        row = self.rows.get(key)
        if row is not None:
            row.update(changes)
            self.dirty.add(key)
        return row

    def flush(self, out: Writer) -> None:
        for key in sorted(self.dirty, key=repr):
            row = self.rows[key]
            out.upsert(self.table, tuple(row[c] for c in self.columns))
        self.dirty = set()


def packs_table(metadata: MetaData, prefix: str) -> Table:
    return Table(
        f"{prefix}_packs", metadata,
        Column("pack_id", String(64), primary_key=True),
        Column("pack_version", String(20), primary_key=True),
        Column("effective_from", String(10), nullable=False),
        Column("content", Text, nullable=False),
    )


class PackAware(Projection):
    """A projection that needs the policy pack in force on a date (adoptions kept in ``<prefix>_packs``)."""

    packs: Table

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.adoptions: list[tuple[str, dict]] = []  # (effective_from, content), in adoption order

    def load(self, conn: Connection) -> None:
        super().load(conn)
        import json

        rows = conn.execute(select(self.packs)).all()
        self.adoptions = [(r.effective_from, json.loads(r.content)) for r in rows]

    @on(PolicyRegistry.PackAdopted)
    def _pack_adopted(self, e: Record) -> None:
        s = e.state
        effective_from = data(s["effective_from"])
        self.adoptions.append((effective_from, s["content"]))
        self.out.upsert(self.packs, (s["pack_id"], s["version"], effective_from, canonical_json(s["content"])))

    def pack_on(self, day: str) -> dict:
        """Content of the latest-effective adoption on ``day`` (a district ledger runs one pack)."""
        best: tuple[str, dict] | None = None
        for effective_from, content in self.adoptions:
            if effective_from <= day and (best is None or effective_from >= best[0]):
                best = (effective_from, content)
        return best[1] if best else {}


def sorted_csv(values: Iterable[str]) -> str:
    return ",".join(sorted(values))

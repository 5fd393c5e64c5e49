"""Corrections and withdrawals of community records (``RecordCorrected`` / ``RecordWithdrawn``
name the community's event version they replace): each read model that keeps
such records applies them to its own rows.

A record's row is keyed by the ledger position of the event that recorded it
(``position INTEGER PRIMARY KEY``): rows arrive in position order, so a rebuild
appends to one B-tree instead of inserting at random into a second one keyed by
(community, version), and a correction finds its row through the original
event's position, which the log lookup gives anyway. The (community, version)
index serves the queries and is built once a rebuild ends (``deferred_indexes``)."""

from __future__ import annotations

from typing import Any, Callable

from sqlalchemy import Table, select

from domain.community import Community
from projections.base import Projection, on
from projections.models._support import CommunityIndex
from projections.records import Record, topic_of


class CommunityRecords(Projection):
    """Base of the read models of community records, keyed by (community_code, version)."""

    # topic of the original record → (table, fix(row: dict, fields: dict) -> changes)
    correctable: dict[str, tuple[Table, Callable[[Any, dict, dict, str], dict]]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.communities = CommunityIndex(self)

    @on(Community.Registered)
    def _community(self, e: Record) -> None:
        self.communities.add(e)

    def _original(self, e: Record, version: int) -> tuple[Table, Callable, int, dict] | None:
        original = self.lookup(e.originator_id, version)
        if original is None or original.topic not in self.correctable:
            return None
        table, fix = self.correctable[original.topic]
        self.flush_now()  # the original may still be queued from this batch
        row = self.conn.execute(select(table).where(table.c.position == original.position)).first()
        if row is None:
            return None  # outside this build (e.g. effective after its date)
        return table, fix, row.position, dict(row._mapping)

    @on(Community.RecordCorrected)
    def _corrected(self, e: Record) -> None:
        found = self._original(e, e.state["corrects_version"])
        if found is not None:
            table, fix, position, row = found
            changes = fix(self, row, dict(e.state["fields"]), e.occurred_on)
            changes["corrected"] = True
            self.out.update(table, {"position": position}, changes)

    @on(Community.RecordWithdrawn)
    def _withdrawn(self, e: Record) -> None:
        found = self._original(e, e.state["withdraws_version"])
        if found is not None:
            table, _, position, _row = found
            self.out.update(table, {"position": position}, {"withdrawn": True})


def topic(cls: type) -> str:
    return topic_of(cls)

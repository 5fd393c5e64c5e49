"""Complaints: one row per complaint (no personal data), and counts per community,
provider and quarter: filed, substantiated, resolved. A complaint counts in the
quarter it was filed in (a cohort: of the complaints filed in Q, how many were
substantiated and resolved so far), with the community's households for the
rate per 1,000 households."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, select
from sqlalchemy.engine import Connection

from domain.community import Community
from domain.complaint import Complaint
from projections.base import Projection, on
from projections.models._support import CommunityIndex
from projections.records import Record, quarter_of

metadata = MetaData()

complaints = Table(
    "complaints", metadata,
    Column("code", String(64), primary_key=True),
    Column("id", String(32), nullable=False),
    Column("community_code", String(64), nullable=False),
    Column("provider_uscc", String(18), nullable=False),  # '' when no provider served the community
    Column("quarter", String(7), nullable=False),
    Column("filed_on", String(10), nullable=False),
    Column("category", String(40), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("resolved", Boolean, nullable=False),
    Column("substantiated", Boolean),
    Column("resolved_on", String(10)),
)

complaint_quarters = Table(
    "complaint_quarters", metadata,
    Column("community_code", String(64), primary_key=True),
    Column("provider_uscc", String(18), primary_key=True),
    Column("quarter", String(7), primary_key=True),
    Column("households", Integer, nullable=False),
    Column("filed", Integer, nullable=False),
    Column("substantiated", Integer, nullable=False),
    Column("resolved", Integer, nullable=False),
)

COUNTERS = ("filed", "substantiated", "resolved")


class ComplaintsProjection(Projection):
    name = "complaints"
    version = 1
    metadata = metadata

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.communities = CommunityIndex(self)
        self.keys: dict[str, tuple[str, str, str]] = {}  # complaint id → (community, provider, quarter)
        self.new: dict[str, list] = {}  # complaint rows filed in this batch
        self.counts: dict[tuple[str, str, str], list[int]] = {}

    @on(Community.Registered)
    def _community(self, e: Record) -> None:
        self.communities.add(e)

    @on(Complaint.Filed)
    def _filed(self, e: Record) -> None:
        s = e.state
        day = e.occurred_on
        key = (s["community_code"], s["provider_uscc"] or "", quarter_of(day))
        self.keys[e.originator_id] = key
        self.new[e.originator_id] = [s["code"], e.originator_id, key[0], key[1], key[2], day, s["category"],
                                     s["channel"], False, None, None]
        self._count(key)[0] += 1

    def _count(self, key: tuple[str, str, str]) -> list[int]:
        counts = self.counts.get(key)
        if counts is None:
            counts = self.counts[key] = [0, 0, 0]
        return counts

    @on(Complaint.Resolved)
    def _resolved(self, e: Record) -> None:
        key = self.keys.get(e.originator_id) or self._key_from_table(e.originator_id)
        if key is None:
            return  # filed after the effective date of this build: nothing to resolve
        substantiated = bool(e.state["substantiated"])
        counts = self._count(key)
        counts[2] += 1
        counts[1] += substantiated
        row = self.new.get(e.originator_id)
        if row is not None:
            row[8:11] = [True, substantiated, e.occurred_on]
        else:
            self.out.update(complaints, {"code": self.lookup(e.originator_id, 1).state["code"]},
                            {"resolved": True, "substantiated": substantiated, "resolved_on": e.occurred_on})

    def _key_from_table(self, complaint_id: str) -> tuple[str, str, str] | None:
        """A complaint filed before this process started: its code is in its Filed event (version 1)."""
        filed = self.lookup(complaint_id, 1)
        if filed is None:
            return None
        row = self.conn.execute(select(complaints.c.community_code, complaints.c.provider_uscc, complaints.c.quarter)
                                .where(complaints.c.code == filed.state["code"])).first()
        if row is None:
            return None
        key = self.keys[complaint_id] = (row[0], row[1], row[2])
        return key

    def before_flush(self) -> None:
        for row in self.new.values():
            self.out.insert(complaints, tuple(row))
        for key, (filed, substantiated, resolved) in sorted(self.counts.items()):
            households = self.communities.by_business_code(key[0])["households"]
            self.out.add(complaint_quarters, (*key, households, filed, substantiated, resolved), COUNTERS)
        self.new, self.counts = {}, {}

    def load(self, conn: Connection) -> None:
        self.keys = {}

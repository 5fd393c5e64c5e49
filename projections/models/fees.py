"""Fee collection (物业费收缴) per community and month: households billed and paid,
amounts billed and collected (exact decimal strings). The rate is computed by the
queries (amount collected ÷ billed), never stored as a float."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Boolean, Column, Index, Integer, MetaData, String, Table

from domain.community import Community
from projections.base import on
from projections.models._records import CommunityRecords, topic
from projections.records import Record, data

metadata = MetaData()

fee_months = Table(
    "fee_months", metadata,
    Column("position", Integer, primary_key=True),  # the record's ledger position: see CommunityRecords
    Column("community_code", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("month", String(7), nullable=False, index=True),
    Column("provider_uscc", String(18)),
    Column("households_billed", Integer, nullable=False),
    Column("households_paid", Integer, nullable=False),
    Column("amount_billed", String(24), nullable=False),
    Column("amount_collected", String(24), nullable=False),
    Column("collected_on", String(10), nullable=False),
    Column("corrected", Boolean, nullable=False),
    Column("withdrawn", Boolean, nullable=False),
    Index("fee_months_record", "community_code", "version", unique=True),
)

_FIELDS = ("month", "households_billed", "households_paid", "amount_billed", "amount_collected")


def _fix(_projection, row: dict, fields: dict, _day: str) -> dict:
    changes = {k: data(v) for k, v in fields.items() if k in _FIELDS}
    for money in ("amount_billed", "amount_collected"):
        if money in changes:
            changes[money] = str(Decimal(str(changes[money])).quantize(Decimal("0.01")))
    return changes


class FeesProjection(CommunityRecords):
    name = "fees"
    version = 2  # 2: rows keyed by ledger position
    metadata = metadata
    correctable = {topic(Community.FeesCollected): (fee_months, _fix)}
    deferred_indexes = True  # the indexes serve the queries; corrections read by primary key

    @on(Community.FeesCollected)
    def _fees(self, e: Record) -> None:
        s = e.state
        self.out.insert(fee_months, (e.position, self.communities.code(e.originator_id), e.version, s["month"],
                                     s["provider_uscc"], s["households_billed"], s["households_paid"],
                                     s["amount_billed"]["_data_"], s["amount_collected"]["_data_"],
                                     s["occurred_on"]["_data_"], False, False))

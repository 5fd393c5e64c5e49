"""Residents' satisfaction (满意度) per survey: the rate and its Wilson 95 % interval
(``scoring.wilson_interval``), and whether the survey counts for subsidy decisions
(valid responses ≥ the pack's minimum share of households, 30 % by default)."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from sqlalchemy import Boolean, Column, Float, Index, Integer, MetaData, String, Table

from domain.community import Community
from projections.base import on
from projections.models._records import CommunityRecords, topic
from projections.models._support import PackAware, packs_table
from projections.records import Record
from scoring import wilson_interval

# POLICIES.md [default], used only when the pack in force says nothing; packs state it as
# subsidy.satisfaction.min_valid_share (a decimal string, as every number in a pack).
DEFAULT_MIN_RESPONSE_SHARE = Decimal("0.30")


def min_valid_share(pack: dict) -> Decimal:
    """The share of households whose valid responses make a survey count for subsidies."""
    rule = ((pack.get("subsidy") or {}).get("satisfaction") or {}).get("min_valid_share")
    return Decimal(str(rule)) if rule is not None else DEFAULT_MIN_RESPONSE_SHARE

metadata = MetaData()

surveys = Table(
    "surveys", metadata,
    Column("position", Integer, primary_key=True),  # the record's ledger position: see CommunityRecords
    Column("community_code", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("period", String(20), nullable=False),
    Column("households", Integer, nullable=False),
    Column("valid_responses", Integer, nullable=False),
    Column("satisfied", Integer, nullable=False),
    Column("rate", Float),
    Column("wilson_low", Float),
    Column("wilson_high", Float),
    Column("counts", Boolean, nullable=False),
    Column("provider_uscc", String(18)),
    Column("surveyed_on", String(10), nullable=False),
    Column("corrected", Boolean, nullable=False),
    Column("withdrawn", Boolean, nullable=False),
    Index("surveys_record", "community_code", "version", unique=True),
)

packs = packs_table(metadata, "satisfaction")


@lru_cache(maxsize=65536)
def _wilson(satisfied: int, valid: int) -> tuple[float, float]:
    # A numpy call per survey costs more than the rest of the projection's work on it;
    # the counts repeat (bounded by households), so each pair is computed once.
    low, high = wilson_interval(satisfied, valid)
    return float(low), float(high)


def figures(projection: SatisfactionProjection, households: int, valid: int, satisfied: int, day: str) -> dict:
    """Rate, Wilson 95 % bounds (None without responses) and whether the survey counts."""
    if valid > 0:
        low, high = _wilson(satisfied, valid)
        rate = satisfied / valid
    else:
        rate = low = high = None
    # Exact: a float product could put a survey at exactly 30 % on the wrong side.
    counts = Decimal(valid) >= min_valid_share(projection.pack_on(day)) * households
    return {"rate": rate, "wilson_low": low, "wilson_high": high, "counts": counts}


def _fix(projection: SatisfactionProjection, row: dict, fields: dict, _day: str) -> dict:
    changes = {k: fields[k] for k in ("period", "households", "valid_responses", "satisfied") if k in fields}
    merged = {**row, **changes}
    changes.update(figures(projection, merged["households"], merged["valid_responses"], merged["satisfied"],
                           row["surveyed_on"]))
    return changes


class SatisfactionProjection(CommunityRecords, PackAware):
    name = "satisfaction"
    # 2: the minimum valid share is read from subsidy.satisfaction.min_valid_share; 3: rows keyed by ledger position
    version = 3
    metadata = metadata
    packs = packs
    deferred_indexes = True  # the record index serves the queries; corrections read by primary key
    correctable = {topic(Community.SatisfactionSurveyed): (surveys, _fix)}

    @on(Community.SatisfactionSurveyed)
    def _surveyed(self, e: Record) -> None:
        s = e.state
        f = figures(self, s["households"], s["valid_responses"], s["satisfied"], e.occurred_on)
        self.out.insert(surveys, (e.position, self.communities.code(e.originator_id), e.version, s["period"],
                                  s["households"], s["valid_responses"], s["satisfied"], f["rate"], f["wilson_low"],
                                  f["wilson_high"], f["counts"], s["provider_uscc"], e.occurred_on, False, False))

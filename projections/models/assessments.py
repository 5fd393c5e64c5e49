"""Monthly inspections (每月巡查) and quarterly joint assessments (每季度联合考核) per community.

One row per record, keyed by (community, event version), with corrections and
withdrawals applied; the queries group them per quarter. A correction that
changes points or vetoes without giving the new total or grade gets them
recomputed with the assessment sheet of the policy pack in force on the
correction's business date (the default sheet when no pack carries one)."""

from __future__ import annotations

from json import JSONEncoder

from sqlalchemy import Boolean, Column, Float, Index, Integer, MetaData, String, Table, Text

from domain.community import Community
from domain.sheet import AssessmentSheet, sheet_of
from projections.base import on
from projections.models._records import CommunityRecords, topic
from projections.models._support import PackAware, packs_table
from projections.records import Record, canonical_json

metadata = MetaData()

inspections = Table(
    "inspections", metadata,
    Column("position", Integer, primary_key=True),  # the record's ledger position: see CommunityRecords
    Column("community_code", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("month", String(7), nullable=False),
    Column("quarter", String(7), nullable=False),
    Column("passed", Boolean, nullable=False),
    Column("items", Integer, nullable=False),
    Column("failed_items", Text, nullable=False),  # sorted, comma-separated
    Column("provider_uscc", String(18)),
    Column("inspected_on", String(10), nullable=False),
    Column("corrected", Boolean, nullable=False),
    Column("withdrawn", Boolean, nullable=False),
    Index("inspections_record", "community_code", "version", unique=True),
)

assessments = Table(
    "assessments", metadata,
    Column("position", Integer, primary_key=True),  # the record's ledger position: see CommunityRecords
    Column("community_code", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("quarter", String(7), nullable=False),
    Column("points", Text, nullable=False),  # canonical JSON: section → points
    Column("total", Float, nullable=False),
    Column("grade", String(20), nullable=False),
    Column("vetoes", Text, nullable=False),  # sorted, comma-separated
    Column("provider_uscc", String(18)),
    Column("assessed_on", String(10), nullable=False),
    Column("corrected", Boolean, nullable=False),
    Column("withdrawn", Boolean, nullable=False),
    Index("assessments_record", "community_code", "version", unique=True),
)

packs = packs_table(metadata, "assessments")


def month_quarter(month: str) -> str:
    return f"{month[:4]}-Q{(int(month[5:7]) + 2) // 3}"


# json.dumps(points, sort_keys=True, separators=(",", ":")) builds this encoder on every call;
# built once it gives the same text at two thirds of the cost (one call per assessment on a rebuild).
_points_json = JSONEncoder(sort_keys=True, separators=(",", ":")).encode


def _fix_inspection(_projection, row: dict, fields: dict, _day: str) -> dict:
    changes: dict = {}
    if "month" in fields:
        changes["month"], changes["quarter"] = fields["month"], month_quarter(fields["month"])
    if "items" in fields:
        items = fields["items"]
        changes["items"] = len(items)
        changes["failed_items"] = ",".join(sorted(k for k, v in items.items() if not v))
        changes["passed"] = all(items.values())
    elif "passed" in fields:
        changes["passed"] = bool(fields["passed"])
    return changes


def _fix_assessment(projection: AssessmentsProjection, row: dict, fields: dict, day: str) -> dict:
    changes: dict = {}
    points = fields.get("points")
    vetoes = fields.get("vetoes")
    if "quarter" in fields:
        changes["quarter"] = fields["quarter"]
    if points is not None:
        changes["points"] = canonical_json(points)
    if vetoes is not None:
        changes["vetoes"] = ",".join(sorted(set(vetoes)))
    if "total" in fields:
        changes["total"] = float(fields["total"])
    elif points is not None:
        changes["total"] = round(sum(float(v) for v in points.values()), 2)
    if "grade" in fields:
        changes["grade"] = fields["grade"]
    elif points is not None or vetoes is not None or "total" in fields:
        total = changes.get("total", row["total"])
        vetoed = bool(changes.get("vetoes", row["vetoes"]))
        changes["grade"] = projection.sheet_on(day).grade(total, vetoed)
    return changes


class AssessmentsProjection(CommunityRecords, PackAware):
    name = "assessments"
    version = 2  # 2: rows keyed by ledger position
    metadata = metadata
    packs = packs
    deferred_indexes = True  # the record indexes serve the queries; corrections read by primary key
    correctable = {
        topic(Community.InspectionRecorded): (inspections, _fix_inspection),
        topic(Community.AssessmentRecorded): (assessments, _fix_assessment),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._quarters: dict[str, str] = {}  # month → quarter: a few dozen months recur all through the log

    def sheet_on(self, day: str) -> AssessmentSheet:
        return sheet_of(self.pack_on(day))

    @on(Community.InspectionRecorded)
    def _inspection(self, e: Record) -> None:
        # The most frequent event of the log (with fees): written for speed, one insert and nothing else.
        s = e.state
        items = s["items"]
        month = s["month"]
        quarter = self._quarters.get(month)
        if quarter is None:
            quarter = self._quarters[month] = month_quarter(month)
        failed = "" if all(items.values()) else ",".join(sorted(k for k, v in items.items() if not v))
        self.out.insert(inspections, (e.position, self.communities.code(e.originator_id), e.version, month, quarter,
                                      s["passed"], len(items), failed, s["provider_uscc"],
                                      s["occurred_on"]["_data_"], False, False))

    @on(Community.AssessmentRecorded)
    def _assessment(self, e: Record) -> None:
        s = e.state
        self.out.insert(assessments, (e.position, self.communities.code(e.originator_id), e.version, s["quarter"],
                                      _points_json(s["points"]), float(s["total"]), s["grade"],
                                      ",".join(sorted(s["vetoes"])), s["provider_uscc"], e.occurred_on,
                                      False, False))

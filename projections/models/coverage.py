"""Coverage of long-term management (长效管理覆盖) by street.

Old communities are those of category ``renovated_old`` or ``other_old``
(seed 004 §四). One is *covered* when a provider currently serves it (an
agreement signed and its service not ended) or its recorded mode is one of the
non-professional modes (self-governance, trusteeship, property-unit
self-management, fallback service): someone is accountable for it. A community
in professional mode without a serving provider is not covered."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, Integer, MetaData, String, Table, Text
from sqlalchemy.engine import Connection

from domain.community import Community
from domain.vocab import Category, Mode
from projections.base import Projection, on
from projections.models._support import RowCache
from projections.records import Record

OLD = frozenset({Category.RENOVATED_OLD.value, Category.OTHER_OLD.value})
NON_PROFESSIONAL = frozenset(m.value for m in Mode if m is not Mode.PROFESSIONAL)

metadata = MetaData()

coverage_communities = Table(
    "coverage_communities", metadata,
    Column("code", String(64), primary_key=True),
    Column("id", String(32), nullable=False),
    Column("street", Text, nullable=False),
    Column("category", String(20), nullable=False),
    Column("mode", String(20), nullable=False),
    Column("engaged", Boolean, nullable=False),
    Column("covered", Boolean, nullable=False),
    Column("households", Integer, nullable=False),
    Column("floor_area", Float, nullable=False),
)

coverage_streets = Table(
    "coverage_streets", metadata,
    Column("street", Text, primary_key=True),
    Column("old_communities", Integer, nullable=False),
    Column("covered", Integer, nullable=False),
    Column("old_households", Integer, nullable=False),
    Column("covered_households", Integer, nullable=False),
    Column("old_floor_area", Float, nullable=False),
    Column("covered_floor_area", Float, nullable=False),
)


class CoverageProjection(Projection):
    name = "coverage"
    version = 1
    metadata = metadata

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rows = RowCache(coverage_communities)
        self.ids: dict[str, str] = {}
        self.streets: set[str] = set()  # touched in this batch
        self.by_street: dict[str, set[str]] = {}

    def load(self, conn: Connection) -> None:
        self.rows.load(conn)
        self.ids = {row["id"]: code for code, row in self.rows.rows.items()}
        for code, row in self.rows.rows.items():
            self.by_street.setdefault(row["street"], set()).add(code)

    @on(Community.Registered)
    def _registered(self, e: Record) -> None:
        s = e.state
        self.ids[e.originator_id] = s["code"]
        self.by_street.setdefault(s["street"], set()).add(s["code"])
        self._set(self.rows.put(dict(code=s["code"], id=e.originator_id, street=s["street"], category=s["category"],
                                     mode=s["mode"], engaged=False, households=s["households"],
                                     floor_area=float(s["floor_area"]))))

    def _set(self, row: dict | None, **changes) -> None:
        if row is None:
            return
        row.update(changes)
        row["covered"] = bool(row["engaged"] or row["mode"] in NON_PROFESSIONAL)
        self.rows.dirty.add(row["code"])
        self.streets.add(row["street"])

    def _row(self, e: Record) -> dict | None:
        code = self.ids.get(e.originator_id)
        return self.rows.get(code) if code is not None else None

    @on(Community.ModeChanged)
    def _mode(self, e: Record) -> None:
        self._set(self._row(e), mode=e.state["mode"])

    @on(Community.ServiceStarted)
    def _started(self, e: Record) -> None:
        self._set(self._row(e), engaged=True)

    @on(Community.ServiceEnded)
    def _ended(self, e: Record) -> None:
        self._set(self._row(e), engaged=False)

    def before_flush(self) -> None:
        self.rows.flush(self.out)
        if not self.streets:
            return
        for street in sorted(self.streets):
            # Sum in code order: the same floats whatever order the rows were loaded in.
            t = [0, 0, 0, 0, 0.0, 0.0]
            for code in sorted(self.by_street[street]):
                row = self.rows.rows[code]
                if row["category"] not in OLD:
                    continue
                self._add(t, row)
            self.out.upsert(coverage_streets, (street, t[0], t[1], t[2], t[3], round(t[4], 2), round(t[5], 2)))
        self.streets = set()

    @staticmethod
    def _add(t: list, row: dict) -> None:
        t[0] += 1
        t[2] += row["households"]
        t[4] += row["floor_area"]
        if row["covered"]:
            t[1] += 1
            t[3] += row["households"]
            t[5] += row["floor_area"]

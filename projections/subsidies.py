"""Subsidy read model (补贴): what is due to every community for every period
under the pack in force, explained, and what was paid.

Tables:

- ``subsidy_dues``: per pack, community, period and stream (``subsidy`` or
  ``co_funding``, the city award in lieu of subsidy): amount, every input of
  the formula (area, segments of mode / renovated / rate / months / term year /
  taper), grade and band, cut factor, each condition checked with its outcome
  and, for a zero, the reasons; the pack version and the ledger position of
  its adoption.
- ``subsidy_due_parts``: the split of each due by payer level (sums exactly).
- ``subsidy_payments``: every payment voucher.
- ``subsidy_fee_relief``: low-income fee relief applications and decisions.
- ``subsidy_funds``: the latest special maintenance fund figures per community.
- ``subsidy_facts``: the folded inputs (:mod:`projections.subsidy_inputs`),
  committed with the rows so a restart resumes without re-reading the log.

After each batch only the communities and periods an event may have changed are
recomputed (from the start of the affected year), so following the log live is
cheap and the rows equal a rebuild from zero.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import BigInteger, Column, Index, Integer, MetaData, String, Table, Text, select
from sqlalchemy.engine import Connection

from projections.base import Projection, on
from projections.records import Record, canonical_json
from projections.subsidy_book import Adoption, compute_dues
from projections.subsidy_inputs import EVENT_CLASSES, SubsidyInputs
from projections.subsidy_periods import parse_period
from projections.subsidy_rules import Due

metadata = MetaData()

facts = Table(
    "subsidy_facts", metadata,
    Column("kind", String(20), primary_key=True),
    Column("key", String(120), primary_key=True),
    Column("body", Text, nullable=False),
)

dues = Table(
    "subsidy_dues", metadata,
    Column("pack_id", String(64), primary_key=True),
    Column("community_code", String(64), primary_key=True),
    Column("period", String(10), primary_key=True),
    Column("stream", String(12), primary_key=True),
    Column("period_start", String(10), nullable=False),
    Column("period_end", String(10), nullable=False),
    Column("street", Text, nullable=False),
    Column("community_name", Text, nullable=False),
    Column("pack_version", String(20), nullable=False),
    Column("adopted_at", BigInteger, nullable=False),  # ledger position of the pack's adoption
    Column("area", String(24), nullable=False),
    Column("months", Integer, nullable=False),
    Column("modes", String(80), nullable=False),  # modes of the counted months, in order
    Column("rates", String(80), nullable=False),  # 元/m²·月 of the counted months, in order
    Column("grade", String(12)),
    Column("band", String(12)),
    Column("factor", String(24), nullable=False),
    Column("exact", String(60), nullable=False),
    Column("amount", String(24), nullable=False),
    Column("segments", Text, nullable=False),
    Column("checks", Text, nullable=False),
    Column("reasons", Text, nullable=False),
)
# Recomputing a community deletes its rows from a date: without this, every delete scans the table.
Index("subsidy_dues_recompute", dues.c.community_code, dues.c.period_end)

due_parts = Table(
    "subsidy_due_parts", metadata,
    Column("pack_id", String(64), primary_key=True),
    Column("community_code", String(64), primary_key=True),
    Column("period", String(10), primary_key=True),
    Column("stream", String(12), primary_key=True),
    Column("payer", String(10), primary_key=True),
    Column("period_end", String(10), nullable=False),
    Column("amount", String(24), nullable=False),
)
Index("subsidy_due_parts_recompute", due_parts.c.community_code, due_parts.c.period_end)

payments = Table(
    "subsidy_payments", metadata,
    Column("community_code", String(64), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("period", String(20), nullable=False),
    Column("period_start", String(10)),  # NULL: a label that names no calendar period
    Column("period_end", String(10)),
    Column("payer", String(10), nullable=False),
    Column("amount", String(24), nullable=False),
    Column("voucher_no", String(64), nullable=False),
    Column("paid_on", String(10), nullable=False),
)

fee_relief = Table(
    "subsidy_fee_relief", metadata,
    Column("community_code", String(64), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("household", Text, nullable=False),
    Column("kind", String(10), nullable=False),
    Column("months", Integer, nullable=False),
    Column("applied_on", String(10), nullable=False),
    Column("status", String(10), nullable=False),  # pending | approved | refused
    Column("decided_on", String(10)),
    Column("decision_reason", Text),
)

funds = Table(
    "subsidy_funds", metadata,
    Column("community_code", String(64), primary_key=True),
    Column("first_collection", String(24), nullable=False),
    Column("balance", String(24), nullable=False),
    Column("recorded_on", String(10), nullable=False),
)


def _json(body: Any) -> str:
    """Canonical JSON of a facts piece (already plain JSON values: no wrappers to undo)."""
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _joined(values: list[str]) -> str:
    return "/".join(dict.fromkeys(values))


def due_row(due: Due, adoption: Adoption, community: dict, period_start: date, period_end: date) -> dict:
    """The ``subsidy_dues`` row of a due (also the shape of what-if rows)."""
    return {
        "pack_id": adoption.pack_id, "community_code": due.community, "period": due.period, "stream": due.stream,
        "period_start": period_start.isoformat(), "period_end": period_end.isoformat(),
        "street": community["street"], "community_name": community["name"], "pack_version": adoption.version,
        "adopted_at": adoption.position, "area": community["area"], "months": due.months,
        "modes": _joined([s.mode for s in due.segments]), "rates": _joined([str(s.rate) for s in due.segments]),
        "grade": due.grade, "band": None if due.band is None else str(due.band), "factor": str(due.factor),
        "exact": str(due.exact), "amount": str(due.amount),
        "segments": canonical_json([{"months": s.months, "mode": s.mode, "renovated": s.renovated,
                                     "rate": str(s.rate), "year": s.year, "taper": str(s.taper)}
                                    for s in due.segments]),
        "checks": canonical_json([[c.key, c.zh, c.passed, c.detail] for c in due.checks]),
        "reasons": canonical_json([[r.key, r.zh] for r in due.reasons]),
        "parts": {payer: str(amount) for payer, amount in due.parts.items()},
    }


def rows_of(computed: list[tuple[Due, Adoption, dict]]) -> list[dict]:
    out = []
    for due, adoption, community in computed:
        period = parse_period(due.period)
        out.append(due_row(due, adoption, community, period.start, period.end))
    return out


def pack_ids(state: dict[str, Any]) -> list[str]:
    return sorted({a[0] for a in state["adoptions"]})


class SubsidyProjection(Projection):
    name = "subsidies"
    version = 1
    metadata = metadata

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.inputs = SubsidyInputs()

    def load(self, conn: Connection) -> None:
        rows = conn.execute(select(facts)).all()
        self.inputs = SubsidyInputs()
        self.inputs.load((r.kind, r.key, json.loads(r.body)) for r in rows)
        self.inputs.take_changes()
        self.inputs.take_stale()

    @on(*EVENT_CLASSES)
    def _event(self, e: Record) -> None:
        self.inputs.apply(e)

    def _delete(self, table: Table, where: str, params: tuple) -> None:
        ph = "?" if self.dialect == "sqlite" else "%s"
        self.out.ops.append((f"DELETE FROM {table.name} WHERE {where.replace('?', ph)}", params))

    def before_flush(self) -> None:
        inputs = self.inputs
        for kind, key, body in inputs.take_changes():
            if body is None:
                self._delete(facts, "kind = ? AND key = ?", (kind, key))
            else:
                self.out.upsert(facts, (kind, key, _json(body)))
            self._derived(kind, key, body)
        stale, every = inputs.take_stale()
        plan = dict(stale)
        if every is not None:
            for code in inputs.communities:
                plan[code] = min(plan.get(code, every), every)
        if not plan:
            return
        since = {code: date.fromisoformat(day) for code, day in plan.items()}
        for code in sorted(plan):
            self._delete(dues, "community_code = ? AND period_end >= ?", (code, plan[code]))
            self._delete(due_parts, "community_code = ? AND period_end >= ?", (code, plan[code]))
        state = inputs.state()
        for pack_id in pack_ids(state):
            for row in rows_of(compute_dues(state, pack_id, only=since)):
                parts = row.pop("parts")
                self.out.insert(dues, tuple(row[c.name] for c in dues.columns))
                for payer in sorted(parts):
                    self.out.insert(due_parts, (row["pack_id"], row["community_code"], row["period"], row["stream"],
                                                payer, row["period_end"], parts[payer]))

    def _derived(self, kind: str, key: str, body: dict | None) -> None:
        """The payments, fee relief and fund rows of a changed piece."""
        code, _, version = key.rpartition("/")
        if kind == "payment" and body is not None:
            span = parse_period(body["period"])
            self.out.upsert(payments, (code, body["version"], body["period"], span and span.start.isoformat(),
                                       span and span.end.isoformat(), body["payer"], body["amount"], body["voucher"],
                                       body["on"]))
        elif kind == "relief" and body is not None:
            d = body["decision"]
            status = "pending" if d is None else ("approved" if d["approved"] else "refused")
            self.out.upsert(fee_relief, (code, int(version), body["household"], body["kind"], body["months"],
                                         body["applied_on"], status, d and d["on"], d and d["reason"]))
        elif kind == "community" and body is not None and body["fund"]:
            f = body["fund"]
            self.out.upsert(funds, (key, f["first_collection"], f["balance"], f["on"]))

"""Reading the subsidy read model, and what-if builds that never write.

    q = SubsidyQuery.open("sqlite:///taizhang.db")        # catches the read model up first
    lines = q.lines(require_period("2025-Q4"))              # the export's rows
    w = whatif_from_log("sqlite:///taizhang.db", load_pack("draft.json"), date(2025, 1, 1), date(2025, 12, 31))

A what-if folds the log read-only (or takes a ledger's recorder, any store)
into a disposable :class:`SubsidyInputs`, swaps the pack, and computes in
memory: neither the ledger nor the read models are touched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Iterable

from sqlalchemy import inspect, select

from projections.db import engine_for
from projections.ledger_log import read_records
from projections.source import EventSource
from projections.subsidies import dues, due_parts, facts, pack_ids, payments, rows_of
from projections.subsidy_book import adoptions_of, compute_dues, in_force
from projections.subsidy_inputs import TOPICS, SubsidyInputs
from projections.subsidy_periods import Period
from projections.subsidy_read import Line, by_street, fee_rates, fee_relief, fund_flags, period_lines, reconcile


ZERO = Decimal("0.00")


class NoPackError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def choose_pack(state: dict[str, Any], wanted: str | None, preferred: str | None = None) -> str:
    """The adopted pack to report on: ``wanted`` (must be adopted), else ``preferred`` (the
    settings' pack) when adopted, else the only one adopted."""
    adopted = pack_ids(state)
    if wanted in adopted:
        return wanted
    if wanted is None and preferred in adopted:
        return preferred
    if wanted is None and len(adopted) == 1:
        return adopted[0]
    if not adopted:
        raise NoPackError("pack_id", "no policy pack has been adopted in this ledger (taizhang subsidy adopt)")
    raise NoPackError("pack_id", f"{wanted or '(none)'} is not adopted here; adopted: {', '.join(adopted)}")


def fold(records: Iterable[Any]) -> SubsidyInputs:
    inputs = SubsidyInputs()
    for record in records:
        inputs.apply(record)
    return inputs


def fold_log(database_url: str, upto: int | None = None, effective_on: str | None = None) -> SubsidyInputs:
    """Fold a SQLite/PostgreSQL ledger's log read-only (prefix ``upto``; business dates ≤ ``effective_on``)."""
    source = EventSource(database_url)
    try:
        target = source.horizon() if upto is None else min(upto, source.horizon())
        topics, inputs, after = sorted(TOPICS), SubsidyInputs(), 0
        while after < target:
            batch = source.read(after, target, 20000, topics)
            for r in batch:
                if effective_on is None or r.occurred_on <= effective_on:
                    inputs.apply(r)
            after = batch[-1].position if len(batch) == 20000 else target
        return inputs
    finally:
        source.close()


def fold_ledger(ledger: Any, upto: int | None = None) -> SubsidyInputs:
    """Fold any Ledger's log (also ``memory://``) through its recorder, read-only."""
    return fold(read_records(ledger.recorder, 0, ledger.max_position() if upto is None else upto, tuple(TOPICS)))


@dataclass
class WhatIf:
    pack_id: str
    first: date
    last: date
    current: list[dict]  # due rows under the adopted packs
    proposed: list[dict]  # due rows under the what-if pack

    def totals(self) -> list[dict]:
        """Per community: due now, due under the proposed pack, and the difference."""
        out: dict[str, dict] = {}
        for key, rows in (("current", self.current), ("proposed", self.proposed)):
            for r in rows:
                t = out.setdefault(r["community_code"], {"community_code": r["community_code"], "street": r["street"],
                                                         "name": r["community_name"], "current": ZERO,
                                                         "proposed": ZERO})
                t[key] += Decimal(r["amount"])
        for t in out.values():
            t["difference"] = t["proposed"] - t["current"]
        return [out[k] for k in sorted(out, key=lambda k: (out[k]["street"], k))]


def whatif(inputs: SubsidyInputs, content: dict, first: date, last: date, pack_id: str | None = None) -> WhatIf:
    """Dues in [first, last] under the adopted packs and under ``content`` in force throughout."""
    state = inputs.state()
    pid = pack_id or (content["pack_id"] if content["pack_id"] in pack_ids(state) else None)
    current = rows_of(compute_dues(state, pid, first=first, last=last)) if pid else []
    proposed_pack = {**content, "effective_from": min(first.isoformat(), content["effective_from"])}
    proposed = rows_of(compute_dues(state, content["pack_id"], override=proposed_pack, first=first, last=last))
    return WhatIf(content["pack_id"], first, last, current, proposed)


class SubsidyQuery:
    """The subsidy read model of one database (read-only). Dues and payments are read per period
    (``dues_in``, ``payments_in``); the folded facts (``state``) only when a query needs them."""

    def __init__(self, database_url: str, pack_id: str | None = None, preferred: str | None = None) -> None:
        self.url = database_url
        self.engine = engine_for(database_url)
        with self.engine.connect() as conn:
            if not inspect(conn).has_table(facts.name):
                raise NoPackError("database", "the subsidy read model is not built (taizhang project --rebuild)")
            rows = conn.execute(select(facts).where(facts.c.kind.in_(("meta", "community")))).all()
        self.meta = next((json.loads(r.body) for r in rows if r.kind == "meta"),
                         {"ids": {}, "adoptions": [], "horizon": None, "position": 0})
        self.communities = {r.key: json.loads(r.body) for r in rows if r.kind == "community"}
        self.pack_id = choose_pack(self.meta, pack_id, preferred)
        self._state: dict | None = None

    @classmethod
    def open(cls, database_url: str, pack_id: str | None = None, preferred: str | None = None) -> SubsidyQuery:
        """Catch the subsidy read model up with the log, then read it."""
        from projections.service import catch_up

        catch_up(database_url, ["subsidies"])
        return cls(database_url, pack_id, preferred)

    def close(self) -> None:
        self.engine.dispose()

    @property
    def state(self) -> dict[str, Any]:
        """Every folded fact (records, fees, relief…), loaded on first use."""
        if self._state is None:
            inputs = SubsidyInputs()
            with self.engine.connect() as conn:
                inputs.load((r.kind, r.key, json.loads(r.body)) for r in conn.execute(select(facts)))
            self._state = inputs.state()
        return self._state

    def dues_in(self, within: Period | None = None, community: str | None = None) -> list[dict]:
        """Due rows (with their ``parts``) of periods inside ``within`` (all when None)."""
        where = [dues.c.pack_id == self.pack_id]
        part_where = [due_parts.c.pack_id == self.pack_id]
        if within is not None:
            lo, hi = within.start.isoformat(), within.end.isoformat()
            where += [dues.c.period_start >= lo, dues.c.period_end <= hi]
            part_where += [due_parts.c.period_end >= lo, due_parts.c.period_end <= hi]
        if community is not None:
            where.append(dues.c.community_code == community)
            part_where.append(due_parts.c.community_code == community)
        with self.engine.connect() as conn:
            parts: dict[tuple, dict] = {}
            for p in conn.execute(select(due_parts).where(*part_where)):
                parts.setdefault((p.community_code, p.period, p.stream), {})[p.payer] = p.amount
            return [{**r._mapping, "parts": parts.get((r.community_code, r.period, r.stream), {})}
                    for r in conn.execute(select(dues).where(*where))]

    def payments_in(self, within: Period | None = None) -> list[dict]:
        query = select(payments)
        if within is not None:
            query = query.where(payments.c.period_start >= within.start.isoformat(),
                                payments.c.period_end <= within.end.isoformat())
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def lines(self, within: Period) -> list[Line]:
        return period_lines(self.dues_in(within), self.payments_in(within), within, self.communities)

    def streets(self, within: Period):
        return by_street(self.lines(within))

    def reconcile(self, within: Period):
        return reconcile(self.dues_in(within), self.payments_in(within), within)

    def fee_rates(self, within: Period) -> dict[str, dict]:
        return fee_rates(self.state, within)

    def fee_relief(self) -> list[dict]:
        return fee_relief(self.state)

    def pack_content(self, on: date | None = None) -> dict:
        adoptions = adoptions_of(self.meta, self.pack_id)
        day = on or self.horizon() or date.max
        adoption = in_force(adoptions, day) or (adoptions[-1] if adoptions else None)
        return adoption.content if adoption else {}

    def fund_flags(self) -> list[dict]:
        return fund_flags(self.state, self.pack_content())

    def horizon(self) -> date | None:
        return date.fromisoformat(self.meta["horizon"]) if self.meta["horizon"] else None

    def position(self) -> int:
        return self.meta["position"]

"""Star ratings read model: every cycle's result, explained row by row, and a check
that every computed and published digest is reproduced by replaying the log.

Tables: ``rating_cycles`` (scheme, status, digests), ``rating_results`` (per
cycle and provider: each department's score and the events behind it, the
weights actually used, composite, stars, cut points), ``rating_publications``
(every publication, the first one stays; the digest recomputed from the log and
whether it matches) and ``rating_objections``.

The in-memory :class:`RatingsState` is small (cycle events, engagements,
provider registrations): :meth:`RatingsProjection.load` rebuilds it by reading
those topics again up to the committed position.

:class:`LedgerRatingsCalculator` is the Ledger's ``RatingCalculator`` port.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Boolean, Column, Float, Integer, MetaData, String, Table, Text
from sqlalchemy.engine import Connection

from projections.base import Projection, on
from projections.ledger_log import Follower
from projections.ratings_calc import current_results, evaluate, objection_fixes, republication
from projections.ratings_state import CYCLE_EVENTS, OTHER_EVENTS, TOPICS, CycleState, RatingsState
from projections.records import canonical_json
from projections.tracking import read_build_info, read_tracking

metadata = MetaData()

cycles = Table(
    "rating_cycles", metadata,
    Column("code", String(64), primary_key=True),
    Column("id", String(32), nullable=False),
    Column("method", String(20), nullable=False),
    Column("scheme", Text, nullable=False),  # departments, weights, parameters, pack id/version/sha256…
    Column("period_start", String(10)),
    Column("period_end", String(10)),
    Column("status", String(20), nullable=False),
    Column("computed_position", BigInteger),
    Column("computed_digest", String(64)),
    Column("computed_verified", Boolean),
    Column("current_digest", String(64)),
    Column("cut_points", Text),
    Column("previous_cycle", String(64)),
)

results = Table(
    "rating_results", metadata,
    Column("cycle_code", String(64), primary_key=True),
    Column("uscc", String(18), primary_key=True),
    Column("composite", Float),  # NULL: not rated (too few departments)
    Column("stars", Integer, nullable=False),  # 0: not rated
    Column("departments", Text, nullable=False),  # department -> score, weight used, source events
    Column("objections", Text, nullable=False),  # upheld decisions that changed this row
)

publications = Table(
    "rating_publications", metadata,
    Column("cycle_code", String(64), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("digest", String(64), nullable=False),
    Column("recomputed_digest", String(64), nullable=False),
    Column("verified", Boolean, nullable=False),
    Column("computed_from", BigInteger, nullable=False),
    Column("published_on", String(10), nullable=False),
    Column("event_position", BigInteger, nullable=False),
    Column("changed", Text, nullable=False),
)

objections = Table(
    "rating_objections", metadata,
    Column("cycle_code", String(64), primary_key=True),
    Column("objection_version", Integer, primary_key=True),
    Column("uscc", String(18), nullable=False),
    Column("reason", Text, nullable=False),
    Column("filed_on", String(10), nullable=False),
    Column("deadline", String(10), nullable=False),
    Column("status", String(20), nullable=False),
    Column("decision", Text),
)


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def publication_digest(state: RatingsState, cycle: CycleState, pub: dict) -> str:
    """The digest a publication should carry, recomputed from the log."""
    if pub["number"] == 1:
        return evaluate(state, cycle.code, pub["upto"]).digest
    return republication(state, cycle.code, pub["upto"])["digest"]


def result_rows(state: RatingsState, cycle: CycleState) -> list[dict]:
    """The current result of a computed or published cycle, one explained row per provider."""
    if not cycle.computed:
        return []
    comp = cycle.published_computation() or cycle.computed[-1]
    ev = evaluate(state, cycle.code, comp["upto"])
    rows = {u: {**ev.row(u), "objections": []} for u in ev.providers}
    if cycle.publications:
        current = current_results(cycle)
        last = cycle.publications[-1]["upto"]
        for uscc in sorted({u for p in cycle.publications for u in p["changed"]}):
            fixes, by_stars = objection_fixes(cycle, uscc, last)
            fixed = evaluate(state, cycle.code, comp["upto"], {uscc: fixes}, comp["cut_points"]).row(uscc)
            fixed["composite"], fixed["stars"] = current[uscc]
            fixed["objections"] = [d["ref"] for v, d in sorted(cycle.decisions.items())
                                   if d["upheld"] and cycle.objections[v]["uscc"] == uscc]
            rows[uscc] = fixed
    return [rows[u] for u in sorted(rows)]


class RatingsProjection(Projection):
    name = "ratings"
    version = 1
    metadata = metadata
    business_time = False  # results are fixed by positions, not business dates

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.state = RatingsState(self.lookup)
        self.dirty: set[str] = set()

    def load(self, conn: Connection) -> None:
        """Re-read this projection's topics up to its committed position (an "effective on"
        build keeps the same business-date cut as the runner)."""
        tracked = read_tracking(conn).get(self.name)
        if tracked is not None and tracked.position and self.source is not None:
            effective_on = read_build_info(conn).get("effective_on") or None
            after = 0
            while after < tracked.position:
                batch = self.source.read(after, tracked.position, 20000, TOPICS)
                for record in batch:
                    if effective_on is None or record.occurred_on <= effective_on:
                        self.state.apply(record)
                after = batch[-1].position if len(batch) == 20000 else tracked.position

    @on(*CYCLE_EVENTS)
    def _cycle_event(self, e) -> None:
        self.state.apply(e)
        self.dirty.add(self.state.cycle_codes[e.originator_id])

    @on(*OTHER_EVENTS)
    def _other(self, e) -> None:
        self.state.apply(e)

    def _delete(self, table: Table, code: str) -> None:
        ph = "?" if self.dialect == "sqlite" else "%s"
        self.out.ops.append((f"DELETE FROM {table.name} WHERE cycle_code = {ph}", (code,)))

    def before_flush(self) -> None:
        for code in sorted(self.dirty):
            self._write_cycle(self.state.cycle(code))
        self.dirty = set()

    def _write_cycle(self, c: CycleState) -> None:
        last = c.computed[-1] if c.computed else None
        recomputed = evaluate(self.state, c.code, last["upto"]).digest if last else None
        current = c.publications[-1]["digest"] if c.publications else (last["digest"] if last else None)
        self.out.upsert(cycles, (
            c.code, c.oid, c.scheme["method"], canonical_json(c.scheme), _iso(c.period and c.period[0]),
            _iso(c.period and c.period[1]), c.status, last and last["upto"], last and last["digest"],
            None if last is None else recomputed == last["digest"], current,
            None if last is None else canonical_json(last["cut_points"]), last and last["previous_cycle"]))
        for table in (results, publications, objections):
            self._delete(table, c.code)
        for row in result_rows(self.state, c):
            self.out.insert(results, (c.code, row["uscc"], row["composite"], row["stars"],
                                      canonical_json(row["departments"]), canonical_json(row["objections"])))
        for pub in c.publications:
            again = publication_digest(self.state, c, pub)
            self.out.insert(publications, (c.code, pub["number"], pub["digest"], again, again == pub["digest"],
                                           pub["upto"], _iso(pub["on"]), pub["position"], canonical_json(pub["changed"])))
        for v, o in sorted(c.objections.items()):
            d = c.decisions.get(v)
            status = "pending" if d is None else ("upheld" if d["upheld"] else "rejected")
            decision = None if d is None else canonical_json({**d, "on": _iso(d["on"])})
            self.out.insert(objections, (c.code, v, o["uscc"], o["reason"], _iso(o["filed_on"]),
                                         _iso(o["deadline"]), status, decision))


class LedgerRatingsCalculator:
    """The Ledger's ``RatingCalculator``: follows the ledger's own log (any store) in memory."""

    def __init__(self, ledger: Any) -> None:
        self.follower = Follower(ledger.recorder, RatingsState(), TOPICS)

    @property
    def state(self) -> RatingsState:
        return self.follower.state

    def compute(self, cycle_code: str, upto: int) -> dict:
        with self.follower.lock:
            self.follower.catch_up(upto)
            return evaluate(self.state, cycle_code, upto).record_kwargs()

    def republication(self, cycle_code: str, upto: int) -> dict:
        with self.follower.lock:
            self.follower.catch_up(upto)
            return republication(self.state, cycle_code, upto)


def ratings_calculator(ledger: Any) -> LedgerRatingsCalculator:
    """Factory for ``api/deps.py``: ``ledger.ratings = ratings_calculator(ledger)``."""
    return LedgerRatingsCalculator(ledger)

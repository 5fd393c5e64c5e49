"""Every publication (star ratings, blacklist, subsidy lists), the checkpoint it carries,
and whether the log still gives what it published.

Table ``publications``: one row per publication event, with the position its
rows were computed from, the signed checkpoint recorded with it (tree size and
root; NULL when it was published unsigned), the digest recomputed from the log
as of that position, and the first row that differs when it does not match.

Recomputing "as of P" for a publication met at a later position: the ratings
state keeps positions (:mod:`projections.ratings_state`), so one state followed
to the event serves; the blacklist and subsidy states do not, so each is folded
up to exactly P (:class:`~projections.publication_calc.Fold`: moved forward from
one publication to the next, from zero only when a publication goes back).
"""

from __future__ import annotations

import json
from typing import Any, Callable

from sqlalchemy import BigInteger, Boolean, Column, Integer, MetaData, String, Table, Text
from sqlalchemy.engine import Connection

from domain.errors import DomainError
from domain.publication import Publication, subsidy_key
from domain.rating_cycle import RatingCycle
from projections import ratings as ratings_model
from projections.base import Projection, on
from projections.publication_calc import (Fold, Reader, blacklist_result, credit_fold, source_reader, subsidy_fold,
                                          subsidy_result)
from projections.ratings_calc import evaluate, republication
from projections.ratings_state import TOPICS as RATINGS_TOPICS, CycleState, RatingsState
from projections.records import Record, canonical_json, data

metadata = MetaData()

publications = Table(
    "publications", metadata,
    Column("kind", String(20), primary_key=True),  # ratings | blacklist | subsidy_list
    Column("key", String(100), primary_key=True),  # cycle code | as-of date | pack:period
    Column("number", Integer, primary_key=True),  # 1, then each republication
    Column("digest", String(64), nullable=False),
    Column("recomputed_digest", String(64), nullable=False),  # '' when it could not be recomputed
    Column("verified", Boolean, nullable=False),
    Column("position", BigInteger, nullable=False),  # the rows were computed from the log up to here
    Column("checkpoint_size", BigInteger),  # the signed checkpoint it carries (NULL: unsigned)
    Column("checkpoint_root", String(44)),
    Column("published_on", String(10), nullable=False),
    Column("event_position", BigInteger, nullable=False),
    Column("rows", Integer, nullable=False),
    Column("detail", Text, nullable=False),  # JSON: as_of | period, pack, pack version | cycle
    Column("first_difference", Text),  # JSON {"row", "published", "recomputed"} or {"error"}
)


def first_difference(published: list, recomputed: list) -> dict | None:
    for i in range(max(len(published), len(recomputed))):
        a = published[i] if i < len(published) else None
        b = recomputed[i] if i < len(recomputed) else None
        if a != b:
            return {"row": i, "published": a, "recomputed": b}
    return None


def _rating_rows(state: RatingsState, cycle: CycleState, pub: dict) -> tuple[list, list]:
    """[uscc, composite, stars] rows as published (the computed result, then each republication's
    changes up to this one) and as the log gives them again."""
    before = dict(cycle.published_computation()["results"])
    for p in cycle.publications:
        if p["number"] < pub["number"]:
            before.update(p["changed"])
    published = {**before, **pub["changed"]}
    if pub["number"] == 1:
        again = evaluate(state, cycle.code, pub["upto"]).results
    else:
        again = {**before, **republication(state, cycle.code, pub["upto"])["changed"]}

    def rows(d: dict) -> list:
        return [[u, *d[u]] for u in sorted(d)]
    return rows(published), rows(again)


class Recomputer:
    """Recomputes any publication from a log reader, as of its position."""

    def __init__(self, read: Reader, lookup: Callable[[str, int], Record | None]) -> None:
        self.ratings = Fold(lambda: RatingsState(lookup), RATINGS_TOPICS, read)
        self.credit = credit_fold(read, lookup)
        self.subsidy = subsidy_fold(read)

    def rating(self, code: str, number: int, at: int) -> tuple[str, list, list]:
        """(digest, published rows, recomputed rows) of a cycle's publication whose event is at ``at``."""
        state = self.ratings.at(at)
        cycle = state.cycle(code)
        pub = next(p for p in cycle.publications if p["number"] == number)
        published, again = _rating_rows(state, cycle, pub)
        return ratings_model.publication_digest(state, cycle, pub), published, again

    def rating_to_publish(self, code: str, number: int, position: int) -> str:
        """The digest publication ``number`` of a cycle gets when published right after ``position``."""
        state = self.ratings.at(position)
        if number == 1:
            return evaluate(state, code, state.cycle(code).computed[-1]["upto"]).digest
        return republication(state, code, position)["digest"]

    def blacklist(self, as_of: str, position: int) -> dict:
        return blacklist_result(self.credit.at(position), as_of)

    def subsidy_list(self, pack_id: str, period: str, position: int) -> dict:
        return subsidy_result(self.subsidy.at(position), pack_id, period)

    def signed(self, kind: str, key: str, number: int, position: int) -> str:
        """The digest a publication named in a checkpoint note (``kind:key:number``) gets as of ``position``."""
        if kind == "ratings":
            return self.rating_to_publish(key, number, position)
        if kind == "blacklist":
            return self.blacklist(key, position)["digest"]
        if kind == "subsidy_list":
            pack_id, _, period = key.partition(":")
            return self.subsidy_list(pack_id, period, position)["digest"]
        raise ValueError(f"unknown publication kind {kind!r}")


class PublicationsProjection(Projection):
    name = "publications"
    version = 1
    metadata = metadata
    business_time = False  # a publication is fixed by ledger positions, not business dates

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.again: Recomputer | None = None  # made on first use: the source is set by then

    def _recomputer(self) -> Recomputer:
        if self.again is None:
            self.again = Recomputer(source_reader(self.source), self.lookup)
        return self.again

    def _row(self, kind: str, key: str, e: Record, again: str, difference: dict | None, rows: int,
             detail: dict) -> None:
        s = e.state
        self.out.insert(publications, (
            kind, key, s["number"], s["digest"], again, again == s["digest"], s["position"],
            s.get("checkpoint_size"), s.get("checkpoint_root"), data(s["occurred_on"]), e.position, rows,
            canonical_json(detail), None if difference is None else canonical_json(difference)))

    def _guarded(self, kind: str, key: str, e: Record, detail: dict, compute: Callable[[], tuple]) -> None:
        """Recompute, or record why it could not be (a forged or malformed publication)."""
        try:
            if not 0 < e.state["position"] < e.position:
                raise ValueError(f"computed from position {e.state['position']}, not before its own event")
            again, published, recomputed = compute()
        except (DomainError, ValueError, KeyError, StopIteration) as error:
            self._row(kind, key, e, "", {"error": str(error) or type(error).__name__},
                      len(e.state.get("rows", [])), detail)
            return
        difference = None if again == e.state["digest"] else first_difference(published, recomputed)
        self._row(kind, key, e, again, difference, len(published), detail)

    @on(RatingCycle.Published, RatingCycle.Republished)
    def _rating(self, e: Record) -> None:
        code = self._recomputer().ratings.at(e.position).cycle_codes[e.originator_id]
        self._guarded("ratings", code, e, {"cycle": code},
                      lambda: self._recomputer().rating(code, e.state["number"], e.position))

    @on(Publication.BlacklistPublished)
    def _blacklist(self, e: Record) -> None:
        as_of = data(e.state["as_of"])

        def compute() -> tuple:
            found = self._recomputer().blacklist(as_of, e.state["position"])
            return found["digest"], _published_rows(e), found["rows"]
        self._guarded("blacklist", as_of, e, {"as_of": as_of}, compute)

    @on(Publication.SubsidyListPublished)
    def _subsidy_list(self, e: Record) -> None:
        s = e.state
        key = subsidy_key(s["pack_id"], s["period"])

        def compute() -> tuple:
            found = self._recomputer().subsidy_list(s["pack_id"], s["period"], s["position"])
            return found["digest"], _published_rows(e), found["rows"]
        self._guarded("subsidy_list", key, e, {"period": s["period"], "pack_id": s["pack_id"],
                                               "pack_version": s["pack_version"]}, compute)


def _published_rows(e: Record) -> list:
    """The rows the event published (a stored digest that is not theirs shows as a digest mismatch
    with no differing row: the rows agree, the digest does not)."""
    return e.state["rows"]


def read_publications(conn: Connection, upto: int | None = None) -> list[dict]:
    """Every publication (of events at or before ``upto``), in ledger order, JSON columns decoded."""
    from sqlalchemy import select

    query = select(publications).order_by(publications.c.event_position)
    if upto is not None:
        query = query.where(publications.c.event_position <= upto)
    out = []
    for r in conn.execute(query):
        row = dict(r._mapping)
        row["detail"] = json.loads(row["detail"])
        row["first_difference"] = json.loads(row["first_difference"]) if row["first_difference"] else None
        out.append(row)
    return out

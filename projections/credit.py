"""Credit read model: items per provider, the score/grade timeline, and the blacklist.

Tables: ``credit_items`` (every behaviour that counts, with the events behind
it), ``credit_timeline`` (score, grade and veto from each day they change),
``credit_blacklist`` (why, since, until: see :mod:`projections.blacklist`) and
``credit_packs`` (credit-rules adoptions). The score "as of any date" is read
from the timeline; :func:`credit_on` recomputes it with every item's points and
expiry for an explanation.

The in-memory :class:`CreditState` is restored from ``credit_items`` and
``credit_packs`` on :meth:`CreditProjection.load`.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import BigInteger, Boolean, Column, Float, Integer, MetaData, String, Table, Text, select
from sqlalchemy.engine import Connection

from projections.base import Projection, on
from projections.credit_calc import blacklist_entries, effects, scores_on, timeline
from projections.credit_state import HANDLED, CreditState
from projections.records import canonical_json

metadata = MetaData()

items_table = Table(
    "credit_items", metadata,
    Column("key", String(120), primary_key=True),
    Column("uscc", String(18), nullable=False, index=True),
    Column("kind", String(40), nullable=False),
    Column("occurred_on", String(10), nullable=False),
    Column("points", Float),  # own points (commendations); others are priced by the rules
    Column("stars", Integer),
    Column("veto", String(40)),
    Column("term_end", String(10)),
    Column("lifted_on", String(10)),
    Column("note", Text, nullable=False),
    Column("events", Text, nullable=False),
)

timeline_table = Table(
    "credit_timeline", metadata,
    Column("uscc", String(18), primary_key=True),
    Column("from_on", String(10), primary_key=True),
    Column("score", Float, nullable=False),
    Column("grade", String(4), nullable=False),
    Column("plain_grade", String(4), nullable=False),
    Column("vetoed", Boolean, nullable=False),
)

blacklist_table = Table(
    "credit_blacklist", metadata,
    Column("uscc", String(18), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("reason", String(20), nullable=False),  # grade | veto | dishonesty
    Column("since", String(10), nullable=False),
    Column("until", String(10)),  # first day off the list; NULL: open-ended
    Column("detail", Text, nullable=False),
    Column("events", Text, nullable=False),
)

packs_table = Table(
    "credit_packs", metadata,
    Column("adoption", String(100), primary_key=True),
    Column("effective_from", String(10), nullable=False),
    Column("rules", Text, nullable=False),  # a rules file name, or the rules themselves as canonical JSON
    Column("position", BigInteger, nullable=False),  # of the adoption: same-day adoptions, the later wins
)

_ITEM_COLUMNS = [c.name for c in items_table.columns]


def provider_rows(state: CreditState, uscc: str) -> tuple[list[dict], list[dict], list[dict]]:
    items = list(state.items.get(uscc, {}).values())
    days = state.rule_days()
    effs = effects(items, state.rules_on)
    rows = timeline(items, state.rules_on, days, effs)
    return sorted(items, key=lambda i: i["key"]), rows, blacklist_entries(items, state.rules_on, days, effs, rows)


class CreditProjection(Projection):
    name = "credit"
    version = 3  # 2: credit rules may travel inline in the adopted pack; 3: adoptions ordered by position
    metadata = metadata

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.state = CreditState(self._lookup)

    def _lookup(self, originator_id: str, version: int):
        record = self.lookup(originator_id, version)
        if record is None:
            raise LookupError(f"event {originator_id} v{version} is not in the log")
        return record

    def load(self, conn: Connection) -> None:
        for row in conn.execute(select(items_table)):
            item = dict(row._mapping)
            item["events"] = json.loads(item["events"])
            self.state.put(item)
        for row in conn.execute(select(packs_table).order_by(packs_table.c.position)):
            self.state.adoptions.append((row.effective_from, row.rules, row.adoption))
        self.state.clean()

    @on(*HANDLED)
    def _event(self, e) -> None:
        before = len(self.state.adoptions)
        self.state.apply(e)
        if len(self.state.adoptions) > before:
            self.out.upsert(packs_table, (self.state.adoptions[-1][2], *self.state.adoptions[-1][:2], e.position))

    def _delete(self, table: Table, column: str, value: str) -> None:
        ph = "?" if self.dialect == "sqlite" else "%s"
        self.out.ops.append((f"DELETE FROM {table.name} WHERE {column} = {ph}", (value,)))

    def before_flush(self) -> None:
        state = self.state
        for key in sorted(state.removed | state.changed):  # items: only what changed in this batch
            self._delete(items_table, "key", key)
        for key in sorted(state.changed):
            item = state.get(key)
            self.out.insert(items_table, tuple(_dumps(item[c]) if c == "events" else item[c] for c in _ITEM_COLUMNS))
        for uscc in sorted(state.dirty):  # timeline and blacklist: recomputed per provider touched
            _, rows, entries = provider_rows(state, uscc)
            self._delete(timeline_table, "uscc", uscc)
            self._delete(blacklist_table, "uscc", uscc)
            for row in rows:
                self.out.insert(timeline_table, (uscc, row["from"], row["score"], row["grade"], row["plain_grade"],
                                                 row["vetoed"]))
            for seq, entry in enumerate(entries):
                self.out.insert(blacklist_table, (uscc, seq, entry["reason"], entry["since"], entry["until"],
                                                  entry["detail"], _dumps(entry["events"])))
        state.clean()


def _dumps(value: Any) -> str:
    """Event references are plain JSON already: the canonical form without unwrapping."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


# --- read API ------------------------------------------------------------------------------------------
def _state_for(conn: Connection, uscc: str) -> CreditState:
    state = CreditState(lambda oid, v: None)
    for row in conn.execute(select(items_table).where(items_table.c.uscc == uscc)):
        item = dict(row._mapping)
        item["events"] = json.loads(item["events"])
        state.put(item)
    for row in conn.execute(select(packs_table).order_by(packs_table.c.position)):
        state.adoptions.append((row.effective_from, row.rules, row.adoption))
    return state


def credit_on(conn: Connection, uscc: str, day: str) -> dict:
    """Score, grade and veto of ``uscc`` on ``day`` (YYYY-MM-DD), with every item counting then:
    its kind, points, date, expiry and the events behind it."""
    state = _state_for(conn, uscc)
    effs = effects(list(state.items.get(uscc, {}).values()), state.rules_on)
    (score,), (grade,), (plain,), (vetoed,) = scores_on(effs, [day], state.rules_on)
    rules = state.rules_on(day)
    active = [e for e in effs if e.occurred_on <= day < e.expires_on or (e.veto_until and e.occurred_on <= day < e.veto_until)]
    return {"uscc": uscc, "on": day, "score": score, "grade": grade, "plain_grade": plain, "vetoed": vetoed,
            "rules": f"{rules['id']}@{rules['version']}",
            "items": [{"key": e.key, "kind": e.kind, "points": e.points, "occurred_on": e.occurred_on,
                       "expires_on": e.expires_on, "veto_until": e.veto_until, "capped": e.cap,
                       "rules": e.rules, "events": e.events} for e in active]}


def credit_timeline(conn: Connection, uscc: str) -> list[dict]:
    q = select(timeline_table).where(timeline_table.c.uscc == uscc).order_by(timeline_table.c.from_on)
    return [dict(r._mapping) for r in conn.execute(q)]

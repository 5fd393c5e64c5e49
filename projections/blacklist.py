"""The blacklist (失信名单 / 黑名单): who is on it, since when, until when, and why.

Rules (credit-rules pack, ``blacklist`` section; see :mod:`projections.credit_calc`):

- ``grade``: the credit grade on points alone is the listing grade (D by default);
- ``veto``: a veto offence (一票否决: refusing to hand over on exit, a fatal safety
  accident) for as long as its veto lasts (the bad-item validity, 24 months);
- ``dishonesty``: an active dishonesty declaration by the housing bureau, for its term.

Leaving it: the term ends (``until``, the first day off the list), the score
recovers as items expire, or an approved credit repair clears it. Each entry
carries the ids (aggregate, version, position) of the events behind it.

The party committee's entry decision consults a :class:`~domain.ledger.BlacklistView`:
:class:`ReadModelBlacklistView` reads the ``credit`` read model and answers with
the position that read model had reached; :class:`LedgerBlacklistView` follows
the ledger's own log in memory (CLI, demo, tests on ``memory://``) and answers
with the ledger position it read up to. Either way the position is recorded in
the decision, so an auditor can replay exactly what the approver saw.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from projections.credit import blacklist_table
from projections.credit_calc import blacklist_entries, listed_on
from projections.credit_state import TOPICS, CreditState
from projections.ledger_log import Follower, recorder_lookup
from projections.tracking import read_tracking

REASONS_ZH = {"grade": "信用等级为D", "veto": "一票否决事项", "dishonesty": "失信认定期内"}
DETAIL_ZH = {"handover_overdue": "退出时拒不交接（逾期未撤离）", "fatal_safety_accident": "发生亡人安全事故",
             "safety_accident": "发生亡人安全事故"}


def _row(r: Any) -> dict:
    row = dict(r._mapping)
    row["events"] = json.loads(row["events"])
    return row


def blacklist_on(conn: Connection, day: str, uscc: str | None = None) -> list[dict]:
    """Entries in force on ``day`` (YYYY-MM-DD), for every provider or one."""
    t = blacklist_table
    q = select(t).where(t.c.since <= day).where((t.c.until.is_(None)) | (t.c.until > day))
    if uscc is not None:
        q = q.where(t.c.uscc == uscc)
    return [_row(r) for r in conn.execute(q.order_by(t.c.uscc, t.c.seq))]


def blacklist_history(conn: Connection, uscc: str) -> list[dict]:
    """Every entry of a provider, past, present and scheduled."""
    t = blacklist_table
    return [_row(r) for r in conn.execute(select(t).where(t.c.uscc == uscc).order_by(t.c.seq))]


class ReadModelBlacklistView:
    """``BlacklistView`` over the ``credit`` read model (the API's choice when its runner follows the log)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def status(self, uscc: str, on: date) -> tuple[bool, int]:
        with self.engine.connect() as conn:
            tracked = read_tracking(conn).get("credit")
            position = tracked.position if tracked else 0
            return bool(blacklist_on(conn, on.isoformat(), uscc)), position


class LedgerBlacklistView:
    """``BlacklistView`` that follows a Ledger's log in memory: always as of the ledger's last position."""

    def __init__(self, ledger: Any) -> None:
        self.follower = Follower(ledger.recorder, CreditState(recorder_lookup(ledger.recorder)), TOPICS)

    @property
    def state(self) -> CreditState:
        return self.follower.state

    def entries(self, uscc: str, upto: int | None = None) -> list[dict]:
        with self.follower.lock:
            self.follower.catch_up(upto)
            items = list(self.state.items.get(uscc, {}).values())
            return blacklist_entries(items, self.state.rules_on, self.state.rule_days())

    def status(self, uscc: str, on: date) -> tuple[bool, int]:
        with self.follower.lock:
            position = self.follower.catch_up()
            return bool(listed_on(self.entries(uscc, position), on.isoformat())), position


def blacklist_view(database_url: str | None = None, *, ledger: Any = None) -> Any:
    """Factory for ``api/deps.py``: over the read model of ``database_url``, or, given a ``ledger``
    (``memory://`` or no projection runner), following that ledger's log in memory."""
    if ledger is not None:
        return LedgerBlacklistView(ledger)
    from projections.db import engine_for

    return ReadModelBlacklistView(engine_for(database_url))

"""What the approvals pages show about an engagement: the request as filed, the
decisions recorded, and the provider's blacklist position as the decision will see it.

The blacklist answer comes from ``ledger.blacklist`` — the very port
:meth:`domain.ledger.Ledger.decide_entry` consults — so the inbox shows the
position the decision would rest on if taken now, not a second opinion.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.base import aggregate_id
from domain.engagement import Engagement

from api.routers.blacklist_read import RULES, detail_zh
from api.routers.public import REASONS_EN


def engagement_events(ledger: Any, code: str) -> list:
    return list(ledger.repository.event_store.get(aggregate_id(Engagement.KIND, code)))


def request_facts(events: list) -> dict:
    """The entry request as filed (fee standard and term live only in the event)."""
    e = next((e for e in events if isinstance(e, Engagement.EntryRequested)), None)
    if e is None:
        return {}
    return {"code": e.code, "provider_uscc": e.provider_uscc, "community_code": e.community_code, "mode": e.mode,
            "services": list(e.services), "fee_standard": e.fee_standard, "term_months": e.term_months,
            "served_area": e.served_area, "requested_on": e.occurred_on}


def decisions(events: list) -> list[dict]:
    """Every decision on the engagement (entry and exit), oldest first, with what it rested on."""
    rows = []
    for e in events:
        if isinstance(e, Engagement.EntryDecided):
            rows.append({"kind": "entry", "approved": e.approved, "reason": e.reason, "on": e.occurred_on,
                         "actor": e.actor, "blacklist_position": e.blacklist_position,
                         "blacklisted": e.blacklisted, "override_reason": e.override_reason})
        elif isinstance(e, Engagement.ExitDecided):
            rows.append({"kind": "exit", "approved": e.approved, "reason": e.reason, "on": e.occurred_on,
                         "actor": e.actor})
    return rows


def exit_notice(events: list) -> dict | None:
    notices = [e for e in events if isinstance(e, Engagement.ExitNoticed)]
    if not notices:
        return None
    n = notices[-1]
    return {"by": n.by, "reason": n.reason, "exit_date": n.exit_date, "on": n.occurred_on}


def blacklist_position(ledger: Any, uscc: str, on: date) -> dict:
    """(listed?, ledger position) exactly as ``decide_entry`` would get it, and the entries in force."""
    view = ledger.blacklist
    if view is None:  # decide_entry's own fallback: not listed, as of the last position
        return {"listed": False, "position": ledger.max_position(), "entries": []}
    listed, position = view.status(uscc, on)
    return {"listed": listed, "position": position, "entries": _entries(view, uscc, on, position) if listed else []}


def _entries(view: Any, uscc: str, on: date, position: int) -> list[dict]:
    day = on.isoformat()
    if callable(getattr(view, "entries", None)):  # LedgerBlacklistView (the app's): follows the log
        from projections.credit_calc import listed_on
        found = listed_on(view.entries(uscc, position), day)
    elif getattr(view, "engine", None) is not None:  # ReadModelBlacklistView
        from projections.blacklist import blacklist_on
        with view.engine.connect() as conn:
            found = blacklist_on(conn, day, uscc)
    else:
        found = []
    return [{"reason": e["reason"], "rule_zh": RULES.get(e["reason"], e["reason"]),
             "reason_en": REASONS_EN.get(e["reason"], e["reason"]), "detail": e.get("detail") or "",
             "detail_zh": detail_zh(e.get("detail") or ""), "since": e["since"], "until": e["until"]}
            for e in found]

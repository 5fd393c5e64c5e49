"""/api/v1/blacklist and /api/v1/credit: the officials' view (every reader role; the
public has ``/api/v1/public/blacklist``).

* ``GET /blacklist?on=YYYY-MM-DD``: entries in force that day with the rule that
  listed the provider (``grade`` / ``dishonesty`` / ``veto``), its detail, and the
  ids (aggregate, version, ledger position) of the events behind it; plus every
  other entry (past and scheduled), for the history.
* ``GET /credit/{uscc}?on=``: score, grade and the items counting that day, and
  the score timeline.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlalchemy import text
from sqlalchemy.engine import Connection

from api.deps import CurrentUser
from api.routers._readmodels import BLACKLIST_READERS, ReadModelsDep, has_table, parse_day, require_role
from api.routers.public import REASONS, provider_names

router = APIRouter(tags=["blacklist and credit 黑名单与信用（读）"])

RULES = {"grade": "信用分低于D级线（信用等级D）", "dishonesty": "住房建设委失信认定，在认定期内",
         "veto": "一票否决事项（拒不交接、亡人安全事故），在否决期内"}
DETAILS = {"handover_overdue": "退出逾期未交接", "safety_accident": "亡人安全事故", "fatal_safety_accident": "亡人安全事故"}


def detail_zh(detail: str) -> str:
    """The projection's detail in Chinese ("score 58, grade D" → "信用分 58，D级")."""
    found = re.fullmatch(r"score (\S+), grade (\S+)", detail or "")
    if found:
        return f"信用分 {found[1]}，{found[2]}级"
    return DETAILS.get(detail, detail)


def _entry(row: dict, names: dict[str, str], day: str) -> dict:
    import json

    until = row["until"]
    state = "past" if until is not None and until <= day else ("scheduled" if row["since"] > day else "in_force")
    return {"uscc": row["uscc"], "name": names.get(row["uscc"], ""), "seq": row["seq"], "reason": row["reason"],
            "reason_zh": REASONS.get(row["reason"], row["reason"]), "rule": RULES.get(row["reason"], ""),
            "detail": row["detail"], "detail_zh": detail_zh(row["detail"]), "since": row["since"], "until": until,
            "state": state, "events": sorted(json.loads(row["events"]), key=lambda e: e["position"])}


def blacklist_as_of(conn: Connection, day: str) -> dict:
    """In force on ``day``, and every other entry (history), each with the events behind it."""
    if not has_table(conn, "credit_blacklist"):
        return {"in_force": [], "history": []}
    names = provider_names(conn)
    rows = [_entry(dict(r), names, day) for r in conn.execute(text(
        "SELECT uscc, seq, reason, since, until, detail, events FROM credit_blacklist")).mappings()]
    in_force = sorted((r for r in rows if r["state"] == "in_force"), key=lambda r: (r["name"], r["uscc"], r["seq"]))
    history = sorted((r for r in rows if r["state"] != "in_force"), key=lambda r: (r["since"], r["uscc"], r["seq"]),
                     reverse=True)
    return {"in_force": in_force, "history": history}


def credit_of(conn: Connection, uscc: str, day: str) -> dict:
    """Credit on ``day`` (score, grade, items with points and expiry) and the timeline."""
    from projections.credit import credit_on, credit_timeline

    if not has_table(conn, "credit_items"):
        return {"credit": None, "timeline": []}
    return {"credit": credit_on(conn, uscc, day), "timeline": credit_timeline(conn, uscc)}


@router.get("/blacklist", summary="The blacklist as of a date, with rules and events (officials)")
def blacklist(user: CurrentUser, read_models: ReadModelsDep,
              on: Annotated[str | None, Query(description="YYYY-MM-DD (default today, Asia/Shanghai)")] = None) -> dict:
    require_role(user, BLACKLIST_READERS, "the blacklist with its evidence")
    day = parse_day(on).isoformat()
    with read_models.connect() as (conn, position):
        return {"on": day, "as_of_position": position, **blacklist_as_of(conn, day)}


@router.get("/credit/{uscc}", summary="A provider's credit on a date and its timeline (信用分)")
def credit(uscc: Annotated[str, Path(min_length=1, max_length=40)], user: CurrentUser, read_models: ReadModelsDep,
           on: Annotated[str | None, Query(description="YYYY-MM-DD (default today)")] = None) -> dict:
    require_role(user, BLACKLIST_READERS, "credit scores")
    day = parse_day(on).isoformat()
    with read_models.connect() as (conn, position):
        names = provider_names(conn)
        return {"uscc": uscc, "name": names.get(uscc), "on": day, "as_of_position": position,
                **credit_of(conn, uscc, day)}

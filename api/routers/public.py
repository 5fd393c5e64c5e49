"""/api/v1/public: what anyone may see without logging in (DESIGN.md: "the public sees
published stars and the blacklist").

* ``GET /public/stars``: every cycle with a publication, and one cycle's result as
  its latest publication (or republication after objections) stands. A computed
  but unpublished result is never shown.
* ``GET /public/blacklist``: the blacklist in force today (or ``?on=``), the reason
  in plain Chinese, since and until. The events behind each entry are for officials
  (``/api/v1/blacklist``).
"""

from __future__ import annotations

import base64
import json
from typing import Annotated, Any, Callable

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.engine import Connection

from domain.errors import NotFoundError

from api.deps import LedgerDep
from api.routers._readmodels import ReadModelsDep, has_table, parse_day

router = APIRouter(prefix="/public", tags=["public 公开信息"])

STARS = {0: "未评定", 1: "★", 2: "★★", 3: "★★★", 4: "★★★★", 5: "★★★★★"}
REASONS = {"grade": "信用等级D", "dishonesty": "失信认定", "veto": "一票否决"}
REASONS_EN = {"grade": "Credit grade D", "dishonesty": "Declared dishonest", "veto": "One-vote veto offence"}


def provider_names(conn: Connection) -> dict[str, str]:
    if not has_table(conn, "registry_providers"):
        return {}
    return dict(conn.execute(text("SELECT uscc, name FROM registry_providers")).all())


def _loads(value: str | None) -> Any:
    return json.loads(value) if value else None


def published_cycles(conn: Connection) -> list[dict]:
    """Cycles with at least one publication, the latest period first."""
    if not has_table(conn, "rating_publications"):
        return []
    rows = conn.execute(text(
        "SELECT c.code, c.method, c.period_start, c.period_end, MAX(p.number) AS publications, "
        "MIN(p.published_on) AS first_published_on, MAX(p.published_on) AS last_published_on "
        "FROM rating_cycles c JOIN rating_publications p ON p.cycle_code = c.code "
        "GROUP BY c.code, c.method, c.period_start, c.period_end "
        "ORDER BY c.period_end DESC, c.code DESC")).mappings()
    return [dict(r) for r in rows]


def covering_checkpoint(conn: Connection, position: int) -> dict | None:
    """The first signed checkpoint whose tree covers ``position`` (so the prefix behind a result
    can be proven against a signed root)."""
    if not has_table(conn, "checkpoints"):
        return None
    row = conn.execute(text("SELECT size, position, root, created_at FROM checkpoints WHERE position >= :p "
                            "ORDER BY size, id LIMIT 1"), {"p": position}).mappings().first()
    if row is None:
        return None
    return {"size": row["size"], "position": row["position"], "created_at": row["created_at"],
            "root": base64.b64encode(bytes(row["root"])).decode()}


def event_at(ledger: Any, position: int) -> Any:
    """The domain event at a ledger position (None when there is none)."""
    found = ledger.recorder.select_notifications(position, 1)
    return ledger.mapper.to_domain_event(found[0]) if found and found[0].id == position else None


def publication_checkpoint(conn: Connection, pub: dict, event: Callable[[int], Any] | None) -> dict | None:
    """The checkpoint signed for a publication (its event carries the tree size and root); for one
    published unsigned, the first checkpoint that covers the position it was computed from."""
    published = event(pub["event_position"]) if event is not None else None
    size = getattr(published, "checkpoint_size", None)
    if size is None:
        found = covering_checkpoint(conn, pub["computed_from"])
        return found and {**found, "signed_with_publication": False}
    rows = conn.execute(text("SELECT size, position, created_at, digests FROM checkpoints WHERE size = :s ORDER BY id"),
                        {"s": size}).mappings().all() if has_table(conn, "checkpoints") else []
    signing = [r for r in rows if pub["digest"] in (_loads(r["digests"]) or {}).values()] or rows
    row = signing[-1] if signing else {"position": None, "created_at": None}
    return {"size": size, "root": published.checkpoint_root, "position": row["position"],
            "created_at": row["created_at"], "signed_with_publication": True}


def objection_counts(conn: Connection, cycle: str) -> dict[str, int]:
    rows = conn.execute(text("SELECT status, COUNT(*) FROM rating_objections WHERE cycle_code = :c GROUP BY status"),
                        {"c": cycle}).all()
    counts = {"pending": 0, "upheld": 0, "rejected": 0}
    counts.update({status: n for status, n in rows})
    return counts


def published_stars(conn: Connection, cycle: str | None = None, event: Callable[[int], Any] | None = None) -> dict:
    """One published cycle (the latest when ``cycle`` is None) as its latest publication stands;
    ``event(position)`` reads a publication's event for the checkpoint it carries."""
    cycles = published_cycles(conn)
    if not cycles:
        return {"cycles": [], "cycle": None}
    chosen = next((c for c in cycles if c["code"] == cycle), None) if cycle else cycles[0]
    if chosen is None:
        raise NotFoundError("cycle", "published", f"cycle {cycle} has no publication")
    code = chosen["code"]
    head = conn.execute(text("SELECT cut_points, scheme FROM rating_cycles WHERE code = :c"), {"c": code}).one()
    pubs = [dict(p) for p in conn.execute(text(
        "SELECT number, published_on, digest, verified, computed_from, event_position, changed "
        "FROM rating_publications WHERE cycle_code = :c ORDER BY number"), {"c": code}).mappings()]
    for p in pubs:
        p["changed"] = sorted(_loads(p["changed"]) or {})
        p["verified"] = bool(p["verified"])
        p["checkpoint"] = publication_checkpoint(conn, p, event)
    names = provider_names(conn)
    results = [{"uscc": r["uscc"], "name": names.get(r["uscc"], ""), "stars": r["stars"],
                "stars_text": STARS.get(r["stars"], str(r["stars"])), "composite": r["composite"],
                "changed_by_objection": bool(_loads(r["objections"]))}
               for r in conn.execute(text("SELECT uscc, stars, composite, objections FROM rating_results "
                                          "WHERE cycle_code = :c"), {"c": code}).mappings()]
    results.sort(key=lambda r: (-r["stars"], -(r["composite"] or 0), r["uscc"]))
    scheme = _loads(head.scheme) or {}
    return {"cycles": cycles, "cycle": {
        **chosen, "cut_points": _loads(head.cut_points), "method": scheme.get("method", chosen["method"]),
        "min_departments": scheme.get("min_departments"),
        "appeal_days": (scheme.get("appeal") or {}).get("working_days"), "publications": pubs, "latest": pubs[-1],
        "objections": objection_counts(conn, code), "results": results,
        "distribution": {s: sum(r["stars"] == s for r in results) for s in (5, 4, 3, 2, 1, 0)}}}


def public_blacklist(conn: Connection, day: str) -> list[dict]:
    """Entries in force on ``day``: provider, reason in plain words, since, until (first day off)."""
    if not has_table(conn, "credit_blacklist"):
        return []
    from projections.blacklist import blacklist_on

    names = provider_names(conn)
    rows = [{"uscc": e["uscc"], "name": names.get(e["uscc"], ""), "reason": e["reason"],
             "reason_zh": REASONS.get(e["reason"], e["reason"]), "reason_en": REASONS_EN.get(e["reason"], e["reason"]),
             "since": e["since"], "until": e["until"]} for e in blacklist_on(conn, day)]
    return sorted(rows, key=lambda r: (r["name"], r["uscc"], r["since"]))


# --- JSON -------------------------------------------------------------------------------------
class PublicationOut(BaseModel):
    number: int
    published_on: str
    digest: str
    verified: bool
    computed_from: int
    event_position: int
    changed: list[str]
    checkpoint: dict | None


class StarRowOut(BaseModel):
    uscc: str
    name: str
    stars: int
    stars_text: str
    composite: float | None
    changed_by_objection: bool


class PublishedCycleOut(BaseModel):
    code: str
    method: str
    period_start: str | None
    period_end: str | None
    cut_points: list[float | None] | None
    min_departments: int | None
    appeal_days: int | None
    publications: list[PublicationOut]
    objections: dict[str, int]
    distribution: dict[int, int]
    results: list[StarRowOut]


class PublicStarsOut(BaseModel):
    cycles: list[str]
    cycle: PublishedCycleOut | None


class PublicBlacklistRowOut(BaseModel):
    uscc: str
    name: str
    reason: str
    reason_zh: str
    since: str
    until: str | None


class PublicBlacklistOut(BaseModel):
    on: str
    as_of_position: int
    entries: list[PublicBlacklistRowOut]


@router.get("/stars", response_model=PublicStarsOut, summary="Published star ratings (已公布的星级评定结果)")
def stars(read_models: ReadModelsDep, ledger: LedgerDep,
          cycle: Annotated[str | None, Query(description="cycle code (default: the latest published)")] = None,
          ) -> PublicStarsOut:
    with read_models.connect() as (conn, _):
        found = published_stars(conn, cycle, lambda p: event_at(ledger, p))
    return PublicStarsOut(cycles=[c["code"] for c in found["cycles"]], cycle=found["cycle"])


@router.get("/blacklist", response_model=PublicBlacklistOut, summary="The blacklist in force (黑名单)")
def blacklist(read_models: ReadModelsDep,
              on: Annotated[str | None, Query(description="YYYY-MM-DD (default: today, Asia/Shanghai)")] = None,
              ) -> PublicBlacklistOut:
    day = parse_day(on).isoformat()
    with read_models.connect() as (conn, position):
        entries = public_blacklist(conn, day)
    return PublicBlacklistOut(on=day, as_of_position=position, entries=entries)

"""/api/v1/ratings: star-rating cycles as the ratings read model explains them
(housing bureau and auditor): every cycle with its status, one cycle's
distribution, cut points, method, publications (with republications) and
objections, and one provider's explanation (each department's score and the
events behind it, the weights used after re-normalisation, composite, stars,
pack version) with its credit timeline.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from sqlalchemy import text
from sqlalchemy.engine import Connection

from domain.errors import NotFoundError

from api.deps import CurrentUser
from api.routers._readmodels import RATINGS_READERS, ReadModelsDep, has_table, parse_day, require_role
from api.routers.public import objection_counts, provider_names

router = APIRouter(prefix="/ratings", tags=["star ratings 星级评定（读）"])
CodePath = Annotated[str, Path(description="cycle code", min_length=1, max_length=64)]
DEPARTMENT_ORDER = ("housing_bureau", "civil_affairs", "fire_rescue", "urban_management", "market_supervision",
                    "street_party")


def _loads(value: str | None) -> Any:
    return json.loads(value) if value else None


def cycles_overview(conn: Connection) -> list[dict]:
    """Every cycle: period, method, status, providers with results, rated, publications, pending objections."""
    if not has_table(conn, "rating_cycles"):
        return []
    rows = conn.execute(text(
        "SELECT c.code, c.period_start, c.period_end, c.method, c.status, c.current_digest, c.computed_position, "
        "(SELECT COUNT(*) FROM rating_results r WHERE r.cycle_code = c.code) AS providers, "
        "(SELECT COUNT(*) FROM rating_results r WHERE r.cycle_code = c.code AND r.stars > 0) AS rated, "
        "(SELECT COUNT(*) FROM rating_publications p WHERE p.cycle_code = c.code) AS publications, "
        "(SELECT COUNT(*) FROM rating_objections o WHERE o.cycle_code = c.code AND o.status = 'pending') "
        "AS objections_pending FROM rating_cycles c ORDER BY c.period_end DESC, c.code DESC")).mappings()
    return [dict(r) for r in rows]


def cycle_detail(conn: Connection, code: str) -> dict:
    """One cycle: scheme, cut points, distribution, results, publications, objections."""
    row = conn.execute(text("SELECT * FROM rating_cycles WHERE code = :c"), {"c": code}).mappings().first() \
        if has_table(conn, "rating_cycles") else None
    if row is None:
        raise NotFoundError("cycle", "exists", f"no rating cycle {code}")
    names = provider_names(conn)
    results = []
    for r in conn.execute(text("SELECT uscc, composite, stars, departments, objections FROM rating_results "
                               "WHERE cycle_code = :c"), {"c": code}).mappings():
        departments = _loads(r["departments"]) or {}
        results.append({"uscc": r["uscc"], "name": names.get(r["uscc"], ""), "composite": r["composite"],
                        "stars": r["stars"], "departments": sum(d["score"] is not None for d in departments.values()),
                        "objections": _loads(r["objections"]) or []})
    results.sort(key=lambda r: (-r["stars"], -(r["composite"] or 0), r["uscc"]))
    counts = Counter(r["stars"] for r in results)
    pubs = [dict(p) for p in conn.execute(text(
        "SELECT number, published_on, digest, recomputed_digest, verified, computed_from, event_position, changed "
        "FROM rating_publications WHERE cycle_code = :c ORDER BY number"), {"c": code}).mappings()]
    for p in pubs:
        p["verified"] = bool(p["verified"])
        p["changed"] = {u: {"composite": v[0], "stars": v[1], "name": names.get(u, "")}
                        for u, v in sorted((_loads(p["changed"]) or {}).items())}
    filed = conn.execute(text("SELECT objection_version, uscc, reason, filed_on, deadline, status, decision "
                              "FROM rating_objections WHERE cycle_code = :c ORDER BY objection_version"), {"c": code})
    objections = [{**dict(o), "name": names.get(o["uscc"], ""), "decision": _loads(o["decision"])}
                  for o in filed.mappings()]
    scheme = _loads(row["scheme"]) or {}
    return {
        "code": code, "status": row["status"], "method": row["method"], "period_start": row["period_start"],
        "period_end": row["period_end"], "scheme": scheme, "cut_points": _loads(row["cut_points"]),
        "previous_cycle": row["previous_cycle"], "computed_position": row["computed_position"],
        "computed_digest": row["computed_digest"], "computed_verified": row["computed_verified"],
        "current_digest": row["current_digest"],
        "distribution": {s: counts.get(s, 0) for s in (5, 4, 3, 2, 1, 0)}, "providers": len(results),
        "results": results, "publications": pubs, "objections": objections,
        "objection_counts": objection_counts(conn, code),
    }


def ordered_departments(departments: dict) -> list[tuple[str, dict]]:
    def key(item: tuple[str, dict]) -> tuple:
        return (DEPARTMENT_ORDER.index(item[0]) if item[0] in DEPARTMENT_ORDER else 99, item[0])
    return sorted(departments.items(), key=key)


def provider_explanation(conn: Connection, code: str, uscc: str, day: str) -> dict:
    """``projections.explain.explain_provider`` for one cycle, with the departments in a fixed order."""
    from projections.explain import explain_provider

    found = explain_provider(conn, uscc, code, day)
    if not found["ratings"]:
        raise NotFoundError("uscc", "exists", f"provider {uscc} has no result in cycle {code}")
    rating = found["ratings"][0]
    rating["departments"] = [{"department": d, **v} for d, v in ordered_departments(rating["departments"])]
    return {**found, "rating": rating}


@router.get("/cycles", summary="Every rating cycle with its status (评星周期)")
def list_cycles(user: CurrentUser, read_models: ReadModelsDep) -> dict:
    require_role(user, RATINGS_READERS, "rating cycles")
    with read_models.connect() as (conn, position):
        return {"as_of_position": position, "cycles": cycles_overview(conn)}


@router.get("/cycles/{code}", summary="A cycle: distribution, cut points, method, publications, objections")
def get_cycle(code: CodePath, user: CurrentUser, read_models: ReadModelsDep) -> dict:
    require_role(user, RATINGS_READERS, "rating cycles")
    with read_models.connect() as (conn, position):
        return {"as_of_position": position, **cycle_detail(conn, code)}


@router.get("/cycles/{code}/providers/{uscc}",
            summary="Why a provider got its stars: departments, weights, events, pack; credit timeline")
def explain(code: CodePath, uscc: Annotated[str, Path(min_length=1, max_length=40)], user: CurrentUser,
            read_models: ReadModelsDep,
            on: Annotated[str | None, Query(description="credit as of YYYY-MM-DD (default today)")] = None) -> dict:
    require_role(user, RATINGS_READERS, "rating explanations")
    day = parse_day(on).isoformat()
    with read_models.connect() as (conn, position):
        return {"as_of_position": position, **provider_explanation(conn, code, uscc, day)}

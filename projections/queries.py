"""Read API over the read models (for the HTTP API, the CLI and later issues).

Every function takes a SQLAlchemy ``Engine`` or ``Connection`` on the read-model
database (``projections.db.engine_for(url)``) and returns plain dicts/lists. Rates
are computed here from exact counts; money stays ``Decimal``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Iterable

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from projections.models.assessments import assessments as assessments_t, inspections
from projections.models.complaints import complaint_quarters, complaints
from projections.models.coverage import coverage_streets
from projections.models.fees import fee_months
from projections.models.registry import communities, engagement_events, engagements, providers
from projections.models.satisfaction import surveys as surveys_t

Db = Engine | Connection


def _all(db: Db, stmt: Any) -> list[dict]:
    if isinstance(db, Engine):
        with db.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(stmt)]
    return [dict(r._mapping) for r in db.execute(stmt)]


def _one(db: Db, stmt: Any) -> dict | None:
    rows = _all(db, stmt)
    return rows[0] if rows else None


# --- registry ------------------------------------------------------------------------------------
def get_provider(db: Db, uscc: str) -> dict | None:
    return _one(db, select(providers).where(providers.c.uscc == uscc))


def list_providers(db: Db) -> list[dict]:
    return _all(db, select(providers).order_by(providers.c.uscc))


def get_community(db: Db, code: str) -> dict | None:
    return _one(db, select(communities).where(communities.c.code == code))


def list_communities(db: Db, street: str | None = None, category: str | None = None) -> list[dict]:
    stmt = select(communities).order_by(communities.c.code)
    if street is not None:
        stmt = stmt.where(communities.c.street == street)
    if category is not None:
        stmt = stmt.where(communities.c.category == category)
    return _all(db, stmt)


def get_engagement(db: Db, code: str) -> dict | None:
    return _one(db, select(engagements).where(engagements.c.code == code))


def engagements_of(db: Db, community_code: str | None = None, provider_uscc: str | None = None) -> list[dict]:
    stmt = select(engagements).order_by(engagements.c.requested_on, engagements.c.code)
    if community_code is not None:
        stmt = stmt.where(engagements.c.community_code == community_code)
    if provider_uscc is not None:
        stmt = stmt.where(engagements.c.provider_uscc == provider_uscc)
    return _all(db, stmt)


def registry_counts(db: Db) -> dict[str, Any]:
    """How many providers and communities, and how many engagements in each status."""
    def count(table: Any) -> int:
        return _one(db, select(func.count().label("n")).select_from(table))["n"]

    by_status = _all(db, select(engagements.c.status, func.count().label("n")).group_by(engagements.c.status))
    return {"providers": count(providers), "communities": count(communities),
            "engagements": {r["status"]: r["n"] for r in by_status}}


def engagement_history(db: Db, code: str) -> list[dict]:
    """Every event of one engagement, in order (the entry decision carries blacklist_position/override)."""
    return _all(db, select(engagement_events).where(engagement_events.c.engagement_code == code)
                .order_by(engagement_events.c.version))


# --- complaints ------------------------------------------------------------------------------------
def complaints_by_quarter(db: Db, community_code: str | None = None, provider_uscc: str | None = None,
                          quarters: Iterable[str] | None = None) -> list[dict]:
    """Per (community, provider, quarter): filed, substantiated, resolved and per 1,000 households."""
    stmt = select(complaint_quarters).order_by(complaint_quarters.c.quarter, complaint_quarters.c.community_code,
                                               complaint_quarters.c.provider_uscc)
    if community_code is not None:
        stmt = stmt.where(complaint_quarters.c.community_code == community_code)
    if provider_uscc is not None:
        stmt = stmt.where(complaint_quarters.c.provider_uscc == provider_uscc)
    if quarters is not None:
        stmt = stmt.where(complaint_quarters.c.quarter.in_(list(quarters)))
    rows = _all(db, stmt)
    for r in rows:
        h = r["households"]
        r["filed_per_1000"] = r["filed"] * 1000 / h if h else None
        r["substantiated_per_1000"] = r["substantiated"] * 1000 / h if h else None
    return rows


def open_complaints(db: Db) -> int:
    """Complaints filed and not yet resolved."""
    stmt = select(func.count().label("n")).select_from(complaints).where(complaints.c.resolved.is_(False))
    return _one(db, stmt)["n"]


def list_complaints(db: Db, community_code: str | None = None, open_only: bool = False) -> list[dict]:
    """Complaints newest first (no personal data: the read model holds none)."""
    stmt = select(complaints.c.code, complaints.c.community_code, complaints.c.provider_uscc,
                  complaints.c.filed_on, complaints.c.category, complaints.c.channel, complaints.c.resolved,
                  complaints.c.substantiated, complaints.c.resolved_on)
    if community_code is not None:
        stmt = stmt.where(complaints.c.community_code == community_code)
    if open_only:
        stmt = stmt.where(complaints.c.resolved.is_(False))
    return _all(db, stmt.order_by(complaints.c.filed_on.desc(), complaints.c.code))


# --- fees ----------------------------------------------------------------------------------------------
def fee_rates(db: Db, community_code: str, months: Iterable[str] | None = None) -> list[dict]:
    """Current (not withdrawn) fee records per month with the collection rates (Decimal, 4 places)."""
    stmt = (select(fee_months).where(fee_months.c.community_code == community_code, fee_months.c.withdrawn.is_(False))
            .order_by(fee_months.c.month, fee_months.c.version))
    if months is not None:
        stmt = stmt.where(fee_months.c.month.in_(list(months)))
    rows = _all(db, stmt)
    for r in rows:
        billed, collected = Decimal(r["amount_billed"]), Decimal(r["amount_collected"])
        r["amount_billed"], r["amount_collected"] = billed, collected
        r["rate"] = (collected / billed).quantize(Decimal("0.0001")) if billed else None
        hb = r["households_billed"]
        r["household_rate"] = (Decimal(r["households_paid"]) / hb).quantize(Decimal("0.0001")) if hb else None
    return rows


# --- assessments and inspections ---------------------------------------------------------------------------
def assessments(db: Db, community_code: str) -> list[dict]:
    """Per quarter: the current joint assessment (points, total, grade, vetoes) and the month inspections."""
    current = _all(db, select(assessments_t).where(assessments_t.c.community_code == community_code,
                                                    assessments_t.c.withdrawn.is_(False)))
    checks = _all(db, select(inspections).where(inspections.c.community_code == community_code,
                                                inspections.c.withdrawn.is_(False)).order_by(inspections.c.month))
    import json

    quarters: dict[str, dict] = {}
    for a in current:
        quarters.setdefault(a["quarter"], {"quarter": a["quarter"], "inspections": []})["assessment"] = {
            **a, "points": json.loads(a["points"]), "vetoes": [v for v in a["vetoes"].split(",") if v]}
    for i in checks:
        q = quarters.setdefault(i["quarter"], {"quarter": i["quarter"], "assessment": None, "inspections": []})
        q["inspections"].append({**i, "failed_items": [v for v in i["failed_items"].split(",") if v]})
    out = []
    for key in sorted(quarters):
        q = quarters[key]
        q.setdefault("assessment", None)
        q["inspections_passed"] = sum(1 for i in q["inspections"] if i["passed"])
        q["inspections_failed"] = len(q["inspections"]) - q["inspections_passed"]
        out.append(q)
    return out


# --- satisfaction --------------------------------------------------------------------------------------------
def surveys(db: Db, community_code: str, include_withdrawn: bool = False) -> list[dict]:
    stmt = select(surveys_t).where(surveys_t.c.community_code == community_code).order_by(surveys_t.c.version)
    if not include_withdrawn:
        stmt = stmt.where(surveys_t.c.withdrawn.is_(False))
    return _all(db, stmt)


# --- coverage ---------------------------------------------------------------------------------------------------
def coverage(db: Db) -> list[dict]:
    """Per street: old communities, how many are under long-term management, and the shares."""
    rows = _all(db, select(coverage_streets).order_by(coverage_streets.c.street))
    for r in rows:
        n, h = r["old_communities"], r["old_households"]
        r["share"] = r["covered"] / n if n else None
        r["household_share"] = r["covered_households"] / h if h else None
    return rows

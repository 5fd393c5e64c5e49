"""Complaints as the pages list them: the complaints read model (one row per complaint,
no personal data), kept current like every list of the app (``ReadModels``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect, select

from domain.errors import DomainError
from projections.models.complaints import complaints


def complaints_of(read_models: Any, community: str = "", *, open_only: bool = False) -> list[dict] | None:
    """Newest first; None where there is no complaints read model to read (a ``memory://``
    ledger, or a projection worker that has not built it yet)."""
    try:
        with read_models.connect() as (conn, _):
            if not inspect(conn).has_table(complaints.name):
                return None
            stmt = select(complaints.c.code, complaints.c.community_code, complaints.c.filed_on,
                          complaints.c.category, complaints.c.channel, complaints.c.resolved,
                          complaints.c.substantiated, complaints.c.resolved_on)
            if community:
                stmt = stmt.where(complaints.c.community_code == community)
            if open_only:
                stmt = stmt.where(complaints.c.resolved.is_(False))
            stmt = stmt.order_by(complaints.c.filed_on.desc(), complaints.c.code)
            return [dict(row._mapping) for row in conn.execute(stmt)]
    except DomainError:
        return None


def open_complaints(read_models: Any, communities: dict[str, Any], community: str = "") -> list[dict]:
    """Open complaints of the given communities (those in the user's scope), for a pick list."""
    found = complaints_of(read_models, community, open_only=True) or []
    return [c for c in found if c["community_code"] in communities]

"""Complaints as the pages list them: the complaints read model (``projections.queries``,
no personal data), kept current like every list of the app (``ReadModels``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect

from domain.errors import DomainError
from projections import queries
from projections.models.complaints import complaints


def complaints_of(read_models: Any, community: str | None = None, *, open_only: bool = False) -> list[dict] | None:
    """None where there is no complaints read model to read (a ``memory://`` ledger, or a
    projection worker that has not built it yet): the page then leaves the list out."""
    try:
        with read_models.connect() as (conn, _):
            if not inspect(conn).has_table(complaints.name):
                return None
            return queries.list_complaints(conn, community, open_only)
    except DomainError:
        return None


def open_complaints(read_models: Any, communities: dict[str, Any], community: str = "") -> list[dict]:
    """Open complaints of the given communities (those in the user's scope), for a pick list."""
    found = complaints_of(read_models, community or None, open_only=True) or []
    return [c for c in found if c["community_code"] in communities]

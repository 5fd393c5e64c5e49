"""The public pages (no login): published star ratings and the blacklist of today.

Plain and printable: one table each, what the result was computed from, and
how to object. Only published results: a computed cycle that has not been
published does not appear.
"""

from typing import Any

from fastapi import APIRouter, Request

from api.routers._readmodels import ReadModelsDep, parse_day
from api.deps import LedgerDep
from api.routers.public import event_at, public_blacklist, published_stars
from api.web.pages._results import page
from api.web.templating import PageUser

router = APIRouter()


@router.get("/public/stars")
def stars(request: Request, user: PageUser, read_models: ReadModelsDep, ledger: LedgerDep) -> Any:
    with read_models.connect() as (conn, position):
        found = published_stars(conn, request.query_params.get("cycle") or None, lambda p: event_at(ledger, p))
    return page(request, "public_stars.html", {"cycles": found["cycles"], "cycle": found["cycle"],
                                               "position": position}, user)


@router.get("/public/blacklist")
def blacklist(request: Request, user: PageUser, read_models: ReadModelsDep, ledger: LedgerDep) -> Any:
    day = parse_day(request.query_params.get("on")).isoformat()
    with read_models.connect() as (conn, position):
        entries = public_blacklist(conn, day)
    return page(request, "public_blacklist.html", {"entries": entries, "day": day, "position": position,
                                                   "published": latest_blacklist_publication(request, ledger)}, user)


def latest_blacklist_publication(request: Request, ledger: Any) -> dict | None:
    """The latest formal (signed) publication of the blacklist, from the publications index."""
    from api.routers.publications import _summaries

    found = _summaries(request, ledger, "blacklist")
    return max(found, key=lambda p: p["event_position"]) if found else None

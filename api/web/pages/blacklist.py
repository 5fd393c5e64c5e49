"""The blacklist for officials: as of any date, with the rule that listed each provider,
its detail and the events behind it, and the history (past and scheduled entries).
The public is sent to /public/blacklist."""

from typing import Any

from fastapi import APIRouter, Request

from api.routers._readmodels import BLACKLIST_READERS, ReadModelsDep, parse_day
from api.routers.blacklist_read import blacklist_as_of
from api.web.pages._results import gate, page
from api.web.templating import PageUser

router = APIRouter()


@router.get("/blacklist")
def blacklist(request: Request, user: PageUser, read_models: ReadModelsDep) -> Any:
    if (redirect := gate(user, BLACKLIST_READERS, "the blacklist", "/public/blacklist")) is not None:
        return redirect
    day = parse_day(request.query_params.get("on")).isoformat()
    with read_models.connect() as (conn, position):
        found = blacklist_as_of(conn, day)
    return page(request, "blacklist.html", {"day": day, "position": position, **found}, user)

"""The approvals inbox: entry requests waiting for the party committee.

Listed from the catalogue (the registry read model later); a party committee
sees its own street's requests. Deciding from the page comes with the approvals
work; the JSON API already takes the decision
(POST /api/v1/engagements/{code}/entry-decision).
"""

from typing import Any

from fastapi import APIRouter, Request

from api.auth import in_scope
from api.deps import CatalogueDep
from api.web.templating import PageReader, render

router = APIRouter()


@router.get("/approvals")
def approvals(request: Request, user: PageReader, catalogue: CatalogueDep) -> Any:
    communities = {c.code: c for c in catalogue.communities()}
    rows = []
    for e in catalogue.engagements("requested"):
        community = communities.get(e.community_code)
        street = community.street if community else ""
        if in_scope(user, street, e.community_code):
            rows.append({"e": e, "community": community})
    return render(request, "approvals.html", {"rows": rows}, user=user)

"""The home page: ledger counts for officials, links to published results for the public."""

from typing import Any

from fastapi import APIRouter, Request

from api.deps import CatalogueDep
from api.web.templating import PageUser, render

router = APIRouter()


@router.get("/")
def dashboard(request: Request, user: PageUser, catalogue: CatalogueDep) -> Any:
    counts = catalogue.counts() if user.authenticated and user.role != "public" else None
    return render(request, "dashboard.html", {"counts": counts}, user=user)

"""The home page: ledger counts for officials, links to published results for the public,
and a few figures from the read models (computed once per read-model position): the star
distribution of the latest publication and the number of providers on the blacklist today
(public results, shown to everyone), subsidies due and paid in the last complete period
(for the roles that read subsidies)."""

from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request

from domain.errors import DomainError

from api.deps import CatalogueDep
from api.routers._readmodels import SUBSIDY_READERS, ReadModels, ReadModelsDep, ledger_today
from api.web.pages._results import page
from api.web.templating import PageUser

router = APIRouter()


def _figures(read_models: ReadModels, with_subsidies: bool) -> dict | None:
    from api.routers.public import public_blacklist, published_stars
    from api.routers.subsidies_read import period_of

    today = ledger_today().isoformat()

    def results(_: int) -> dict:
        with read_models.engine.connect() as conn:
            cycle = published_stars(conn)["cycle"]
            listed = {e["uscc"] for e in public_blacklist(conn, today)}
        return {"cycle": cycle and {k: cycle[k] for k in ("code", "distribution", "latest")},
                "blacklisted": len(listed), "today": today}

    def subsidies(_: int) -> dict:
        query = read_models.subsidies()
        period = period_of(None, query)
        lines = query.lines(period)
        zero = Decimal("0.00")
        return {"period": period.label, "due": sum((l.due for l in lines), zero),
                "paid": sum((l.paid for l in lines), zero)}

    try:
        found = dict(read_models.cached(f"dashboard:{today}", results))
        if with_subsidies:
            found["subsidies"] = read_models.cached("dashboard:subsidies", subsidies)
        return found
    except DomainError:  # no read models here (memory://), or no pack adopted: the counts still show
        return None


@router.get("/")
def dashboard(request: Request, user: PageUser, catalogue: CatalogueDep, read_models: ReadModelsDep) -> Any:
    counts = catalogue.counts() if user.authenticated and user.role != "public" else None
    figures = _figures(read_models, user.authenticated and user.role in SUBSIDY_READERS)
    return page(request, "dashboard.html", {"counts": counts, "figures": figures}, user)

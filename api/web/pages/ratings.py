"""Star ratings for the housing bureau and the auditor: the cycles, one cycle
(distribution, cut points, method, publications with republications, objections,
results) and why one provider got its stars (departments, re-normalised weights,
events, pack), with its credit. The public is sent to /public/stars. The cycle page also
shows the wizard (评定向导, ``_cycle_steps``): where the cycle stands and its next step's forms."""

from typing import Any

from fastapi import APIRouter, Request

from api.auth import allowed
from api.deps import LedgerDep
from api.routers._readmodels import RATINGS_READERS, ReadModelsDep, parse_day
from api.routers.ratings_read import cycle_detail, cycles_overview, provider_explanation
from api.web.pages._cycle_steps import wizard
from api.web.pages.cycle_adopt import ADOPT, adopt_context
from api.web.pages._results import gate, page
from api.web.pages._scheme_words import method_text, standardisation_text
from api.web.templating import PageUser, page_lang

router = APIRouter()
WHAT = "rating cycles"


@router.get("/ratings")
def cycles(request: Request, user: PageUser, read_models: ReadModelsDep) -> Any:
    if (redirect := gate(user, RATINGS_READERS, WHAT, "/public/stars")) is not None:
        return redirect
    with read_models.connect() as (conn, position):
        rows = cycles_overview(conn)
    adopt = adopt_context(request) if allowed(user, ADOPT.command) else None
    return page(request, "ratings.html", {"rows": rows, "position": position, "adopt": adopt}, user)


@router.get("/ratings/{code}")
def cycle(code: str, request: Request, user: PageUser, read_models: ReadModelsDep, ledger: LedgerDep) -> Any:
    if (redirect := gate(user, RATINGS_READERS, WHAT, "/public/stars")) is not None:
        return redirect
    with read_models.connect() as (conn, position):
        c = cycle_detail(conn, code)
    total = sum(c["distribution"].values())
    lang = page_lang(request)
    scheme = {"method": method_text(c["method"], c["scheme"].get("parameters"), lang),
              "standardisation": standardisation_text(c["scheme"].get("standardisation"), lang)}
    return page(request, "rating_cycle.html", {"c": c, "total": total, "position": position, "scheme": scheme,
                                               "wiz": wizard(request, user, ledger, read_models, code)}, user)


@router.get("/ratings/{code}/providers/{uscc}")
def provider(code: str, uscc: str, request: Request, user: PageUser, read_models: ReadModelsDep) -> Any:
    if (redirect := gate(user, RATINGS_READERS, WHAT, "/public/stars")) is not None:
        return redirect
    day = parse_day(request.query_params.get("on")).isoformat()
    with read_models.connect() as (conn, position):
        x = provider_explanation(conn, code, uscc, day)
    weights = (x["rating"].get("weights") or {})
    return page(request, "rating_provider.html", {"x": x, "rating": x["rating"], "weights": weights, "day": day,
                                                  "position": position}, user)

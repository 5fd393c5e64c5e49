"""Providers and communities: lists from the catalogue, details from the aggregates."""

from typing import Any

from fastapi import APIRouter, Request

from domain.community import Community
from domain.provider import Provider
from domain.values import check_uscc

from api.auth import in_scope
from api.commands import load
from api.deps import CatalogueDep, LedgerDep
from api.routers._readmodels import ReadModelsDep
from api.routers.communities import community_out
from api.routers.providers import provider_out
from api.web.pages._complaint_list import complaints_of
from api.web.templating import PageReader, render

# ?kind= of a form's confirmation → the word for it (an inspection's confirmation has no kind)
SAVED = {"complaint": "saved.complaint", "resolution": "saved.resolution", "survey": "saved.survey",
         "fees": "saved.fees"}

router = APIRouter()


@router.get("/providers")
def providers(request: Request, user: PageReader, catalogue: CatalogueDep) -> Any:
    return render(request, "providers.html", {"rows": catalogue.providers()}, user=user)


@router.get("/providers/{uscc}")
def provider(uscc: str, request: Request, user: PageReader, ledger: LedgerDep) -> Any:
    p = provider_out(load(ledger, Provider, check_uscc(uscc), "uscc"))
    return render(request, "provider.html", {"p": p}, user=user)


@router.get("/communities")
def communities(request: Request, user: PageReader, catalogue: CatalogueDep) -> Any:
    return render(request, "communities.html", {"rows": catalogue.communities()}, user=user)


@router.get("/communities/{code}")
def community(code: str, request: Request, user: PageReader, ledger: LedgerDep, read_models: ReadModelsDep) -> Any:
    c = community_out(load(ledger, Community, code, "code"))
    saved = SAVED.get(request.query_params.get("kind", ""), "insp.saved")
    return render(request, "community.html",
                  {"c": c, "recorded": request.query_params.get("recorded"), "saved": saved,
                   "complaints": complaints_of(read_models, c.code), "records_here": in_scope(user, c.street, c.code)},
                  user=user)

"""Subsidies for civil affairs, finance and the auditor: a period picker, totals by
street, the list by community with links to each community's explanation (every
condition and its outcome), and the period's list as Excel or CSV."""

from typing import Any

from fastapi import APIRouter, Request

from domain.errors import NotFoundError

from api.routers._readmodels import SUBSIDY_READERS, ReadModelsDep
from api.routers.subsidies_read import community_explanation, download, export_file, overview, period_of, periods
from api.web.pages._results import gate, page
from api.web.pages._subsidy_words import check_detail, check_name, grades_text, modes_text, reason_text
from api.web.i18n import error_text
from api.web.templating import PageUser, page_lang

router = APIRouter()
WHAT = "subsidies"


def words(request: Request) -> dict[str, Any]:
    """Reasons, modes, grades and conditions in the page's language (the read models store Chinese with codes)."""
    lang = page_lang(request)
    return {"why": lambda text: reason_text(text, lang), "modes": lambda codes: modes_text(codes, lang),
            "grades": lambda codes: grades_text(codes, lang),
            "check_name": lambda c: check_name(c["name"], lang),
            "check_detail": lambda c: check_detail(c["key"], c["detail"], lang)}


@router.get("/subsidies")
def subsidies(request: Request, user: PageUser, read_models: ReadModelsDep) -> Any:
    gate(user, SUBSIDY_READERS, WHAT)
    try:
        query = read_models.subsidies()
    except NotFoundError as error:  # no pack adopted yet: say so on the page
        return page(request, "subsidies.html", {"o": None, "message": error_text(error, page_lang(request))}, user)
    period = period_of(request.query_params.get("period") or None, query)
    found = overview(query, period)
    return page(request, "subsidies.html", {"o": found, "periods": periods(query), "period": period.label,
                                            "position": read_models.refresh(), **words(request)}, user)


@router.get("/subsidies/export")
def export(request: Request, user: PageUser, read_models: ReadModelsDep) -> Any:
    gate(user, SUBSIDY_READERS, WHAT)
    fmt = request.query_params.get("format") or "xlsx"
    query = read_models.subsidies()
    data, name = export_file(query, period_of(request.query_params.get("period") or None, query), fmt)
    return download(data, name, fmt)


@router.get("/subsidies/communities/{code}")
def community(code: str, request: Request, user: PageUser, read_models: ReadModelsDep) -> Any:
    gate(user, SUBSIDY_READERS, WHAT)
    query = read_models.subsidies()
    period = period_of(request.query_params.get("period") or None, query)
    return page(request, "subsidy_community.html", {"x": community_explanation(query, period, code),
                                                    "period": period.label, **words(request)}, user)

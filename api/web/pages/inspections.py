"""The monthly inspection form (每月巡查): a street's most frequent entry.

POST runs the same Ledger command as the JSON API, with the same role and
street checks; a refused value is shown next to its field, in Chinese. A hidden
per-form key is sent as the idempotency key, so a double submit records once.
"""

from datetime import date
from typing import Any
from uuid import uuid4

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from api.clock import ledger_today
from domain.base import Stamp
from domain.community import Community
from domain.errors import DomainError, ValidationError
from domain.values import Source
from domain.vocab import BASIC_SERVICES

from api import consistency
from api.auth import authorize, require_scope
from api.commands import load
from api.deps import CatalogueDep, LedgerDep
from api.errors import status_for
from api.web.i18n import error_text
from api.web.templating import PageReader, page_lang, render

router = APIRouter()
ITEMS = BASIC_SERVICES
# Domain error fields → the form field the message belongs next to.
FORM_FIELD = {"community_code": "community", "code": "community", "month": "month", "occurred_on": "occurred_on",
              "items": "items", "source.sha256": "document", "source": "document"}


def _render(request: Request, user: Any, catalogue: Any, values: dict, errors: dict, status: int = 200) -> Any:
    return render(request, "inspection_form.html",
                  {"values": values, "errors": errors, "items": ITEMS, "communities": catalogue.communities()},
                  user=user, status_code=status)


@router.get("/inspections/new")
def inspection_form(request: Request, user: PageReader, catalogue: CatalogueDep) -> Any:
    authorize(user, "record_inspection")
    today = ledger_today()
    values = {"community": request.query_params.get("community", ""), "month": today.strftime("%Y-%m"),
              "occurred_on": today.isoformat(), "document": "", "form_key": uuid4().hex,
              **{f"item_{i}": "pass" for i in ITEMS}}
    return _render(request, user, catalogue, values, {})


@router.post("/inspections/new")
async def record_inspection(request: Request, user: PageReader, ledger: LedgerDep, catalogue: CatalogueDep) -> Any:
    authorize(user, "record_inspection")
    form = await request.form()
    values = {k: str(v).strip() for k, v in form.items()}
    try:
        position = _record(ledger, user, values)
    except DomainError as error:
        field = FORM_FIELD.get(error.field, "_form")
        return _render(request, user, catalogue, values, {field: error_text(error, page_lang(request))},
                       status=status_for(error))
    return RedirectResponse(f"/communities/{values['community']}?recorded={position}", status_code=303)


def _record(ledger: Any, user: Any, values: dict) -> int:
    code = values.get("community", "")
    if not code:
        raise ValidationError("community_code", "required", "is required")
    try:
        occurred_on = date.fromisoformat(values.get("occurred_on", ""))
    except ValueError:
        raise ValidationError("occurred_on", "date", "must be a date (YYYY-MM-DD)") from None
    if occurred_on > ledger_today():  # as the API's CommandIn refuses it
        raise ValidationError("occurred_on", "not_after_today", "must not be after today (Asia/Shanghai)")
    community = load(ledger, Community, code, "community_code")
    require_scope(user, community.street, community.code)
    items = {i: values.get(f"item_{i}", "pass") == "pass" for i in ITEMS}
    document = values.get("document", "")
    stamp = Stamp(occurred_on=occurred_on, actor=user.actor, source=Source(document=document) if document else None)
    key = values.get("form_key") or None
    result = ledger.community_command("record_inspection", code, month=values.get("month", ""), items=items,
                                      stamp=stamp, idempotency_key=f"web-inspection:{key}" if key else None)
    if result.replayed and result.command != "record_inspection":
        raise ValidationError("_form", "same_command", "this form was already used; open a new one")
    consistency.wrote(consistency.highest(result.positions))  # the next pages wait for it (read_models)
    return result.positions[0] if result.positions else ledger.max_position()

"""The approvals inbox (审批待办) of the community party organisation (社区党组织).

Each pending entry request shows what was filed and the provider's blacklist
position as of today, read from ``ledger.blacklist`` — the port the decision
command consults — and carries a decision form; pending exit notices carry an
exit-decision form. Every reader sees the lists of their scope; only a party
committee of the community's street decides (the API's permission functions:
``authorize`` + ``require_scope``). A refused decision is shown next to its field,
in Chinese, and writes nothing; a recorded one is confirmed with the blacklist
position it rested on and the override, if any.
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from api import consistency
from api.auth import allowed, authorize, in_scope, require_scope
from api.clock import ledger_today
from api.commands import load
from api.deps import CatalogueDep, LedgerDep
from api.errors import status_for
from api.web.i18n import error_text
from api.web.pages import _approvals_words  # noqa: F401  (registers the page's words)
from api.web.pages._approvals_data import (
    blacklist_position, decisions, engagement_events, exit_notice, request_facts,
)
from api.web.pages._results import page
from api.web.templating import PageReader, page_lang
from domain.base import Stamp
from domain.community import Community
from domain.engagement import Engagement
from domain.errors import DomainError, RuleViolation, ValidationError

router = APIRouter()
# Domain error fields → the form field the message belongs next to.
FORM_FIELD = {"approved": "approved", "reason": "reason", "override_reason": "override_reason",
              "provider_uscc": "override_reason"}  # "blacklisted": approval needs the override reason


def _may_decide(user: Any, command: str, street: str, community_code: str) -> bool:
    return allowed(user, command) and in_scope(user, street, community_code)


def _rows(user: Any, ledger: Any, catalogue: Any, status: str, command: str) -> list[dict]:
    communities = {c.code: c for c in catalogue.communities()}
    providers = {p.uscc: p for p in catalogue.providers()}
    today = ledger_today()
    rows = []
    for e in catalogue.engagements(status):
        community = communities.get(e.community_code)
        street = community.street if community else ""
        if not in_scope(user, street, e.community_code):
            continue
        events = engagement_events(ledger, e.code)
        row = {"e": e, "community": community, "provider": providers.get(e.provider_uscc),
               "request": request_facts(events), "can_decide": _may_decide(user, command, street, e.community_code)}
        if status == "requested":
            row["blacklist"] = blacklist_position(ledger, e.provider_uscc, today)
        else:
            row["notice"] = exit_notice(events)
        rows.append(row)
    return rows


def _render(request: Request, user: Any, ledger: Any, catalogue: Any, *, form_for: str = "", values: dict | None = None,
            errors: dict | None = None, status: int = 200) -> Any:
    decided = request.query_params.get("decided", "")
    confirmation = None
    if decided:
        events = engagement_events(ledger, decided)
        found = decisions(events)
        if found:
            confirmation = {"code": decided, "at": request.query_params.get("at", ""), **found[-1]}
    context = {"entries": _rows(user, ledger, catalogue, "requested", "decide_entry"),
               "exits": _rows(user, ledger, catalogue, "exit_noticed", "decide_exit"),
               "today": ledger_today(), "form_for": form_for, "values": values or {}, "errors": errors or {},
               "new_key": lambda: uuid4().hex, "confirmation": confirmation}
    return page(request, "approvals.html", context, user, status_code=status)


@router.get("/approvals")
def approvals(request: Request, user: PageReader, ledger: LedgerDep, catalogue: CatalogueDep) -> Any:
    return _render(request, user, ledger, catalogue)


async def _decide(request: Request, user: Any, ledger: Any, catalogue: Any, code: str, command: str) -> Any:
    authorize(user, command)  # 403 for any role but the party committee
    engagement = load(ledger, Engagement, code, "engagement_code")
    community = load(ledger, Community, engagement.community_code, "community_code")
    require_scope(user, community.street, community.code)  # 403 for another street's committee
    form = await request.form()
    values = {k: str(v).strip() for k, v in form.items()}
    try:
        position = _record(ledger, user, code, command, values)
    except DomainError as error:
        field = FORM_FIELD.get(error.field, "_form")
        return _render(request, user, ledger, catalogue, form_for=f"{command}:{code}", values=values,
                       errors={field: error_text(error, page_lang(request))}, status=status_for(error))
    return RedirectResponse(f"/approvals?decided={code}&at={position}", status_code=303)


def _record(ledger: Any, user: Any, code: str, command: str, values: dict) -> int:
    choice = values.get("approved", "")
    if choice not in ("yes", "no"):
        raise ValidationError("approved", "required", "choose approve or refuse")
    # Today, in the ledger's time zone: the blacklist position shown is the one the decision consults.
    stamp = Stamp(occurred_on=ledger_today(), actor=user.actor, source=None)
    key = values.get("form_key") or None
    idempotency_key = f"web-{command}:{key}" if key else None
    if command == "decide_entry":
        result = ledger.decide_entry(code, approved=choice == "yes", reason=values.get("reason", ""), stamp=stamp,
                                     override_reason=values.get("override_reason") or None,
                                     idempotency_key=idempotency_key)
    else:
        result = ledger.engagement_command("decide_exit", code, approved=choice == "yes",
                                           reason=values.get("reason", ""), stamp=stamp,
                                           idempotency_key=idempotency_key)
    if result.replayed and result.command != command:
        raise RuleViolation("_form", "same_command", "this form was already used; open a new one")
    consistency.wrote(consistency.highest(result.positions))  # the next pages wait for it (read_models)
    return result.positions[0] if result.positions else ledger.max_position()


@router.post("/approvals/{code}/entry-decision")
async def decide_entry(code: str, request: Request, user: PageReader, ledger: LedgerDep,
                       catalogue: CatalogueDep) -> Any:
    return await _decide(request, user, ledger, catalogue, code, "decide_entry")


@router.post("/approvals/{code}/exit-decision")
async def decide_exit(code: str, request: Request, user: PageReader, ledger: LedgerDep,
                      catalogue: CatalogueDep) -> Any:
    return await _decide(request, user, ledger, catalogue, code, "decide_exit")


@router.get("/engagements/{code}")
def engagement(code: str, request: Request, user: PageReader, ledger: LedgerDep, catalogue: CatalogueDep) -> Any:
    e = load(ledger, Engagement, code, "code")
    events = engagement_events(ledger, code)
    context = {"e": e, "req": request_facts(events), "decisions": decisions(events),
               "notice": exit_notice(events),
               "community": next((c for c in catalogue.communities() if c.code == e.community_code), None)}
    return page(request, "engagement.html", context, user)

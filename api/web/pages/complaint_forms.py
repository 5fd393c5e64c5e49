"""Complaints from the browser (投诉登记, 投诉办结), for streets and residents' committees.

Same commands and checks as ``POST /api/v1/complaints`` and
``POST /api/v1/complaints/{code}/resolution``: the complainant's name and phone go to
``Ledger.file_complaint``, whose vault seals them per person before any event is
written. Validation, errors and double submissions: ``_record_forms``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from domain.complaint import Complaint
from domain.errors import ValidationError

from api.auth import authorize, in_scope
from api.commands import CommandContext, load
from api.deps import CatalogueDep, LedgerDep
from api.io.labels import CHANNEL
from api.routers._readmodels import ReadModelsDep
from api.schemas.engagements import ComplaintIn, ComplaintResolutionIn
from api.web.pages._complaint_list import open_complaints
from api.web.pages._record_forms import Field, RecordForm, Target, blank, form_community, show, submit
from api.web.templating import PageReader

router = APIRouter()


def _complaint_community(cmd: CommandContext, values: dict) -> str:
    """The complaint's community, in the user's scope (what the API's resolution endpoint checks)."""
    code = values.get("complaint", "")
    if not code:
        raise ValidationError("complaint_code", "required", "is required")
    complaint = load(cmd.ledger, Complaint, code, "complaint_code")
    return cmd.scope_community(complaint.community_code).code


FILE = RecordForm(
    name="complaint", path="/complaints/new", command="file_complaint", title="rf.complaint_title",
    schema=ComplaintIn, community=form_community,
    fields=(
        Field("community", "insp.community", "community", schema="community_code"),
        Field("code", "rf.complaint_code", hint="rf.complaint_code_hint"),
        Field("category", "rf.category", hint="rf.category_hint"),
        Field("channel", "rf.channel", "select", choices=tuple((c, f"channel.{c}") for c in CHANNEL.canonical)),
        Field("description", "rf.description", "textarea"),
        Field("complainant_name", "rf.complainant_name", hint="rf.sealed_hint"),
        Field("complainant_phone", "rf.complainant_phone", hint="rf.sealed_hint"),
        Field("provider_uscc", "rf.provider_uscc", hint="rf.provider_hint"),
        Field("occurred_on", "rf.filed_on", "date", hint="rf.date_hint"),
        Field("document", "insp.document", schema="source.document"),
    ),
    target=lambda cmd, body, community, _: Target(cmd.ledger.file_complaint, Complaint.KIND, body.code, community,
                                                  creates=True),
)

RESOLVE = RecordForm(
    name="resolution", path="/complaints/resolve", command="resolve_complaint", title="rf.resolution_title",
    schema=ComplaintResolutionIn, community=_complaint_community,
    fields=(
        # The API takes the complaint in its path, not its body: not a schema field.
        Field("complaint", "rf.complaint_code", "complaint", schema="-", hint="rf.open_hint"),
        Field("substantiated", "rf.substantiated", "yesno",
              choices=(("yes", "rf.substantiated_yes"), ("no", "rf.substantiated_no"))),
        Field("resolution", "rf.resolution", "textarea"),
        Field("occurred_on", "rf.resolved_on", "date", hint="rf.date_hint"),
        Field("document", "insp.document", schema="source.document"),
    ),
    target=lambda cmd, body, community, values: Target(
        lambda **kw: cmd.ledger.resolve_complaint(values["complaint"], **kw), Complaint.KIND, values["complaint"],
        community),
)


def _pick_list(user: Any, catalogue: Any, read_models: Any, community: str) -> dict:
    """The open complaints the user may resolve (of ?community= when given), to pick from."""
    mine = {c.code: c for c in catalogue.communities() if in_scope(user, c.street, c.code)}
    return {"open_complaints": open_complaints(read_models, mine, community)}


@router.get("/complaints/new")
def complaint_form(request: Request, user: PageReader, catalogue: CatalogueDep) -> Any:
    authorize(user, FILE.command)
    return show(request, user, catalogue, FILE, blank(FILE, request))


@router.post("/complaints/new")
async def file_complaint(request: Request, user: PageReader, ledger: LedgerDep, catalogue: CatalogueDep) -> Any:
    return await submit(request, user, ledger, catalogue, FILE)


@router.get("/complaints/resolve")
def resolution_form(request: Request, user: PageReader, catalogue: CatalogueDep, read_models: ReadModelsDep) -> Any:
    authorize(user, RESOLVE.command)
    values = blank(RESOLVE, request, complaint=request.query_params.get("complaint", ""))
    return show(request, user, catalogue, RESOLVE, values,
                **_pick_list(user, catalogue, read_models, values["community"]))


@router.post("/complaints/resolve")
async def resolve_complaint(request: Request, user: PageReader, ledger: LedgerDep, catalogue: CatalogueDep,
                            read_models: ReadModelsDep) -> Any:
    authorize(user, RESOLVE.command)  # before the pick list is read
    community = request.query_params.get("community", "")
    return await submit(request, user, ledger, catalogue, RESOLVE,
                        **_pick_list(user, catalogue, read_models, community))

"""The rating-cycle wizard's forms (评定向导), for the housing bureau: open, close, compute,
publish, objections (复核) and their decisions, republish — the commands of
``POST /api/v1/cycles/{code}/…`` with the same schemas, roles and checks.

Each step has its own page (``/ratings/{code}/open`` …), where a refused value is shown
next to its field; the cycle page (``ratings.py``, ``_cycle_steps.py``) shows the current
step's forms inline, posting here. Validation, errors and double submissions: ``_record_forms``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request

from domain.errors import DomainError, ValidationError
from domain.rating_cycle import RatingCycle

from api.auth import authorize
from api.commands import CommandContext, load
from api.deps import LedgerDep
from api.routers._readmodels import ReadModels, ReadModelsDep
from api.routers.cycles import cycle_call
from api.routers.public import provider_names
from api.schemas.cycles import (
    CycleCloseIn, CycleOpenIn, ObjectionDecisionIn, ObjectionIn, PublicationIn, RepublicationIn, ResultIn,
)
from api.web.pages import _cycle_words  # noqa: F401  (registers the wizard's words)
from api.web.pages._record_forms import Field, RecordForm, Target, blank, show, submit
from api.web.templating import PageReader

router = APIRouter()


def form_cycle(cmd: CommandContext, values: dict) -> str:
    """The cycle named by the URL: it exists (the API's 404 otherwise)."""
    code = values.get("cycle", "")
    if not code:
        raise ValidationError("cycle_code", "required", "is required")
    return load(cmd.ledger, RatingCycle, code, "cycle_code").code


def cycle_url(code: str) -> str:
    return f"/ratings/{quote(code, safe='')}"


def _cycle_command(name: str) -> Any:
    def target(cmd: CommandContext, body: Any, code: str, _: dict) -> Target:
        return Target(cycle_call(cmd.ledger, name, code), RatingCycle.KIND, code, "", back=cycle_url(code))
    return target


def _dated(label: str, *fields: Field) -> tuple[Field, ...]:
    """A step's own fields, then its business date and document number."""
    return (*fields, Field("occurred_on", label, "date", hint="rf.date_hint"),
            Field("document", "insp.document", schema="source.document"))


def _step(name: str, path: str, command: str, schema: type, date_label: str, *fields: Field) -> RecordForm:
    return RecordForm(name=f"cycle_{name}", path=path, command=command, title=f"cw.{name}_title", schema=schema,
                      community=form_cycle, target=_cycle_command(command), button=f"cw.{name}_button",
                      fields=_dated(date_label, *fields))


OPEN = _step("open", "open", "open", CycleOpenIn, "cw.opened_on",
             Field("period_start", "cw.period_start", "date"), Field("period_end", "cw.period_end", "date"))
CLOSE = _step("close", "close", "close", CycleCloseIn, "cw.closed_on")
COMPUTE = _step("compute", "result", "compute_result", ResultIn, "cw.computed_on")
PUBLISH = _step("publish", "publication", "publish", PublicationIn, "cw.published_on")
OBJECTION = _step("objection", "objections", "file_objection", ObjectionIn, "cw.filed_on",
                  Field("provider_uscc", "cw.provider_uscc"), Field("reason", "cw.objection_reason", "textarea"))
DECIDE = _step("decide", "objection-decisions", "decide_objection", ObjectionDecisionIn, "cw.decided_on",
               Field("objection_version", "cw.objection", "objection"),
               Field("upheld", "cw.upheld", "yesno", choices=(("yes", "cw.upheld_yes"), ("no", "cw.upheld_no"))),
               Field("reason", "cw.decision_reason", "textarea"),
               # The departments to pick from are the cycle scheme's: form_context gives them.
               Field("department", "cw.department", "select", hint="cw.remedy_hint"),
               Field("score", "cw.score", "number"), Field("stars", "cw.stars", "count"))
REPUBLISH = _step("republish", "republication", "republish", RepublicationIn, "cw.republished_on")
FORMS = (OPEN, CLOSE, COMPUTE, PUBLISH, OBJECTION, DECIDE, REPUBLISH)
# Confirmations on the cycle page (?kind=): the decision's word reads better than its form's name;
# a new cycle (cycle_adopt.py) lands there too.
SAVED = {f.name: f"saved.{f.name}" for f in FORMS} | {DECIDE.name: "saved.cycle_decision",
                                                      "cycle_adopt": "saved.cycle_adopt"}


def pending_objections(cycle: RatingCycle, names: dict[str, str] | None = None) -> list[dict]:
    """Objections awaiting a decision; ``names`` (uscc → provider name) so a person sees who filed it."""
    return [{"version": v, "uscc": o["uscc"], "name": (names or {}).get(o["uscc"], "")}
            for v, o in sorted(cycle.objections.items()) if o["status"] == "pending"]


def objection_names(read_models: ReadModels, cycle: RatingCycle | None) -> dict[str, str]:
    """Provider names from the registry read model, read only when an objection is pending: a name
    missing while the read model lags leaves the USCC, which the decision needs anyway."""
    if cycle is None or not pending_objections(cycle):
        return {}
    with read_models.connect() as (conn, _):
        return provider_names(conn)


def step_values(form: RecordForm, request: Request, cycle: RatingCycle) -> dict:
    """A new form for the cycle: today's date, a fresh key, the period or objection it likely concerns."""
    defaults: dict[str, str] = {}
    if form is OPEN:
        year = blank(form, request)["occurred_on"][:4]
        defaults = {"period_start": f"{year}-01-01", "period_end": f"{year}-12-31"}
    elif form is DECIDE:
        pending = pending_objections(cycle)
        chosen = request.query_params.get("objection", "")
        defaults = {"objection_version": chosen or (str(pending[0]["version"]) if pending else "")}
    return blank(form, request, **defaults)


def step_warning(form: RecordForm, cycle: RatingCycle | None) -> str:
    """Told before the button is pressed. Closing with no score is allowed (a warning, not a rule),
    but its result rates no provider; publishing such a result is refused (RatingCycle.publish),
    and the publish step says so first."""
    if cycle is None:
        return ""
    if form is CLOSE and not cycle.scores:
        return "cw.close_no_scores"
    if form is PUBLISH and cycle.status == "computed" and not cycle.rates_a_provider():
        return "cw.publish_no_provider_rated"
    return ""


def form_context(form: RecordForm, code: str, cycle: RatingCycle | None, names: dict[str, str] | None = None) -> dict:
    """``names``: see ``objection_names``. A remedy's department is one the cycle's scheme scores."""
    departments = cycle.departments if cycle is not None else []
    return {"step_warning": step_warning(form, cycle), "action": f"{cycle_url(code)}/{form.path}",
            "back": cycle_url(code), "back_label": "cw.back", "subject": code, "pending_objections": pending_objections(cycle, names) if cycle is not None else [],
            "choices": {"department": [("", "cw.no_department"), *((d, f"dept.{d}") for d in departments)]}}


def _add_routes(form: RecordForm) -> None:
    def page(code: str, request: Request, user: PageReader, ledger: LedgerDep, read_models: ReadModelsDep) -> Any:
        authorize(user, form.command)
        cycle = load(ledger, RatingCycle, code, "cycle_code")
        return show(request, user, None, form, step_values(form, request, cycle),
                    **form_context(form, code, cycle, objection_names(read_models, cycle)))

    async def post(code: str, request: Request, user: PageReader, ledger: LedgerDep,
                   read_models: ReadModelsDep) -> Any:
        authorize(user, form.command)  # before the cycle's objections are read
        try:
            cycle = load(ledger, RatingCycle, code, "cycle_code") if form in (DECIDE, CLOSE, PUBLISH) else None
        except DomainError:  # an unknown cycle is refused by the form itself, next to the form
            cycle = None
        return await submit(request, user, ledger, None, form, fixed={"cycle": code},
                            **form_context(form, code, cycle, objection_names(read_models, cycle)))

    path = f"/ratings/{{code}}/{form.path}"
    router.add_api_route(path, page, methods=["GET"], name=f"{form.name}_form")
    router.add_api_route(path, post, methods=["POST"], name=form.name)


for _form in FORMS:
    _add_routes(_form)

"""What the record forms (complaints filed and resolved, satisfaction surveys, fee
collections) share: one spec per form, validated by the API's own input schema and
recorded through the API's command path (``CommandContext.execute``), so a form
refuses exactly what the JSON API refuses and nothing else.

Every refused value is shown next to its field, in Chinese, and nothing is written;
the hidden per-form key is the idempotency key, so a double submission records once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable
from uuid import uuid4

from fastapi import Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError as SchemaError

from domain.errors import DomainError, ValidationError

from api.auth import authorize, in_scope
from api.clock import ledger_today
from api.commands import CommandContext
from api.errors import status_for, validation_details
from api.io.messages import zh as import_sentence
from api.schemas.common import CommandIn
from api.web.i18n import RULES_ZH
from api.web.pages import _record_words  # noqa: F401  (registers the forms' words)
from api.web.templating import page_lang, render

# Domain and schema error fields → the form field the message belongs next to.
FORM_FIELD = {"community_code": "community", "complaint_code": "complaint", "source": "document",
              "source.document": "document", "source.sha256": "document"}
# pydantic's error types the API error handler leaves as they are, in the domain's words.
_RULES = {"decimal_parsing": "decimal", "enum": "choice", "literal_error": "choice"}
# Rules whose sentence speaks to someone at a form (the import's speak to someone with a file).
_FORM_SENTENCES = ("exists", "same_command", "conflict", "optimistic_concurrency", "own_street", "role_permission")


@dataclass(frozen=True)
class Field:
    name: str  # form field name and element id
    label: str  # word key
    # text | count | money | number | date | textarea | select | yesno | community | complaint | objection
    kind: str = "text"
    hint: str = ""  # word key
    schema: str = ""  # the input schema's field it fills ("" → same name; "-" → none)
    choices: tuple[tuple[str, str], ...] = ()  # select/yesno: (value, word key)


@dataclass(frozen=True)
class Target:
    """The Ledger call of a valid form, the aggregate it addresses and the community page to return to
    (or ``back``, for a form that does not act on a community: a rating cycle's)."""

    call: Callable[..., Any]
    kind: str
    code: str
    community: str
    creates: bool = False
    back: str = ""

    def confirmation(self, position: int, name: str) -> str:
        return f"{self.back or f'/communities/{self.community}'}?recorded={position}&kind={name}"


@dataclass(frozen=True)
class RecordForm:
    name: str  # idempotency key prefix and ?kind= of the confirmation
    path: str
    command: str  # the Ledger command (its PERMISSIONS entry decides who may use the form)
    title: str
    fields: tuple[Field, ...]
    schema: type[CommandIn]
    community: Callable[[CommandContext, dict], str]  # scope check (raises): the community (or cycle) acted on
    target: Callable[[CommandContext, CommandIn, str, dict], Target]  # (…, body, community, form values)
    button: str = ""  # word key of the submit button ("" → 提交)
    # The schema's input from the form's (a scheme pack's name → the scheme it holds); may raise.
    expand: Callable[[dict], dict] | None = None


class FormInvalid(Exception):
    def __init__(self, errors: list[DomainError]) -> None:
        super().__init__(errors)
        self.errors = errors


def form_community(cmd: CommandContext, values: dict) -> str:
    """The community named by the form: it exists and is in the user's scope (as the API's path check)."""
    code = values.get("community", "")
    if not code:
        raise ValidationError("community_code", "required", "is required")
    return cmd.scope_community(code, "community_code").code


# Chinese sentences a group of forms adds for its own rules ("rule" or "field:rule", the latter first).
_SENTENCES: dict[str, str] = {}


def add_sentences(sentences: dict[str, str]) -> None:
    _SENTENCES.update(sentences)


def message(error: DomainError, lang: str) -> str:
    if (error.field, error.rule) == ("occurred_on", "value_error"):  # CommandIn's "not after today"
        return RULES_ZH["not_after_today"] if lang == "zh" else "must not be after today (Asia/Shanghai)"
    if lang != "zh":
        return error.message
    if own := _SENTENCES.get(f"{error.field}:{error.rule}") or _SENTENCES.get(error.rule):
        return own
    if error.rule in _FORM_SENTENCES:
        return RULES_ZH[error.rule]
    return import_sentence(error)


def _schema_input(form: RecordForm, values: dict) -> dict:
    """The form's non-blank values under the schema's names: a blank field is a missing one
    (required → "此项必填", the business date → today, as in the API)."""
    body: dict[str, Any] = {}
    for f in form.fields:
        value = values.get(f.name, "")
        target = f.schema or f.name
        if value == "" or target == "-":
            continue
        if target == "source.document":
            body["source"] = {"document": value}
        else:
            body[target] = value
    return body


def validate(form: RecordForm, cmd: CommandContext, values: dict) -> tuple[CommandIn, str]:
    """The schema-checked body and the community in scope, or every refused field at once."""
    errors: list[DomainError] = []
    body = None
    try:
        raw = _schema_input(form, values)
        body = form.schema.model_validate(form.expand(raw) if form.expand else raw)
    except DomainError as error:
        errors.append(error)
    except SchemaError as error:
        for d in validation_details(list(error.errors())):
            errors.append(ValidationError(d["field"], _RULES.get(d["rule"], d["rule"]), d["message"]))
    community = ""
    try:
        community = form.community(cmd, values)
    except DomainError as error:
        errors.insert(0, error)  # an unknown or foreign community first: it is why the rest cannot count
    if errors or body is None:
        raise FormInvalid(errors)
    return body, community


def record(form: RecordForm, cmd: CommandContext, values: dict) -> tuple[Target, int]:
    """Run the form's command; (its target, ledger position of the first event recorded)."""
    body, community = validate(form, cmd, values)
    target = form.target(cmd, body, community, values)
    result = cmd.execute(target.call, body, creates=target.creates)
    cmd.check_replay(result, kind=target.kind, code=target.code)
    return target, result.positions[0] if result.positions else cmd.ledger.max_position()


def errors_by_field(form: RecordForm, errors: list[DomainError], lang: str) -> dict[str, str]:
    names = {f.name for f in form.fields}
    shown: dict[str, str] = {}
    for error in errors:
        field = FORM_FIELD.get(error.field, error.field)
        shown.setdefault(field if field in names else "_form", message(error, lang))
    return shown


def show(request: Request, user: Any, catalogue: Any, form: RecordForm, values: dict,
         errors: dict | None = None, status: int = 200, **context: Any) -> Any:
    # (No catalogue: a form that does not pick a community, e.g. a rating cycle's.)
    communities = [c for c in catalogue.communities() if in_scope(user, c.street, c.code)] if catalogue else []
    current = next((c for c in communities if c.code == values.get("community")), None)
    return render(request, "record_form.html",
                  {"form": form, "values": values, "errors": errors or {}, "communities": communities,
                   "current": current, **context}, user=user, status_code=status)


def blank(form: RecordForm, request: Request, **defaults: str) -> dict:
    """A new form: today's date, the community from ?community=, a fresh key against double submission."""
    values = {f.name: "" for f in form.fields}
    for f in form.fields:
        if f.kind == "date":
            values[f.name] = ledger_today().isoformat()
        elif f.choices and f.kind == "select":
            values[f.name] = f.choices[0][0]
    values.update(community=request.query_params.get("community", ""), form_key=uuid4().hex, **defaults)
    return values


async def submit(request: Request, user: Any, ledger: Any, catalogue: Any, form: RecordForm,
                 fixed: dict | None = None, **context: Any) -> Any:
    """``fixed``: values the URL gives (a cycle's code), never taken from the posted form."""
    authorize(user, form.command)
    values = {**{k: str(v).strip() for k, v in (await request.form()).items()}, **(fixed or {})}
    key = values.get("form_key") or None
    cmd = CommandContext(form.command, user, ledger, f"web-{form.name}:{key}" if key else None, None)
    try:
        target, position = record(form, cmd, values)
    except (FormInvalid, DomainError) as error:
        errors = error.errors if isinstance(error, FormInvalid) else [error]
        return show(request, user, catalogue, form, values, errors_by_field(form, errors, page_lang(request)),
                    status=status_for(errors[0]), **context)
    return RedirectResponse(target.confirmation(position, form.name), status_code=303)


def community_households(catalogue: Any, code: str) -> str:
    found = next((c for c in catalogue.communities() if c.code == code), None)
    return str(found.households) if found else ""

"""The integrity log for the auditor and the housing bureau: status, signed checkpoints
(the note text), an inclusion proof for a ledger position, verification of the whole
log on request (a button: never on page load), and how to export a bundle."""

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from domain.errors import DomainError

from api.routers._readmodels import AUDIT_READERS, ReadModelsDep
from api.routers.audit_read import EXPORT_COMMAND, VERIFY_BUNDLE_COMMAND, checkpoints, inclusion, status, verify
from api.web.i18n import error_text, translator
from api.web.pages._results import gate, page
from api.web.templating import PageUser, page_lang

router = APIRouter()
WHAT = "the integrity log"


def _whole(value: str | None, field: str) -> int | None:
    from domain.errors import ValidationError

    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise ValidationError(field, "integer", "must be a whole number") from None


def _page(request: Request, user: Any, read_models: Any, report: dict | None = None) -> Any:
    params = request.query_params
    proof, proof_error, proof_detail = None, "", ""
    values = {"position": params.get("position", ""), "checkpoint": params.get("checkpoint", "")}
    if values["position"]:
        try:
            proof = inclusion(read_models, _whole(values["position"], "position"),
                              _whole(values["checkpoint"], "checkpoint"))
        except DomainError as error:
            proof_error = error_text(error, page_lang(request))
            proof_detail = error.message if proof_error != error.message else ""
    return page(request, "audit.html", {
        "s": status(read_models), "checkpoints": checkpoints(read_models), "report": report, "proof": proof,
        "proof_json": json.dumps(proof, ensure_ascii=False, indent=2) if proof else "", "proof_error": proof_error,
        "proof_detail": proof_detail,
        "values": values, **_commands(page_lang(request))}, user)


def _commands(lang: str) -> dict[str, str]:
    """The export and verify-bundle commands with placeholders in the page's language."""
    t = translator(lang)
    words = {"bundle": t("au.bundle_file"), "key": t("au.public_key")}
    return {"export_command": EXPORT_COMMAND.format(**words),
            "verify_bundle_command": VERIFY_BUNDLE_COMMAND.format(**words)}


@router.get("/audit")
def audit(request: Request, user: PageUser, read_models: ReadModelsDep) -> Any:
    gate(user, AUDIT_READERS, WHAT)
    return _page(request, user, read_models)


@router.get("/audit/verify")
def verify_page(request: Request, user: PageUser) -> Any:
    """Reloading or switching language on the result: back to the page (verification is a POST)."""
    gate(user, AUDIT_READERS, WHAT)
    lang = request.query_params.get("lang")
    return RedirectResponse("/audit" + (f"?lang={lang}" if lang in ("zh", "en") else ""), status_code=303)


@router.post("/audit/verify")
def run_verify(request: Request, user: PageUser, read_models: ReadModelsDep) -> Any:
    gate(user, AUDIT_READERS, WHAT)
    return _page(request, user, read_models, verify(read_models))

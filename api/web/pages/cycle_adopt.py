"""A new rating cycle from the browser (采用评定方案), for the housing bureau: a cycle code and
one of the scheme packs ``taizhang cycle adopt`` uses (``domain/packs/schemes``), recorded
whole through ``POST /api/v1/cycles``'s schema and command path. The /ratings page shows the
form inline; its own page (/cycles/new, outside /ratings/{code}) shows refused values."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Request

from domain.errors import DomainError, ValidationError
from domain.rating_cycle import RatingCycle
from domain.scheme_pack import PACK_DIR, load_pack, scheme_kwargs

from api.auth import authorize
from api.deps import LedgerDep
from api.schemas.cycles import SchemeIn
from api.web.pages import _cycle_words  # noqa: F401  (registers the wizard's words)
from api.web.pages._scheme_words import register_pack_label
from api.web.pages._record_forms import Field, RecordForm, Target, blank, show, submit
from api.web.pages.cycle_forms import cycle_url
from api.web.templating import PageReader

router = APIRouter()


@lru_cache(maxsize=1)
def _shipped() -> dict[str, tuple[dict, tuple[str, str]]]:
    """Pack id → (validated pack, word keys of its option and its description), for every rating-scheme
    pack shipped with the ledger. Shipped files do not change while the app runs: read once per process,
    not on every view of /ratings and every adoption."""
    packs = {}
    for path in sorted(PACK_DIR.glob("*.json")):
        try:
            pack = load_pack(path)
        except DomainError:  # a credit-rules pack, or a broken file: not a scheme to offer
            continue
        if pack.get("kind") == "rating_scheme":
            packs[pack["id"]] = (pack, register_pack_label(pack))
    return packs


def scheme_packs() -> list[tuple[str, str]]:
    """(pack id, word key of its option) of every rating-scheme pack shipped with the ledger."""
    return [(pack_id, keys[0]) for pack_id, (_, keys) in _shipped().items()]


def pack_descriptions() -> list[tuple[str, str]]:
    """(word key of a pack's option, word key of its description), listed under the select: an option
    stays short enough for the select, the description says the rest (method, parameters, id, version)."""
    return [keys for _, keys in _shipped().values()]


def _scheme(raw: dict) -> dict:
    """The form's pack name → the scheme it holds, as the CLI's ``cycle adopt --pack`` reads it."""
    name = raw.pop("pack", "")
    found = _shipped().get(name)
    if found is None:
        raise ValidationError("pack", "required" if not name else "choice", "pick one of the scheme packs")
    return {**raw, **scheme_kwargs(found[0])}


ADOPT = RecordForm(
    name="cycle_adopt", path="/cycles/new", command="adopt_scheme", title="cw.adopt_title", schema=SchemeIn,
    community=lambda cmd, values: "", button="cw.adopt_button", expand=_scheme,
    fields=(Field("code", "cw.cycle_code", hint="cw.cycle_code_hint"),
            Field("pack", "cw.pack", "select", hint="cw.pack_hint"),
            Field("occurred_on", "cw.adopted_on", "date", hint="rf.date_hint"),
            Field("document", "insp.document", schema="source.document")),
    target=lambda cmd, body, _, values: Target(cmd.ledger.adopt_scheme, RatingCycle.KIND, body.code, "",
                                               creates=True, back=cycle_url(body.code)),
)


def adopt_context(request: Request) -> dict:
    """The inline form on /ratings: its values and the packs to pick from."""
    packs = scheme_packs()
    return {"form": ADOPT, "values": blank(ADOPT, request, pack=packs[0][0] if packs else ""),
            "choices": {"pack": packs}, "about": {"pack": pack_descriptions()}, "action": ADOPT.path,
            "prefix": "adopt-"}


PAGE = {"back": "/ratings", "back_label": "rt.title"}


@router.get("/cycles/new")
def adopt_form(request: Request, user: PageReader) -> Any:
    authorize(user, ADOPT.command)
    context = adopt_context(request)
    return show(request, user, None, ADOPT, context["values"], choices=context["choices"], about=context["about"],
                **PAGE)


@router.post("/cycles/new")
async def adopt_scheme(request: Request, user: PageReader, ledger: LedgerDep) -> Any:
    return await submit(request, user, ledger, None, ADOPT, choices={"pack": scheme_packs()},
                        about={"pack": pack_descriptions()}, **PAGE)


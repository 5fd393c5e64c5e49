"""/api/v1/publications: publish the blacklist and subsidy lists, each with the signed checkpoint
of the log it was computed from (``domain.publishing``), and read them back.

* ``POST /publications/blacklist`` (housing bureau) and ``POST /publications/subsidy-lists``
  (civil affairs, finance): computed from the ledger as it stands, refused (409) when no
  signing key is configured (``signing_key``), when nothing changed since the last
  publication of that list (``digest``), or when the period is not complete yet (``period``).
* ``GET /publications`` and ``GET /publications/{kind}/{key}``: every publication with its
  digest and checkpoint; the rows for the auditor, the housing bureau, civil affairs and
  finance. Everyone else, the public included, sees the summaries: kinds, dates, digests,
  positions and checkpoints are about the lists, never about a person.

Star-rating publications are the cycles' (``POST /cycles/{code}/publication``).
"""

from __future__ import annotations

import json
import threading
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse

from domain.base import aggregate_id
from domain.errors import NotFoundError, ValidationError
from domain.ledger import Ledger
from domain.publication import Publication, check_period, digest_name, publication_code, subsidy_key
from domain.values import Role, check_code, check_date
from projections.ledger_log import Follower
from projections.records import Record, data, topic_of

from api.commands import CommandContext, command
from api.deps import CurrentUser, LedgerDep
from api.schemas.common import COMMAND_RESPONSES, READ_RESPONSES
from api.schemas.publications import (
    BlacklistPublicationIn, Kind, PublicationDetailOut, PublicationOut, PublishedOut, SubsidyListPublicationIn,
)

router = APIRouter(prefix="/publications", tags=["publications 发布（黑名单、补贴清单）"])
CREATED = {"status_code": 201, "response_model": PublishedOut, "responses": COMMAND_RESPONSES}
# Who sees the published rows; everyone else (the public too) sees the summaries.
ROW_READERS = frozenset(r.value for r in (Role.AUDITOR, Role.HOUSING_BUREAU, Role.CIVIL_AFFAIRS, Role.FINANCE))
_BLACKLIST, _SUBSIDY = topic_of(Publication.BlacklistPublished), topic_of(Publication.SubsidyListPublished)
_INDEX_LOCK = threading.Lock()


class PublicationIndex:
    """Every publication's summary, followed from the ledger's log (read-your-writes, incremental)."""

    def __init__(self) -> None:
        self.items: list[dict] = []  # in ledger order
        self.by_list: dict[tuple[str, str], list[dict]] = {}

    def apply(self, record: Record) -> None:
        s = record.state
        if record.topic == _BLACKLIST:
            kind, key = "blacklist", data(s["as_of"])
        else:
            kind, key = "subsidy_list", subsidy_key(s["pack_id"], s["period"])
        item = {"kind": kind, "key": key, "number": s["number"], "digest": s["digest"], "position": s["position"],
                "checkpoint_size": s.get("checkpoint_size"), "checkpoint_root": s.get("checkpoint_root"),
                "published_on": data(s["occurred_on"]), "event_position": record.position, "rows": len(s["rows"])}
        self.items.append(item)
        self.by_list.setdefault((kind, key), []).append(item)


def _follower(request: Request, ledger: Ledger) -> Follower:
    """The app's index of publications (made on first use, kept with the app)."""
    state = request.app.state
    with _INDEX_LOCK:
        follower = getattr(state, "publication_index", None)
        if follower is None:
            follower = state.publication_index = Follower(ledger.recorder, PublicationIndex(), (_BLACKLIST, _SUBSIDY))
    return follower


def _summaries(request: Request, ledger: Ledger, kind: str | None = None, key: str | None = None) -> list[dict]:
    follower = _follower(request, ledger)
    with follower.lock:
        follower.catch_up()
        index: PublicationIndex = follower.state
        if key is not None:
            found = index.by_list.get((kind, key), [])
        else:
            found = [i for i in index.items if kind is None or i["kind"] == kind]
        return [dict(i) for i in found]


def _note(ledger: Ledger, item: dict) -> str | None:
    """The signed note of the checkpoint a publication carries (the one that signs its digest)."""
    notary = getattr(ledger.checkpoints, "notary", None)
    if notary is None or item["checkpoint_size"] is None:
        return None
    name = digest_name(item["kind"], item["key"], item["number"])
    found = [cp for cp in notary.all() if cp.size == item["checkpoint_size"]]
    signing = [cp for cp in found if cp.digests.get(name) == item["digest"]] or found
    return signing[-1].note if signing else None


# --- commands --------------------------------------------------------------------------------------
def _publish(request: Request, cmd: CommandContext, body: Any, kind: str, key: str, call: Any) -> JSONResponse:
    """Run the publish command, then add the publication it recorded (or, replayed, had recorded)."""
    if cmd.expected_version is not None:
        raise ValidationError("If-Match", "not_applicable", "a publication is computed from the ledger as it stands; "
                              "If-Match does not apply (publishing unchanged rows again is refused)")
    location = f"/api/v1/publications/{kind}/{key}"
    response = cmd.run(call, body, kind=Publication.KIND, code=publication_code(kind, key), creates=True,
                       location=location)
    out = json.loads(response.body)
    mine = set(out["positions"])
    items = _summaries(request, cmd.ledger, kind, key)
    item = next(i for i in items if i["event_position"] in mine)  # the command's events are in the log
    out["publication"], out["checkpoint_note"] = item, _note(cmd.ledger, item)
    headers = {k: v for k, v in response.headers.items() if k.lower() in ("etag", "idempotent-replayed")}
    if response.status_code == 201:
        headers["Location"] = location
    return JSONResponse(out, status_code=response.status_code, headers=headers)


@router.post("/blacklist", **CREATED, summary="Publish the blacklist as of a date, signed (发布黑名单)")
def publish_blacklist(request: Request, body: BlacklistPublicationIn,
                      cmd: Annotated[CommandContext, command("publish_blacklist")]) -> JSONResponse:
    return _publish(request, cmd, body, "blacklist", body.as_of.isoformat(), cmd.ledger.publish_blacklist)


@router.post("/subsidy-lists", **CREATED, summary="Publish a period's subsidy list, signed (发布补贴清单)")
def publish_subsidy_list(request: Request, body: SubsidyListPublicationIn,
                         cmd: Annotated[CommandContext, command("publish_subsidy_list")]) -> JSONResponse:
    pack = body.pack_id or cmd.ledger.pack_id
    return _publish(request, cmd, body, "subsidy_list", subsidy_key(pack, body.period),
                    lambda **kw: cmd.ledger.publish_subsidy_list(**{**kw, "pack_id": pack}))


# --- queries ---------------------------------------------------------------------------------------
@router.get("", response_model=list[PublicationOut], summary="Every publication with its checkpoint (发布记录)")
def list_publications(request: Request, ledger: LedgerDep, _: CurrentUser,
                      kind: Annotated[Kind | None, Query(description="only this kind")] = None) -> list[dict]:
    return _summaries(request, ledger, kind)


def _check_key(kind: str, key: str) -> str:
    """A list's key as the domain spells it (a malformed one is 422 naming ``key``)."""
    if kind == "blacklist":
        try:
            return check_date(date.fromisoformat(key), "key").isoformat()
        except ValueError:
            raise ValidationError("key", "date", "a blacklist's key is its as-of date YYYY-MM-DD") from None
    pack, _, period = key.partition(":")
    return subsidy_key(check_code(pack, "key"), check_period(period, "key"))


@router.get("/{kind}/{key}", response_model=PublicationDetailOut, responses=READ_RESPONSES,
            summary="One list's publications; the rows of one (default: the latest)")
def get_publication(request: Request, ledger: LedgerDep, user: CurrentUser,
                    kind: Annotated[Kind, Path(description="blacklist | subsidy_list")],
                    key: Annotated[str, Path(description="blacklist: YYYY-MM-DD; subsidy_list: pack:period",
                                             max_length=100)],
                    number: Annotated[int | None, Query(ge=1, description="which publication")] = None) -> dict:
    key = _check_key(kind, key)
    items = _summaries(request, ledger, kind, key)
    if not items:
        raise NotFoundError("key", "published", f"{kind} {key} has not been published")
    if number is not None and number > len(items):
        raise NotFoundError("number", "published", f"{kind} {key} has {len(items)} publication(s)")
    item = items[(number or len(items)) - 1]
    # The aggregate as it stood after that publication: Started is version 1, publication n is n + 1.
    series = ledger.repository.get(aggregate_id(Publication.KIND, publication_code(kind, key)),
                                   version=item["number"] + 1)
    detail: dict[str, Any] = {"as_of": key} if kind == "blacklist" else {
        "pack_id": key.partition(":")[0], "period": key.partition(":")[2], "pack_version": series.pack_version}
    return {"kind": kind, "key": key, "detail": detail, "publication": item, "checkpoint_note": _note(ledger, item),
            "rows": list(series.rows) if user.role in ROW_READERS and user.authenticated else None,
            "publications": items}

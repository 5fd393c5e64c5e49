"""/api/v1/engagements: a provider's entry into and exit from a community.

request → party committee decision → agreement → exit notice → exit decision →
handover items → end (or overdue). Street-level roles act only on engagements
of their street's communities; the party committee's decisions are scoped the same way.
"""

from typing import Annotated

from fastapi import APIRouter, Path, Response
from fastapi.responses import JSONResponse

from domain.engagement import Engagement

from api.commands import CommandContext, command, load
from api.deps import CatalogueDep, LedgerDep, Reader
from api.schemas.common import COMMAND_RESPONSES, READ_RESPONSES, CommandResultOut
from api.schemas.engagements import (
    AgreementIn, EndIn, EngagementOut, EngagementSummaryOut, EntryDecisionIn, EntryRequestIn, ExitDecisionIn,
    ExitNoticeIn, HandoverItemIn, OverdueIn,
)

router = APIRouter(prefix="/engagements", tags=["engagements 进驻与退出"])
CodePath = Annotated[str, Path(description="engagement code", min_length=1, max_length=64)]
CREATED = {"status_code": 201, "response_model": CommandResultOut, "responses": COMMAND_RESPONSES}


def engagement_out(e: Engagement) -> EngagementOut:
    return EngagementOut(code=e.code, provider_uscc=e.provider_uscc, community_code=e.community_code, mode=e.mode,
                         services=list(e.services), served_area=e.served_area, status=e.status, start=e.start,
                         end=e.end, exit_date=e.exit_date, handover=dict(e.handover), overdue=e.overdue,
                         override_reason=e.override_reason, version=e.version)


@router.post("", **CREATED, summary="Record an entry request (进驻申请)")
def request_entry(body: EntryRequestIn, cmd: Annotated[CommandContext, command("request_entry")]) -> JSONResponse:
    cmd.scope_community(body.community_code)
    return cmd.run(cmd.ledger.request_entry, body, kind=Engagement.KIND, code=body.code, creates=True,
                   location=f"/api/v1/engagements/{body.code}")


def _scoped(cmd: CommandContext, code: str) -> Engagement:
    engagement = load(cmd.ledger, Engagement, code, "engagement_code")
    cmd.scope_community(engagement.community_code)
    return engagement


def _engagement_command(name: str, summary: str, path: str, model: type) -> None:
    """Each engagement command maps to the Ledger method of the same shape."""

    def endpoint(code: CodePath, body: model, cmd: Annotated[CommandContext, command(name)]) -> JSONResponse:  # type: ignore[valid-type]
        _scoped(cmd, code)
        if name in ("decide_entry", "sign_agreement", "end_engagement"):
            call = getattr(cmd.ledger, name)
            return cmd.run(lambda **kw: call(code, **kw), body, kind=Engagement.KIND, code=code)
        return cmd.run(lambda **kw: cmd.ledger.engagement_command(name, code, **kw), body,
                       kind=Engagement.KIND, code=code)

    endpoint.__name__ = name
    router.add_api_route(f"/{{code}}/{path}", endpoint, methods=["POST"], summary=summary, **CREATED)


for _spec in (
    ("decide_entry", "Party committee decides the entry (党组织进驻审批)", "entry-decision", EntryDecisionIn),
    ("sign_agreement", "Record the signed agreement (签订协议)", "agreement", AgreementIn),
    ("give_exit_notice", "Record an exit notice (退出告知)", "exit-notice", ExitNoticeIn),
    ("decide_exit", "Party committee decides the exit (党组织退出审批)", "exit-decision", ExitDecisionIn),
    ("record_handover_item", "Record one handover item (交接/承接查验)", "handover-items", HandoverItemIn),
    ("end_engagement", "End the engagement after a complete handover (退出完成)", "end", EndIn),
    ("mark_overdue", "Mark the exit overdue (逾期未退出)", "overdue", OverdueIn),
):
    _engagement_command(*_spec)


@router.get("", response_model=list[EngagementSummaryOut], summary="List engagements (from the catalogue)")
def list_engagements(_: Reader, catalogue: CatalogueDep, status: str | None = None) -> list[EngagementSummaryOut]:
    return [EngagementSummaryOut(**vars(r)) for r in catalogue.engagements(status)]


@router.get("/{code}", response_model=EngagementOut, responses=READ_RESPONSES, summary="An engagement's current state")
def get_engagement(code: CodePath, _: Reader, ledger: LedgerDep, response: Response) -> EngagementOut:
    engagement = load(ledger, Engagement, code, "code")
    response.headers["ETag"] = f'"{engagement.version}"'
    return engagement_out(engagement)

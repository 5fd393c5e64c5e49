"""/api/v1/complaints: filing and resolving complaints (投诉, e.g. 12345)."""

from typing import Annotated

from fastapi import APIRouter, Path, Response
from fastapi.responses import JSONResponse

from domain.complaint import Complaint

from api.commands import CommandContext, command, load
from api.deps import LedgerDep, Reader
from api.schemas.common import COMMAND_RESPONSES, READ_RESPONSES, CommandResultOut
from api.schemas.engagements import ComplaintIn, ComplaintOut, ComplaintResolutionIn

router = APIRouter(prefix="/complaints", tags=["complaints 投诉"])
CodePath = Annotated[str, Path(description="complaint code", min_length=1, max_length=64)]
CREATED = {"status_code": 201, "response_model": CommandResultOut, "responses": COMMAND_RESPONSES}


@router.post("", **CREATED, summary="File a complaint (登记投诉)")
def file_complaint(body: ComplaintIn, cmd: Annotated[CommandContext, command("file_complaint")]) -> JSONResponse:
    cmd.scope_community(body.community_code)
    return cmd.run(cmd.ledger.file_complaint, body, kind=Complaint.KIND, code=body.code, creates=True,
                   location=f"/api/v1/complaints/{body.code}")


@router.post("/{code}/resolution", **CREATED, summary="Resolve a complaint (办结, substantiated or not)")
def resolve_complaint(code: CodePath, body: ComplaintResolutionIn,
                      cmd: Annotated[CommandContext, command("resolve_complaint")]) -> JSONResponse:
    complaint = load(cmd.ledger, Complaint, code, "complaint_code")
    cmd.scope_community(complaint.community_code)
    return cmd.run(lambda **kw: cmd.ledger.resolve_complaint(code, **kw), body, kind=Complaint.KIND, code=code)


@router.get("/{code}", response_model=ComplaintOut, responses=READ_RESPONSES,
            summary="A complaint's state (no personal data)")
def get_complaint(code: CodePath, _: Reader, ledger: LedgerDep, response: Response) -> ComplaintOut:
    c = load(ledger, Complaint, code, "code")
    response.headers["ETag"] = f'"{c.version}"'
    return ComplaintOut(code=c.code, community_code=c.community_code, provider_uscc=c.provider_uscc,
                        filed_on=c.filed_on, resolved=c.resolved, version=c.version)

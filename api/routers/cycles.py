"""/api/v1/cycles: star-rating cycles: scheme, open, scores, corrections, close,
result (computed by the ratings projection from the ledger as it stands),
publication, objections (复核) and their decisions, republication."""

from typing import Annotated, Any, Callable

from fastapi import APIRouter, Path, Response
from fastapi.responses import JSONResponse

from domain.rating_cycle import RatingCycle

from api.auth.permissions import score_department
from api.commands import CommandContext, command, load
from api.deps import LedgerDep, Reader
from api.schemas.common import COMMAND_RESPONSES, READ_RESPONSES, CommandResultOut
from api.schemas.cycles import (
    CycleCloseIn, CycleOpenIn, CycleOut, ObjectionDecisionIn, ObjectionIn, PublicationIn, RepublicationIn, ResultIn,
    SchemeIn, ScoreCorrectionIn, ScoreIn,
)

router = APIRouter(prefix="/cycles", tags=["rating cycles 星级评定"])
CodePath = Annotated[str, Path(description="cycle code", min_length=1, max_length=64)]
CREATED = {"status_code": 201, "response_model": CommandResultOut, "responses": COMMAND_RESPONSES}


@router.post("", **CREATED, summary="Adopt a rating scheme: starts a cycle (评定方案)")
def adopt_scheme(body: SchemeIn, cmd: Annotated[CommandContext, command("adopt_scheme")]) -> JSONResponse:
    return cmd.run(cmd.ledger.adopt_scheme, body, kind=RatingCycle.KIND, code=body.code, creates=True,
                   location=f"/api/v1/cycles/{body.code}")


@router.post("/{code}/open", **CREATED, name="open", summary="Open the cycle for scores (开始评定)")
def open_cycle(code: CodePath, body: CycleOpenIn, cmd: Annotated[CommandContext, command("open")]) -> JSONResponse:
    return cmd.run(cycle_call(cmd.ledger, "open", code), body, kind=RatingCycle.KIND, code=code)


@router.post("/{code}/scores", **CREATED, summary="A department submits a score (部门评分)")
def submit_score(code: CodePath, body: ScoreIn,
                 cmd: Annotated[CommandContext, command("submit_score")]) -> JSONResponse:
    score_department(cmd.user, body.department)
    if body.subject_kind == "community":
        cmd.scope_community(body.subject, "subject")  # a street scores its own communities only
    return cmd.run(lambda **kw: cmd.ledger.submit_score(code, **kw), body, kind=RatingCycle.KIND, code=code)


@router.post("/{code}/score-corrections", **CREATED, summary="Correct a submitted score (评分更正)")
def correct_score(code: CodePath, body: ScoreCorrectionIn,
                  cmd: Annotated[CommandContext, command("correct_score")]) -> JSONResponse:
    return cmd.run(cycle_call(cmd.ledger, "correct_score", code), body, kind=RatingCycle.KIND, code=code)


@router.post("/{code}/close", **CREATED, name="close", summary="Close the cycle to scores (截止评分)")
def close_cycle(code: CodePath, body: CycleCloseIn, cmd: Annotated[CommandContext, command("close")]) -> JSONResponse:
    return cmd.run(cycle_call(cmd.ledger, "close", code), body, kind=RatingCycle.KIND, code=code)


def cycle_call(ledger: Any, name: str, code: str) -> Callable[..., Any]:
    """The Ledger call that runs cycle command ``name`` on cycle ``code`` (the API and the web wizard):
    compute_result and republish read the ledger through the calculator, the others are the cycle's own."""
    if name in ("compute_result", "republish"):
        method = getattr(ledger, name)
        return lambda **kw: method(code, **kw)
    return lambda **kw: ledger.cycle_command(name, code, **kw)


def _after_close(name: str, summary: str, path: str, model: type) -> None:
    """Commands on a closed cycle."""

    def endpoint(code: CodePath, body: model, cmd: Annotated[CommandContext, command(name)]) -> JSONResponse:  # type: ignore[valid-type]
        return cmd.run(cycle_call(cmd.ledger, name, code), body, kind=RatingCycle.KIND, code=code)

    endpoint.__name__ = name
    router.add_api_route(f"/{{code}}/{path}", endpoint, methods=["POST"], summary=summary, **CREATED)


for _spec in (
    ("compute_result", "Compute and record the result (计算评定结果)", "result", ResultIn),
    ("publish", "Publish the result (公布结果)", "publication", PublicationIn),
    ("file_objection", "Record a provider's objection (复核申请)", "objections", ObjectionIn),
    ("decide_objection", "Decide an objection (复核决定)", "objection-decisions", ObjectionDecisionIn),
    ("republish", "Publish again after upheld objections (重新公布)", "republication", RepublicationIn),
):
    _after_close(*_spec)


@router.get("/{code}", response_model=CycleOut, responses=READ_RESPONSES, summary="A cycle's current state")
def get_cycle(code: CodePath, _: Reader, ledger: LedgerDep, response: Response) -> CycleOut:
    c = load(ledger, RatingCycle, code, "code")
    response.headers["ETag"] = f'"{c.version}"'
    return CycleOut(code=c.code, status=c.status, departments=list(c.departments), period_start=c.period_start,
                    period_end=c.period_end, scores_submitted=len(c.scores), cut_points=list(c.cut_points),
                    digest=c.digest, position=c.position, publications=len(c.publications),
                    objections_pending=sum(o["status"] == "pending" for o in c.objections.values()),
                    version=c.version)

"""/api/v1/cycles: star-rating cycles up to their close (scheme, open, scores,
corrections, close). Computing, publishing and appeals come with the ratings work."""

from typing import Annotated

from fastapi import APIRouter, Path, Response
from fastapi.responses import JSONResponse

from domain.rating_cycle import RatingCycle

from api.auth.permissions import score_department
from api.commands import CommandContext, command, load
from api.deps import LedgerDep, Reader
from api.schemas.common import COMMAND_RESPONSES, READ_RESPONSES, CommandResultOut
from api.schemas.cycles import CycleCloseIn, CycleOpenIn, CycleOut, SchemeIn, ScoreCorrectionIn, ScoreIn

router = APIRouter(prefix="/cycles", tags=["rating cycles 星级评定"])
CodePath = Annotated[str, Path(description="cycle code", min_length=1, max_length=64)]
CREATED = {"status_code": 201, "response_model": CommandResultOut, "responses": COMMAND_RESPONSES}


@router.post("", **CREATED, summary="Adopt a rating scheme: starts a cycle (评定方案)")
def adopt_scheme(body: SchemeIn, cmd: Annotated[CommandContext, command("adopt_scheme")]) -> JSONResponse:
    return cmd.run(cmd.ledger.adopt_scheme, body, kind=RatingCycle.KIND, code=body.code, creates=True,
                   location=f"/api/v1/cycles/{body.code}")


@router.post("/{code}/open", **CREATED, summary="Open the cycle for scores (开始评定)")
def open_cycle(code: CodePath, body: CycleOpenIn, cmd: Annotated[CommandContext, command("open")]) -> JSONResponse:
    return cmd.run(lambda **kw: cmd.ledger.cycle_command("open", code, **kw), body, kind=RatingCycle.KIND, code=code)


@router.post("/{code}/scores", **CREATED, summary="A department submits a score (部门评分)")
def submit_score(code: CodePath, body: ScoreIn, cmd: Annotated[CommandContext, command("submit_score")]) -> JSONResponse:
    score_department(cmd.user, body.department)
    return cmd.run(lambda **kw: cmd.ledger.submit_score(code, **kw), body, kind=RatingCycle.KIND, code=code)


@router.post("/{code}/score-corrections", **CREATED, summary="Correct a submitted score (评分更正)")
def correct_score(code: CodePath, body: ScoreCorrectionIn,
                  cmd: Annotated[CommandContext, command("correct_score")]) -> JSONResponse:
    return cmd.run(lambda **kw: cmd.ledger.cycle_command("correct_score", code, **kw), body,
                   kind=RatingCycle.KIND, code=code)


@router.post("/{code}/close", **CREATED, summary="Close the cycle to scores (截止评分)")
def close_cycle(code: CodePath, body: CycleCloseIn, cmd: Annotated[CommandContext, command("close")]) -> JSONResponse:
    return cmd.run(lambda **kw: cmd.ledger.cycle_command("close", code, **kw), body, kind=RatingCycle.KIND, code=code)


@router.get("/{code}", response_model=CycleOut, responses=READ_RESPONSES, summary="A cycle's current state")
def get_cycle(code: CodePath, _: Reader, ledger: LedgerDep, response: Response) -> CycleOut:
    c = load(ledger, RatingCycle, code, "code")
    response.headers["ETag"] = f'"{c.version}"'
    return CycleOut(code=c.code, status=c.status, departments=list(c.departments), period_start=c.period_start,
                    period_end=c.period_end, scores_submitted=len(c.scores), version=c.version)

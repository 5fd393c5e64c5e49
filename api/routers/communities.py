"""/api/v1/communities: registry, and every record kept against a community
(inspections, assessments, surveys, evaluations, corrections, fees, subsidy
payments, fee relief, maintenance fund)."""

from typing import Annotated, Callable

from fastapi import APIRouter, Path, Response
from fastapi.responses import JSONResponse

from domain.community import Community

from api.auth import require_scope
from api.auth.permissions import evaluator_role
from api.commands import CommandContext, command, load
from api.deps import CatalogueDep, LedgerDep, Reader
from api.schemas.common import COMMAND_RESPONSES, READ_RESPONSES, CommandIn, CommandResultOut
from api.schemas.communities import (
    AssessmentIn, CommitteeIn, CommunityOut, CommunityRegisterIn, CommunitySummaryOut, CorrectionIn,
    EvaluationIn, FeeReliefApplicationIn, FeeReliefDecisionIn, FeesIn, InspectionIn, MaintenanceFundIn,
    ModeChangeIn, RecordOut, RenovationIn, SubsidyPaymentIn, SurveyIn, WithdrawalIn,
)

router = APIRouter(prefix="/communities", tags=["communities 小区"])
CodePath = Annotated[str, Path(description="community code", min_length=1, max_length=64)]
CREATED = {"status_code": 201, "response_model": CommandResultOut, "responses": COMMAND_RESPONSES}


def community_out(c: Community) -> CommunityOut:
    records = [RecordOut(kind=kind, period=period, version=v, corrected=v in c.corrected)
               for (kind, period), v in sorted(c.records.items(), key=lambda kv: kv[1])]
    return CommunityOut(code=c.code, name=c.name, street=c.street, category=c.category, build_year=c.build_year,
                        floor_area=c.floor_area, households=c.households, mode=c.mode,
                        renovated_on=c.renovated_on, committee=c.committee,
                        current_engagement=c.current_engagement, current_provider=c.current_provider,
                        records=records, version=c.version)


@router.post("", **CREATED, summary="Register a community (登记小区)")
def register_community(body: CommunityRegisterIn,
                       cmd: Annotated[CommandContext, command("register_community")]) -> JSONResponse:
    require_scope(cmd.user, body.street, body.code)
    return cmd.run(cmd.ledger.register_community, body, kind=Community.KIND, code=body.code, creates=True,
                   location=f"/api/v1/communities/{body.code}")


# Extra checks a command needs beyond role and street scope.
Check = Callable[[CommandContext, CommandIn], None]


def _evaluator(cmd: CommandContext, body: EvaluationIn) -> None:  # type: ignore[override]
    evaluator_role(cmd.user, body.evaluator)


def _community_command(name: str, summary: str, path: str, model: type, check: Check | None = None) -> None:
    def endpoint(code: CodePath, body: model, cmd: Annotated[CommandContext, command(name)]) -> JSONResponse:  # type: ignore[valid-type]
        cmd.scope_community(code, "code")
        if check is not None:
            check(cmd, body)
        return cmd.run(lambda **kw: cmd.ledger.community_command(name, code, **kw), body,
                       kind=Community.KIND, code=code)

    endpoint.__name__ = name
    router.add_api_route(f"/{{code}}/{path}", endpoint, methods=["POST"], summary=summary, **CREATED)


for _spec in (
    ("renovate", "Record a completed renovation (改造完成)", "renovations", RenovationIn),
    ("change_mode", "Change the management mode (变更管理模式)", "mode-changes", ModeChangeIn),
    ("form_committee", "Record a committee formed (成立业委会/物管会/自管会)", "committees", CommitteeIn),
    ("record_inspection", "Record a monthly inspection (每月巡查)", "inspections", InspectionIn),
    ("record_assessment", "Record a quarterly joint assessment (每季度联合考核)", "assessments", AssessmentIn),
    ("record_survey", "Record a satisfaction survey (满意度调查)", "surveys", SurveyIn),
    ("record_evaluation", "Record an evaluation (评价)", "evaluations", EvaluationIn, _evaluator),
    ("correct_record", "Correct an earlier record (更正)", "corrections", CorrectionIn),
    ("withdraw_record", "Withdraw an earlier record (撤回)", "withdrawals", WithdrawalIn),
    ("record_fees", "Record monthly fee collection (物业费收缴)", "fees", FeesIn),
    ("pay_subsidy", "Record a subsidy payment (补贴拨付)", "subsidy-payments", SubsidyPaymentIn),
    ("apply_fee_relief", "Record a low-income fee relief application (低保/特困减免申请)",
     "fee-relief-applications", FeeReliefApplicationIn),
    ("decide_fee_relief", "Decide a fee relief application (减免决定)", "fee-relief-decisions",
     FeeReliefDecisionIn),
    ("record_maintenance_fund", "Record the maintenance fund balance (专项维修资金)", "maintenance-fund",
     MaintenanceFundIn),
):
    _community_command(*_spec)


@router.get("", response_model=list[CommunitySummaryOut], summary="List communities (from the catalogue)")
def list_communities(_: Reader, catalogue: CatalogueDep, street: str | None = None) -> list[CommunitySummaryOut]:
    rows = [r for r in catalogue.communities() if street is None or r.street == street]
    return [CommunitySummaryOut(**vars(r)) for r in rows]


@router.get("/{code}", response_model=CommunityOut, responses=READ_RESPONSES, summary="A community's current state")
def get_community(code: CodePath, _: Reader, ledger: LedgerDep, response: Response) -> CommunityOut:
    community = load(ledger, Community, code, "code")
    response.headers["ETag"] = f'"{community.version}"'
    return community_out(community)

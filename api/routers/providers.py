"""/api/v1/providers: registration, commendations, sanctions, dishonesty, credit repair."""

from typing import Annotated

from fastapi import APIRouter, Path, Response
from fastapi.responses import JSONResponse

from domain.provider import Provider
from domain.values import check_uscc

from api.commands import CommandContext, command, load
from api.deps import CatalogueDep, LedgerDep, Reader
from api.schemas.common import COMMAND_RESPONSES, READ_RESPONSES, CommandResultOut
from api.schemas.providers import (
    CommendIn, CreditRepairDecisionIn, CreditRepairRequestIn, DishonestyIn, DishonestyLiftIn,
    DishonestyTermOut, ProfileAmendIn, ProviderOut, ProviderRegisterIn, SanctionIn,
)

router = APIRouter(prefix="/providers", tags=["providers 物业企业"])
UsccPath = Annotated[str, Path(description="统一社会信用代码", min_length=1, max_length=40)]
CREATED = {"status_code": 201, "response_model": CommandResultOut, "responses": COMMAND_RESPONSES}


def provider_out(p: Provider) -> ProviderOut:
    terms = [DishonestyTermOut(declaration_version=v, term_start=t[0], term_end=t[1], lifted=t[2])
             for v, t in sorted(p.dishonesty_terms.items())]
    return ProviderOut(uscc=p.uscc, name=p.name, kind=p.kind, legal_representative=p.legal_representative,
                       contact=p.contact, dishonesty_terms=terms, pending_repair=p.pending_repair, version=p.version)


@router.post("", **CREATED, summary="Register a provider (登记物业企业)")
def register_provider(body: ProviderRegisterIn, cmd: Annotated[CommandContext, command("register_provider")],
                      ) -> JSONResponse:
    return cmd.run(cmd.ledger.register_provider, body, kind=Provider.KIND, code=body.uscc, creates=True,
                   location=f"/api/v1/providers/{body.uscc}")


def _provider_command(name: str, summary: str, path: str, model: type) -> None:
    """One POST per provider command; they differ only in the body model."""

    def endpoint(uscc: UsccPath, body: model, cmd: Annotated[CommandContext, command(name)]) -> JSONResponse:  # type: ignore[valid-type]
        code = check_uscc(uscc)
        return cmd.run(lambda **kw: cmd.ledger.provider_command(name, code, **kw), body,
                       kind=Provider.KIND, code=code)

    endpoint.__name__ = name
    router.add_api_route(f"/{{uscc}}/{path}", endpoint, methods=["POST"], summary=summary, **CREATED)


for _name, _summary, _path, _model in (
    ("amend_profile", "Amend the profile (变更企业信息)", "profile-amendments", ProfileAmendIn),
    ("commend", "Commend (表扬)", "commendations", CommendIn),
    ("sanction", "Sanction: interview, fine, removal, safety accident (约谈/罚款/清出/安全事故)", "sanctions",
     SanctionIn),
    ("declare_dishonest", "Declare dishonest for a term (列入失信)", "dishonesty-declarations", DishonestyIn),
    ("lift_dishonesty", "Lift a dishonesty declaration (解除失信)", "dishonesty-lifts", DishonestyLiftIn),
    ("request_credit_repair", "Record a credit repair request (信用修复申请)", "credit-repair-requests",
     CreditRepairRequestIn),
    ("decide_credit_repair", "Decide the pending credit repair (信用修复决定)", "credit-repair-decisions",
     CreditRepairDecisionIn),
):
    _provider_command(_name, _summary, _path, _model)


@router.get("", summary="List providers (from the catalogue)")
def list_providers(_: Reader, catalogue: CatalogueDep) -> list[dict]:
    return [{"uscc": r.uscc, "name": r.name, "kind": r.kind, "registered_on": r.registered_on}
            for r in catalogue.providers()]


@router.get("/{uscc}", response_model=ProviderOut, responses=READ_RESPONSES, summary="A provider's current state")
def get_provider(uscc: UsccPath, _: Reader, ledger: LedgerDep, response: Response) -> ProviderOut:
    provider = load(ledger, Provider, check_uscc(uscc), "uscc")
    response.headers["ETag"] = f'"{provider.version}"'
    return provider_out(provider)

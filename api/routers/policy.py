"""/api/v1/policy: adopting policy packs (effective-dated, content recorded in the event)."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from api.clock import ledger_today
from domain.errors import ValidationError
from domain.packs import validate_pack
from domain.packs.loader import with_inline_rules
from domain.policy import REGISTRY_CODE, PolicyRegistry, pack_digest

from api.commands import CommandContext, command, load
from api.deps import LedgerDep, Reader
from api.schemas.common import COMMAND_RESPONSES, CommandResultOut
from api.schemas.cycles import AdoptionOut, PolicyAdoptionIn, PolicyOut

router = APIRouter(prefix="/policy", tags=["policy 政策包"])


def _adoption(a: list) -> AdoptionOut:
    return AdoptionOut(pack_id=a[0], version=a[1], effective_from=a[2], sha256=pack_digest(a[3]))


@router.post("/adoptions", status_code=201, response_model=CommandResultOut, responses=COMMAND_RESPONSES,
             summary="Adopt a policy pack version from a date (采用政策包)")
def adopt_policy(body: PolicyAdoptionIn, cmd: Annotated[CommandContext, command("adopt_policy")]) -> JSONResponse:
    # The whole pack is checked as a pack file would be (naming the bad key), and the credit
    # rules it names are recorded with it, as `taizhang subsidy adopt` does.
    def adopt(*, content: dict, **kwargs):
        try:
            checked = validate_pack(content)
        except ValidationError as error:
            raise ValidationError(f"content.{error.field}", error.rule, error.message) from None
        for key in ("pack_id", "version"):
            if checked[key] != kwargs[key]:
                raise ValidationError(f"content.{key}", "matches", f"the pack says {checked[key]!r}, not {kwargs[key]!r}")
        return cmd.ledger.adopt_policy(content=with_inline_rules(checked), **kwargs)

    # Adoptions append to one registry; the Ledger takes no expected version for them.
    return cmd.run(adopt, body, kind=PolicyRegistry.KIND, code=REGISTRY_CODE, creates=True,
                   location="/api/v1/policy")


@router.get("", response_model=PolicyOut, summary="Adopted packs and the one in force today")
def get_policy(_: Reader, ledger: LedgerDep, response: Response) -> PolicyOut:
    if not ledger.exists(PolicyRegistry, REGISTRY_CODE):
        return PolicyOut(adoptions=[], in_force=None, version=0)
    registry = load(ledger, PolicyRegistry, REGISTRY_CODE, "pack_id")
    in_force = registry.in_force(ledger.pack_id, ledger_today())
    response.headers["ETag"] = f'"{registry.version}"'
    return PolicyOut(adoptions=[_adoption(a) for a in registry.adoptions],
                     in_force=_adoption(in_force) if in_force else None, version=registry.version)

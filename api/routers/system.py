"""/api/v1/health, /api/v1/me and /api/v1/ledger: the service itself."""

from fastapi import APIRouter
from pydantic import BaseModel

from api.auth import PERMISSIONS, allowed
from api.deps import CatalogueDep, CurrentUser, LedgerDep, Reader, SettingsDep

router = APIRouter(tags=["system"])


class HealthOut(BaseModel):
    status: str
    position: int
    pack_id: str


class MeOut(BaseModel):
    user: str
    role: str
    org: str
    authenticated: bool
    via: str
    commands: list[str]


class LedgerStatusOut(BaseModel):
    events: int
    last_position: int
    providers: int
    communities: int
    engagements_active: int
    entry_requests_pending: int
    complaints_open: int


@router.get("/health", response_model=HealthOut, summary="Liveness and the ledger's last position")
def health(ledger: LedgerDep, settings: SettingsDep) -> HealthOut:
    return HealthOut(status="ok", position=ledger.max_position(), pack_id=settings.pack_id)


@router.get("/me", response_model=MeOut, summary="Who the server thinks you are, and what you may run")
def me(user: CurrentUser) -> MeOut:
    return MeOut(user=user.name, role=user.role, org=user.org, authenticated=user.authenticated, via=user.via,
                 commands=sorted(c for c in PERMISSIONS if allowed(user, c)))


@router.get("/ledger", response_model=LedgerStatusOut, summary="Counts and last position of the ledger")
def ledger_status(_: Reader, catalogue: CatalogueDep) -> LedgerStatusOut:
    return LedgerStatusOut(**vars(catalogue.counts()))

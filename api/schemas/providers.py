"""Provider commands and the provider read shape."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field

from domain.vocab import ProviderKind, SanctionKind

from api.schemas.common import USCC, CommandIn, Text, Version


class ProviderRegisterIn(CommandIn):
    uscc: USCC
    name: Text
    legal_representative: Text
    contact: Text
    kind: ProviderKind = ProviderKind.COMPANY


class ProfileAmendIn(CommandIn):
    changes: dict[str, str] = Field(description="name, legal_representative and/or contact")


class CommendIn(CommandIn):
    reason: Text
    points: Annotated[float, Field(gt=0, le=10)]


class SanctionIn(CommandIn):
    kind: SanctionKind
    reason: Text
    fatal: bool = False
    cycle_code: str | None = None


class DishonestyIn(CommandIn):
    term_start: date
    term_end: date
    reason: Text


class DishonestyLiftIn(CommandIn):
    declaration_version: Version
    reason: Text


class CreditRepairRequestIn(CommandIn):
    reason: Text


class CreditRepairDecisionIn(CommandIn):
    approved: bool
    reason: Text


class DishonestyTermOut(BaseModel):
    declaration_version: int
    term_start: date
    term_end: date
    lifted: bool


class ProviderOut(BaseModel):
    uscc: str
    name: str
    kind: str
    legal_representative: str
    contact: str
    dishonesty_terms: list[DishonestyTermOut]
    pending_repair: int | None = Field(description="version of the pending credit repair request")
    version: int

"""Engagement (entry → approval → agreement → exit → handover) and complaint schemas."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from domain.vocab import HANDOVER_ITEMS, Channel, ExitBy, Mode

from api.schemas.common import USCC, Code, CommandIn, LongText, Money, Text

HandoverItem = Literal[HANDOVER_ITEMS]  # type: ignore[valid-type]


class EntryRequestIn(CommandIn):
    code: Code
    provider_uscc: USCC
    community_code: Code
    mode: Mode
    services: list[str] = Field(description="must include gate_duty, patrol, cleaning, parking")
    fee_standard: Money = Field(description="元/m²·月")
    term_months: Annotated[int, Field(ge=1)]
    served_area: Annotated[float, Field(gt=0, description="m²")]


class EntryDecisionIn(CommandIn):
    approved: bool
    reason: Text
    override_reason: Annotated[str, Field(max_length=500)] | None = Field(
        default=None, description="required to approve a provider that is blacklisted")


class AgreementIn(CommandIn):
    start: date
    end: date


class ExitNoticeIn(CommandIn):
    by: ExitBy
    reason: Text
    exit_date: date


class ExitDecisionIn(CommandIn):
    approved: bool
    reason: Text


class HandoverItemIn(CommandIn):
    item: HandoverItem
    accepted: bool
    note: Annotated[str, Field(max_length=500)] = ""


class EndIn(CommandIn):
    ended_on: date


class OverdueIn(CommandIn):
    """Marking an exit overdue needs only the business date (after the handover deadline)."""


class EngagementOut(BaseModel):
    code: str
    provider_uscc: str
    community_code: str
    mode: str
    services: list[str]
    served_area: float
    status: str
    start: date | None
    end: date | None
    exit_date: date | None
    handover: dict[str, bool]
    overdue: bool
    override_reason: str | None
    version: int


class EngagementSummaryOut(BaseModel):
    code: str
    provider_uscc: str
    community_code: str
    status: str
    requested_on: date


# --- complaints ------------------------------------------------------------------
class ComplaintIn(CommandIn):
    code: Code
    community_code: Code
    provider_uscc: USCC | None = Field(default=None, description="default: the community's current provider")
    category: Annotated[str, Field(min_length=1, max_length=40)]
    channel: Channel
    description: LongText = ""
    complainant_name: Annotated[str, Field(max_length=100)] = ""
    complainant_phone: Annotated[str, Field(max_length=40)] = ""


class ComplaintResolutionIn(CommandIn):
    substantiated: bool
    resolution: Annotated[str, Field(min_length=1, max_length=2000)]


class ComplaintOut(BaseModel):
    """No personal data: the complainant's name and phone stay out of reads."""

    code: str
    community_code: str
    provider_uscc: str | None
    filed_on: date
    resolved: bool
    version: int

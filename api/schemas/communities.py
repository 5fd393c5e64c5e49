"""Community commands (registry, records, money) and the community read shape."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from domain.vocab import Category, CommitteeKind, Mode, PayerLevel, ReliefKind

from api.schemas.common import Code, CommandIn, Money, Month, Quarter, Text, Version

Count = Annotated[int, Field(ge=0)]
Period = Annotated[str, Field(min_length=1, max_length=20, examples=["2024-Q1"])]


# --- registry ------------------------------------------------------------------
class CommunityRegisterIn(CommandIn):
    code: Code
    name: Text
    street: Text
    category: Category
    build_year: Annotated[int, Field(ge=1900)]
    floor_area: Annotated[float, Field(gt=0, description="m²")]
    households: Annotated[int, Field(ge=1)]
    mode: Mode


class RenovationIn(CommandIn):
    completed_on: date
    project: Text


class ModeChangeIn(CommandIn):
    mode: Mode


class CommitteeIn(CommandIn):
    kind: CommitteeKind
    members: Annotated[int, Field(ge=1)]
    party_members: Count


# --- records -------------------------------------------------------------------
class InspectionIn(CommandIn):
    month: Month
    items: dict[str, bool] = Field(description="inspection item → passed", examples=[{"gate_duty": True}])


class AssessmentIn(CommandIn):
    quarter: Quarter
    points: dict[str, float] = Field(description="section of the pack's sheet → points")
    vetoes: list[str] = Field(default_factory=list, description="一票否决 items found")


class SurveyIn(CommandIn):
    period: Period
    households: Annotated[int, Field(ge=1)]
    valid_responses: Count
    satisfied: Count


class EvaluationIn(CommandIn):
    evaluator: Literal["third_party", "residents_committee", "party_committee"]
    period: Period
    score: Annotated[float, Field(ge=0, le=100)]
    passed: bool


class CorrectionIn(CommandIn):
    corrects_version: Version
    fields: dict[str, Any]
    reason: Text


class WithdrawalIn(CommandIn):
    withdraws_version: Version
    reason: Text


# --- money ---------------------------------------------------------------------
class FeesIn(CommandIn):
    month: Month
    households_billed: Count
    households_paid: Count
    amount_billed: Money
    amount_collected: Money


class SubsidyPaymentIn(CommandIn):
    period: Period
    payer_level: PayerLevel
    amount: Money
    voucher_no: Annotated[str, Field(min_length=1, max_length=64)]


class FeeReliefApplicationIn(CommandIn):
    household: Text
    kind: ReliefKind
    months: Annotated[int, Field(ge=1)]


class FeeReliefDecisionIn(CommandIn):
    application_version: Version
    approved: bool
    reason: Text


class MaintenanceFundIn(CommandIn):
    first_collection: Money
    balance: Money


# --- read ----------------------------------------------------------------------
class RecordOut(BaseModel):
    kind: str
    period: str
    version: int
    corrected: bool


class CommunityOut(BaseModel):
    code: str
    name: str
    street: str
    category: str
    build_year: int
    floor_area: float
    households: int
    mode: str
    renovated_on: date | None
    committee: str | None
    current_engagement: str | None
    current_provider: str | None
    records: list[RecordOut]
    version: int


class CommunitySummaryOut(BaseModel):
    code: str
    name: str
    street: str
    category: str
    mode: str
    households: int
    floor_area: float
    current_engagement: str | None
    current_provider: str | None

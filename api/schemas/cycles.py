"""Rating cycle and policy pack schemas."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from domain.vocab import DEPARTMENTS, STANDARDISATIONS, STAR_METHODS

from api.schemas.common import Code, CommandIn, Text, Version

Department = Literal[DEPARTMENTS]  # type: ignore[valid-type]
Score = Annotated[float, Field(ge=0, le=100)]


class SchemeIn(CommandIn):
    code: Code
    departments: list[Department]
    weights: dict[str, Annotated[float, Field(gt=0)]]
    method: Literal[STAR_METHODS]  # type: ignore[valid-type]
    parameters: dict[str, Any] = Field(default_factory=dict)
    min_departments: Annotated[int, Field(ge=1)]
    standardisation: Literal[STANDARDISATIONS] = "raw"  # type: ignore[valid-type]
    guardrail: Annotated[float, Field(gt=0)] | None = None


class CycleOpenIn(CommandIn):
    period_start: date
    period_end: date


class ScoreIn(CommandIn):
    subject_kind: Literal["provider", "community"]
    subject: Annotated[str, Field(min_length=1, max_length=64, description="USCC or community code")]
    department: Department
    score: Score


class ScoreCorrectionIn(CommandIn):
    corrects_version: Version
    score: Score
    reason: Text


class CycleCloseIn(CommandIn):
    """Closing needs only the business date."""


class CycleOut(BaseModel):
    code: str
    status: str
    departments: list[str]
    period_start: date | None
    period_end: date | None
    scores_submitted: int
    version: int


# --- policy ------------------------------------------------------------------------
class PolicyAdoptionIn(CommandIn):
    pack_id: Code
    version: Annotated[str, Field(min_length=1, max_length=20)]
    effective_from: date
    content: dict[str, Any] = Field(description="the whole pack; recorded in the event with its SHA-256")


class AdoptionOut(BaseModel):
    pack_id: str
    version: str
    effective_from: date
    sha256: str


class PolicyOut(BaseModel):
    adoptions: list[AdoptionOut]
    in_force: AdoptionOut | None = Field(description="this ledger's pack in force today")
    version: int

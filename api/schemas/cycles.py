"""Rating cycle and policy pack schemas."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from domain.vocab import DEPARTMENTS, STANDARDISATIONS, STAR_METHODS

from api.schemas.common import USCC, Code, CommandIn, Text, Version

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
    appeal: dict[str, Any] | None = Field(default=None, description="objection window, e.g. {\"working_days\": 10}")
    pack: dict[str, Any] | None = Field(default=None, description="the scheme pack this cycle follows, recorded whole")


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


class ResultIn(CommandIn):
    """Compute the closed cycle's result from the ledger as it stands (the ratings projection)."""


class PublicationIn(CommandIn):
    """Publish the computed result (its digest and ledger position are fixed in the event)."""


class ObjectionIn(CommandIn):
    provider_uscc: USCC
    reason: Text


class ObjectionDecisionIn(CommandIn):
    objection_version: Version
    upheld: bool
    reason: Text
    department: Department | None = Field(default=None, description="upheld: the department whose score changes…")
    score: Score | None = None
    stars: Annotated[int, Field(ge=1, le=10)] | None = Field(default=None, description="…or the stars to give")


class RepublicationIn(CommandIn):
    """Publish again with the rows changed by upheld objections."""


class CycleOut(BaseModel):
    code: str
    status: str
    departments: list[str]
    period_start: date | None
    period_end: date | None
    scores_submitted: int
    cut_points: list[Any]
    digest: str | None
    position: int | None = Field(description="ledger position the result was computed from")
    publications: int
    objections_pending: int
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

"""Shared pieces of the request and response schemas.

Input models forbid unknown fields (a typo is an error naming the field), use
the domain's own validators where one exists (so the API and the CLI refuse the
same values with the same rule), and take money as decimal strings: a JSON
float is refused, never rounded.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Callable

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, field_validator
from pydantic_core import PydanticCustomError

from api.clock import ledger_today
from domain.errors import DomainError
from domain.values import check_code, check_month, check_quarter, check_uscc


def domain_checked(check: Callable[[Any], Any]) -> AfterValidator:
    """Run a domain validator inside pydantic; its rule becomes the error type."""

    def validate(value: Any) -> Any:
        try:
            return check(value)
        except DomainError as error:
            raise PydanticCustomError(error.rule, error.message) from None

    return AfterValidator(validate)


def _refuse_float(value: Any) -> Any:
    if isinstance(value, bool) or isinstance(value, float):
        raise PydanticCustomError("decimal", 'must be a decimal amount as a string, e.g. "3600.00", not a float')
    return value


USCC = Annotated[str, domain_checked(check_uscc),
                 WithJsonSchema({"type": "string", "minLength": 18, "maxLength": 18,
                                 "description": "统一社会信用代码 (GB 32100-2015, check character verified)",
                                 "examples": ["91120116MA05JY6W3K"]})]
Code = Annotated[str, domain_checked(lambda v: check_code(v, "code")),
                 WithJsonSchema({"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.\\-]{0,63}$"})]
Month = Annotated[str, domain_checked(check_month),
                  WithJsonSchema({"type": "string", "pattern": "^\\d{4}-(0[1-9]|1[0-2])$", "examples": ["2024-03"]})]
Quarter = Annotated[str, domain_checked(check_quarter),
                    WithJsonSchema({"type": "string", "pattern": "^\\d{4}-Q[1-4]$", "examples": ["2024-Q1"]})]
Money = Annotated[Decimal, BeforeValidator(_refuse_float), Field(ge=0, decimal_places=2, max_digits=18),
                  WithJsonSchema({"type": "string", "pattern": "^\\d+(\\.\\d{1,2})?$",
                                  "description": "yuan, at most two decimals (fen); a string, never a float",
                                  "examples": ["3600.00"]})]
Text = Annotated[str, Field(min_length=1, max_length=200)]
LongText = Annotated[str, Field(max_length=2000)]
Version = Annotated[int, Field(ge=1)]


class SourceIn(BaseModel):
    """Where the record comes from: a document number, optionally the attachment's SHA-256."""

    model_config = ConfigDict(extra="forbid")
    document: Annotated[str, Field(max_length=200)] = ""
    sha256: Annotated[str, Field(pattern="^[0-9a-f]{64}$")] | None = None


class CommandIn(BaseModel):
    """Every command body: the business date (default today) and an optional source."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)
    occurred_on: date = Field(default_factory=ledger_today,
                              description="business date (inspection day, payment date…); default today "
                                          "(Asia/Shanghai); never after today")
    source: SourceIn | None = None

    @field_validator("occurred_on")
    @classmethod
    def _not_in_the_future(cls, day: date) -> date:
        # A future business date could, for one, mark an engagement overdue before its deadline.
        if day > ledger_today():
            raise ValueError("must not be after today (Asia/Shanghai)")
        return day

    def command_fields(self) -> dict[str, Any]:
        """The command's own arguments (everything but the stamp)."""
        return {k: getattr(self, k) for k in type(self).model_fields if k not in ("occurred_on", "source")}


class AggregateRef(BaseModel):
    kind: str
    code: str
    id: str
    version: int | None = Field(description="the aggregate's version after the command: send it back as If-Match")


class CommandResultOut(BaseModel):
    """What every command returns (201, or 200 for an idempotent replay)."""

    command: str
    positions: list[int] = Field(description="ledger positions (notification ids) of the new events")
    versions: dict[str, int] = Field(description="version of every aggregate the command touched, by id")
    replayed: bool
    receipt: dict[str, Any] = Field(description="integrity receipt (tree size, root) when the integrity log runs")
    aggregate: AggregateRef


class ErrorDetail(BaseModel):
    code: str
    field: str | None
    rule: str
    message: str
    details: list[dict[str, Any]] | None = None


class ErrorOut(BaseModel):
    error: ErrorDetail


COMMAND_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": CommandResultOut, "description": "idempotent replay (header Idempotent-Replayed: true)"},
    401: {"model": ErrorOut, "description": "no or bad credentials"},
    403: {"model": ErrorOut, "description": "the role (or its street) may not run this command"},
    404: {"model": ErrorOut, "description": "a referenced aggregate does not exist"},
    409: {"model": ErrorOut, "description": "refused by a business rule, or If-Match version conflict"},
    422: {"model": ErrorOut, "description": "a field is malformed (the error names it)"},
}
READ_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut}, 403: {"model": ErrorOut}, 404: {"model": ErrorOut},
}

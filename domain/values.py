"""Value objects and validators shared by every aggregate.

Validators raise :class:`~domain.errors.ValidationError` naming the field; they
return the normalised value so command methods read as ``x = check(x)``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum

from domain.errors import ValidationError

# GB 32100-2015: 31 characters (no I, O, Z, S, V); weights are 3**i mod 31.
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_USCC_RE = re.compile(f"^[{USCC_CHARSET}]{{18}}$")


class Role(str, Enum):
    HOUSING_BUREAU = "housing_bureau"
    CIVIL_AFFAIRS = "civil_affairs"
    FINANCE = "finance"
    DEPARTMENT = "department"  # an assessing department in a rating cycle
    STREET = "street"
    PARTY_COMMITTEE = "party_committee"
    RESIDENTS_COMMITTEE = "residents_committee"
    AUDITOR = "auditor"
    PUBLIC = "public"
    SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    """Who did it: user id, role, organisation (e.g. a street office's code)."""

    user: str
    role: str
    org: str = ""

    def __post_init__(self) -> None:
        if not self.user:
            raise ValidationError("actor.user", "required", "the acting user is required")
        if self.role not in {r.value for r in Role}:
            raise ValidationError("actor.role", "known_role", f"unknown role {self.role!r}")


@dataclass(frozen=True)
class Source:
    """Where it came from: a document number and optionally an attachment's SHA-256."""

    document: str = ""
    sha256: str = ""

    def __post_init__(self) -> None:
        if self.sha256 and not re.fullmatch(r"[0-9a-f]{64}", self.sha256):
            raise ValidationError("source.sha256", "hex_sha256", "must be 64 lowercase hex digits")


SYSTEM_ACTOR = Actor(user="system", role=Role.SYSTEM.value, org="")


def uscc_check_char(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters."""
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS))
    return USCC_CHARSET[(31 - total % 31) % 31]


def check_uscc(value: str, field: str = "uscc") -> str:
    """Validate a unified social credit code (统一社会信用代码) and its check character."""
    code = (value or "").strip().upper()
    if not _USCC_RE.match(code):
        raise ValidationError(
            field, "uscc_format", "must be 18 characters from 0-9 and A-Y without I, O, S, V, Z"
        )
    if uscc_check_char(code[:17]) != code[17]:
        raise ValidationError(field, "uscc_check_character", "check character does not match (GB 32100-2015)")
    return code


def check_text(value: str, field: str, *, max_len: int = 200) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(field, "required", "is required")
    if len(text) > max_len:
        raise ValidationError(field, "max_length", f"is longer than {max_len} characters")
    return text


def check_code(value: str, field: str) -> str:
    """Stable codes (communities, engagements, cycles): letters, digits, '-', '_', '.'."""
    code = (value or "").strip()
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}", code):
        raise ValidationError(field, "code_format", "must be 1-64 letters, digits, '-', '_' or '.'")
    return code


def check_number(value: float | int | Decimal, field: str, *, minimum: float = 0.0,
                 maximum: float | None = None, strict: bool = False) -> float:
    """A finite number ≥ minimum (> minimum when strict) and ≤ maximum."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise ValidationError(field, "number", "must be a number")
    try:
        number = float(value)
    except OverflowError:  # an int beyond float range is not a finite measurement
        number = math.inf
    if math.isnan(number) or math.isinf(number):
        raise ValidationError(field, "finite", "must be a finite number (not NaN or infinity)")
    if number < minimum or (strict and number == minimum):
        op = ">" if strict else "≥"
        raise ValidationError(field, "minimum", f"must be {op} {minimum:g}")
    if maximum is not None and number > maximum:
        raise ValidationError(field, "maximum", f"must be ≤ {maximum:g}")
    return number


def check_count(value: int, field: str, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, "integer", "must be a whole number")
    if value < minimum:
        raise ValidationError(field, "minimum", f"must be ≥ {minimum}")
    return value


def check_money(value: Decimal | str | int, field: str, *, allow_zero: bool = True) -> Decimal:
    """Yuan as Decimal with at most two decimals (fen); floats are refused as inexact."""
    if isinstance(value, float) or isinstance(value, bool):
        raise ValidationError(field, "decimal", "must be a decimal amount (a string or Decimal), not a float")
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError(field, "decimal", "must be a decimal amount") from None
    if not amount.is_finite():
        raise ValidationError(field, "finite", "must be a finite amount")
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationError(field, "minimum", "must not be negative" if amount < 0 else "must be > 0")
    try:
        fen = amount.quantize(Decimal("0.01"))
    except InvalidOperation:  # more digits than the decimal context holds
        raise ValidationError(field, "maximum", "is too large an amount") from None
    if amount != fen:
        raise ValidationError(field, "fen", "must have at most two decimals (fen)")
    return fen


def check_date(value: date, field: str) -> date:
    # A datetime is a date subclass but would be stored (and compared) as a datetime.
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValidationError(field, "date", "must be a date (YYYY-MM-DD)")
    return value


def check_order(earlier: date, later: date, earlier_field: str, later_field: str) -> None:
    check_date(earlier, earlier_field)
    check_date(later, later_field)
    if later < earlier:
        raise ValidationError(later_field, "date_order", f"must not be before {earlier_field} ({earlier.isoformat()})")


def check_month(value: str, field: str = "month") -> str:
    """A calendar month as 'YYYY-MM'."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
        raise ValidationError(field, "month_format", "must be a month as YYYY-MM")
    return value


def check_quarter(value: str, field: str = "quarter") -> str:
    """A calendar quarter as 'YYYY-Qn'."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-Q[1-4]", value):
        raise ValidationError(field, "quarter_format", "must be a quarter as YYYY-Q1..YYYY-Q4")
    return value


def check_choice(value: str, field: str, choices: type[Enum] | set[str]) -> str:
    allowed = {c.value for c in choices} if isinstance(choices, type) else set(choices)
    if value not in allowed:
        raise ValidationError(field, "choice", f"must be one of {', '.join(sorted(allowed))}")
    return value

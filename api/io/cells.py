"""From a spreadsheet cell to a command's value, or an error naming what is wrong.

Cells come from openpyxl (str, int, float, bool, datetime) or from CSV (str).
Each parser returns the value in the form the Ledger command takes (codes,
``Decimal`` money, ``date``, ``YYYY-MM`` months…) or raises :class:`CellError`,
a domain ``ValidationError`` that also carries a Chinese sentence for the user.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from domain.errors import ValidationError

from api.io.labels import FAIL_WORDS, PASS_WORDS, Labels, squash

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_EXCEL_EPOCH = date(1899, 12, 30)


class CellError(ValidationError):
    """A cell that cannot become the command's value; ``zh`` is what the user reads."""

    def __init__(self, field: str, rule: str, message: str, zh: str) -> None:
        super().__init__(field, rule, message)
        self.zh = zh


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any, field: str) -> str:
    """Text as typed; a number Excel stored for a code (101, 13800000000.0) loses its '.0'."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def integer(value: Any, field: str) -> int:
    if isinstance(value, bool):
        raise CellError(field, "integer", "must be a whole number", "应为整数。")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raw = str(value).strip().replace(",", "")
    if re.fullmatch(r"[+-]?\d+(\.0+)?", raw):
        return int(raw.split(".")[0])
    raise CellError(field, "integer", f"{value!r} is not a whole number", f"“{value}”不是整数。")


def number(value: Any, field: str) -> float:
    if isinstance(value, bool):
        raise CellError(field, "number", "must be a number", "应为数字。")
    if isinstance(value, (int, float)):
        return float(value)
    raw = str(value).strip().replace(",", "")
    try:
        found = float(raw)
    except ValueError:
        raise CellError(field, "number", f"{value!r} is not a number", f"“{value}”不是数字。") from None
    if math.isnan(found) or math.isinf(found):
        raise CellError(field, "finite", "must be a finite number", "应为有限的数字。")
    return found


def money(value: Any, field: str) -> Decimal | str:
    """Yuan, at most two decimals. Text stays text (the domain's check_money has the last
    word); a float cell is taken only when it is exactly a two-decimal amount:
    3600.1 → 3600.1, but 3600.123 names the cell."""
    if isinstance(value, bool):
        raise CellError(field, "decimal", "must be an amount", "应为金额数字。")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise CellError(field, "finite", "must be a finite amount", "应为有限的金额。")
        amount = Decimal(str(round(value, 2)))
        if float(amount) != value:
            raise CellError(field, "fen", f"{value!r} has more than two decimals",
                            f"金额 {value!r} 超过两位小数（分），请核对。")
        return amount
    raw = str(value).strip().replace(",", "").replace("，", "").removeprefix("¥").removeprefix("￥")
    raw = raw.removesuffix("元").strip()
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise CellError(field, "decimal", f"{value!r} is not an amount", f"“{value}”不是金额数字。") from None
    if amount.is_finite() and amount != amount.quantize(Decimal("0.01")):
        raise CellError(field, "fen", f"{value!r} has more than two decimals",
                        f"金额 {raw} 超过两位小数（分），请核对。")
    return raw  # the domain's check_money decides the rest (sign, size)


def day(value: Any, field: str) -> date:
    """An Excel date cell, an Excel serial number, YYYY-MM-DD, YYYY/M/D or YYYY年M月D日."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 20000 <= value <= 80000:
        return _EXCEL_EPOCH + timedelta(days=int(value))  # a date cell read without its format
    raw = str(value).strip()
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(\s+\d{1,2}:\d{2}(:\d{2})?)?", raw)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    raise CellError(field, "date", f"{value!r} is not a date (YYYY-MM-DD)",
                    f"“{value}”不是有效日期，应为 YYYY-MM-DD，例如 2024-03-15。")


def month(value: Any, field: str) -> str:
    """YYYY-MM. Excel turns a typed 2024-03 into a date: any date gives its month."""
    if isinstance(value, (datetime, date)):
        return f"{value.year:04d}-{value.month:02d}"
    raw = text(value, field)
    match = (re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?", raw) or re.fullmatch(r"(\d{4})(\d{2})", raw)
             or re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*\d{1,2}\s*日?", raw))
    if match and 1 <= int(match[2]) <= 12:
        return f"{int(match[1]):04d}-{int(match[2]):02d}"
    raise CellError(field, "month_format", f"{value!r} is not a month (YYYY-MM)",
                    f"“{raw}”不是有效月份，应为 YYYY-MM，例如 2024-03。")


def quarter(value: Any, field: str) -> str:
    """YYYY-Qn; also 2024Q1, 2024年第一季度, 2024年1季度."""
    raw = text(value, field)
    match = (re.fullmatch(r"(\d{4})\s*-?\s*[qQ]\s*([1-4])", raw)
             or re.fullmatch(r"(\d{4})\s*年\s*第?\s*([一二三四1-4])\s*季度?", raw))
    if match:
        return f"{match[1]}-Q{_CN_DIGITS[match[2]]}"
    raise CellError(field, "quarter_format", f"{value!r} is not a quarter (YYYY-Qn)",
                    f"“{raw}”不是有效季度，应为 YYYY-Q1 至 YYYY-Q4，例如 2024-Q1。")


def passed(value: Any, field: str) -> bool:
    """合格/不合格, ✓/✗, 1/0, 是/否, TRUE/FALSE."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    word = squash(text(value, field))
    if word in PASS_WORDS:
        return True
    if word in FAIL_WORDS:
        return False
    raise CellError(field, "boolean", f"{value!r} is not pass/fail",
                    f"“{value}”无法识别，应填 合格/不合格（或 ✓/✗、1/0）。")


def yes_no(value: Any, field: str) -> bool:
    """是/否 (属实/不属实 too)."""
    word = squash(text(value, field)) if not isinstance(value, bool) else value
    if word in (True, "属实", "是"):
        return True
    if word in (False, "不属实", "否"):
        return False
    try:
        return passed(value, field)
    except CellError:
        raise CellError(field, "boolean", f"{value!r} is not yes/no", f"“{value}”无法识别，应填 是/否。") from None


def choice(labels: Labels) -> Any:
    """A parser for one closed vocabulary: its Chinese labels or its codes."""

    def parse(value: Any, field: str) -> str:
        code = labels.code_of(text(value, field))
        if code is None:
            allowed = "、".join(labels.choices())
            raise CellError(field, "choice", f"{value!r} is not one of {', '.join(labels.canonical)}",
                            f"“{value}”不是可选值，应为：{allowed}。")
        return code

    return parse


def many(labels: Labels) -> Any:
    """Several values of a vocabulary in one cell (labels may themselves contain 、)."""
    one = choice(labels)

    def parse(value: Any, field: str) -> list[str]:
        rest, found = text(value, field), []
        for code, label in sorted(labels.canonical.items(), key=lambda kv: -len(kv[1])):
            if label in rest:
                found.append(code)
                rest = rest.replace(label, " ")
        for part in re.split(r"[、,，;；/\n\s]+", rest):
            if part and part not in ("无", "-", "—"):
                found.append(one(part, field))
        return sorted(set(found))

    return parse

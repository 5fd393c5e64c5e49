"""How one import kind is described: its columns, and how a parsed row becomes
Ledger commands (:class:`Step`). The eight kinds themselves are in ``kinds.py``."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable

from domain.application import CommandResult
from domain.sheet import AssessmentSheet

from api.io import cells
from api.io.labels import Labels, squash

Parser = Callable[[Any, str], Any]
_UNIT = re.compile(r"\((元|户|个|份|m²|㎡|m2|平方米|平米)\)$")


def header_key(header: Any) -> str:
    """How headers are compared: squashed, without a trailing unit such as (元) or (m²)."""
    return _UNIT.sub("", squash(str(header or "")))


@dataclass(frozen=True)
class Column:
    field: str  # key in the parsed row (mostly the command's argument name)
    header: str  # the Chinese header of templates and error reports
    parse: Parser
    required: bool = True
    labels: Labels | None = None  # closed vocabulary: a drop-down list in the template
    hint: str = ""  # what to write, for the 说明 sheet
    example: Any = None
    aliases: tuple[str, ...] = ()  # other headers accepted on import
    also: tuple[str, ...] = ()  # other domain error fields reported in this column

    def keys(self) -> set[str]:
        return {header_key(h) for h in (self.header, self.field, *self.aliases)}


@dataclass(frozen=True)
class Step:
    """One Ledger command of a row: ``call(stamp=…, idempotency_key=…)``."""

    command: str  # the Ledger's command name (the key of api.auth.PERMISSIONS)
    call: Callable[..., CommandResult]
    occurred_on: date
    suffix: str = ""  # appended to the row's idempotency key when a row runs several commands
    fields: dict[str, str] = field(default_factory=dict)  # domain error field -> column field


@dataclass(frozen=True)
class Kind:
    name: str  # CLI and URL name: providers, communities, inspections…
    title: str  # sheet name and title in Chinese
    title_en: str  # the title on the web page in English (the sheet keeps its Chinese name)
    commands: tuple[str, ...]  # every command a row may run (permissions are checked on all)
    make_columns: Callable[[AssessmentSheet], tuple[Column, ...]]
    steps: Callable[[Any, dict, date], list[Step]]  # (ledger, parsed row, business date) -> commands
    community: Callable[[dict], str | None]  # the row's community (street scope), if any
    unique: tuple[str, ...]  # fields whose values may appear once per file (the last names the column)
    period_end: Callable[[dict], date | None] = lambda row: None  # default business date
    street: Callable[[dict], str | None] = lambda row: None  # the row's street when it names one
    document: Callable[[dict], str | None] = lambda row: None  # source document when 文书编号 is blank
    note: str = ""  # extra lines for the 说明 sheet

    def columns(self, sheet: AssessmentSheet) -> tuple[Column, ...]:
        return self.make_columns(sheet)


def date_column(header: str) -> Column:
    return Column("occurred_on", header, cells.day, required=False, aliases=("日期", "业务日期"),
                  hint="YYYY-MM-DD；留空见说明", example=None)


SOURCE = Column("document", "文书编号", cells.text, required=False, aliases=("source", "依据文件", "单据编号"),
                hint="可选：依据的文件、工单或凭证编号", also=("source", "source.document"))


def month_end(text: str) -> date:
    year, month = int(text[:4]), int(text[5:7])
    return date(year, month, calendar.monthrange(year, month)[1])


def period_end(text: str | None) -> date | None:
    """Last day of 2024, 2024-H1, 2024-Q3 or 2024-03; None for anything else."""
    raw = (text or "").strip().upper()
    if re.fullmatch(r"\d{4}", raw):
        return date(int(raw), 12, 31)
    if match := re.fullmatch(r"(\d{4})-H([12])", raw):
        return month_end(f"{match[1]}-{6 * int(match[2]):02d}")
    if match := re.fullmatch(r"(\d{4})-Q([1-4])", raw):
        return month_end(f"{match[1]}-{3 * int(match[2]):02d}")
    if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", raw):
        return month_end(raw)
    return None

"""What an import reports: a summary, and every error with its sheet, row, column and cell, in Chinese
(the CLI, the spreadsheet outputs, the page) and in English (the page under ?lang=en)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class RowError:
    sheet: str
    row: int
    column: str | None  # the Chinese header
    cell: str | None  # e.g. "D5"
    field: str | None
    rule: str
    message: str  # Chinese, for the user
    detail: str = ""  # the domain's English message
    message_en: str = ""  # English, for the user (the web page under ?lang=en)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ImportReport:
    kind: str
    title: str
    filename: str
    sheet: str
    sha256: str
    dry_run: bool
    rows: int = 0
    commands: int = 0  # commands run (or that would run)
    events: int = 0  # new domain events written (or that would be)
    replayed: int = 0  # commands already applied by an earlier import of this file
    written: bool = False
    first_position: int | None = None  # ledger positions written (idempotency records included)
    last_position: int | None = None
    seconds: float = 0.0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {**{k: v for k, v in asdict(self).items() if k != "errors"},
                "errors": [e.as_dict() for e in self.errors]}


def column_letter(index: int) -> str:
    letters, n = "", index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters

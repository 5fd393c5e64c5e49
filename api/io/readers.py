"""Reading an uploaded spreadsheet: ``.xlsx`` (openpyxl) or ``.csv``.

CSV encodings, in order: a BOM (UTF-8, UTF-16), strict UTF-8, else GB18030 (a
superset of GBK: what Excel on Chinese Windows writes as "CSV"). Rows keep the
numbers a user sees in Excel: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from domain.errors import ValidationError

FORMATS = (".xlsx", ".xlsm", ".csv")
MAX_BYTES = 50 * 1024 * 1024


@dataclass
class Table:
    """One sheet: its header row and its non-blank data rows as (row number, cells)."""

    sheet: str
    headers: list[Any]
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    sha256: str = ""  # of the whole file: the import's idempotency keys derive from it
    filename: str = ""
    encoding: str = ""  # CSV only


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def decode_csv(data: bytes) -> tuple[str, str]:
    """(text, encoding name) of CSV bytes."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(name), name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise ValidationError("file", "encoding", "the CSV is neither UTF-8 nor GBK/GB18030") from None


def read_csv(data: bytes, name: str = "") -> Table:
    body, encoding = decode_csv(data)
    first = body.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ";" if first.count(";") > first.count(",") else ","
    records = list(csv.reader(io.StringIO(body, newline=""), delimiter=delimiter))
    sheet = "csv"  # constant: part of the idempotency keys, so a renamed copy is still the same file
    if not records:
        return Table(sheet, [], encoding=encoding)
    rows = [(n, r) for n, r in enumerate(records[1:], start=2) if not all(map(_blank, r))]
    return Table(sheet, records[0], rows, encoding=encoding)


def read_xlsx(data: bytes, sheet: str | None = None, preferred: tuple[str, ...] = ()) -> Table:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ValidationError("file", "xlsx", f"not a readable .xlsx workbook ({error})") from None
    try:
        if sheet is not None:
            if sheet not in wb.sheetnames:
                raise ValidationError("sheet", "exists",
                                      f"no sheet {sheet!r}; the workbook has {', '.join(wb.sheetnames)}")
            ws = wb[sheet]
        else:
            names = [n for n in preferred if n in wb.sheetnames]
            ws = wb[names[0]] if names else wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        headers = list(next(rows, ()) or ())
        while headers and _blank(headers[-1]):
            headers.pop()
        table = Table(ws.title, headers)
        for number, row in enumerate(rows, start=2):
            cells = list(row[: len(headers)])
            if not all(map(_blank, cells)):
                table.rows.append((number, cells))
        return table
    finally:
        wb.close()


def read_table(data: bytes, filename: str, sheet: str | None = None, preferred: tuple[str, ...] = ()) -> Table:
    """The sheet of an uploaded file (``sheet``, else the first of ``preferred`` present, else the first)."""
    if len(data) > MAX_BYTES:
        raise ValidationError("file", "max_size", f"the file is larger than {MAX_BYTES // 2**20} MB")
    suffix = Path(filename).suffix.lower()
    if suffix == ".xls" or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ValidationError("file", "format", "old .xls workbooks are not read: save as .xlsx or CSV")
    if suffix in (".xlsx", ".xlsm") or (suffix not in FORMATS and data.startswith(b"PK")):
        table = read_xlsx(data, sheet, preferred)
    elif suffix == ".csv" or suffix not in FORMATS:
        table = read_csv(data, filename)
    else:  # pragma: no cover - FORMATS covers the suffixes above
        raise ValidationError("file", "format", "must be .xlsx or .csv")
    table.sha256, table.filename = hashlib.sha256(data).hexdigest(), filename
    return table

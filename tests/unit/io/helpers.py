"""Building spreadsheets for import tests: from a template, from rows, as CSV."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any, Iterable

from openpyxl import Workbook, load_workbook

from api.io import read_table, write_template
from api.io.readers import Table
from domain.base import Stamp
from domain.ledger import Ledger
from domain.values import Actor, uscc_check_char

HB = Actor("hb-1", "housing_bureau", "区住房建设委")
STREET = Actor("st-1", "street", "双港镇")
RC = Actor("rc-1", "residents_committee", "双港镇")
FINANCE = Actor("fin-1", "finance", "区财政局")
DAY = date(2024, 1, 2)


def uscc(n: int) -> str:
    first17 = f"91120112MA{n:07d}"
    return first17 + uscc_check_char(first17)


def registry(ledger: Ledger, communities: int = 2, street: str = "双港镇", provider: bool = True) -> list[str]:
    """Communities C-001… (renovated old, 240 households) and, optionally, provider 1 serving C-001."""
    codes = [f"C-{i:03d}" for i in range(1, communities + 1)]
    with ledger.batch():
        for code in codes:
            ledger.register_community(code=code, name=f"小区{code}", street=street, category="renovated_old",
                                      build_year=1990, floor_area=12000.0, households=240, mode="professional",
                                      stamp=Stamp(DAY, HB))
        if provider:
            ledger.register_provider(uscc=uscc(1), name="津南安居物业有限公司", legal_representative="张三",
                                     contact="022-88886666", stamp=Stamp(DAY, HB))
    if provider:
        ledger.request_entry(code="E-001", provider_uscc=uscc(1), community_code=codes[0], mode="professional",
                             services=["gate_duty", "patrol", "cleaning", "parking"], fee_standard="0.50",
                             term_months=24, served_area=12000.0, stamp=Stamp(DAY, STREET))
        ledger.decide_entry("E-001", approved=True, reason="同意", stamp=Stamp(DAY, Actor("pc", "party_committee",
                                                                                       street)))
        ledger.sign_agreement("E-001", start=DAY, end=date(2025, 12, 31), stamp=Stamp(DAY, STREET))
    return codes


def from_template(kind: str, rows: Iterable[dict[str, Any]], tmp: Path) -> bytes:
    """The kind's template filled in from row 2 by header, as a user would in Excel."""
    path = write_template(kind, tmp / f"{kind}.xlsx")
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    column = {cell.value: cell.column for cell in ws[1]}
    for r, row in enumerate(rows, start=2):
        for header, value in row.items():
            ws.cell(row=r, column=column[header], value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def workbook(headers: list[str], rows: Iterable[Iterable[Any]], title: str = "Sheet1") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(headers)
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(headers: list[str], rows: Iterable[Iterable[Any]], encoding: str = "utf-8-sig") -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headers)
    writer.writerows(rows)
    return text.getvalue().encode(encoding)


def table(data: bytes, name: str = "upload.xlsx", sheet: str | None = None) -> Table:
    return read_table(data, name, sheet)

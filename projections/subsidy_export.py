"""The subsidy list of a period as an Excel workbook (openpyxl) or a CSV file.

One row per community (街道, 小区, 管理模式, 面积, 标准, 月数, 考核等级, 应发,
已发, 未发, 原因), then a totals row (合计). The workbook has Chinese headers,
a frozen header row, ``0.00`` number formats, a second sheet by payer level
(区级 / 镇级 / 市级, with any overpayment) and a third saying what the list was
computed from. The CSV is UTF-8 with a BOM so that Excel opens it as Chinese.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from projections.subsidy_periods import Period
from projections.subsidy_read import Line
from projections.subsidy_text import PAYER_ZH

HEADERS = ("街道", "小区", "管理模式", "面积(m²)", "标准(元/m²·月)", "月数", "考核等级", "应发", "已发", "未发", "原因")
PAYER_HEADERS = ("街道", "小区", "支付层级", "应发", "已发", "未发", "多发")
MONEY = "0.00"
TOTAL_LABEL = "合计"


def _cells(line: Line) -> list:
    return [line.street, line.community_name or line.community_code, line.mode_zh, line.area, line.rate,
            line.months, line.grade_zh, line.due, line.paid, line.outstanding, line.reason]


def totals(lines: list[Line]) -> list:
    total = Decimal("0.00")
    return [TOTAL_LABEL, f"{len(lines)} 个小区", "", sum((l.area for l in lines), Decimal(0)), "",
            sum(l.months for l in lines), "", sum((l.due for l in lines), total), sum((l.paid for l in lines), total),
            sum((l.outstanding for l in lines), total), ""]


def write_csv(lines: list[Line], path: str | Path) -> Path:
    path = Path(path)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADERS)
        for row in [*map(_cells, lines), totals(lines)]:
            writer.writerow(["" if v is None else (f"{v:.2f}" if isinstance(v, Decimal) else v) for v in row])
    return path


def write_xlsx(lines: list[Line], path: str | Path, *, period: Period, about: dict[str, str]) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = f"补贴清单 {period.label}"
    ws.append(HEADERS)
    for row in map(_cells, lines):
        ws.append(row)
    ws.append(totals(lines))
    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font, cell.alignment = bold, Alignment(horizontal="center")
    for cell in ws[ws.max_row]:
        cell.font = bold
    for col in ("D", "E", "H", "I", "J"):
        for cell in ws[col][1:]:
            if isinstance(cell.value, (int, float, Decimal)):
                cell.number_format = MONEY
    for col, width in zip("ABCDEFGHIJK", (12, 18, 12, 12, 14, 6, 10, 12, 12, 12, 48)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"

    payers = wb.create_sheet("按支付层级")
    payers.append(PAYER_HEADERS)
    for line in lines:
        for payer in sorted(line.by_payer):
            due, paid, outstanding, overpaid = line.by_payer[payer]
            payers.append([line.street, line.community_name or line.community_code, PAYER_ZH.get(payer, payer),
                           due, paid, outstanding, overpaid])
    for row in payers.iter_rows(min_row=2, min_col=4):
        for cell in row:
            cell.number_format = MONEY
    for cell in payers[1]:
        cell.font = bold
    payers.freeze_panes = "A2"

    info = wb.create_sheet("说明")
    for key, value in [("期间", period.label), *about.items()]:
        info.append([key, value])
    info.column_dimensions["A"].width, info.column_dimensions["B"].width = 16, 80
    wb.save(path)
    return path


def export(lines: list[Line], path: str | Path, *, period: Period, about: dict[str, str]) -> Path:
    """Write ``.xlsx`` or ``.csv`` by the file's suffix."""
    suffix = Path(path).suffix.lower()
    if suffix == ".xlsx":
        return write_xlsx(lines, path, period=period, about=about)
    if suffix == ".csv":
        return write_csv(lines, path)
    raise ValueError("out: the file must end in .xlsx or .csv")

"""Empty import templates: ``taizhang template inspections 每月巡查.xlsx``.

The data sheet (first, named after the kind) has the Chinese headers (required
ones shaded), a note on each header, drop-down lists (openpyxl DataValidation)
for the closed vocabularies, and text format where Excel would otherwise turn a
typed ``2024-03`` into a date or a USCC into a number. The example row and the
column-by-column instructions are on the 说明 sheet, so the data sheet can be
imported as it is filled in, without a row to delete first.
"""

from __future__ import annotations

from pathlib import Path

from domain.sheet import DEFAULT_SHEET, AssessmentSheet

from api.io import cells
from api.io.importer import kind_of
from api.io.spec import Column

ROWS = 5000  # rows offered the drop-down lists
_TEXT_PARSERS = (cells.text, cells.month, cells.quarter)
GENERAL_NOTES = (
    "整表导入：任何一行有错误时，全部不写入，并列出每个错误的行号、列名和原因；改正后重新导入即可。",
    "同一文件重复导入不会重复写入（按文件内容的 SHA-256 和行号识别）；修改过的文件视为新文件。",
    "业务日期列留空时：按月或季度的记录取该期间最后一天（不晚于导入当天），其他记录取导入当天。",
    "日期可填 Excel 日期或 YYYY-MM-DD；金额可填数字或文字，最多两位小数；表头也可使用英文字段名。",
    "CSV 文件可用 UTF-8（带或不带 BOM）或 GBK 编码保存。",
)


def _choices(col: Column) -> str:
    return "、".join(col.labels.choices()) if col.labels else ""


def write_template(kind: str, path: str | Path, *, sheet: AssessmentSheet = DEFAULT_SHEET) -> Path:
    """Write the empty template of ``kind`` (an ``.xlsx``) and return its path."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    spec = kind_of(kind)
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ValueError("out: a template is an .xlsx workbook")
    columns = spec.columns(sheet)
    wb = Workbook()
    ws = wb.active
    ws.title = spec.title
    ws.append([c.header for c in columns])
    required = PatternFill("solid", fgColor="FFF2CC")
    for i, col in enumerate(columns, start=1):
        letter = get_column_letter(i)
        head = ws.cell(row=1, column=i)
        head.font, head.alignment = Font(bold=True), Alignment(horizontal="center", wrap_text=True)
        if col.required:
            head.fill = required
        note = "；".join(p for p in ("必填" if col.required else "可选", col.hint, _choices(col) and f"可选值：{_choices(col)}",
                                     col.example is not None and f"示例：{col.example}") if p)
        head.comment = Comment(note, "台账")
        ws.column_dimensions[letter].width = max(12, 2 * len(col.header) + 4)
        if col.parse in _TEXT_PARSERS:  # a column style: Excel applies it to what is typed in
            ws.column_dimensions[letter].number_format = "@"
        if col.labels is not None:
            listing = ",".join(col.labels.choices())
            dv = DataValidation(type="list", formula1=f'"{listing}"', allow_blank=not col.required)
            dv.error, dv.errorTitle = f"请从下拉列表选择：{_choices(col)}", col.header
            dv.prompt, dv.promptTitle, dv.showInputMessage = _choices(col), col.header, True
            # Several veto items go in one cell: offer the list, accept any text.
            dv.showErrorMessage = col.field != "vetoes"
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}{ROWS + 1}")
    ws.freeze_panes = "A2"

    info = wb.create_sheet("说明")
    info.append([f"{spec.title}导入模板（taizhang import {spec.name}）"])
    info["A1"].font = Font(bold=True, size=14)
    info.append([])
    info.append(["列名", "字段", "必填", "填写说明", "可选值", "示例"])
    for col in columns:
        info.append([col.header, col.field, "是" if col.required else "否", col.hint, _choices(col),
                     "" if col.example is None else col.example])
    for cell in info[3]:
        cell.font = Font(bold=True)
    info.append([])
    info.append(["填写示例（复制到“" + spec.title + "”表的第 2 行起）"])
    info.append([c.header for c in columns])
    info.append(["" if c.example is None else c.example for c in columns])
    info.append([])
    info.append(["注意事项"])
    for line in (*GENERAL_NOTES, *([spec.note] if spec.note else [])):
        info.append([line])
    for letter, width in zip("ABCDEF", (22, 26, 6, 36, 40, 24)):
        info.column_dimensions[letter].width = width
    wb.save(path)
    return path

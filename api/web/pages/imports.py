"""/imports: upload a spreadsheet from the browser (上传导入), and download the templates.

The same code path as ``POST /api/v1/imports/{kind}`` (role, street scope, all rows
or none); the errors are shown in a table, row by row, in Chinese, or in English under
``?lang=en`` (the column as the file's Chinese header with its field name, the message in
English). The CLI and the spreadsheet outputs keep Chinese.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from domain.errors import DomainError, ValidationError

from api.auth import PERMISSIONS
from api.errors import status_for
from api.io import KINDS, authorize_kind, read_table, write_template
from api.io.messages import zh
from api.io.report import RowError
from api.io.spec import Kind
from api.routers.imports import run_for_app
from api.web.i18n import add
from api.web.templating import PageReader, page_lang, render

router = APIRouter()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

add({key: {"zh": zh_text, "en": en} for key, (zh_text, en) in {
    "imp.title": ("导入 Excel/CSV", "Import a spreadsheet"),
    "imp.intro": ("整表校验：任何一行有错误时全部不写入，并逐行列出错误；同一文件重复导入不会重复写入。",
                  "Every row is checked: one bad row and nothing is written, with each error listed; "
                  "importing the same file again writes nothing new."),
    "imp.kind": ("导入类型", "Kind"), "imp.file": ("文件（.xlsx 或 .csv）", "File (.xlsx or .csv)"),
    "imp.dry_run": ("只检查，不写入", "Check only, write nothing"), "imp.submit": ("上传并导入", "Upload and import"),
    "imp.templates": ("下载空白模板", "Download an empty template"),
    "imp.none": ("您的角色没有可导入的类型。", "Your role has nothing to import."),
    "imp.ok": ("已导入", "Imported"), "imp.checked": ("检查通过（未写入）", "Checked (nothing written)"),
    "imp.nothing_new": ("没有新数据：每一行都已导入过。", "Nothing new: every row was imported before."),
    "imp.refused": ("未写入任何数据，请改正以下错误后重新导入：", "Nothing was written; fix these and import again:"),
    "imp.rows": ("数据行", "Rows"), "imp.events": ("新事件", "New events"),
    "imp.replayed": ("已导入过（跳过）", "Already imported"), "imp.positions": ("台账位置", "Ledger positions"),
    "imp.sheet": ("工作表", "Sheet"), "imp.row": ("行", "Row"), "imp.column": ("列", "Column"),
    "imp.cell": ("单元格", "Cell"), "imp.error": ("错误", "Error"),
}.items()})


def kind_title(kind: Kind, lang: str) -> str:
    """A kind's name in the page's language (the sheet and its template keep the Chinese name)."""
    return kind.title_en if lang == "en" else kind.title


def _kinds_for(role: str, lang: str) -> list[tuple[str, str]]:
    return [(k.name, kind_title(k, lang)) for k in KINDS.values()
            if all(role in PERMISSIONS.get(c, frozenset()) for c in k.commands)]


def error_message(error: RowError, lang: str) -> str:
    return error.message_en or error.detail or error.message if lang == "en" else error.message


def error_column(error: RowError, lang: str) -> str:
    """The file's header (Chinese, as in the file); in English with the field it fills in."""
    if lang == "en" and error.column and error.field and error.field != error.column:
        return f"{error.column} ({error.field})"
    return error.column or error.field or ""


def _page(request: Request, user: Any, **context: Any) -> Any:
    status, lang = context.pop("status", 200), page_lang(request)
    return render(request, "imports.html", {
        "kinds": _kinds_for(user.role, lang), "all_kinds": [(k.name, kind_title(k, lang)) for k in KINDS.values()],
        "title_of": lambda name: kind_title(KINDS[name], lang) if name in KINDS else name,
        "error_message": lambda e: error_message(e, lang), "error_column": lambda e: error_column(e, lang),
        "report": None, "problem": None, "chosen": "", **context}, user=user, status_code=status)


@router.get("/imports")
def import_form(request: Request, user: PageReader) -> Any:
    return _page(request, user, chosen=request.query_params.get("kind", ""))


@router.get("/imports/templates/{kind}.xlsx")
def template(kind: str, user: PageReader) -> Response:
    if kind not in KINDS:
        raise ValidationError("kind", "known_kind", f"no import kind {kind!r}")
    with tempfile.TemporaryDirectory() as tmp:
        data = write_template(kind, Path(tmp) / "t.xlsx").read_bytes()
    name = f"{KINDS[kind].title}导入模板.xlsx"
    return Response(data, media_type=XLSX,
                    headers={"Content-Disposition": f"attachment; filename=\"{kind}.xlsx\"; "
                                                    f"filename*=UTF-8''{quote(name)}"})


@router.post("/imports")
async def upload(request: Request, user: PageReader) -> Any:
    form = await request.form()
    kind, upload = str(form.get("kind", "")), form.get("file")
    try:
        if kind not in KINDS:
            raise ValidationError("kind", "required", "choose what to import")
        authorize_kind(user.role, KINDS[kind])
        if upload is None or isinstance(upload, str) or not upload.filename:
            raise ValidationError("file", "required", "choose a file")
        table = read_table(await upload.read(), upload.filename, None, preferred=(KINDS[kind].title,))
    except DomainError as error:
        problem = f"{error.field}：{zh(error)}" if page_lang(request) == "zh" else f"{error.field}: {error.message}"
        return _page(request, user, chosen=kind, problem=problem, status=status_for(error))
    report = run_for_app(request, kind=kind, table=table, actor=user.actor, dry_run=bool(form.get("dry_run")),
                         enforce_scope=True)
    return _page(request, user, chosen=kind, report=report, status=200 if report.ok else 422)

"""/api/v1/imports/{kind}: upload a spreadsheet (.xlsx or .csv) and import it.

Multipart form: ``file``, optional ``dry_run`` (check only), ``sheet`` and ``on``
(the default business date). The caller needs the role that may run the kind's
command(s) (``api.auth.PERMISSIONS``); street-level roles import their own
street's communities only. Every row is written or none:

* 201 with the summary (rows, events, ledger positions) when events were written;
  200 for a dry run or a file already imported (nothing new);
* 422 ``{"error": {"code": "invalid", "field": "file", "rule": "import_rows",
  "details": [{"sheet", "row", "column", "cell", "field", "rule", "message"}…],
  "report": {…}}}`` listing every bad row, in Chinese; nothing written.
"""

from __future__ import annotations

import threading
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Path, Request, UploadFile
from fastapi.responses import JSONResponse

from domain.errors import NotFoundError
from domain.ledger import Ledger
from domain.store import parse_database_url

from api import consistency
from api.auth.permissions import require_authenticated
from api.deps import CurrentUser
from api.errors import error_body
from api.io import KINDS, authorize_kind, read_table, run_import
from api.schemas.common import ErrorOut

router = APIRouter(prefix="/imports", tags=["imports 导入"])
_memory_lock = threading.Lock()

RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "dry run, or every row already imported: nothing written"},
    401: {"model": ErrorOut}, 403: {"model": ErrorOut}, 404: {"model": ErrorOut},
    422: {"model": ErrorOut, "description": "bad rows (error.details) or an unreadable file; nothing written"},
}


def run_for_app(request: Request, **kwargs: Any) -> Any:
    """Import with a Ledger of its own: ``batch()`` collects commands on the Ledger object,
    so the app's shared Ledger (serving other requests) must not be put in bulk mode. An
    in-memory store (tests) has no other way in: it uses the shared Ledger, one import at a time."""
    settings = request.app.state.settings
    if parse_database_url(settings.database_url).kind == "memory":
        with _memory_lock:
            return run_import(request.app.state.ledger, **kwargs)
    from projections.audit.service import AuditService

    ledger: Ledger = AuditService.from_settings(settings).ledger(pack_id=settings.pack_id)
    try:
        report = run_import(ledger, **kwargs)
    finally:
        ledger.close()
    consistency.wrote(report.last_position)  # X-Taizhang-Position; the web page's next pages wait for it
    return report


@router.post("/{kind}", status_code=201, responses=RESPONSES,
             summary="Import a spreadsheet: nothing is written unless every row passes (导入 Excel/CSV)")
def import_sheet(
    request: Request,
    user: CurrentUser,
    kind: Annotated[str, Path(description=f"one of: {', '.join(KINDS)}")],
    file: Annotated[UploadFile, File(description=".xlsx, or .csv in UTF-8 (with or without BOM) or GBK")],
    dry_run: Annotated[bool, Form(description="check every row, write nothing")] = False,
    sheet: Annotated[str | None, Form(description="sheet name (default: the kind's, else the first)")] = None,
    on: Annotated[date | None, Form(description="default business date for rows without one (default today)")] = None,
) -> JSONResponse:
    require_authenticated(user)
    if kind not in KINDS:
        raise NotFoundError("kind", "known_kind", f"no import kind {kind!r}; known: {', '.join(KINDS)}")
    authorize_kind(user.role, KINDS[kind])
    table = read_table(file.file.read(), file.filename or "upload.xlsx", sheet or None,
                       preferred=(KINDS[kind].title,))
    report = run_for_app(request, kind=kind, table=table, actor=user.actor, on=on, dry_run=dry_run,
                         enforce_scope=True)
    body = report.as_dict()
    if not report.ok:
        first = report.errors[0]
        message = (f"{len(report.errors)} 处错误，未写入任何数据；第一处：第 {first.row} 行"
                   f"{'“' + first.column + '”列' if first.column else ''}：{first.message}")
        return JSONResponse(error_body("invalid", "file", "import_rows", message,
                                       details=body.pop("errors"), report=body), status_code=422)
    return JSONResponse(body, status_code=201 if report.written else 200)

"""/api/v1/subsidies: the subsidy read model for civil affairs, finance and the
auditor: the periods there are, one period's totals by street and list by
community (what the export prints), one community's explanation (every
condition and its outcome, the pack version and payer split), and the period's
list as an Excel workbook or a CSV file.

Money is a decimal string in yuan (never a JSON float).
"""

from __future__ import annotations

import json
import tempfile
from decimal import Decimal
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from sqlalchemy import select

from domain.errors import NotFoundError, ValidationError

from api.deps import CurrentUser
from api.routers._readmodels import SUBSIDY_READERS, ReadModelsDep, require_role

router = APIRouter(prefix="/subsidies", tags=["subsidies 补贴（读）"])
MEDIA = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "csv": "text/csv; charset=utf-8"}


def money(value: Decimal) -> str:
    return f"{value:.2f}"


def period_of(label: str | None, query: Any) -> Any:
    """The requested period, or the latest complete one in the read model (422 naming ``period``)."""
    from projections.subsidy_periods import parse_period

    if label:
        found = parse_period(label)
        if found is None:
            raise ValidationError("period", "period_format", "must be YYYY, YYYY-Hn, YYYY-Qn or YYYY-MM")
        return found
    labels = periods(query)
    horizon = query.horizon()
    complete = [p for p in map(parse_period, labels) if horizon is None or p.end <= horizon]
    chosen = complete[-1] if complete else (parse_period(labels[-1]) if labels else None)
    if chosen is None:
        raise NotFoundError("period", "exists", "nothing is due in any period yet")
    return chosen


def periods(query: Any) -> list[str]:
    """Periods with dues under the pack (the pack's own unit: quarters for Jinnan), in order."""
    from projections.subsidies import dues
    from projections.subsidy_periods import parse_period

    with query.engine.connect() as conn:
        labels = [p for (p,) in conn.execute(select(dues.c.period).distinct().where(
            dues.c.pack_id == query.pack_id, dues.c.stream == "subsidy"))]
    return sorted((p for p in labels if parse_period(p) is not None), key=lambda p: parse_period(p).start)


def line_out(line: Any) -> dict:
    return {"street": line.street, "community_code": line.community_code, "community_name": line.community_name,
            "mode": line.mode_zh, "modes": line.modes, "area": str(line.area),
            "rate": str(line.rate), "months": line.months, "grade": line.grade_zh, "grades": line.grades,
            "due": money(line.due), "paid": money(line.paid), "outstanding": money(line.outstanding),
            "overpaid": money(line.overpaid), "reason": line.reason, "pack": line.pack}


def overview(query: Any, period: Any) -> dict:
    """Totals by street (and overall) and the per-community lines of ``period``."""
    lines = query.lines(period)
    streets = []
    for t in query.streets(period) if lines else []:
        streets.append({"street": t.street, "communities": t.communities, "eligible": t.eligible, "area": str(t.area),
                        "due": money(t.due), "paid": money(t.paid), "outstanding": money(t.outstanding),
                        "overpaid": money(t.overpaid)})
    zero = Decimal("0.00")
    total = {"communities": len(lines), "eligible": sum(l.due > 0 for l in lines),
             **{k: money(sum((getattr(l, k) for l in lines), zero))
                for k in ("due", "paid", "outstanding", "overpaid")}}
    return {"period": period.label, "period_start": period.start.isoformat(), "period_end": period.end.isoformat(),
            "pack_id": query.pack_id, "horizon": str(query.horizon()), "position": query.position(),
            "streets": streets, "total": total, "lines": [line_out(l) for l in lines]}


def community_explanation(query: Any, period: Any, code: str) -> dict:
    """Every due of ``code`` in ``period`` with its inputs, conditions, reasons and payer split; the payments."""
    rows = sorted(query.dues_in(period, code), key=lambda r: (r["period_start"], r["stream"]))
    paid = sorted((p for p in query.payments_in(period) if p["community_code"] == code),
                  key=lambda p: (p["paid_on"], p["version"]))
    facts = query.communities.get(code)
    if not rows and not paid and facts is None:
        raise NotFoundError("community_code", "exists", f"no subsidy records for community {code}")
    dues = []
    for r in rows:
        dues.append({
            "period": r["period"], "stream": r["stream"], "amount": r["amount"], "exact": r["exact"],
            "pack_id": r["pack_id"], "pack_version": r["pack_version"], "adopted_at": r["adopted_at"],
            "area": r["area"], "months": r["months"], "grade": r["grade"], "band": r["band"], "factor": r["factor"],
            "segments": json.loads(r["segments"]), "parts": dict(sorted(r["parts"].items())),
            "checks": [{"key": k, "name": zh, "passed": bool(ok), "detail": d}
                       for k, zh, ok, d in json.loads(r["checks"])],
            "reasons": [{"key": k, "text": zh} for k, zh in json.loads(r["reasons"])]})
    line = next((l for l in query.lines(period) if l.community_code == code), None)
    first = rows[0] if rows else {}
    return {"community_code": code, "name": first.get("community_name") or (facts or {}).get("name", ""),
            "street": first.get("street") or (facts or {}).get("street", ""), "period": period.label,
            "line": line_out(line) if line else None, "dues": dues,
            "payments": [{**p, "amount": money(Decimal(p["amount"]))} for p in paid]}


def export_file(query: Any, period: Any, fmt: str) -> tuple[bytes, str]:
    """The period's list as ``.xlsx`` or ``.csv`` bytes (``projections.subsidy_export``), and a file name."""
    from projections.subsidy_export import export

    if fmt not in MEDIA:
        raise ValidationError("format", "format", "must be xlsx or csv")
    content = query.pack_content(period.start)
    about = {"政策包": f"{query.pack_id} {content.get('version', '')}", "依据": content.get("seed", ""),
             "业务日期截至": str(query.horizon()), "账本位置": str(query.position())}
    name = f"补贴清单-{period.label}.{fmt}"
    with tempfile.TemporaryDirectory(prefix="taizhang-export-") as folder:
        path = export(query.lines(period), FilePath(folder) / f"export.{fmt}", period=period, about=about)
        return path.read_bytes(), name


def download(data: bytes, name: str, fmt: str) -> Response:
    ascii_name = f"subsidies-{name.split('-', 1)[1]}"
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return Response(data, media_type=MEDIA[fmt], headers={"Content-Disposition": disposition})


Period = Annotated[str | None, Query(description="YYYY-Qn, YYYY-MM, YYYY-Hn or YYYY (default: latest complete)")]


@router.get("/periods", summary="Periods with subsidies due (补贴期间)")
def list_periods(user: CurrentUser, read_models: ReadModelsDep) -> dict:
    require_role(user, SUBSIDY_READERS, "subsidies")
    query = read_models.subsidies()
    return {"pack_id": query.pack_id, "periods": periods(query), "horizon": str(query.horizon())}


@router.get("/export", summary="The period's list as Excel (xlsx) or CSV (补贴清单导出)",
            responses={200: {"content": {MEDIA["xlsx"]: {}, MEDIA["csv"]: {}}}})
def export_period(user: CurrentUser, read_models: ReadModelsDep, period: Period = None,
                  format: Annotated[Literal["xlsx", "csv"], Query()] = "xlsx") -> Response:
    require_role(user, SUBSIDY_READERS, "subsidies")
    query = read_models.subsidies()
    data, name = export_file(query, period_of(period, query), format)
    return download(data, name, format)


@router.get("", summary="One period: totals by street and the list by community (补贴汇总与清单)")
def period_overview(user: CurrentUser, read_models: ReadModelsDep, period: Period = None) -> dict:
    require_role(user, SUBSIDY_READERS, "subsidies")
    query = read_models.subsidies()
    return overview(query, period_of(period, query))


@router.get("/communities/{code}", summary="Why a community gets what it gets in a period (补贴说明)")
def explain_community(code: Annotated[str, Path(min_length=1, max_length=64)], user: CurrentUser,
                      read_models: ReadModelsDep, period: Period = None) -> dict:
    require_role(user, SUBSIDY_READERS, "subsidies")
    query = read_models.subsidies()
    return community_explanation(query, period_of(period, query), code)

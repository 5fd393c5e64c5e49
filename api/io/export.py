"""``taizhang export registry 台账.xlsx|.csv``: providers, communities (with the
provider serving each) and engagements, from the registry read model, which is
caught up first (``projections.service.catch_up``).

The 物业企业 sheet has the import template's headers (it can be imported into
another ledger as it is); the 小区 sheet starts with them and adds the current
service. A CSV export writes one UTF-8 (BOM) file per sheet: ``<name>_物业企业.csv``…
"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path
from typing import Any

from api.io.labels import CATEGORY, ENGAGEMENT_STATUS, MODE, PROVIDER_KIND

PROVIDER_HEADERS = ("统一社会信用代码", "企业名称", "法定代表人", "联系方式", "类型", "登记日期")
COMMUNITY_HEADERS = ("小区编码", "小区名称", "街道", "类别", "建成年份", "建筑面积(m²)", "户数", "管理模式", "登记日期",
                     "改造完成日期", "当前服务关系", "当前服务企业统一社会信用代码", "当前服务企业")
ENGAGEMENT_HEADERS = ("服务关系编码", "小区编码", "小区名称", "企业统一社会信用代码", "企业名称", "管理模式", "状态",
                      "申请日期", "开始日期", "结束日期", "服务面积(m²)", "物业费标准(元/m²·月)", "期限(月)",
                      "退出完成日期", "逾期未交接")


def registry_sheets(database_url: str) -> tuple[dict[str, tuple[tuple[str, ...], list[list[Any]]]], int]:
    """Sheet title -> (headers, rows), and the ledger position the read model is at."""
    from projections import queries
    from projections.db import engine_for
    from projections.service import catch_up

    position = catch_up(database_url, ["registry"])
    engine = engine_for(database_url)
    try:
        providers = queries.list_providers(engine)
        communities = queries.list_communities(engine)
        engagements = queries.engagements_of(engine)
    finally:
        engine.dispose()
    names = {p["uscc"]: p["name"] for p in providers}
    places = {c["code"]: c["name"] for c in communities}
    sheets = {
        "物业企业": (PROVIDER_HEADERS, [[p["uscc"], p["name"], p["legal_representative"], p["contact"],
                                         PROVIDER_KIND.label(p["kind"]), p["registered_on"]] for p in providers]),
        "小区": (COMMUNITY_HEADERS, [[c["code"], c["name"], c["street"], CATEGORY.label(c["category"]), c["build_year"],
                                     c["floor_area"], c["households"], MODE.label(c["mode"]), c["registered_on"],
                                     c["renovated_on"], c["current_engagement"], c["current_provider"],
                                     names.get(c["current_provider"] or "", "")] for c in communities]),
        "服务关系": (ENGAGEMENT_HEADERS, [[e["code"], e["community_code"], places.get(e["community_code"], ""),
                                          e["provider_uscc"], names.get(e["provider_uscc"], ""), MODE.label(e["mode"]),
                                          ENGAGEMENT_STATUS.label(e["status"]), e["requested_on"], e["start_on"],
                                          e["end_on"], e["served_area"], e["fee_standard"], e["term_months"],
                                          e["ended_on"], "是" if e["overdue"] else "否"] for e in engagements]),
    }
    return sheets, position


def _write_xlsx(sheets: dict, path: Path, about: list[tuple[str, Any]]) -> list[Path]:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for title, (headers, rows) in sheets.items():
        ws = wb.create_sheet(title)
        ws.append(list(headers))
        for row in rows:
            ws.append(row)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for i, header in enumerate(headers):
            ws.column_dimensions[ws.cell(row=1, column=i + 1).column_letter].width = max(12, 2 * len(header) + 2)
        ws.freeze_panes = "A2"
    info = wb.create_sheet("说明")
    for key, value in about:
        info.append([key, value])
    info.column_dimensions["A"].width, info.column_dimensions["B"].width = 18, 70
    wb.save(path)
    return [path]


def _write_csv(sheets: dict, path: Path) -> list[Path]:
    written = []
    for title, (headers, rows) in sheets.items():
        target = path.with_name(f"{path.stem}_{title}.csv")
        with target.open("w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(headers)
            writer.writerows([["" if v is None else v for v in row] for row in rows])
        written.append(target)
    return written


def export_registry(database_url: str, path: str | Path) -> tuple[list[Path], int]:
    """Write the registry to ``path`` (.xlsx, or .csv: one file per sheet); (files written, position)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise ValueError("out: the file must end in .xlsx or .csv")
    sheets, position = registry_sheets(database_url)
    if suffix == ".csv":
        return _write_csv(sheets, path), position
    about = [("内容", "物业企业、小区（含当前服务企业）、服务关系"), ("截至台账位置", position),
             ("导出时间", datetime.now().astimezone().isoformat(timespec="seconds")),
             ("数据来源", "读模型 registry（导出前已追平事件日志）"),
             *[(f"{title}（行数）", len(rows)) for title, (_, rows) in sheets.items()]]
    return _write_xlsx(sheets, path, about), position

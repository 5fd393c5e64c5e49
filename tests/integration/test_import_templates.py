"""Template round trip for every kind, on SQLite and PostgreSQL: write the empty
template, fill rows with openpyxl as a user would, import, find the records."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from api.io import KINDS, run_import, write_template
from domain.base import aggregate_id
from domain.community import Community
from domain.complaint import Complaint
from domain.ledger import Ledger
from domain.provider import Provider
from domain.sheet import DEFAULT_SHEET
from tests.unit.io.helpers import FINANCE, HB, RC, STREET, from_template, registry, table, uscc

ITEMS = {"门岗值勤": "合格", "巡视管理": "✓", "楼内外保洁": "不合格", "车辆停放管理": 1}
SECTIONS = {"综合管理": 14, "环境卫生": 27.5, "门岗值勤与巡视": 23, "车辆停放秩序": 9, "小区秩序": 8, "物业费收缴率": 9}

ROWS = {
    "providers": (HB, [{"统一社会信用代码": uscc(21), "企业名称": "甲物业", "法定代表人": "张三", "联系方式": "022-1",
                        "类型": "物业服务企业", "登记日期": date(2024, 2, 1)},
                       {"统一社会信用代码": uscc(22), "企业名称": "双港镇物业服务中心", "法定代表人": "李四",
                        "联系方式": 13800000000, "类型": "街道物业服务中心"}]),
    "communities": (HB, [{"小区编码": "N-001", "小区名称": "新村", "街道": "双港镇", "类别": "其余老旧小区", "建成年份": 1988,
                          "建筑面积(m²)": 8000.5, "户数": 160, "管理模式": "托管", "文书编号": "津南住建〔2024〕1号"}]),
    "inspections": (STREET, [{"小区编码": "C-001", "月份": "2024-03", **ITEMS, "巡查日期": date(2024, 3, 12)},
                             {"小区编码": "C-002", "月份": date(2024, 3, 1), **{k: "合格" for k in ITEMS}}]),
    "assessments": (HB, [{"小区编码": "C-001", "季度": "2024-Q1", **SECTIONS},
                         {"小区编码": "C-002", "季度": "2024年第一季度", **SECTIONS, "一票否决项": "设施严重损坏未报修"}]),
    "surveys": (RC, [{"小区编码": "C-001", "期间": "2024", "户数": 240, "有效问卷数": 120, "满意问卷数": 97}]),
    "fees": (STREET, [{"小区编码": "C-001", "月份": "2024-03", "应缴户数": 230, "实缴户数": 207, "应收金额": 6000,
                       "实收金额": 5400.5}]),
    "complaints": (STREET, [{"投诉编号": "TS-001", "小区编码": "C-001", "类别": "环境卫生", "渠道": "12345热线",
                             "投诉内容": "垃圾未清运", "投诉人": "王五", "联系电话": "13900000000",
                             "受理日期": date(2024, 3, 2), "是否属实": "是", "办结情况": "已整改",
                             "办结日期": "2024-03-06"},
                            {"投诉编号": "TS-002", "小区编码": "C-002", "类别": "噪音", "渠道": "来访",
                             "受理日期": "2024-03-03"}]),
    "subsidies": (FINANCE, [{"小区编码": "C-001", "期间": "2024-Q1", "拨付层级": "区级", "金额": "3600.00",
                             "凭证号": "QJ-2024-Q1-C-001", "拨付日期": date(2024, 4, 15)}]),
}


def _check(kind: str, ledger: Ledger) -> None:
    def get(cls, code):
        return ledger.repository.get(aggregate_id(cls.KIND, code))

    def values(code, key):
        return [v for v in get(Community, code).record_values.values() if key in v]

    if kind == "providers":
        assert get(Provider, uscc(22)).kind == "street_centre" and get(Provider, uscc(22)).contact == "13800000000"
    elif kind == "communities":
        c = get(Community, "N-001")
        assert (c.category, c.mode, c.floor_area, c.households) == ("other_old", "trusteeship", 8000.5, 160)
    elif kind == "inspections":
        assert values("C-001", "items")[0]["items"] == {"gate_duty": True, "patrol": True, "cleaning": False,
                                                         "parking": True}
        assert values("C-002", "items")[0]["passed"] is True
    elif kind == "assessments":
        assert [v["grade"] for v in values("C-001", "grade") + values("C-002", "grade")] == ["excellent", "fail"]
    elif kind == "surveys":
        assert values("C-001", "satisfied")[0]["satisfied"] == 97
    elif kind == "fees":
        assert values("C-001", "amount_collected")[0]["amount_collected"] == Decimal("5400.50")
    elif kind == "complaints":
        assert get(Complaint, "TS-001").resolved and not get(Complaint, "TS-002").resolved
    elif kind == "subsidies":
        assert get(Community, "C-001").vouchers == {"QJ-2024-Q1-C-001"}


def test_every_kind_has_a_row():
    assert set(ROWS) == set(KINDS)


@pytest.mark.parametrize("kind", list(KINDS))
def test_template_round_trip(kind, database_url, tmp_path):
    ledger = Ledger(database_url)
    try:
        registry(ledger, communities=2)
        actor, rows = ROWS[kind]
        report = run_import(ledger, kind, table(from_template(kind, rows, tmp_path)), actor, on=date(2024, 6, 30))
        assert report.ok, report.errors
        assert report.events == sum(2 if r.get("是否属实") else 1 for r in rows)
        assert report.sheet == KINDS[kind].title
        _check(kind, ledger)
    finally:
        ledger.close()


@pytest.mark.parametrize("kind", list(KINDS))
def test_template_has_headers_drop_downs_and_instructions(kind, tmp_path):
    wb = load_workbook(write_template(kind, tmp_path / "t.xlsx"))
    data, info = wb.worksheets[0], wb["说明"]
    headers = [c.value for c in data[1]]
    assert data.max_row == 1 and len(set(headers)) == len(headers)  # empty: importable as filled in
    enums = [c for c in KINDS[kind].columns(DEFAULT_SHEET) if c.labels is not None]
    lists = {str(dv.sqref).split(":")[0][:-1]: dv.formula1 for dv in data.data_validations.dataValidation}
    assert len(lists) == len(enums)
    for col in enums:
        letter = data.cell(row=1, column=headers.index(col.header) + 1).column_letter
        assert lists[letter] == '"' + ",".join(col.labels.choices()) + '"'
    notes = [row[0] for row in info.iter_rows(values_only=True) if row and row[0]]
    assert any("整表导入" in str(n) for n in notes)
    example = next(i for i, row in enumerate(info.iter_rows(values_only=True)) if row[0] and "填写示例" in str(row[0]))
    assert [c.value for c in info[example + 2]][: len(headers)] == headers

"""Bad files on SQLite and PostgreSQL: every bad row reported with its row, column and
cell, nothing written; the corrected file writes once; CSV in UTF-8 (BOM or not) and GBK."""

from __future__ import annotations

from datetime import date

import pytest

from api.io import run_import
from domain.ledger import Ledger
from tests.unit.io.helpers import HB, STREET, csv_bytes, registry, table, uscc, workbook

FEES = ["小区编码", "月份", "应缴户数", "实缴户数", "应收金额", "实收金额"]
PROVIDERS = ["统一社会信用代码", "企业名称", "法定代表人", "联系方式"]


@pytest.fixture
def ledger(database_url):
    ledger = Ledger(database_url)
    registry(ledger, communities=3)
    yield ledger
    ledger.close()


def test_every_bad_row_is_reported_and_nothing_is_written(ledger):
    before = ledger.max_position()
    fees = workbook(FEES, [["C-001", "2024-03", 230, 207, 6000, 5400],
                           ["C-404", "2024-03", 230, 207, 6000, 5400],
                           ["C-002", "2024-03", 230, 207, 6000.125, 5400],
                           ["C-003", "2024-13", 230, 207, 6000, 5400]], title="三月")
    report = run_import(ledger, "fees", table(fees), STREET)
    assert [(e.sheet, e.row, e.column, e.cell, e.rule) for e in report.errors] == [
        ("三月", 3, "小区编码", "A3", "exists"), ("三月", 4, "应收金额", "E4", "fen"),
        ("三月", 5, "月份", "B5", "month_format")]
    assert [e.message for e in report.errors] == [
        "小区“C-404”不存在，请检查编码（或先导入该小区）。", "金额 6000.125 超过两位小数（分），请核对。",
        "“2024-13”不是有效月份，应为 YYYY-MM，例如 2024-03。"]
    providers = workbook(PROVIDERS, [[uscc(31), "甲", "张三", "1"], [uscc(32)[:-1] + "0", "乙", "李四", "2"],
                                     ["91120112MA000003", "丙", "王五", "3"]])
    report = run_import(ledger, "providers", table(providers), HB)
    assert [(e.row, e.column, e.cell, e.rule) for e in report.errors] == [
        (3, "统一社会信用代码", "A3", "uscc_check_character"), (4, "统一社会信用代码", "A4", "uscc_format")]
    assert report.errors[0].message == "统一社会信用代码校验位不正确。"
    assert ledger.max_position() == before


def test_the_corrected_file_writes_once(ledger):
    fees = workbook(FEES, [["C-001", "2024-03", 230, 207, 6000, 5400], ["C-002", "2024-03", 230, 207, 6000.12, 5400]])
    before = ledger.max_position()
    first = run_import(ledger, "fees", table(fees), STREET)
    assert first.ok and first.events == 2 and first.written
    assert (first.first_position, first.last_position) == (before + 1, ledger.max_position())
    position = ledger.max_position()
    again = run_import(ledger, "fees", table(fees), STREET)
    assert (again.events, again.replayed, again.written) == (0, 2, False) and ledger.max_position() == position


@pytest.mark.parametrize("encoding, detected", [("utf-8-sig", "utf-8-sig"), ("utf-8", "utf-8"),
                                                ("gbk", "gb18030")])
def test_csv_in_the_encodings_excel_writes(ledger, encoding, detected):
    data = csv_bytes(FEES + ["收缴日期"], [["C-001", "2024-03", 230, 207, "6000.00", "5400.50", "2024/3/28"],
                                          ["C-002", "2024年4月", 230, 207, "6,000", "5400", ""]], encoding)
    t = table(data, "物业费.csv")
    assert t.encoding == detected and t.headers[0] == "小区编码"
    report = run_import(ledger, "fees", t, STREET, on=date(2024, 12, 31))
    assert report.ok and report.events == 2

"""The importer on an in-memory ledger: all rows or none, every error located, replays
write nothing, roles and streets are checked, defaults are explained."""

from datetime import date
from decimal import Decimal

import pytest

from api.errors import Forbidden
from api.io import KINDS, run_import
from domain.base import Stamp, aggregate_id
from domain.community import Community
from domain.complaint import Complaint
from domain.ledger import Ledger
from domain.sheet import DEFAULT_SHEET
from domain.values import Actor
from tests.unit.io.helpers import FINANCE, HB, RC, STREET, csv_bytes, registry, table, uscc, workbook

ITEMS = ["门岗值勤", "巡视管理", "楼内外保洁", "车辆停放管理"]
INSPECTION = ["小区编码", "月份", *ITEMS]


@pytest.fixture
def ledger():
    ledger = Ledger("memory://")
    registry(ledger, communities=3)
    return ledger


def community(ledger, code="C-001") -> Community:
    return ledger.repository.get(aggregate_id(Community.KIND, code))


def test_good_rows_become_inspections_with_items_and_default_date_at_the_month_end(ledger):
    data = workbook(INSPECTION, [["C-001", "2024-03", "合格", "✓", "不合格", 1], ["C-002", "2024-03", *["合格"] * 4]])
    report = run_import(ledger, "inspections", table(data), STREET, on=date(2024, 6, 1))
    assert report.ok and report.events == 2 and report.written
    c = community(ledger)
    values = next(v for v in c.record_values.values() if v.get("month") == "2024-03")
    assert values["items"] == {"gate_duty": True, "patrol": True, "cleaning": False, "parking": True}
    assert values["passed"] is False
    events = [n for n in ledger.recorder.select_notifications(1, 1000) if "InspectionRecorded" in n.topic]
    days = {ledger.mapper.to_domain_event(n).occurred_on for n in events}
    assert days == {date(2024, 3, 31)}  # the month's last day, not the import day


def test_one_bad_row_refuses_the_whole_file_and_names_row_and_column(ledger):
    before = ledger.max_position()
    data = workbook(INSPECTION, [["C-001", "2024-03", *["合格"] * 4],
                                 ["C-999", "2024-03", *["合格"] * 4],
                                 ["C-002", "2024-13", *["合格"] * 4],
                                 ["C-003", "2024-03", "合格", "一般", "合格", None]])
    report = run_import(ledger, "inspections", table(data), STREET)
    assert not report.ok and not report.written and ledger.max_position() == before
    found = {(e.row, e.column, e.cell, e.rule) for e in report.errors}
    assert found == {(3, "小区编码", "A3", "exists"), (4, "月份", "B4", "month_format"),
                     (5, "巡视管理", "D5", "boolean"), (5, "车辆停放管理", "F5", "required")}
    assert "C-999" in next(e.message for e in report.errors if e.rule == "exists")


def test_headers_unknown_missing_or_repeated_are_reported_before_any_row(ledger):
    data = workbook(["小区编码", "月份", "门岗值勤", "门岗值勤", "巡视管理", "楼内外保洁", "备注"], [["C-001"]])
    report = run_import(ledger, "inspections", table(data), STREET)
    assert {(e.row, e.rule, e.column) for e in report.errors} == {
        (1, "duplicate_column", "门岗值勤"), (1, "unknown_column", "备注"), (1, "missing_column", "车辆停放管理")}


def test_english_field_names_are_accepted_as_headers(ledger):
    data = workbook(["community_code", "month", "gate_duty", "patrol", "cleaning", "parking"],
                    [["C-001", "2024-04", 1, 1, 1, 1]])
    assert run_import(ledger, "inspections", table(data), STREET).events == 1


def test_a_row_repeated_in_the_file_points_at_the_first(ledger):
    data = workbook(INSPECTION, [["C-001", "2024-03", *["合格"] * 4], ["C-001", "2024-03", *["不合格"] * 4]])
    report = run_import(ledger, "inspections", table(data), STREET)
    assert [(e.row, e.column, e.message) for e in report.errors] == [(3, "月份", "与第 2 行重复。")]


def test_a_period_already_in_the_ledger_is_a_row_error_in_chinese(ledger):
    run_import(ledger, "inspections", table(workbook(INSPECTION, [["C-001", "2024-03", *["合格"] * 4]])), STREET)
    again = workbook(INSPECTION, [["C-001", "2024-03", *["不合格"] * 4]])  # another file: not a replay
    report = run_import(ledger, "inspections", table(again), STREET)
    assert [(e.rule, e.column) for e in report.errors] == [("one_per_period", "月份")]
    assert "更正" in report.errors[0].message


def test_reimporting_the_same_file_replays_every_row_and_writes_nothing(ledger):
    data = csv_bytes(INSPECTION, [["C-001", "2024-05", *["合格"] * 4], ["C-002", "2024-05", *["合格"] * 4]])
    first = run_import(ledger, "inspections", table(data, "a.csv"), STREET)
    position = ledger.max_position()
    second = run_import(ledger, "inspections", table(data, "renamed copy.csv"), STREET)
    assert first.events == 2 and (second.events, second.replayed, second.written) == (0, 2, False)
    assert ledger.max_position() == position


def test_dry_run_checks_everything_and_writes_nothing(ledger):
    before = ledger.max_position()
    data = workbook(INSPECTION, [["C-001", "2024-06", *["合格"] * 4]])
    report = run_import(ledger, "inspections", table(data), STREET, dry_run=True)
    assert report.ok and report.events == 1 and not report.written and ledger.max_position() == before
    assert run_import(ledger, "inspections", table(data), STREET).events == 1  # the real run still writes


def test_a_role_not_allowed_the_command_is_forbidden_for_the_whole_file(ledger):
    data = workbook(INSPECTION, [["C-001", "2024-06", *["合格"] * 4]])
    with pytest.raises(Forbidden):
        run_import(ledger, "inspections", table(data), FINANCE)


def test_a_street_imports_its_own_communities_only(ledger):
    ledger.register_community(code="X-001", name="外街", street="辛庄镇", category="other_old", build_year=1985,
                              floor_area=5000.0, households=80, mode="fallback",
                              stamp=Stamp(date(2024, 1, 2), HB))
    data = workbook(INSPECTION, [["C-001", "2024-06", *["合格"] * 4], ["X-001", "2024-06", *["合格"] * 4]])
    report = run_import(ledger, "inspections", table(data), RC)
    assert [(e.row, e.rule) for e in report.errors] == [(3, "own_street")]
    assert run_import(ledger, "inspections", table(data), RC, enforce_scope=False).ok


def test_assessment_points_vetoes_and_grade_come_from_the_sheet(ledger):
    headers = ["小区编码", "季度", "综合管理", "环境卫生", "门岗值勤与巡视", "车辆停放秩序", "小区秩序", "物业费收缴率", "一票否决项"]
    data = workbook(headers, [["C-001", "2024年第一季度", 15, 28.5, 24, 9, 10, 9, None],
                              ["C-002", "2024-Q1", 15, 30, 25, 10, 10, 10, "门岗睡岗、长时间脱岗"],
                              ["C-003", "2024-Q1", 16, 30, 25, 10, 10, 10, None]])
    report = run_import(ledger, "assessments", table(data), HB)
    assert [(e.row, e.column, e.message) for e in report.errors] == [(4, "综合管理", "不能大于 15。")]
    good = workbook(headers, [["C-001", "2024年第一季度", 15, 28.5, 24, 9, 10, 9, None],
                              ["C-002", "2024-Q1", 15, 30, 25, 10, 10, 10, "门岗睡岗、长时间脱岗"]])
    assert run_import(ledger, "assessments", table(good), HB).ok
    grades = {code: next(v["grade"] for v in community(ledger, code).record_values.values() if "grade" in v)
              for code in ("C-001", "C-002")}
    assert grades == {"C-001": "excellent", "C-002": "fail"}


def test_complaints_can_be_filed_and_resolved_in_one_row(ledger):
    headers = ["投诉编号", "小区编码", "类别", "渠道", "投诉内容", "投诉人", "联系电话", "受理日期", "是否属实", "办结情况", "办结日期"]
    data = workbook(headers, [["TS-1", "C-001", "环境卫生", "12345热线", "垃圾未清运", "李四", "13800000000",
                               "2024-03-01", "是", "已整改", "2024-03-05"],
                              ["TS-2", "C-001", "噪音", "来访", None, None, None, "2024-03-02", None, None, None],
                              ["TS-3", "C-001", "绿化", "电话", None, None, None, "2024-03-09", "否", "已解释",
                               "2024-03-01"],
                              ["TS-4", "C-001", "绿化", "电话", None, None, None, "2024-03-09", None, "已解释", None]])
    report = run_import(ledger, "complaints", table(data), STREET)
    assert [(e.row, e.column, e.rule) for e in report.errors] == [(4, "办结日期", "date_order"),
                                                                    (5, "是否属实", "required")]
    assert "不能早于受理日期（2024-03-09）" in report.errors[0].message
    ok = workbook(headers, [["TS-1", "C-001", "环境卫生", "12345热线", "垃圾未清运", "李四", "13800000000",
                             "2024-03-01", "是", "已整改", "2024-03-05"]])
    report = run_import(ledger, "complaints", table(ok), STREET)
    assert report.ok and (report.commands, report.events) == (2, 2)
    complaint = ledger.repository.get(aggregate_id(Complaint.KIND, "TS-1"))
    assert complaint.resolved and complaint.provider_uscc == uscc(1)  # the provider serving C-001


def test_subsidy_amounts_and_voucher_as_default_source(ledger):
    headers = ["小区编码", "期间", "拨付层级", "金额", "凭证号", "拨付日期"]
    data = workbook(headers, [["C-001", "2024-Q1", "区级", 3600.1, "QJ-1", "2024-04-15"],
                              ["C-002", "2024-Q1", "镇级", 3600.123, "QJ-2", "2024-04-15"],
                              ["C-003", "2024-Q1", "省级", "100.001", "QJ-3", "2024-04-15"]])
    report = run_import(ledger, "subsidies", table(data), FINANCE)
    assert [(e.row, e.cell, e.rule) for e in report.errors] == [(3, "D3", "fen"), (4, "C4", "choice"),
                                                                  (4, "D4", "fen")]
    report = run_import(ledger, "subsidies", table(workbook(headers, [["C-001", "2024-Q1", "区级", 3600.1, "QJ-1",
                                                                       "2024-04-15"]])), FINANCE)
    assert report.ok
    paid = [n for n in ledger.recorder.select_notifications(1, 1000) if "SubsidyPaid" in n.topic]
    state = ledger.mapper.to_domain_event(paid[0])
    assert state.amount == Decimal("3600.10") and state.source["document"] == "QJ-1"


def test_registering_providers_and_communities_then_using_them_in_the_same_ledger():
    ledger = Ledger("memory://")
    providers = workbook(["统一社会信用代码", "企业名称", "法定代表人", "联系方式", "类型"],
                         [[uscc(7), "甲物业", "张三", 13800000000, "街道物业服务中心"], [uscc(8), "乙物业", "李四", "1", None]])
    assert run_import(ledger, "providers", table(providers), HB).events == 2
    communities = workbook(["小区编码", "小区名称", "街道", "类别", "建成年份", "建筑面积（m²）", "户数", "管理模式"],
                           [["C-1", "幸福里", "双港镇", "已改造旧楼区", 1990, 12000, 240, "专业化"],
                            ["C-2", "和平里", "双港镇", "还迁", 2030, 800.5, 10, "保底"]])
    report = run_import(ledger, "communities", table(communities), HB, on=date(2024, 5, 1))
    assert [(e.row, e.column, e.message) for e in report.errors] == [(3, "建成年份", "建成年份不能晚于登记日期。")]


def test_an_unknown_kind_is_named():
    from domain.errors import ValidationError

    with pytest.raises(ValidationError) as raised:
        run_import(Ledger("memory://"), "buildings", table(workbook(["a"], [])), HB)
    assert raised.value.field == "kind"


def test_surveys_and_fees_rows(ledger):
    surveys = workbook(["小区编码", "期间", "户数", "有效问卷数", "满意问卷数"],
                       [["C-001", "2024", 240, 120, 100], ["C-002", "2024", 240, 120, 121]])
    report = run_import(ledger, "surveys", table(surveys), Actor("rc", "residents_committee", "双港镇"))
    assert [(e.row, e.column, e.message) for e in report.errors] == [(3, "满意问卷数", "满意问卷数不能超过有效问卷数。")]
    fees = workbook(["小区编码", "月份", "应缴户数", "实缴户数", "应收金额(元)", "实收金额"],
                    [["C-001", "2024-03", 230, 207, "6000.00", 5400], ["C-002", "2024-03", 300, 10, 10, 5]])
    report = run_import(ledger, "fees", table(fees), STREET)
    assert [(e.row, e.column, e.message) for e in report.errors] == [(3, "应缴户数", "不能超过小区的户数。")]


def test_imported_events_name_their_document_and_the_file_hash(ledger):
    t = table(workbook(INSPECTION + ["文书编号"], [["C-001", "2024-07", 1, 1, 1, 1, "巡查单 07"],
                                                  ["C-002", "2024-07", 1, 1, 1, 1, None]]), "七月巡查.xlsx")
    run_import(ledger, "inspections", t, STREET)
    sources = [ledger.mapper.to_domain_event(n).source for n in ledger.recorder.select_notifications(1, 1000)
               if "InspectionRecorded" in n.topic]
    assert sources == [{"document": "巡查单 07", "sha256": t.sha256}, {"document": "导入 七月巡查.xlsx", "sha256": t.sha256}]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_no_two_columns_of_a_kind_answer_to_the_same_header(kind):
    keys = [key for col in KINDS[kind].columns(DEFAULT_SHEET) for key in col.keys()]
    assert len(keys) == len(set(keys))

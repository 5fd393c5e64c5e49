"""Cells as street offices type them become command values, or an error that says why."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from api.io import cells
from api.io.cells import CellError
from api.io.labels import CATEGORY, MODE, VETO


@pytest.mark.parametrize("value, expected", [
    (3600, Decimal(3600)), (3600.1, Decimal("3600.1")), (0.07, Decimal("0.07")), (1234567.89, Decimal("1234567.89")),
    ("3600.00", "3600.00"), ("3,600.50", "3600.50"), ("¥120元", "120"),
])
def test_money_takes_numbers_and_text_with_at_most_two_decimals(value, expected):
    assert cells.money(value, "amount") == expected


def test_money_refuses_a_float_cell_with_three_decimals_naming_the_value():
    with pytest.raises(CellError) as raised:
        cells.money(3600.123, "amount")
    assert raised.value.rule == "fen" and "3600.123" in raised.value.zh


def test_money_refuses_three_decimal_text_too_but_keeps_trailing_zeros():
    with pytest.raises(CellError) as raised:
        cells.money("3600.123", "amount")
    assert raised.value.rule == "fen"
    assert cells.money("3600.100", "amount") == "3600.100"


@pytest.mark.parametrize("value, expected", [
    ("2024-03", "2024-03"), ("2024-3", "2024-03"), ("2024/03", "2024-03"), ("2024年3月", "2024-03"),
    ("202403", "2024-03"), (datetime(2024, 3, 1), "2024-03"), (date(2024, 12, 31), "2024-12"),
    ("2024-03-15", "2024-03"),
])
def test_month_accepts_what_excel_and_people_write(value, expected):
    assert cells.month(value, "month") == expected


@pytest.mark.parametrize("value", ["2024-13", "2024-00", "March", "24-03", "2024"])
def test_month_refuses_a_month_that_does_not_exist(value):
    with pytest.raises(CellError) as raised:
        cells.month(value, "month")
    assert raised.value.rule == "month_format" and "YYYY-MM" in raised.value.zh


@pytest.mark.parametrize("value, expected", [
    ("2024-Q1", "2024-Q1"), ("2024Q2", "2024-Q2"), ("2024 q3", "2024-Q3"), ("2024年第四季度", "2024-Q4"),
    ("2024年1季度", "2024-Q1"), ("2024年第二季", "2024-Q2"),
])
def test_quarter_spellings(value, expected):
    assert cells.quarter(value, "quarter") == expected


def test_quarter_five_is_refused():
    with pytest.raises(CellError):
        cells.quarter("2024-Q5", "quarter")


@pytest.mark.parametrize("value, expected", [
    ("合格", True), ("不合格", False), ("✓", True), ("✗", False), ("√", True), ("×", False), (1, True), (0, False),
    ("1", True), ("0", False), (True, True), (False, False), ("是", True), ("否", False), (" PASS ", True),
])
def test_passed_words(value, expected):
    assert cells.passed(value, "item") is expected


def test_passed_refuses_anything_else():
    with pytest.raises(CellError) as raised:
        cells.passed("一般", "item")
    assert "合格/不合格" in raised.value.zh


@pytest.mark.parametrize("value, expected", [
    (datetime(2024, 3, 15, 0, 0), date(2024, 3, 15)), ("2024-03-15", date(2024, 3, 15)),
    ("2024/3/5", date(2024, 3, 5)), ("2024年3月5日", date(2024, 3, 5)), (45366, date(2024, 3, 15)),
])
def test_dates(value, expected):
    assert cells.day(value, "occurred_on") == expected


@pytest.mark.parametrize("value", ["2024-02-30", "15/03/2024", "昨天"])
def test_bad_dates_are_refused(value):
    with pytest.raises(CellError) as raised:
        cells.day(value, "occurred_on")
    assert raised.value.rule == "date"


def test_integers_from_excel_floats_and_text():
    assert cells.integer(240.0, "households") == 240
    assert cells.integer("1,200", "households") == 1200
    with pytest.raises(CellError):
        cells.integer(240.5, "households")


def test_codes_typed_as_numbers_lose_the_excel_decimal_point():
    assert cells.text(101.0, "code") == "101"
    assert cells.text(13800000000.0, "contact") == "13800000000"


def test_choices_take_chinese_labels_other_spellings_and_codes():
    category = cells.choice(CATEGORY)
    assert category("已改造旧楼区", "category") == "renovated_old"
    assert category("商品住宅", "category") == "commercial"
    assert category(" other_old ", "category") == "other_old"
    mode = cells.choice(MODE)
    assert [mode(v, "mode") for v in ("专业化", "自治", "托管", "产权单位自管", "保底")] == [
        "professional", "self_governance", "trusteeship", "property_unit", "fallback"]
    with pytest.raises(CellError) as raised:
        mode("外包", "mode")
    assert "专业化、自治、托管、产权单位自管、保底" in raised.value.zh


def test_several_veto_items_in_one_cell_even_when_a_label_contains_the_separator():
    vetoes = cells.many(VETO)
    assert vetoes("违建、小广告、游商严重反弹；门岗睡岗、长时间脱岗", "vetoes") == [
        "gate_staff_absent", "illegal_structures_returned"]
    assert vetoes("设施严重损坏未报修", "vetoes") == ["facility_damage_unreported"]
    with pytest.raises(CellError):
        vetoes("设施严重损坏未报修、乱停车", "vetoes")

"""The subsidy list as Excel and CSV: Chinese headers, one row per community, a totals row that equals
the sum, 0.00 number formats, a frozen header row; CSV in UTF-8 with a BOM."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from domain.packs import adopt_pack
from projections.subsidies import rows_of
from projections.subsidy_book import compute_dues
from projections.subsidy_export import HEADERS, export, write_csv, write_xlsx
from projections.subsidy_periods import require_period
from projections.subsidy_query import fold_ledger
from projections.subsidy_read import period_lines
from tests.unit.domain import builders as b

Q1 = require_period("2024-Q1")


@pytest.fixture
def lines():
    ledger = b.new_ledger(pack_id="jinnan")
    adopt_pack(ledger, "jinnan", stamp=b.stamp(date(2023, 5, 20)))
    for i, (street, area) in enumerate((("双港镇", 12000.0), ("双港镇", 8333.33), ("咸水沽镇", 5000.55))):
        code, eng, uscc = f"C-{i}", f"E-{i}", b.uscc(i + 1)
        b.provider(ledger, uscc)
        b.community(ledger, code, street=street, name=f"幸福里{i}", floor_area=area)
        b.active_engagement(ledger, eng, uscc, code)
        if i < 2:
            ledger.record_assessment(code, quarter="2024-Q1", points=b.POINTS, vetoes=[],
                                     stamp=b.stamp(date(2024, 3, 28)))
    ledger.community_command("pay_subsidy", "C-0", period="2024-Q1", payer_level="district", amount="3000.00",
                             voucher_no="V1", stamp=b.stamp(date(2024, 4, 20), "finance"))
    state = fold_ledger(ledger).state()
    payments = [{"community_code": "C-0", "period": "2024-Q1", "period_start": "2024-01-01",
                 "period_end": "2024-03-31", "payer": "district", "amount": "3000.00"}]
    return period_lines(rows_of(compute_dues(state, "jinnan")), payments, Q1)


def test_excel_round_trip_headers_rows_totals_and_formats(lines, tmp_path):
    path = write_xlsx(lines, tmp_path / "补贴.xlsx", period=Q1, about={"政策包": "jinnan 2023.1"})
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == HEADERS
    body, total = rows[1:-1], rows[-1]
    assert [r[1] for r in body] == ["幸福里0", "幸福里1", "幸福里2"] and total[0] == "合计"
    money = lambda v: Decimal(str(v)).quantize(Decimal("0.01"))  # noqa: E731
    for col in (3, 7, 8, 9):  # area, due, paid, outstanding
        assert money(total[col]) == sum(money(r[col]) for r in body)
    assert [money(r[7]) for r in body] == [Decimal("6480.00"), Decimal("4500.00"), Decimal("0.00")]
    assert money(total[8]) == Decimal("3000.00") and money(total[9]) == Decimal("7980.00")
    assert body[2][10] == "本季度无联合考核结果"
    assert ws.freeze_panes == "A2"
    assert {ws.cell(row=2, column=c).number_format for c in (4, 5, 8, 9, 10)} == {"0.00"}
    assert ws.cell(row=ws.max_row, column=8).number_format == "0.00"
    assert [s.title for s in wb.worksheets][1:] == ["按支付层级", "说明"]
    by_payer = list(wb["按支付层级"].iter_rows(values_only=True))
    assert by_payer[0][2] == "支付层级" and {r[2] for r in by_payer[1:]} == {"区级", "镇级"}


def test_csv_is_utf8_with_bom_and_the_same_rows(lines, tmp_path):
    path = write_csv(lines, tmp_path / "补贴.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert tuple(rows[0]) == HEADERS and rows[-1][0] == "合计"
    assert rows[1][7] == "6480.00" and rows[-1][7] == "10980.00"
    assert sum(Decimal(r[7]) for r in rows[1:-1]) == Decimal(rows[-1][7])


def test_export_picks_the_format_by_suffix(lines, tmp_path):
    assert export(lines, tmp_path / "a.CSV", period=Q1, about={}).exists()
    with pytest.raises(ValueError, match="out: the file must end in .xlsx or .csv"):
        export(lines, tmp_path / "a.pdf", period=Q1, about={})

"""From ledger events to dues, payments, relief and fund flags (in-memory ledger, no database)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from domain.packs import adopt_pack, load_pack
from projections.subsidies import rows_of
from projections.subsidy_book import compute_dues
from projections.subsidy_periods import require_period
from projections.subsidy_query import fold_ledger, whatif
from projections.subsidy_read import fee_rates, fee_relief, fund_flags, period_lines, reconcile
from tests.unit.domain import builders as b
from tests.unit.subsidies.helpers import pack

D = Decimal
POINTS_FAIL = {**b.POINTS, "cleaning": 5, "gate_patrol": 10}  # total 54: fail


def jinnan_ledger():
    ledger = b.new_ledger(pack_id="jinnan")
    adopt_pack(ledger, "jinnan", stamp=b.stamp(date(2023, 5, 20)))
    b.active_engagement(ledger)  # C-001, renovated old, 12,000 m², agreement 2024–2025
    return ledger


def dues_of(ledger, pack_id="jinnan", **kw):
    state = fold_ledger(ledger).state()
    return {(d.period, d.stream): d for d, _, _ in compute_dues(state, pack_id, **kw)}


def test_a_quarter_is_paid_by_band_of_its_assessment_and_corrections_change_it():
    ledger = jinnan_ledger()
    result = ledger.record_assessment("C-001", quarter="2024-Q1", points=b.POINTS, vetoes=[],
                                      stamp=b.stamp(date(2024, 3, 28)))
    assert dues_of(ledger)[("2024-Q1", "subsidy")].amount == D("6480.00")  # 88 points: model, 90 %
    version = b.version(ledger, b.Community, "C-001")
    ledger.community_command("correct_record", "C-001", corrects_version=version,
                             fields={"points": POINTS_FAIL}, reason="复核更正", stamp=b.stamp(date(2024, 4, 5)))
    corrected = dues_of(ledger)[("2024-Q1", "subsidy")]
    assert corrected.amount == 0 and corrected.grade == "fail"  # regraded on the pack's sheet
    ledger.community_command("withdraw_record", "C-001", withdraws_version=version, reason="录入错误",
                             stamp=b.stamp(date(2024, 4, 6)))
    assert [r.key for r in dues_of(ledger)[("2024-Q1", "subsidy")].reasons] == ["no_assessment"]
    assert result.positions


def test_periods_start_with_the_pack_and_stop_at_the_latest_business_date():
    ledger = jinnan_ledger()
    ledger.record_assessment("C-001", quarter="2024-Q3", points=b.POINTS, vetoes=[], stamp=b.stamp(date(2024, 9, 28)))
    periods = sorted(p for p, s in dues_of(ledger) if s == "subsidy")
    # The community was registered on 2024-01-05: nothing before its quarter; Q3 2024 holds the horizon.
    assert periods == ["2024-Q1", "2024-Q2", "2024-Q3"]


def test_a_new_pack_version_governs_the_periods_from_its_effective_date():
    ledger = jinnan_ledger()
    v2 = pack("jinnan", version="2024.2", effective_from="2024-07-01",
              **{"subsidy.rates.professional": "0.25"})
    ledger.adopt_policy(pack_id="jinnan", version="2024.2", effective_from=date(2024, 7, 1), content=v2,
                        stamp=b.stamp(date(2024, 6, 20)))
    for q, day in (("2024-Q2", date(2024, 6, 28)), ("2024-Q3", date(2024, 9, 28))):
        ledger.record_assessment("C-001", quarter=q, points=b.POINTS, vetoes=[], stamp=b.stamp(day))
    dues = dues_of(ledger)
    assert (dues[("2024-Q2", "subsidy")].amount, dues[("2024-Q2", "subsidy")].version) == (D("6480.00"), "2023.1")
    assert (dues[("2024-Q3", "subsidy")].amount, dues[("2024-Q3", "subsidy")].version) == (D("8100.00"), "2024.2")


def test_a_mode_change_mid_quarter_makes_two_segments_at_their_own_rates():
    ledger = b.new_ledger(pack_id="yancheng")
    adopt_pack(ledger, "yancheng", stamp=b.stamp(date(2018, 1, 1)))
    b.community(ledger, category="other_old", mode="self_governance", on=date(2018, 1, 5))
    ledger.community_command("change_mode", "C-001", mode="professional", stamp=b.stamp(date(2018, 2, 15)))
    b.provider(ledger, on=date(2018, 2, 15))
    b.request_entry(ledger, on=date(2018, 2, 15))
    b.decide(ledger, on=date(2018, 2, 15))
    b.sign(ledger, start=date(2018, 3, 1), end=date(2020, 2, 28))
    dues = dues_of(ledger, "yancheng")
    assert [dues[(m, "subsidy")].amount for m in ("2018-01", "2018-02", "2018-03")] == [
        D("3600.00"), D("3600.00"), D("1200.00")]  # self-governance until the month after the change
    lines = period_lines([r for r in rows_of(compute_dues(fold_ledger(ledger).state(), "yancheng"))],
                         [], require_period("2018-Q1"))
    assert lines[0].modes == ["self_governance", "professional"] and lines[0].rate == "0.3/0.1"
    assert lines[0].due == D("8400.00") and lines[0].months == 3


def test_payments_are_reconciled_per_community_period_and_payer():
    ledger = jinnan_ledger()
    ledger.record_assessment("C-001", quarter="2024-Q1", points=b.POINTS, vetoes=[], stamp=b.stamp(date(2024, 3, 28)))
    pay = dict(period="2024-Q1", stamp=b.stamp(date(2024, 4, 20), "finance"))
    ledger.community_command("pay_subsidy", "C-001", payer_level="district", amount="3000.00", voucher_no="D1", **pay)
    ledger.community_command("pay_subsidy", "C-001", payer_level="town", amount="3300.00", voucher_no="T1", **pay)
    ledger.community_command("pay_subsidy", "C-001", payer_level="city", amount="10.00", voucher_no="X1", **pay)
    state = fold_ledger(ledger).state()
    rows = rows_of(compute_dues(state, "jinnan"))
    payments = [{"community_code": "C-001", "period": p["period"], "period_start": "2024-01-01",
                 "period_end": "2024-03-31", "payer": p["payer"], "amount": p["amount"]}
                for p in state["communities"]["C-001"]["payments"].values()]
    got = {(r.period, r.payer): (r.due, r.paid, r.outstanding, r.overpaid)
           for r in reconcile(rows, payments, require_period("2024-Q1"))}
    assert got == {("2024-Q1", "district"): (D("3240.00"), D("3000.00"), D("240.00"), D("0.00")),
                   ("2024-Q1", "town"): (D("3240.00"), D("3300.00"), D("0.00"), D("60.00")),
                   ("2024-Q1", "city"): (D("0.00"), D("10.00"), D("0.00"), D("10.00"))}
    line = period_lines(rows, payments, require_period("2024-Q1"))[0]
    assert (line.due, line.paid, line.outstanding, line.overpaid) == (
        D("6480.00"), D("6310.00"), D("240.00"), D("70.00"))


def test_fee_collection_rate_and_low_income_relief():
    ledger = jinnan_ledger()
    for month, paid in (("2024-10", 180), ("2024-11", 200)):
        ledger.community_command("record_fees", "C-001", month=month, households_billed=200, households_paid=paid,
                                 amount_billed="6000.00", amount_collected=f"{paid * 30}.00",
                                 stamp=b.stamp(date(2024, int(month[5:]), 28), "street"))
    state = fold_ledger(ledger).state()
    rate = fee_rates(state, require_period("2024-Q4"))["C-001"]
    assert rate["household_rate"] == rate["amount_rate"] == pytest.approx(0.95) and rate["amount_billed"] == 12000
    ledger.community_command("apply_fee_relief", "C-001", household="3-2-501", kind="dibao", months=12,
                             stamp=b.stamp(date(2024, 12, 1), "street"))
    ledger.community_command("apply_fee_relief", "C-001", household="5-1-101", kind="tekun", months=6,
                             stamp=b.stamp(date(2024, 12, 2), "street"))
    first = b.version(ledger, b.Community, "C-001") - 1
    ledger.community_command("decide_fee_relief", "C-001", application_version=first, approved=True,
                             reason="低保证明齐全", stamp=b.stamp(date(2024, 12, 10), "street"))
    rows = fee_relief(fold_ledger(ledger).state())
    assert [(r["household"], r["status"], r["reason"]) for r in rows] == [
        ("3-2-501", "approved", "低保证明齐全"), ("5-1-101", "pending", None)]


def test_puyang_flags_funds_below_30_percent_of_the_first_collection():
    ledger = b.new_ledger(pack_id="puyang")
    adopt_pack(ledger, "puyang", stamp=b.stamp(date(2020, 7, 7)))
    for code, balance in (("P-1", "29999.99"), ("P-2", "30000.00"), ("P-3", None)):
        b.community(ledger, code, on=date(2021, 1, 5), category="other_old")
        if balance:
            ledger.community_command("record_maintenance_fund", code, first_collection="100000.00", balance=balance,
                                     stamp=b.stamp(date(2021, 3, 1), "street"))
    b.community(ledger, "P-4", on=date(2021, 1, 5), build_year=2003, category="commercial")
    state = fold_ledger(ledger).state()
    flags = {r["community_code"]: r["flag"] for r in fund_flags(state, load_pack("puyang").content)}
    assert flags == {"P-1": "top_up", "P-2": "ok", "P-3": "establish"}  # P-4 (2003) is out of scope
    rows = compute_dues(state, "puyang")
    assert rows and all(d.amount == 0 and d.reasons[0].key == "no_operating_subsidy" for d, _, _ in rows)


def test_whatif_changes_what_the_pack_governs_and_writes_nothing():
    ledger = jinnan_ledger()
    ledger.record_assessment("C-001", quarter="2024-Q1", points=b.POINTS, vetoes=[], stamp=b.stamp(date(2024, 3, 28)))
    position = ledger.max_position()
    draft = pack("jinnan", version="draft", **{"subsidy.assessment.bands.model": "1.00"})
    result = whatif(fold_ledger(ledger), draft, date(2024, 1, 1), date(2024, 3, 31))
    assert ledger.max_position() == position
    (total,) = result.totals()
    assert (total["current"], total["proposed"], total["difference"]) == (D("6480.00"), D("7200.00"), D("720.00"))
    proposed = result.proposed[0]
    assert proposed["pack_version"] == "draft" and json.loads(proposed["reasons"]) == []


@pytest.mark.parametrize("content,key", [
    ({"title": "只有考核表", "assessment_sheet": pack("jinnan")["assessment_sheet"]}, "pack_without_subsidy"),
    ({**pack("jinnan"), "subsidy": {**pack("jinnan")["subsidy"], "period": "week"}}, "pack_invalid"),
])
def test_an_adopted_pack_without_valid_subsidy_rules_pays_nothing_and_says_why(content, key):
    ledger = b.new_ledger(pack_id="jinnan")
    ledger.adopt_policy(pack_id="jinnan", version="x", effective_from=date(2023, 1, 1), content=content,
                        stamp=b.stamp(date(2023, 1, 1)))
    b.active_engagement(ledger)
    dues = list(dues_of(ledger).values())
    assert dues and all(d.amount == 0 and [r.key for r in d.reasons] == [key] for d in dues)
    if key == "pack_invalid":
        assert "subsidy.period: must be one of month, quarter" in dues[0].reasons[0].zh

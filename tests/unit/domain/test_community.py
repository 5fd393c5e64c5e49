"""Community: registration, and what is recorded against it (one record per period)."""

from __future__ import annotations

from datetime import date

import pytest

from domain.community import Community
from domain.errors import NotFoundError, RuleViolation, ValidationError
from tests.unit.domain import builders as b

C = ((Community, b.COMMUNITY),)


def cmd(ledger, method, on=b.DAY, role="street", code=b.COMMUNITY, **kwargs):
    return ledger.community_command(method, code, stamp=b.stamp(on, role), **kwargs)


def inspect(ledger, month="2024-01", items=None, **kwargs):
    return cmd(ledger, "record_inspection", month=month, items=items or {"gate_duty": True, "cleaning": True},
               **kwargs)


def assess(ledger, points=None, vetoes=(), quarter="2024-Q1", on=date(2024, 3, 31), **kwargs):
    return ledger.record_assessment(b.COMMUNITY, quarter=quarter, points=dict(points or b.POINTS),
                                    vetoes=list(vetoes), stamp=b.stamp(on, "housing_bureau"), **kwargs)


def survey(ledger, households=240, valid=100, satisfied=85, period="2024-Q1"):
    return cmd(ledger, "record_survey", period=period, households=households, valid_responses=valid,
               satisfied=satisfied)


def last_event(ledger, code=b.COMMUNITY):
    community = b.get(ledger, Community, code)
    return list(ledger.events.get(community.id, gt=community.version - 1))[0]


# --- registration -------------------------------------------------------------------
@pytest.mark.parametrize("field, value, rule", [
    ("code", "C 001", "code_format"), ("code", "", "code_format"), ("name", "  ", "required"),
    ("category", "castle", "choice"), ("mode", "anarchy", "choice"), ("households", 0, "minimum"),
    ("households", 12.0, "integer"), ("build_year", 1899, "minimum"), ("build_year", 2025, "not_future"),
    ("floor_area", -1.0, "minimum"), ("floor_area", float("nan"), "finite"),
    ("floor_area", float("inf"), "finite"),
])
def test_community_with_bad_registration_data_is_refused(ledger, field, value, rule):
    with b.refused(ledger, ValidationError, field, rule, watch=()):
        b.community(ledger, **{field: value})


def test_community_code_is_unique(ledger):
    b.community(ledger)
    with b.refused(ledger, RuleViolation, "code", "unique", C):
        b.community(ledger)


def test_command_on_an_unknown_community_is_refused(ledger):
    with b.refused(ledger, NotFoundError, "community_code", "exists", watch=()):
        inspect(ledger)


def test_renovation_before_the_build_year_is_refused(ledger):
    b.community(ledger)
    with b.refused(ledger, ValidationError, "completed_on", "date_order", C):
        cmd(ledger, "renovate", completed_on=date(1989, 12, 31), project="旧改一期")
    cmd(ledger, "renovate", completed_on=date(2023, 10, 1), project="旧改一期")
    assert b.get(ledger, Community, b.COMMUNITY).is_renovated()


def test_changing_to_the_same_mode_is_refused(ledger):
    b.community(ledger)
    with b.refused(ledger, RuleViolation, "mode", "changed", C):
        cmd(ledger, "change_mode", mode="professional")
    cmd(ledger, "change_mode", mode="trusteeship")
    assert b.get(ledger, Community, b.COMMUNITY).mode == "trusteeship"


@pytest.mark.parametrize("kind, members, party, field, rule", [
    ("owners", 4, 1, "members", "committee_size"), ("owners", 10, 1, "members", "committee_size"),
    ("owners", 5, 6, "party_members", "within_members"), ("club", 5, 1, "kind", "choice"),
])
def test_committee_of_the_wrong_size_is_refused(ledger, kind, members, party, field, rule):
    b.community(ledger)
    with b.refused(ledger, ValidationError, field, rule, C):
        cmd(ledger, "form_committee", kind=kind, members=members, party_members=party)


# --- one record per period -----------------------------------------------------------------
def test_inspection_records_the_provider_in_place_and_whether_every_item_passed(served):
    inspect(served, items={"gate_duty": True, "cleaning": False})
    event = last_event(served)
    assert (event.provider_uscc, event.passed) == (b.USCC, False)


def test_second_inspection_for_the_same_month_is_refused(served):
    inspect(served)
    with b.refused(served, RuleViolation, "month", "one_per_period"):
        inspect(served, on=date(2024, 1, 20))
    inspect(served, month="2024-02")


@pytest.mark.parametrize("month", ["2024-13", "2024-1", "January", "2024/01"])
def test_inspection_month_must_be_yyyy_mm(served, month):
    with b.refused(served, ValidationError, "month", "month_format"):
        inspect(served, month=month)


def test_inspection_needs_items(served):
    with b.refused(served, ValidationError, "items", "required"):
        cmd(served, "record_inspection", month="2024-01", items={})


def test_survey_counts_must_nest_satisfied_within_valid_within_households(served):
    with b.refused(served, ValidationError, "valid_responses", "within_households"):
        survey(served, households=100, valid=101, satisfied=50)
    with b.refused(served, ValidationError, "satisfied", "within_valid"):
        survey(served, households=100, valid=60, satisfied=61)
    with b.refused(served, ValidationError, "households", "minimum"):
        survey(served, households=0, valid=0, satisfied=0)
    survey(served, households=100, valid=100, satisfied=100)
    with b.refused(served, RuleViolation, "period", "one_per_period"):
        survey(served, households=100, valid=10, satisfied=1)


def test_one_evaluation_per_evaluator_and_period(served):
    cmd(served, "record_evaluation", evaluator="third_party", period="2024", score=85, passed=True)
    cmd(served, "record_evaluation", evaluator="residents_committee", period="2024", score=70, passed=True)
    with b.refused(served, RuleViolation, "period", "one_per_period"):
        cmd(served, "record_evaluation", evaluator="third_party", period="2024", score=90, passed=True)
    with b.refused(served, ValidationError, "score", "maximum"):
        cmd(served, "record_evaluation", evaluator="party_committee", period="2024", score=101, passed=True)
    with b.refused(served, ValidationError, "evaluator", "choice"):
        cmd(served, "record_evaluation", evaluator="astrologer", period="2024", score=1, passed=False)


# --- corrections and withdrawals ---------------------------------------------------------
def test_correction_points_at_the_record_and_keeps_it_current(served):
    inspect(served)
    original = b.version(served, Community, b.COMMUNITY)
    cmd(served, "correct_record", corrects_version=original, fields={"passed": False}, reason="录入错误")
    community = b.get(served, Community, b.COMMUNITY)
    assert original in community.corrected
    assert community.records[("InspectionRecorded", "2024-01")] == original
    event = last_event(served)
    assert (event.corrects_version, event.fields) == (original, {"passed": False})
    with b.refused(served, RuleViolation, "month", "one_per_period"):
        inspect(served)


def test_correction_of_an_unknown_record_or_without_fields_is_refused(served):
    inspect(served)
    original = b.version(served, Community, b.COMMUNITY)
    with b.refused(served, ValidationError, "corrects_version", "known_record"):
        cmd(served, "correct_record", corrects_version=1, fields={"passed": False}, reason="x")
    with b.refused(served, ValidationError, "fields", "required"):
        cmd(served, "correct_record", corrects_version=original, fields={}, reason="x")
    with b.refused(served, ValidationError, "reason", "required"):
        cmd(served, "correct_record", corrects_version=original, fields={"passed": False}, reason="")


def test_correction_is_validated_like_a_new_record_and_restates_derived_fields(served):
    served.record_assessment(b.COMMUNITY, quarter="2024-Q1", points=b.POINTS, vetoes=[], stamp=b.stamp())
    original = b.version(served, Community, b.COMMUNITY)
    with b.refused(served, ValidationError, "fields.quarter", "correctable"):
        cmd(served, "correct_record", corrects_version=original, fields={"quarter": "2024-Q2"}, reason="x")
    with b.refused(served, ValidationError, "points.cleaning", "maximum"):
        cmd(served, "correct_record", corrects_version=original,
            fields={"points": {**b.POINTS, "cleaning": 31}}, reason="x")
    cmd(served, "correct_record", corrects_version=original, fields={"vetoes": ["gate_staff_absent"]},
        reason="复核发现睡岗")
    event = last_event(served)
    assert event.fields["points"] == {k: float(v) for k, v in b.POINTS.items()}  # merged with the original
    assert (event.fields["vetoes"], event.fields["grade"]) == (["gate_staff_absent"], "fail")


def test_inspection_correction_items_and_verdict_must_agree(served):
    inspect(served)
    original = b.version(served, Community, b.COMMUNITY)
    with b.refused(served, ValidationError, "fields.passed", "consistent"):
        cmd(served, "correct_record", corrects_version=original,
            fields={"items": {"cleaning": True}, "passed": False}, reason="x")
    cmd(served, "correct_record", corrects_version=original, fields={"items": {"cleaning": False}}, reason="复核")
    assert last_event(served).fields == {"items": {"cleaning": False}, "passed": False}


def test_withdrawn_record_frees_its_period_and_cannot_be_withdrawn_or_corrected_again(served):
    inspect(served)
    original = b.version(served, Community, b.COMMUNITY)
    cmd(served, "withdraw_record", withdraws_version=original, reason="重复录入")
    with b.refused(served, ValidationError, "withdraws_version", "known_record"):
        cmd(served, "withdraw_record", withdraws_version=original, reason="again")
    with b.refused(served, ValidationError, "corrects_version", "known_record"):
        cmd(served, "correct_record", corrects_version=original, fields={"passed": True}, reason="x")
    inspect(served)  # the month can be recorded again
    assert b.get(served, Community, b.COMMUNITY).records[("InspectionRecorded", "2024-01")] > original


# --- quarterly assessment against the sheet --------------------------------------------------
def test_assessment_totals_and_grades_on_the_default_sheet(served):
    assess(served)
    event = last_event(served)
    assert (event.total, event.grade, event.vetoes, event.provider_uscc) == (88, "model", [], b.USCC)


def test_any_veto_item_forces_fail_whatever_the_points(served):
    full = {"overall_management": 15, "cleaning": 30, "gate_patrol": 25, "parking": 10,
            "community_order": 10, "fee_collection": 10}
    assess(served, points=full, vetoes=["gate_staff_absent"])
    event = last_event(served)
    assert (event.total, event.grade) == (100, "fail")


def test_section_score_above_its_maximum_is_refused(served):
    with b.refused(served, ValidationError, "points.cleaning", "maximum"):
        assess(served, points={**b.POINTS, "cleaning": 30.5})


@pytest.mark.parametrize("value, rule", [(-1, "minimum"), (float("nan"), "finite"), ("9", "number")])
def test_section_score_must_be_a_finite_non_negative_number(served, value, rule):
    with b.refused(served, ValidationError, "points.parking", rule):
        assess(served, points={**b.POINTS, "parking": value})


def test_unknown_section_is_refused(served):
    with b.refused(served, ValidationError, "points.greening", "known_section"):
        assess(served, points={**b.POINTS, "greening": 5})


def test_missing_section_is_refused(served):
    points = {k: v for k, v in b.POINTS.items() if k != "fee_collection"}
    with b.refused(served, ValidationError, "points.fee_collection", "required"):
        assess(served, points=points)


def test_unknown_veto_item_is_refused(served):
    with b.refused(served, ValidationError, "vetoes", "known_veto"):
        assess(served, vetoes=["bad_weather"])


def test_one_assessment_per_quarter(served):
    assess(served)
    with b.refused(served, RuleViolation, "quarter", "one_per_period"):
        assess(served)
    with b.refused(served, ValidationError, "quarter", "quarter_format"):
        assess(served, quarter="2024-Q5")
    assess(served, quarter="2024-Q2", on=date(2024, 6, 30))


# --- fees, subsidies, relief, maintenance fund ----------------------------------------------
def fees(ledger, month="2024-01", billed=200, paid=180, amount_billed="6000.00", collected="5400.00"):
    return cmd(ledger, "record_fees", month=month, households_billed=billed, households_paid=paid,
               amount_billed=amount_billed, amount_collected=collected)


def test_fee_collection_is_checked_against_households_and_amounts(served):
    with b.refused(served, ValidationError, "households_billed", "within_households"):
        fees(served, billed=241)
    with b.refused(served, ValidationError, "households_paid", "within_billed"):
        fees(served, billed=100, paid=101)
    with b.refused(served, ValidationError, "amount_collected", "within_billed"):
        fees(served, collected="6000.01")
    with b.refused(served, ValidationError, "amount_billed", "decimal"):
        fees(served, amount_billed=6000.0)
    with b.refused(served, ValidationError, "amount_collected", "fen"):
        fees(served, collected="5400.001")
    fees(served)
    assert str(last_event(served).amount_collected) == "5400.00"
    with b.refused(served, RuleViolation, "month", "one_per_period"):
        fees(served)


def pay(ledger, voucher="PZ-2024-001", amount="3600.00", level="district", period="2024-Q1"):
    return cmd(ledger, "pay_subsidy", role="finance", period=period, payer_level=level, amount=amount,
               voucher_no=voucher)


def test_subsidy_voucher_is_unique(served):
    pay(served)
    with b.refused(served, RuleViolation, "voucher_no", "unique_voucher"):
        pay(served, period="2024-Q2")
    pay(served, voucher="PZ-2024-002", period="2024-Q2")


@pytest.mark.parametrize("amount, rule", [
    ("0", "minimum"), ("-1.00", "minimum"), ("NaN", "finite"), ("Infinity", "finite"), (3600.0, "decimal"),
    ("3600.005", "fen"),
])
def test_subsidy_amount_must_be_positive_decimal_yuan(served, amount, rule):
    with b.refused(served, ValidationError, "amount", rule):
        pay(served, amount=amount)


def test_subsidy_payer_level_is_a_known_level(served):
    with b.refused(served, ValidationError, "payer_level", "choice"):
        pay(served, level="galaxy")


def test_fee_relief_decision_only_for_a_pending_application(served):
    with b.refused(served, RuleViolation, "application_version", "pending_application"):
        cmd(served, "decide_fee_relief", application_version=3, approved=True, reason="x")
    cmd(served, "apply_fee_relief", household="3-2-401", kind="dibao", months=12)
    application = b.version(served, Community, b.COMMUNITY)
    cmd(served, "decide_fee_relief", application_version=application, approved=True, reason="低保户核实")
    with b.refused(served, RuleViolation, "application_version", "pending_application"):
        cmd(served, "decide_fee_relief", application_version=application, approved=False, reason="again")


def test_fee_relief_application_needs_a_known_kind_and_months(served):
    with b.refused(served, ValidationError, "kind", "choice"):
        cmd(served, "apply_fee_relief", household="3-2-401", kind="rich", months=12)
    with b.refused(served, ValidationError, "months", "minimum"):
        cmd(served, "apply_fee_relief", household="3-2-401", kind="tekun", months=0)


def test_maintenance_fund_needs_a_positive_first_collection(served):
    with b.refused(served, ValidationError, "first_collection", "minimum"):
        cmd(served, "record_maintenance_fund", first_collection="0", balance="10.00")
    cmd(served, "record_maintenance_fund", first_collection="100000.00", balance="25000.00")
    assert str(last_event(served).balance) == "25000.00"

"""Rating cycle: scheme → open → scores (one per department and subject) → close."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import NotFoundError, RuleViolation, ValidationError
from domain.rating_cycle import RatingCycle
from domain.vocab import DEPARTMENTS
from tests.unit.domain import builders as b

CYCLE = "2024-annual"
R = ((RatingCycle, CYCLE),)


def scheme(ledger, code=CYCLE, **overrides):
    fields = {"departments": list(DEPARTMENTS), "weights": {d: 1.0 for d in DEPARTMENTS},
              "method": "thresholds", "parameters": {"thresholds": [90, 80, 70, 60]}, "min_departments": 4, **overrides}
    return ledger.adopt_scheme(code=code, stamp=b.stamp(), **fields)


def open_(ledger, start=date(2024, 1, 1), end=date(2024, 12, 31)):
    return ledger.cycle_command("open", CYCLE, period_start=start, period_end=end, stamp=b.stamp())


def score(ledger, department="housing_bureau", value=88.0, subject=b.USCC, kind="provider"):
    return ledger.submit_score(CYCLE, subject_kind=kind, subject=subject, department=department, score=value,
                               stamp=b.stamp(date(2025, 1, 10), "department"))


@pytest.fixture
def opened(ledger):
    b.provider(ledger)
    b.community(ledger)
    scheme(ledger)
    open_(ledger)
    return ledger


@pytest.mark.parametrize("overrides, field, rule", [
    ({"departments": []}, "departments", "required"),
    ({"departments": ["housing_bureau", "tax_office"], "weights": {"housing_bureau": 1, "tax_office": 1}},
     "departments", "choice"),
    ({"weights": {"housing_bureau": 1.0}}, "weights", "one_per_department"),
    ({"weights": {**{d: 1.0 for d in DEPARTMENTS}, "fire_rescue": 0}}, "weights.fire_rescue", "minimum"),
    ({"min_departments": 7}, "min_departments", "within_departments"),
    ({"min_departments": 0}, "min_departments", "minimum"),
    ({"method": "dice"}, "method", "choice"),
    ({"standardisation": "vibes"}, "standardisation", "choice"),
    ({"guardrail": -5}, "guardrail", "minimum"),
])
def test_scheme_with_bad_parameters_is_refused(ledger, overrides, field, rule):
    with b.refused(ledger, ValidationError, field, rule, R):
        scheme(ledger, **overrides)


def test_cycle_opens_once_and_its_period_is_in_order(ledger):
    scheme(ledger)
    with b.refused(ledger, ValidationError, "period_end", "date_order", R):
        open_(ledger, end=date(2023, 12, 31))
    open_(ledger)
    with b.refused(ledger, RuleViolation, "cycle", "open_once", R):
        open_(ledger)


def test_score_before_the_cycle_opens_is_refused(ledger):
    b.provider(ledger)
    scheme(ledger)
    with b.refused(ledger, RuleViolation, "cycle", "cycle_open", R):
        score(ledger)


def test_score_for_a_closed_cycle_is_refused(opened):
    score(opened)
    opened.cycle_command("close", CYCLE, stamp=b.stamp(date(2025, 1, 31)))
    with b.refused(opened, RuleViolation, "cycle", "cycle_open", R):
        score(opened, department="civil_affairs")
    with b.refused(opened, RuleViolation, "cycle", "cycle_open", R):
        opened.cycle_command("correct_score", CYCLE, corrects_version=3, score=90, reason="x", stamp=b.stamp())


def test_score_from_an_unknown_department_is_refused(opened):
    with b.refused(opened, ValidationError, "department", "scheme_department", R):
        score(opened, department="tax_office")


def test_score_from_a_department_outside_the_scheme_is_refused(ledger):
    b.provider(ledger)
    scheme(ledger, departments=["housing_bureau", "civil_affairs"],
           weights={"housing_bureau": 1, "civil_affairs": 1}, min_departments=1)
    open_(ledger)
    with b.refused(ledger, ValidationError, "department", "scheme_department", R):
        score(ledger, department="fire_rescue")


def test_one_score_per_department_and_subject(opened):
    score(opened)
    with b.refused(opened, RuleViolation, "score", "one_per_department", R):
        score(opened, value=99)
    score(opened, department="civil_affairs")
    score(opened, kind="community", subject=b.COMMUNITY)


@pytest.mark.parametrize("value, rule", [(100.5, "maximum"), (-1, "minimum"), (float("nan"), "finite")])
def test_score_is_between_zero_and_one_hundred(opened, value, rule):
    with b.refused(opened, ValidationError, "score", rule, R):
        score(opened, value=value)


def test_score_for_an_unknown_subject_is_refused(opened):
    with b.refused(opened, NotFoundError, "subject", "exists", R):
        score(opened, subject=b.uscc(404))
    with b.refused(opened, NotFoundError, "subject", "exists", R):
        score(opened, kind="community", subject="C-404")
    with b.refused(opened, ValidationError, "subject_kind", "choice", R):
        score(opened, kind="street", subject="S-1")


def test_score_for_an_unknown_cycle_is_refused(ledger):
    with b.refused(ledger, NotFoundError, "cycle_code", "exists", R):
        score(ledger)


def test_correction_points_at_a_submitted_score(opened):
    score(opened)
    submitted = b.version(opened, RatingCycle, CYCLE)
    with b.refused(opened, ValidationError, "corrects_version", "known_score", R):
        opened.cycle_command("correct_score", CYCLE, corrects_version=1, score=90, reason="x", stamp=b.stamp())
    opened.cycle_command("correct_score", CYCLE, corrects_version=submitted, score=90, reason="复核更正",
                         stamp=b.stamp())


def test_scheme_without_its_method_parameters_is_refused(ledger):
    with b.refused(ledger, ValidationError, "parameters.thresholds", "required"):
        scheme(ledger, parameters={})
    with b.refused(ledger, ValidationError, "parameters.shares", "sum_to_one"):
        scheme(ledger, method="quota", parameters={"shares": [0.5, 0.4]})

"""Provider: registration, profile, commendations, sanctions, dishonesty and credit repair."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import NotFoundError, RuleViolation, ValidationError
from domain.provider import Provider
from tests.unit.domain import builders as b

P = ((Provider, b.USCC),)


def cmd(ledger, method, on=b.DAY, code=b.USCC, **kwargs):
    return ledger.provider_command(method, code, stamp=b.stamp(on), **kwargs)


def declare(ledger, start=date(2024, 2, 1), end=date(2025, 2, 1), **kwargs):
    return cmd(ledger, "declare_dishonest", term_start=start, term_end=end, reason="拒不退出", **kwargs)


@pytest.fixture
def registered(ledger):
    b.provider(ledger)
    return ledger


def test_provider_is_registered_once(registered):
    with b.refused(registered, RuleViolation, "uscc", "unique", P):
        b.provider(registered)


@pytest.mark.parametrize("field, value, rule", [
    ("name", "", "required"), ("legal_representative", " ", "required"), ("contact", "x" * 201, "max_length"),
    ("kind", "charity", "choice"),
])
def test_provider_with_bad_registration_data_is_refused(ledger, field, value, rule):
    with b.refused(ledger, ValidationError, field, rule, P):
        b.provider(ledger, **{field: value})


def test_command_on_an_unknown_provider_is_refused(ledger):
    with b.refused(ledger, NotFoundError, "uscc", "exists", P):
        cmd(ledger, "commend", reason="x", points=2)


def test_only_name_representative_and_contact_can_be_amended(registered):
    with b.refused(registered, ValidationError, "changes.uscc", "amendable", P):
        cmd(registered, "amend_profile", changes={"uscc": b.uscc(9)})
    with b.refused(registered, ValidationError, "changes", "required", P):
        cmd(registered, "amend_profile", changes={})
    cmd(registered, "amend_profile", changes={"contact": "022-12345678"})
    assert b.get(registered, Provider, b.USCC).contact == "022-12345678"


@pytest.mark.parametrize("points, rule", [(0, "minimum"), (10.5, "maximum"), (float("nan"), "finite")])
def test_commendation_points_are_above_zero_and_at_most_ten(registered, points, rule):
    with b.refused(registered, ValidationError, "points", rule, P):
        cmd(registered, "commend", reason="表彰", points=points)


def test_only_a_safety_accident_can_be_fatal(registered):
    with b.refused(registered, ValidationError, "fatal", "safety_accident_only", P):
        cmd(registered, "sanction", kind="interview", reason="约谈", fatal=True)
    with b.refused(registered, ValidationError, "kind", "choice", P):
        cmd(registered, "sanction", kind="flogging", reason="x")
    cmd(registered, "sanction", kind="safety_accident", reason="电梯事故", fatal=True)


# --- dishonesty (失信) -------------------------------------------------------------------
def test_dishonesty_declaration_and_lift(registered):
    declare(registered)
    declaration = b.version(registered, Provider, b.USCC)
    provider = b.get(registered, Provider, b.USCC)
    assert provider.dishonesty_terms == {declaration: [date(2024, 2, 1), date(2025, 2, 1), False]}
    cmd(registered, "lift_dishonesty", declaration_version=declaration, reason="整改到位")
    assert b.get(registered, Provider, b.USCC).dishonesty_terms[declaration][2] is True
    with b.refused(registered, RuleViolation, "declaration_version", "already_lifted", P):
        cmd(registered, "lift_dishonesty", declaration_version=declaration, reason="again")


def test_lifting_an_unknown_declaration_is_refused(registered):
    with b.refused(registered, ValidationError, "declaration_version", "known_declaration", P):
        cmd(registered, "lift_dishonesty", declaration_version=1, reason="x")


@pytest.mark.parametrize("end", [date(2024, 2, 1), date(2024, 1, 31)])
def test_dishonesty_term_must_end_after_it_starts(registered, end):
    with b.refused(registered, ValidationError, "term_end", "date_order", P):
        declare(registered, end=end)


# --- credit repair (信用修复) ---------------------------------------------------------------
def test_credit_repair_request_and_decision(registered):
    with b.refused(registered, RuleViolation, "provider", "pending_repair", P):
        cmd(registered, "decide_credit_repair", approved=True, reason="x")
    cmd(registered, "request_credit_repair", reason="已完成整改")
    request = b.version(registered, Provider, b.USCC)
    with b.refused(registered, RuleViolation, "provider", "one_pending_repair", P):
        cmd(registered, "request_credit_repair", reason="again")
    cmd(registered, "decide_credit_repair", approved=True, reason="5个工作日内核实")
    provider = b.get(registered, Provider, b.USCC)
    assert provider.pending_repair is None
    decided = list(registered.events.get(provider.id, gt=provider.version - 1))[0]
    assert (decided.request_version, decided.approved) == (request, True)
    cmd(registered, "request_credit_repair", reason="a new request after the decision")


def test_unknown_provider_command_is_refused(registered):
    with b.refused(registered, ValidationError, "command", "known_command", P):
        cmd(registered, "register", reason="x")

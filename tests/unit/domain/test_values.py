"""Validators, credit codes, actors and stamps: bad input names its field and rule, nothing is written."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.base import Stamp
from domain.errors import ValidationError
from domain.values import Actor, Source, check_money, check_number, uscc_check_char
from tests.unit.domain import builders as b


def test_the_sample_credit_code_has_a_valid_check_character():
    assert uscc_check_char(b.USCC[:17]) == b.USCC[17] == "3"
    assert all(uscc_check_char(b.uscc(n)[:17]) == b.uscc(n)[17] for n in range(50))


@pytest.mark.parametrize("bad", [
    "91350100M000100Y4",  # 17 characters
    "91350100M000100Y433",  # 19 characters
    "91350100M000100I43",  # I is not in the GB 32100 character set
    "91350100M000100O43",
    "91350100M000100S43",
    "91350100M000100V43",
    "91350100M000100Z43",
    "",
])
def test_malformed_credit_code_is_refused(ledger, bad):
    with b.refused(ledger, ValidationError, "uscc", "uscc_format"):
        b.provider(ledger, bad)


def test_credit_code_with_a_wrong_check_character_is_refused(ledger):
    with b.refused(ledger, ValidationError, "uscc", "uscc_check_character"):
        b.provider(ledger, b.USCC[:17] + "4")


def test_credit_code_is_normalised_to_upper_case(ledger):
    b.provider(ledger, b.USCC.lower())
    assert b.get(ledger, b.Provider, b.USCC).uscc == b.USCC


def test_actor_with_an_unknown_role_is_rejected():
    with pytest.raises(ValidationError) as info:
        Actor(user="u-1", role="mayor")
    assert (info.value.field, info.value.rule) == ("actor.role", "known_role")


def test_actor_needs_a_user():
    with pytest.raises(ValidationError) as info:
        Actor(user="", role="street")
    assert (info.value.field, info.value.rule) == ("actor.user", "required")


def test_stamp_needs_a_business_date_and_an_actor():
    with pytest.raises(ValidationError) as info:
        Stamp(occurred_on="2024-01-05", actor=b.actor())  # type: ignore[arg-type]
    assert (info.value.field, info.value.rule) == ("occurred_on", "date")
    with pytest.raises(ValidationError) as info:
        Stamp(occurred_on=date(2024, 1, 5), actor={"user": "u", "role": "street"})  # type: ignore[arg-type]
    assert (info.value.field, info.value.rule) == ("actor", "required")


def test_source_hash_must_be_lowercase_hex_sha256():
    Source(document="津南住建〔2024〕1号", sha256="a" * 64)
    with pytest.raises(ValidationError) as info:
        Source(sha256="A" * 64)
    assert (info.value.field, info.value.rule) == ("source.sha256", "hex_sha256")


@pytest.mark.parametrize("value, rule", [
    (-1.0, "minimum"), (0, "minimum"), (float("nan"), "finite"), (float("inf"), "finite"),
    (float("-inf"), "finite"), ("12000", "number"), (True, "number"), (Decimal("NaN"), "finite"),
    pytest.param(10**400, "finite", id="int-beyond-float"),
])
def test_floor_area_must_be_a_finite_positive_number(ledger, value, rule):
    with b.refused(ledger, ValidationError, "floor_area", rule):
        b.community(ledger, floor_area=value)


@pytest.mark.parametrize("value, rule", [
    ("-0.01", "minimum"), ("NaN", "finite"), ("Infinity", "finite"), ("-Infinity", "finite"),
    ("0.505", "fen"), ("1.001", "fen"), (0.5, "decimal"), ("abc", "decimal"), (True, "decimal"),
    ("1E+30", "maximum"),
])
def test_fee_standard_must_be_decimal_yuan_with_at_most_two_decimals(ledger, value, rule):
    b.provider(ledger)
    b.community(ledger)
    with b.refused(ledger, ValidationError, "fee_standard", rule):
        b.request_entry(ledger, fee_standard=value)


def test_money_keeps_exactly_two_decimals():
    assert str(check_money("3600", "amount")) == "3600.00"
    assert str(check_money(Decimal("0.5"), "amount")) == "0.50"
    assert str(check_money(12, "amount")) == "12.00"


def test_number_bounds_are_named_in_the_error():
    with pytest.raises(ValidationError) as info:
        check_number(101, "score", maximum=100)
    assert (info.value.field, info.value.rule) == ("score", "maximum")

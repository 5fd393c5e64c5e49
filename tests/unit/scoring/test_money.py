"""Money in Decimal yuan: subsidies, taper, payer shares and exact splits."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring import (
    co_funding,
    round_fen,
    split_by_payers,
    split_by_weights,
    subsidy_amount,
    taper_factor,
)

fen_amounts = st.integers(0, 10**12).map(lambda f: Decimal(f).scaleb(-2))
weights = st.lists(
    st.one_of(st.integers(0, 1000), st.decimals(0, 1000, places=4, allow_nan=False)), min_size=1, max_size=12
).filter(lambda w: sum(w) > 0)


def test_yancheng_professional_mode_subsidy_is_area_times_rate_times_months():
    # seed 001 §五(二)2: 0.1 元/m²·月; a 12,345.67 m² community for one quarter.
    assert subsidy_amount(Decimal("12345.67"), Decimal("0.1"), 3) == Decimal("3703.70")


def test_rounding_is_half_up_to_the_fen_once_per_amount():
    assert round_fen(Decimal("0.005")) == Decimal("0.01")
    assert round_fen(Decimal("0.0049999")) == Decimal("0.00")
    # rounding per month first would give 3 x 0.02 = 0.06; once gives 0.05.
    assert subsidy_amount(Decimal("0.15"), Decimal("0.1"), 3) == Decimal("0.05")


def test_taper_schedule_defaults_and_last_factor_persists():
    assert [taper_factor(y) for y in range(1, 8)] == [Decimal(v) for v in ("1", "0.8", "0.6", "0.4", "0.2", "0", "0")]
    shijiazhuang = (Decimal("1"), Decimal("0.67"), Decimal("0.33"), Decimal("0"))
    assert taper_factor(3, shijiazhuang) == Decimal("0.33")
    with pytest.raises(ValueError):
        taper_factor(0)


def test_city_award_in_lieu_is_a_share_of_the_district_payment():
    assert co_funding(Decimal("1000.01"), Decimal("0.2")) == Decimal("200.00")
    assert co_funding(Decimal("1000.05"), Decimal("0.5")) == Decimal("500.03")


@given(fen_amounts, weights)
def test_money_parts_always_sum_to_the_total_exactly(total, w):
    parts = split_by_weights(total, w)
    assert sum(parts) == total and len(parts) == len(w)
    assert all(p >= 0 and p == p.quantize(Decimal("0.01")) for p in parts)


@given(fen_amounts, weights)
def test_each_part_is_within_one_fen_of_its_exact_quota(total, w):
    parts = split_by_weights(total, w)
    wsum = sum(Decimal(x) for x in w)
    for p, x in zip(parts, w):
        assert abs(p - total * Decimal(x) / wsum) < Decimal("0.01")


def test_remaining_fen_go_to_largest_remainders_then_earlier_parts():
    assert split_by_weights(Decimal("1.00"), [1, 1, 1]) == [Decimal("0.34"), Decimal("0.33"), Decimal("0.33")]
    assert split_by_weights(Decimal("0.10"), [1, 2, 3, 4, 5, 6]) == [
        Decimal(v) for v in ("0.01", "0.01", "0.01", "0.02", "0.02", "0.03")
    ]


def test_payer_shares_add_back_to_the_total():
    parts = split_by_payers(Decimal("100.01"), {"district": Decimal("0.6"), "town": Decimal("0.4")})
    assert parts == {"district": Decimal("60.01"), "town": Decimal("40.00")}
    with pytest.raises(ValueError, match="sum to 1"):
        split_by_payers(Decimal("1"), {"district": Decimal("0.6"), "town": Decimal("0.6")})


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: subsidy_amount(1000.0, Decimal("0.1")), "area"),
        (lambda: subsidy_amount(Decimal(1000), 0.1), "rate"),
        (lambda: split_by_weights(Decimal(1), [1, 0.5]), r"weights\[1\]"),
        (lambda: round_fen(1.5), "amount"),
        (lambda: co_funding(Decimal(1), True), "share"),
        (lambda: subsidy_amount(Decimal(1), "0.1"), "rate"),
    ],
)
def test_floats_are_rejected_with_a_type_error_naming_the_argument(call, name):
    with pytest.raises(TypeError, match=name):
        call()


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: subsidy_amount(Decimal("NaN"), Decimal("0.1")), "area"),
        (lambda: subsidy_amount(Decimal(1), Decimal("-0.1")), "rate"),
        (lambda: subsidy_amount(Decimal(1), Decimal(1), Decimal("Infinity")), "months"),
        (lambda: split_by_weights(Decimal("-1"), [1]), "total"),
        (lambda: split_by_weights(Decimal("1.001"), [1]), "total"),
        (lambda: split_by_payers(Decimal(1), {"city": Decimal("sNaN")}), "city"),
    ],
)
def test_nan_and_negative_amounts_are_rejected_with_a_value_error_naming_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()

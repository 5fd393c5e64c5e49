"""Properties of the rules (hypothesis): the money adds up to the fen, every zero has a reason,
and a pack change moves only what that part of the pack governs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from projections.subsidy_periods import Period, parse_period, period_of, periods_between
from projections.subsidy_rules import Assessment, MonthFacts, PeriodInput, SubsidyRules, Survey, eligibility
from scoring.money import round_fen
from tests.unit.subsidies.helpers import pack

MODES = ["professional", "trusteeship", "self_governance", "property_unit", "fallback"]
PACKS = {name: SubsidyRules.from_pack(pack(name)) for name in ("yancheng", "shijingshan", "jinnan", "baodi", "puyang")}

areas = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999.99"), places=2)
quarters = st.builds(lambda y, q: parse_period(f"{y}-Q{q}"), st.integers(2018, 2027), st.integers(1, 4))


@st.composite
def inputs(draw, period: Period | None = None):
    period = period or draw(quarters)
    months = tuple(MonthFacts(m, draw(st.sampled_from(MODES)), draw(st.booleans()), draw(st.booleans()))
                   for m in period.months())
    valid = draw(st.integers(0, 500))
    return PeriodInput(
        "C-001", draw(st.integers(1950, 2005)), draw(st.sampled_from(["renovated_old", "other_old", "commercial"])),
        draw(areas), period, months,
        draw(st.none() | st.dates(date(2015, 1, 1), date(2027, 12, 31))),
        draw(st.none() | st.builds(Assessment, st.sampled_from(["excellent", "model", "standard", "fail"]),
                                   st.floats(0, 100), st.sampled_from([(), ("gate_staff_absent",)]))),
        draw(st.none() | st.builds(Survey, st.just(period.label), st.integers(valid, 600) if valid else st.just(1),
                                   st.just(valid), st.integers(0, valid))),
        draw(st.integers(0, 20)),
    )


@given(inputs(), st.sampled_from(sorted(PACKS)))
def test_parts_sum_to_the_amount_rounded_once_and_every_zero_has_a_reason(inp, name):
    d = eligibility(inp, PACKS[name])
    assert d.amount == round_fen(d.exact)
    assert sum(d.parts.values(), Decimal(0)) == d.amount
    assert all(p == p.quantize(Decimal("0.01")) for p in d.parts.values())
    assert (d.amount == 0) == bool(d.reasons)
    assert d.months == sum(s.months for s in d.segments) <= len(inp.months)


@given(inputs(), st.sampled_from(["professional", "trusteeship", "self_governance"]),
       st.decimals(min_value=Decimal("0"), max_value=Decimal("5"), places=3))
def test_changing_one_modes_rate_changes_only_periods_with_months_in_that_mode(inp, mode, rate):
    base = pack("yancheng")
    changed = pack("yancheng", **{f"subsidy.rates.{mode}": str(rate)})
    before, after = (eligibility(inp, SubsidyRules.from_pack(p)) for p in (base, changed))
    if mode not in {s.mode for s in before.segments}:
        assert after == before  # the rate of a mode not counted in this period governs nothing here
    else:
        assert (after.checks, after.months) == (before.checks, before.months)  # conditions are not the rate's


@given(inputs(), st.decimals(min_value=Decimal("0"), max_value=Decimal("1"), places=2))
def test_changing_a_band_changes_only_quarters_with_that_grade(inp, share):
    base = pack("jinnan")
    changed = pack("jinnan", **{"subsidy.assessment.bands.standard": str(share)})
    before, after = (eligibility(inp, SubsidyRules.from_pack(p)) for p in (base, changed))
    if before.grade != "standard":
        assert after == before
    else:
        assert after.segments == before.segments and after.months == before.months


@given(st.dates(date(2000, 1, 1), date(2030, 12, 31)), st.sampled_from(["month", "quarter", "half", "year"]))
def test_periods_tile_the_calendar(day, unit):
    p = period_of(day, unit)
    assert p.start <= day <= p.end and parse_period(p.label) == p
    assert p.next().start == date.fromordinal(p.end.toordinal() + 1)
    assert [m.day for m in p.months()] == [1] * {"month": 1, "quarter": 3, "half": 6, "year": 12}[unit]


def test_periods_between_and_bad_labels():
    assert [p.label for p in periods_between(date(2024, 11, 5), date(2025, 2, 1), "quarter")] == ["2024-Q4", "2025-Q1"]
    assert parse_period("2025-Q5") is None and parse_period("2025年") is None and parse_period("2025-H2").months()[0] == date(2025, 7, 1)

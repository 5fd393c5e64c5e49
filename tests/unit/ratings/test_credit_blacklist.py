"""Credit score and grade over time, and the blacklist: who, since when, until when, why."""

from __future__ import annotations

from datetime import date

import pytest

from projections.credit_calc import effects, scores_on
from tests.unit.domain import builders as b
from tests.unit.ratings import scenario as s

U = b.USCC


@pytest.fixture
def ledger():
    ledger = s.wired()
    b.active_engagement(ledger)
    return ledger


def credit(ledger, day: str, uscc: str = U) -> tuple[float, str]:
    view = ledger.blacklist
    view.follower.catch_up()
    items = list(view.state.items.get(uscc, {}).values())
    score, grade, _, _ = scores_on(effects(items, view.state.rules_on), [day], view.state.rules_on)
    return score[0], grade[0]


def entries(ledger, uscc: str = U) -> list[tuple]:
    return [(e["reason"], e["since"], e["until"]) for e in ledger.blacklist.entries(uscc)]


def inspect(ledger, month: int, passed: bool, year: int = 2024):
    return ledger.community_command("record_inspection", b.COMMUNITY, month=f"{year}-{month:02d}",
                                    items={"cleaning": passed, "gate_duty": True},
                                    stamp=b.stamp(date(year, month, 20), "street"))


def complaint(ledger, n: int, on: date, substantiated: bool = True):
    ledger.file_complaint(code=f"K-{n}", community_code=b.COMMUNITY, category="环境卫生", channel="hotline_12345",
                          description="垃圾清运不及时", complainant_name="李四", complainant_phone="13800000000",
                          stamp=b.stamp(on, "residents_committee"))
    ledger.resolve_complaint(f"K-{n}", substantiated=substantiated, resolution="已核实",
                             stamp=b.stamp(on, "residents_committee"))


def test_a_failed_inspection_costs_two_points_for_twenty_four_months(ledger):
    inspect(ledger, 3, passed=False)
    inspect(ledger, 4, passed=True)
    assert credit(ledger, "2024-03-19") == (100.0, "A")
    assert credit(ledger, "2024-03-20") == (98.0, "A")
    assert credit(ledger, "2026-03-20") == (100.0, "A")


def test_substantiated_complaints_cost_one_point_each_capped_at_ten_per_quarter(ledger):
    for n in range(12):
        complaint(ledger, n, date(2024, 5, 10))
    complaint(ledger, 99, date(2024, 5, 10), substantiated=False)
    assert credit(ledger, "2024-06-30")[0] == 90.0
    for n in range(12, 14):
        complaint(ledger, n, date(2024, 7, 2))
    assert credit(ledger, "2024-07-02")[0] == 88.0


def test_a_failing_quarterly_assessment_costs_five_points(ledger):
    points = {**b.POINTS, "cleaning": 10}  # 71 points, but a veto item forces "fail"
    ledger.record_assessment(b.COMMUNITY, quarter="2024-Q2", points=points, vetoes=["gate_staff_absent"],
                             stamp=b.stamp(date(2024, 7, 5), "street"))
    assert credit(ledger, "2024-07-05")[0] == 95.0


def test_sanctions_and_commendations_count_with_their_own_validity(ledger):
    ledger.provider_command("sanction", U, kind="interview", reason="约谈教育", stamp=b.stamp(date(2024, 3, 1)))
    ledger.provider_command("commend", U, reason="防汛表现突出", points=4, stamp=b.stamp(date(2024, 3, 1)))
    assert credit(ledger, "2024-03-01")[0] == 99.0
    assert credit(ledger, "2025-03-01")[0] == 95.0  # the commendation lapsed after 12 months
    assert credit(ledger, "2026-03-01")[0] == 100.0


def test_a_correction_or_withdrawal_of_a_failed_inspection_changes_its_credit_item(ledger):
    inspect(ledger, 3, passed=False)
    version = b.get(ledger, b.Community, b.COMMUNITY).records[("InspectionRecorded", "2024-03")]
    ledger.community_command("correct_record", b.COMMUNITY, corrects_version=version, fields={"passed": True},
                             reason="复查合格", stamp=b.stamp(date(2024, 3, 25), "street"))
    assert credit(ledger, "2024-04-01")[0] == 100.0
    inspect(ledger, 5, passed=False)
    version = b.get(ledger, b.Community, b.COMMUNITY).records[("InspectionRecorded", "2024-05")]
    assert credit(ledger, "2024-06-01")[0] == 98.0
    ledger.community_command("withdraw_record", b.COMMUNITY, withdraws_version=version, reason="重复录入",
                             stamp=b.stamp(date(2024, 6, 2), "street"))
    assert credit(ledger, "2024-06-01")[0] == 100.0


def test_star_results_add_points_from_the_publication_and_a_republication_corrects_them(ledger):
    other = s.providers(ledger, 1, first=40)[0]
    s.published_cycle(ledger, {U: [92] * 6, other: [85, 85, 85, 85, None, None]})
    assert credit(ledger, "2025-01-10") == (105.0, "A")
    assert credit(ledger, "2025-01-10", other)[0] == 103.0
    objection = s.object_to(ledger, other)
    s.decide(ledger, objection, True, stars=5)
    ledger.republish(s.CYCLE, stamp=b.stamp(date(2025, 1, 21)))
    assert credit(ledger, "2025-01-10", other)[0] == 105.0
    assert credit(ledger, "2026-01-10", other)[0] == 100.0


def test_an_overdue_handover_is_a_veto_that_blacklists_for_twenty_four_months(ledger):
    b.exit_approved(ledger)
    ledger.engagement_command("mark_overdue", b.ENGAGEMENT, stamp=b.stamp(date(2026, 1, 20), "street"))
    assert credit(ledger, "2026-01-20") == (80.0, "D")  # 80 points, but the veto forces D
    assert entries(ledger) == [("veto", "2026-01-20", "2028-01-20")]
    assert ledger.blacklist.status(U, date(2028, 1, 19))[0] is True
    assert ledger.blacklist.status(U, date(2028, 1, 20))[0] is False


def test_grade_d_on_points_lists_the_provider_until_enough_items_expire(ledger):
    for kind in ("removal", "fine", "interview", "interview"):
        ledger.provider_command("sanction", U, kind=kind, reason="违规", stamp=b.stamp(date(2024, 2, 1)))
    inspect(ledger, 6, passed=False)
    assert credit(ledger, "2024-06-20") == (58.0, "D")
    [entry] = ledger.blacklist.entries(U)
    assert (entry["reason"], entry["since"], entry["until"]) == ("grade", "2024-06-20", "2026-02-01")
    assert len(entry["events"]) == 5  # the five deductions behind it


def test_a_provider_leaves_the_blacklist_when_its_dishonesty_term_ends(ledger):
    ledger.provider_command("declare_dishonest", U, term_start=date(2024, 7, 1), term_end=date(2024, 12, 31),
                            reason="提供虚假材料", stamp=b.stamp(date(2024, 7, 1)))
    assert ledger.blacklist.status(U, date(2024, 6, 30))[0] is False
    assert ledger.blacklist.status(U, date(2024, 12, 31))[0] is True
    assert ledger.blacklist.status(U, date(2025, 1, 1))[0] is False
    assert entries(ledger) == [("dishonesty", "2024-07-01", "2025-01-01")]


def test_an_approved_credit_repair_clears_deductions_vetoes_and_dishonesty_before_it(ledger):
    ledger.provider_command("sanction", U, kind="safety_accident", fatal=True, reason="亡人事故",
                            stamp=b.stamp(date(2024, 3, 1)))
    ledger.provider_command("declare_dishonest", U, term_start=date(2024, 3, 1), term_end=date(2026, 2, 28),
                            reason="事故瞒报", stamp=b.stamp(date(2024, 3, 1)))
    assert credit(ledger, "2024-06-01") == (80.0, "D")
    ledger.provider_command("request_credit_repair", U, reason="已整改", stamp=b.stamp(date(2024, 9, 1)))
    ledger.provider_command("decide_credit_repair", U, approved=True, reason="核查属实",
                            stamp=b.stamp(date(2024, 9, 5)))
    assert credit(ledger, "2024-09-05") == (100.0, "A")
    assert entries(ledger) == [("dishonesty", "2024-03-01", "2024-09-05"), ("veto", "2024-03-01", "2024-09-05")]
    assert ledger.blacklist.status(U, date(2024, 9, 5))[0] is False


def test_adopted_pack_carries_its_credit_rules_so_replay_never_reads_the_file(ledger, monkeypatch):
    from domain.packs import adopt_pack, load_pack
    from domain.scheme_pack import load_pack as load_rules

    pack = load_pack("jinnan")
    rules = load_rules("credit_default")
    stricter = {**rules, "points": {**rules["points"], "inspection_failed": -7}}
    adopt_pack(ledger, pack.__class__.from_content({**pack.content, "credit_rules": stricter}),
               stamp=b.stamp(date(2024, 1, 1)), effective_from=date(2024, 1, 1))
    monkeypatch.setattr("projections.credit_state.load_pack", lambda name: pytest.fail(f"read {name} from disk"))
    inspect(ledger, 3, passed=False)
    assert credit(ledger, "2024-03-20") == (93.0, "A")


def test_a_pack_with_bad_inline_credit_rules_is_refused_naming_the_key():
    from domain.errors import ValidationError
    from domain.packs import load_pack
    from domain.scheme_pack import load_pack as load_rules

    pack = load_pack("jinnan")
    with pytest.raises(ValidationError) as refused:
        pack.__class__.from_content({**pack.content, "credit_rules": {**load_rules("credit_default"), "base": -1}})
    assert refused.value.field == "credit_rules.base"

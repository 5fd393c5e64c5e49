"""The result as a function of the log: inputs, floor-area aggregation, methods, guardrail, order."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from domain.vocab import DEPARTMENTS
from projections.ratings_calc import evaluate
from tests.unit.domain import builders as b
from tests.unit.ratings import scenario as s


def _evaluation(ledger):
    return evaluate(ledger.ratings.state, s.CYCLE, ledger.max_position())


def _computed(ledger):
    ledger.ratings.compute(s.CYCLE, ledger.max_position())
    return _evaluation(ledger)


def test_community_scores_are_averaged_to_the_provider_by_served_floor_area():
    ledger = s.wired()
    uscc = s.providers(ledger, 1)[0]
    b.community(ledger, "C-1")
    b.community(ledger, "C-2")
    b.request_entry(ledger, "E-1", uscc, "C-1", served_area=3000.0)
    b.decide(ledger, "E-1")
    b.sign(ledger, "E-1")
    b.request_entry(ledger, "E-2", uscc, "C-2", served_area=1000.0)
    b.decide(ledger, "E-2")
    b.sign(ledger, "E-2")
    s.open_cycle(ledger)
    for department in DEPARTMENTS:
        s.score(ledger, "C-1", department, 90, kind="community")
        s.score(ledger, "C-2", department, 70, kind="community")
    ev = _computed(ledger)
    assert ev.results[uscc] == [85.0, 4]  # (90 * 3000 + 70 * 1000) / 4000
    sources = ev.row(uscc)["departments"]["fire_rescue"]["sources"]
    assert [(x["community"], x["served_area"]) for x in sources] == [("C-1", 3000.0), ("C-2", 1000.0)]


def test_a_community_score_does_not_count_for_a_provider_that_served_outside_the_period():
    ledger = s.wired()
    uscc = s.providers(ledger, 1)[0]
    b.community(ledger, "C-1")
    b.request_entry(ledger, "E-1", uscc, "C-1")
    b.decide(ledger, "E-1")
    b.sign(ledger, "E-1", start=date(2025, 3, 1), end=date(2026, 2, 28))
    s.open_cycle(ledger)
    s.score(ledger, "C-1", "housing_bureau", 90, kind="community")
    assert _computed(ledger).providers == []


def test_the_latest_correction_of_a_score_is_the_one_used_and_both_events_are_named():
    ledger = s.wired()
    uscc = s.providers(ledger, 1)[0]
    s.open_cycle(ledger)
    s.score_all(ledger, uscc, [60, 60, 60, 60, 60, 60])
    v = s.cycle(ledger).scores[("provider", uscc, "housing_bureau")]
    for value in (66, 96):
        ledger.cycle_command("correct_score", s.CYCLE, corrects_version=v, score=value, reason="录入错误",
                             stamp=b.stamp(date(2024, 12, 2)))
    ev = _computed(ledger)
    assert ev.results[uscc][0] == 66.0  # (96 + 5 * 60) / 6
    sources = ev.row(uscc)["departments"]["housing_bureau"]["sources"][0]["events"]
    assert [e["version"] for e in sources] == [v, v + 6, v + 7]


def test_the_weights_actually_used_are_renormalised_over_the_departments_present():
    ledger = s.wired()
    uscc = s.providers(ledger, 1)[0]
    s.open_cycle(ledger)
    s.score_all(ledger, uscc, [80, None, 90, 70, None, 60])
    row = _computed(ledger).row(uscc)
    weights = {d: x["weight"] for d, x in row["departments"].items()}
    assert weights["civil_affairs"] == weights["market_supervision"] == 0.0
    assert weights["housing_bureau"] == 0.25 and row["composite"] == 75.0


def test_quota_and_kmeans_schemes_rank_and_cluster_with_published_cut_points():
    ledger = s.wired()
    usccs = s.providers(ledger, 10)
    s.open_cycle(ledger, pack="cms_quota")
    for i, uscc in enumerate(usccs):
        s.score_all(ledger, uscc, [50 + 5 * i] * 6)
    ev = _computed(ledger)
    # 10 rated: top 1 (10 %), next 2, next 3, next 2 (23.3 % each, rounded cumulatively), bottom 2 (20 %)
    assert [ev.results[u][1] for u in usccs] == [1, 1, 2, 2, 3, 3, 3, 4, 4, 5]
    assert ev.cut_points == [60.0, 70.0, 85.0, 95.0]
    other = s.wired()
    usccs = s.providers(other, 6)
    s.open_cycle(other, pack="kmeans_guardrail")
    for uscc, value in zip(usccs, [60, 60, 75, 75, 90, 90]):  # three distinct scores: three clusters
        s.score_all(other, uscc, [value] * 6)
    ev = _computed(other)
    assert [ev.results[u][1] for u in usccs] == [1, 1, 2, 2, 3, 3]
    assert ev.cut_points == [75.0, 90.0, None, None]


def test_the_guardrail_keeps_cut_points_within_five_points_of_the_previous_published_cycle():
    ledger = s.wired()
    usccs = s.providers(ledger, 10)
    rows = {u: [60 + 3 * i] * 6 for i, u in enumerate(usccs)}
    first = s.published_cycle(ledger, rows, "2023", (date(2023, 1, 1), date(2023, 12, 31)), pack="kmeans_guardrail")
    s.open_cycle(ledger, pack="kmeans_guardrail")
    for i, uscc in enumerate(usccs):
        s.score_all(ledger, uscc, [40 + 6 * i] * 6)
    ev = _computed(ledger)
    assert ev.previous_cycle == "2023" and ev.previous_cut_points == first.cut_points
    for new, old in zip(ev.cut_points, first.cut_points):
        assert old - 5 <= new <= old + 5


def test_the_result_of_a_cycle_does_not_change_when_later_events_are_added():
    ledger = s.wired()
    usccs = s.providers(ledger, 3)
    s.open_cycle(ledger)
    for i, uscc in enumerate(usccs):
        s.score_all(ledger, uscc, [70 + 10 * i] * 6)
    s.close(ledger)
    upto = ledger.max_position()
    before = ledger.ratings.compute(s.CYCLE, upto)
    s.compute(ledger)
    b.community(ledger, "C-9")
    assert ledger.ratings.compute(s.CYCLE, upto)["digest"] == before["digest"]


SCORES = st.lists(
    st.lists(st.one_of(st.none(), st.integers(0, 100)), min_size=6, max_size=6), min_size=1, max_size=6)


@given(SCORES, st.randoms(use_true_random=False), st.sampled_from(["jinnan_default", "cms_quota", "kmeans_guardrail"]))
def test_the_order_in_which_scores_are_submitted_never_changes_the_result(rows, rnd, pack):
    submissions = [(i, d, v) for i, row in enumerate(rows) for d, v in zip(DEPARTMENTS, row) if v is not None]
    digests = []
    for order in (submissions, rnd.sample(submissions, len(submissions))):
        ledger = s.wired()
        usccs = s.providers(ledger, len(rows))
        s.open_cycle(ledger, pack=pack)
        for i, department, value in order:
            s.score(ledger, usccs[i], department, value)
        s.close(ledger)
        s.compute(ledger)
        digests.append(s.cycle(ledger).digest)
    assert digests[0] == digests[1]

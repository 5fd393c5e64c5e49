"""A cycle after close: result computed, published, objections, decisions, republication."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import RuleViolation, ValidationError
from domain.rating_cycle import RatingCycle
from domain.rating_result import appeal_deadline, check_appeal, result_digest
from tests.unit.domain import builders as b
from tests.unit.ratings import scenario as s

ROWS = {  # provider index -> department scores (None: that department gave none)
    0: [95, 92, 90, 91, 94, 93],  # 5 stars
    1: [85, 82, 80, 81, 84, 83],  # 4 stars
    2: [75, 72, None, 71, None, 70],  # 3 stars on four departments
    3: [65, 62, 61, None, None, None],  # three departments: not rated
}


@pytest.fixture
def ledger():
    return s.wired()


@pytest.fixture
def usccs(ledger):
    return s.providers(ledger, 4)


def _published(ledger, usccs) -> RatingCycle:
    return s.published_cycle(ledger, {usccs[i]: v for i, v in ROWS.items()})


def test_a_score_after_close_is_refused_and_nothing_is_written(ledger, usccs):
    s.open_cycle(ledger)
    s.score(ledger, usccs[0], "housing_bureau", 90)
    s.close(ledger)
    with b.refused(ledger, RuleViolation, "cycle", "cycle_open", watch=()):
        s.score(ledger, usccs[0], "civil_affairs", 80)


def test_a_result_needs_a_closed_cycle(ledger, usccs):
    s.open_cycle(ledger)
    s.score(ledger, usccs[0], "housing_bureau", 90)
    with b.refused(ledger, RuleViolation, "cycle", "closed_first", watch=()):
        s.compute(ledger)


def test_the_computed_result_has_stars_cut_points_and_the_position_it_came_from(ledger, usccs):
    s.open_cycle(ledger)
    for i, values in ROWS.items():
        s.score_all(ledger, usccs[i], values)
    s.close(ledger)
    upto = ledger.max_position()
    s.compute(ledger)
    c = s.cycle(ledger)
    assert c.status == "computed" and c.position == upto
    assert {u: r[1] for u, r in c.results.items()} == {usccs[0]: 5, usccs[1]: 4, usccs[2]: 3, usccs[3]: 0}
    assert c.results[usccs[3]] == [None, 0]  # not rated, never silently given stars
    assert c.results[usccs[2]][0] == 72.0  # (75 + 72 + 71 + 70) / 4: weights re-normalised over four
    assert c.cut_points == [60.0, 70.0, 80.0, 90.0]
    assert c.digest == result_digest(s.CYCLE, "thresholds", c.cut_points, c.results)


def test_a_result_whose_digest_does_not_match_its_rows_is_refused(ledger, usccs):
    s.open_cycle(ledger)
    s.score_all(ledger, usccs[0], ROWS[0])
    s.close(ledger)

    class Lying:
        def compute(self, code, upto):
            honest = ledger.ratings.compute(code, upto)
            return {**honest, "results": {usccs[0]: [50.0, 1]}}

    with b.refused(ledger, ValidationError, "digest", "matches_rows", watch=()):
        ledger.compute_result(s.CYCLE, stamp=b.stamp(s.CLOSED_ON), calculator=Lying())


def test_publication_fixes_the_digest_and_position_of_the_computed_result(ledger, usccs):
    c = _published(ledger, usccs)
    assert c.status == "published"
    assert c.publications == [[1, c.digest, s.PUBLISHED_ON]]


def test_an_objection_after_ten_working_days_is_refused(ledger, usccs):
    _published(ledger, usccs)
    s.object_to(ledger, usccs[1], on=date(2025, 1, 24))  # the 10th working day: still in time
    with b.refused(ledger, RuleViolation, "occurred_on", "appeal_window", watch=()):
        s.object_to(ledger, usccs[2], on=date(2025, 1, 27))


def test_holidays_and_adjusted_working_weekends_move_the_appeal_deadline():
    plain = check_appeal(None)
    assert appeal_deadline(date(2025, 1, 10), plain) == date(2025, 1, 24)
    spring = check_appeal({"holidays": ["2025-01-20", "2025-01-21"], "extra_workdays": ["2025-01-18"]})
    assert appeal_deadline(date(2025, 1, 10), spring) == date(2025, 1, 27)


def test_an_upheld_objection_changes_only_the_objectors_row_and_republishes(ledger, usccs):
    first = _published(ledger, usccs)
    first_digest, others = first.digest, {u: r for u, r in first.results.items() if u != usccs[3]}
    objection = s.object_to(ledger, usccs[3])
    s.decide(ledger, objection, True, department="urban_management", score=70)
    ledger.republish(s.CYCLE, stamp=b.stamp(date(2025, 1, 21)))
    c = s.cycle(ledger)
    assert c.results[usccs[3]] == [64.5, 2]  # four departments now: (65 + 62 + 61 + 70) / 4
    assert {u: r for u, r in c.results.items() if u != usccs[3]} == others
    assert [p[0] for p in c.publications] == [1, 2]
    assert c.publications[0][1] == first_digest != c.publications[1][1] == c.digest


def test_a_rejected_objection_changes_nothing_and_cannot_be_republished(ledger, usccs):
    _published(ledger, usccs)
    objection = s.object_to(ledger, usccs[1])
    s.decide(ledger, objection, False)
    with b.refused(ledger, RuleViolation, "cycle", "upheld_objection", watch=()):
        ledger.republish(s.CYCLE, stamp=b.stamp(date(2025, 1, 21)))


def test_an_objection_is_decided_once_with_exactly_one_remedy(ledger, usccs):
    _published(ledger, usccs)
    objection = s.object_to(ledger, usccs[1])
    with b.refused(ledger, ValidationError, "department", "one_remedy", watch=()):
        s.decide(ledger, objection, True)
    with b.refused(ledger, ValidationError, "upheld", "no_remedy", watch=()):
        s.decide(ledger, objection, False, stars=5)
    s.decide(ledger, objection, True, stars=5)
    with b.refused(ledger, RuleViolation, "objection_version", "decide_once", watch=()):
        s.decide(ledger, objection, False)


def test_stars_cannot_be_given_to_a_provider_that_was_not_rated(ledger, usccs):
    _published(ledger, usccs)
    objection = s.object_to(ledger, usccs[3])
    with b.refused(ledger, ValidationError, "stars", "rated_only", watch=()):
        s.decide(ledger, objection, True, stars=3)


def test_only_providers_in_the_result_may_object_once_at_a_time(ledger, usccs):
    _published(ledger, usccs)
    outsider = s.providers(ledger, 1, first=50)[0]
    with b.refused(ledger, ValidationError, "provider_uscc", "in_result", watch=()):
        s.object_to(ledger, outsider)
    s.object_to(ledger, usccs[0])
    with b.refused(ledger, RuleViolation, "provider_uscc", "one_pending", watch=()):
        s.object_to(ledger, usccs[0])


def test_a_result_computed_before_a_later_change_of_the_cycle_is_refused(ledger, usccs):
    s.open_cycle(ledger)
    s.score_all(ledger, usccs[0], ROWS[0])
    s.close(ledger)
    stale = ledger.ratings.compute(s.CYCLE, ledger.max_position())
    s.compute(ledger)  # the cycle moves on to version n + 1
    c = s.cycle(ledger)
    with pytest.raises(RuleViolation) as info:
        c.record_result(**stale, position=1, stamp=b.stamp())
    assert info.value.field == "cycle_version"


@pytest.mark.parametrize("rows", [{}, {3: ROWS[3]}], ids=["no score", "nobody on enough departments"])
def test_a_result_that_rates_no_provider_is_computed_but_not_published(ledger, usccs, rows):
    s.open_cycle(ledger)
    for i, values in rows.items():
        s.score_all(ledger, usccs[i], values)
    s.close(ledger)
    s.compute(ledger)  # computing it stays allowed: the cycle page says no provider is rated
    computed = s.cycle(ledger)
    assert computed.status == "computed" and not any(stars for _, stars in computed.results.values())
    with b.refused(ledger, RuleViolation, "results", "provider_rated", watch=((RatingCycle, s.CYCLE),)) as info:
        s.publish(ledger)
    assert "no provider rated" in info.value.message
    assert s.cycle(ledger).status == "computed" and s.cycle(ledger).publications == []


def test_one_rated_provider_is_enough_to_publish(ledger, usccs):
    c = s.published_cycle(ledger, {usccs[2]: ROWS[2], usccs[3]: ROWS[3]})
    assert c.status == "published" and sorted(stars for _, stars in c.results.values()) == [0, 3]


def test_an_empty_publication_already_in_a_ledger_still_replays(ledger, usccs):
    """The rule runs in RatingCycle.publish, not in the Published event: a ledger that published an
    empty result before the rule existed loads as it was (replay never re-runs rules)."""
    s.open_cycle(ledger)
    s.close(ledger)
    s.compute(ledger)
    c = s.cycle(ledger)
    c._trigger(RatingCycle.Published, b.stamp(s.PUBLISHED_ON), number=1, digest=c.digest, position=c.position,
               checkpoint_size=None, checkpoint_root=None)  # as the publish command wrote it before the rule
    ledger.save(c)
    again = s.cycle(ledger)
    assert again.status == "published" and again.results == {} and again.publications[0][:2] == [1, c.digest]

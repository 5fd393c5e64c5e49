"""Rating cycles, credit and the blacklist end to end on SQLite and PostgreSQL: the story of
tests/integration/ratings_story.py through the Ledger, then the read models."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from domain.base import aggregate_id
from domain.rating_cycle import RatingCycle
from projections.blacklist import ReadModelBlacklistView, blacklist_on
from projections.credit import credit_on
from projections.db import engine_for
from projections.records import topic_of
from projections.runner import Runner
from projections.service import catch_up, digests, rebuild
from projections.source import EventSource
from tests.integration import ratings_story as story
from tests.unit.ratings import scenario as s

NAMES = ["registry", "ratings", "credit"]


def _told(url: str):
    ledger = s.wired(url)
    story.run(ledger)
    return ledger


def _rows(url: str, sql: str, **params) -> list:
    engine = engine_for(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params)]
    finally:
        engine.dispose()


def test_a_full_cycle_with_an_objection_that_changes_a_result(database_url):
    ledger = _told(database_url)
    catch_up(database_url, NAMES)
    cycle = ledger.repository.get(aggregate_id("rating_cycle", "2024"))
    five = story.usccs()[5]
    assert cycle.results[five][1] > 0  # rated after the upheld objection added a fourth department
    pubs = _rows(database_url, "SELECT number, digest, recomputed_digest, verified FROM rating_publications "
                               "WHERE cycle_code = '2024' ORDER BY number")
    assert [(n, d) for n, d, _, _ in pubs] == [(p[0], p[1]) for p in cycle.publications]
    assert len(pubs) == 2 and pubs[0][1] != pubs[1][1]  # the first publication stays in the history
    assert all(verified for *_, verified in pubs)
    [(stars, objections)] = _rows(database_url, "SELECT stars, objections FROM rating_results "
                                                "WHERE cycle_code = '2024' AND uscc = :u", u=five)
    assert stars == cycle.results[five][1] and len(json.loads(objections)) == 1
    [(status,)] = _rows(database_url, "SELECT status FROM rating_objections WHERE uscc = :u", u=story.usccs()[2])
    assert status == "rejected"
    [(previous,)] = _rows(database_url, "SELECT previous_cycle FROM rating_cycles WHERE code = '2024'")
    assert previous == "2023"  # the guardrail used the 2023 cut points


def test_the_override_stays_visible_and_the_blacklist_read_model_agrees_with_the_ledger(database_url):
    ledger = _told(database_url)
    catch_up(database_url, NAMES)
    [(blacklisted, override, position)] = _rows(
        database_url, "SELECT blacklisted, override_reason, blacklist_position FROM registry_engagements "
                      "WHERE code = 'E-4'")
    assert blacklisted and override == story.OVERRIDE and position > 0
    engine = engine_for(database_url)
    try:
        view = ReadModelBlacklistView(engine)
        for uscc in story.usccs():
            for day in (date(2025, 2, 10), date(2025, 7, 1), date(2027, 1, 20)):
                assert view.status(uscc, day)[0] == ledger.blacklist.status(uscc, day)[0], (uscc, day)
        with engine.connect() as conn:
            listed = {(e["uscc"], e["reason"]) for e in blacklist_on(conn, "2025-02-10")}
            assert listed == {(story.usccs()[7], "dishonesty"), (story.usccs()[1], "veto")}
            assert credit_on(conn, story.usccs()[1], "2025-02-10")["grade"] == "D"
            kinds = {i["kind"] for i in credit_on(conn, story.usccs()[0], "2025-02-10")["items"]}
            assert kinds == {"inspection_failed", "complaint_substantiated", "stars"}
    finally:
        engine.dispose()


@pytest.mark.slow
def test_a_full_replay_reproduces_every_published_digest_and_equals_the_incremental_build(database_url):
    ledger = s.wired(database_url)
    story.run(ledger, between=lambda: catch_up(database_url, NAMES))
    incremental = {n: d["digest"] for n, d in digests(database_url, NAMES).items()}
    report = rebuild(database_url, NAMES)
    assert report.ok
    assert {n: d["digest"] for n, d in digests(database_url, NAMES).items()} == incremental
    source = EventSource(database_url)
    try:
        topics = [topic_of(RatingCycle.Published), topic_of(RatingCycle.Republished)]
        published = [(r.state["number"], r.state["digest"]) for r in source.read(0, source.horizon(), 10**6, topics)]
    finally:
        source.close()
    recomputed = _rows(database_url, "SELECT number, recomputed_digest FROM rating_publications "
                                     "ORDER BY event_position")
    assert len(published) == 3 and recomputed == published


@pytest.mark.slow
@settings(max_examples=min(settings().max_examples, 10))
@given(order_seed=st.integers(0, 10**6), plan=st.lists(st.sampled_from(["catch_up", "restart", "skip"]),
                                                        min_size=7, max_size=7),
       batch_size=st.sampled_from([1, 7, 20000]))
def test_replay_equals_incremental_with_restarts_for_ratings_and_credit(tmp_path_factory, order_seed, plan,
                                                                      batch_size):
    url = f"sqlite:///{tmp_path_factory.mktemp('ratings') / 'ledger.db'}"
    ledger = s.wired(url)
    runner = Runner(url, projections=NAMES[1:], batch_size=batch_size)
    try:
        for step, action in zip(story.steps(order_seed), plan):
            step(ledger)
            if action == "restart":
                runner.close()
                runner = Runner(url, projections=NAMES[1:], batch_size=batch_size)
            if action != "skip":
                runner.catch_up()
        runner.catch_up()
    finally:
        runner.close()
    incremental = {n: d["digest"] for n, d in digests(url, NAMES[1:]).items()}
    rebuilt = f"sqlite:///{tmp_path_factory.mktemp('rebuilt') / 'rebuilt.db'}"
    assert rebuild(url, NAMES[1:], target_url=rebuilt).ok
    assert {n: d["digest"] for n, d in digests(rebuilt, NAMES[1:]).items()} == incremental
    assert all(v for (v,) in _rows(rebuilt, "SELECT verified FROM rating_publications"))


def test_explain_gives_every_input_weight_cut_point_pack_version_and_event_behind_a_provider(database_url):
    from projections.explain import explain_provider

    ledger = _told(database_url)
    catch_up(database_url, NAMES)
    engine = engine_for(database_url)
    try:
        with engine.connect() as conn:
            x = explain_provider(conn, story.usccs()[0], "2024", "2025-02-10")
    finally:
        engine.dispose()
    [r] = x["ratings"]
    cycle = ledger.repository.get(aggregate_id("rating_cycle", "2024"))
    assert (r["composite"], r["stars"]) == tuple(cycle.results[story.usccs()[0]])
    assert r["cut_points"] == cycle.cut_points and r["pack"]["id"] == story.PACK and r["pack"]["version"] == "2024.1"
    assert abs(sum(d["weight"] for d in r["departments"].values()) - 1) < 1e-12
    fire = r["departments"]["fire_rescue"]
    assert [(src["community"], src["served_area"]) for src in fire["sources"]] == [("C-1", 30000.0), ("C-2", 10000.0)]
    assert fire["score"] == (94 * 30000 + 72 * 10000) / 40000  # C-1 and C-2 fire scores by served floor area
    assert all({"id", "version", "position"} <= set(e) for src in fire["sources"] for e in src["events"])
    assert [p["number"] for p in r["publications"]] == [1, 2] and all(p["verified"] for p in r["publications"])
    kinds = sorted(i["kind"] for i in x["credit"]["items"])
    assert kinds == ["complaint_substantiated", "complaint_substantiated", "inspection_failed", "inspection_failed",
                     "inspection_failed", "stars"]
    assert all(i["expires_on"] > i["occurred_on"] and i["events"] for i in x["credit"]["items"])
    assert x["name"] and x["entry_decisions"][0]["code"] == "E-1"

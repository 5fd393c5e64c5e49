"""Every publication (star ratings, blacklist, subsidy list) carries the signed checkpoint it
was computed from, and `audit replay` recomputes each one a checkpoint covers: on SQLite and
PostgreSQL, from the database and from an exported bundle."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from api.cli_cycle import wire
from domain.base import Stamp, aggregate_id
from domain.demo import actors, generate
from domain.demo.publish import last_complete_quarter, publish_lists
from domain.publication import publication_digest
from projections.audit.checkpoint import open_checkpoint
from projections.audit.replay import prefix_roots, replay_checkpoint
from tests.unit.audit.support import ORIGIN, Tamperer, audit_service

TOPICS = {"RatingCycle.Published": "ratings", "RatingCycle.Republished": "ratings",
          "Publication.BlacklistPublished": "blacklist", "Publication.SubsidyListPublished": "subsidy_list"}


@dataclass
class District:
    service: object
    ledger: object
    summary: object
    day: date
    quarter: str


@pytest.fixture
def district(database_url, tmp_path):
    service = audit_service(database_url, tmp_path)
    ledger = wire(service.ledger(pack_id="jinnan", vault=None))
    summary = generate(ledger, communities=8, years=1)
    day = summary.period_end + timedelta(days=8)
    bureau = Stamp(day, actors.HOUSING_BUREAU)
    ledger.compute_result(summary.cycle_code, stamp=bureau)
    ledger.cycle_command("publish", summary.cycle_code, stamp=bureau)
    quarter = last_complete_quarter(date.fromisoformat(ledger.publisher.horizon(ledger.max_position())))
    publish_lists(ledger, summary, day, quarter)
    yield District(service, ledger, summary, day, quarter)
    ledger.close()


def publication_events(ledger) -> list[tuple[int, str, dict]]:
    """(position, kind, state) of every publication event, in ledger order."""
    out = []
    for n in ledger.recorder.select_notifications(1, 10**6):
        kind = TOPICS.get(n.topic.split(":", 1)[1])
        if kind:
            out.append((n.id, kind, json.loads(n.state)))
    return out


def key_of(kind: str, state: dict, code: str) -> str:
    if kind == "ratings":
        return code
    if kind == "blacklist":
        return state["as_of"]["_data_"]
    return f"{state['pack_id']}:{state['period']}"


def test_each_publication_carries_a_checkpoint_whose_signed_note_and_root_verify(district):
    service, ledger = district.service, district.ledger
    vkey = (service.notary.key_path.parent / (service.notary.key_path.name + ".pub")).read_text().strip()
    notes = {cp.size: cp for cp in service.notary.all()}
    events = publication_events(ledger)
    assert [kind for _, kind, _ in events] == ["ratings", "blacklist", "subsidy_list"]
    for position, kind, state in events:
        size, root = state["checkpoint_size"], state["checkpoint_root"]
        note = open_checkpoint(notes[size].note, vkey, ORIGIN)  # signed with the ledger's key
        assert (note.size, base64.b64encode(note.root).decode()) == (size, root)
        assert service.log.root(size) == note.root  # the Merkle log agrees…
        covered = int(next(e.split()[1] for e in note.extensions if e.startswith("position ")))
        assert prefix_roots(service.log, covered)[:2] == (note.root, size)  # …and so do the events themselves
        assert state["position"] <= covered < position  # covers the inputs, made before the publication
        name = f"{kind}:{key_of(kind, state, district.summary.cycle_code)}:{state['number']}"
        assert f"digest {name} {state['digest']}" in note.extensions  # the note signs what was published
        if kind != "ratings":
            assert state["digest"] == publication_digest(kind, name.rsplit(":", 1)[0].split(":", 1)[1], state["rows"])


def test_replaying_the_last_publication_checkpoint_matches_all_three_kinds(district):
    service = district.service
    last = service.notary.latest()
    result = replay_checkpoint(service, last.size)
    assert result["result"] == "match", result
    by_kind = {p["kind"]: p for p in result["publications"]}
    assert set(by_kind) == {"rating_publication", "blacklist_publication", "subsidy_list_publication"}
    assert all(p["result"] == "match" and p["verified"] for p in result["publications"])
    for kind in ("rating_publication", "blacklist_publication"):  # their events are before the checkpoint
        assert by_kind[kind]["checkpoint"]["signed"] and by_kind[kind]["checkpoint"]["log_root_matches"]
    assert by_kind["subsidy_list_publication"]["signed_in_checkpoint"]  # published right after it
    assert by_kind["subsidy_list_publication"]["key"] == f"jinnan:{district.quarter}"


def test_a_later_checkpoint_covers_every_publication_event(district, tmp_path):
    from projections.audit.bundle_replay import replay_bundle

    service = district.service
    final = service.make_checkpoint("after the publications")
    result = replay_checkpoint(service, final.size)
    assert result["result"] == "match", result
    assert [p["kind"] for p in result["publications"]] == [
        "rating_publication", "blacklist_publication", "subsidy_list_publication"]
    assert all(p["checkpoint"]["signed"] and p["checkpoint"]["log_root_matches"] for p in result["publications"])
    service.export(tmp_path / "bundle.zip", checkpoint=False)
    offline = replay_bundle(tmp_path / "bundle.zip", service.notary.verifier_key(), final.size)
    assert offline["result"] == "match", offline
    assert [p["result"] for p in offline["publications"]] == ["match"] * 3
    assert all(p["checkpoint"]["signed"] and p["checkpoint"]["log_root_matches"] for p in offline["publications"])


def test_an_event_altered_before_a_publication_is_reported_by_replay_and_verify(district, database_url):
    service = district.service
    blacklist = next(state for _, kind, state in publication_events(district.ledger) if kind == "blacklist")
    target = blacklist["position"] // 2
    tamper = Tamperer(database_url)
    tamper.flip_byte(target)
    tamper.engine.dispose()
    result = replay_checkpoint(service, service.notary.latest().size)
    assert result["result"] == "events altered" and result["first_bad_position"] == target
    report = service.verify()
    assert not report.ok and report.first_bad_position == target


def test_a_publication_the_log_does_not_give_is_a_mismatch_with_its_first_differing_row(district):
    ledger, service = district.ledger, district.service
    real = ledger.publisher

    class DropsTheFirstRow:  # a bug, or a hand on the scale: its digest is right for its own rows
        def blacklist(self, as_of, upto):
            rows = real.blacklist(as_of, upto)["rows"]
            return {"rows": rows[1:], "digest": publication_digest("blacklist", as_of.isoformat(), rows[1:])}

    day = district.day + timedelta(days=1)
    truth = real.blacklist(day, ledger.max_position())["rows"]
    assert truth, "the demo district has blacklisted providers"
    ledger.publish_blacklist(as_of=day, stamp=Stamp(day, actors.HOUSING_BUREAU), calculator=DropsTheFirstRow())
    result = replay_checkpoint(service, service.make_checkpoint("after").size)
    assert result["result"] == "mismatch"
    (wrong,) = [m for m in result["mismatches"] if m.get("kind") == "blacklist_publication"]
    assert wrong["key"] == day.isoformat() and wrong["checkpoint"]["signed"]  # signed, yet not what the log gives
    assert wrong["first_differing_row"]["row"] == 0
    assert wrong["first_differing_row"]["recomputed"] == truth[0]


def test_republications_get_their_own_checkpoints_and_the_first_ones_stay_in_history(district):
    ledger, service, summary, day = district.ledger, district.service, district.summary, district.day
    cycle = ledger.repository.get(aggregate_id("rating_cycle", summary.cycle_code))
    uscc, (_, stars) = next((u, r) for u, r in sorted(cycle.results.items()) if r[0] is not None)
    listed = {row[0] for row in ledger.publication("blacklist", day.isoformat()).rows}
    bureau = Stamp(day + timedelta(days=2), actors.HOUSING_BUREAU)
    ledger.cycle_command("file_objection", summary.cycle_code, provider_uscc=uscc, reason="评分有误", stamp=bureau)
    version = ledger.repository.get(cycle.id).version
    ledger.cycle_command("decide_objection", summary.cycle_code, objection_version=version, upheld=True,
                         reason="复核属实", stars=1 if stars != 1 else 2, stamp=bureau)
    ledger.republish(summary.cycle_code, stamp=bureau)
    other = next(u for u in sorted(cycle.results) if u not in listed)
    ledger.provider_command("declare_dishonest", other, term_start=day - timedelta(days=30),
                            term_end=day + timedelta(days=180), reason="虚报业绩", stamp=Stamp(day, actors.HOUSING_BUREAU))
    ledger.publish_blacklist(as_of=day, stamp=bureau)

    events = publication_events(ledger)
    sizes = {(kind, state["number"]): state["checkpoint_size"] for _, kind, state in events}
    assert sizes[("ratings", 1)] < sizes[("blacklist", 1)] < sizes[("ratings", 2)] < sizes[("blacklist", 2)]
    series = ledger.publication("blacklist", day.isoformat())
    first, second = series.publications
    assert (first["checkpoint_size"], second["checkpoint_size"]) == (sizes[("blacklist", 1)], sizes[("blacklist", 2)])
    assert other in {row[0] for row in series.rows} and other not in listed
    result = replay_checkpoint(service, service.make_checkpoint("after the republications").size)
    assert result["result"] == "match", result
    seen = sorted((p["kind"], p["number"]) for p in result["publications"])
    assert seen == [("blacklist_publication", 1), ("blacklist_publication", 2), ("rating_publication", 1),
                    ("rating_publication", 2), ("subsidy_list_publication", 1)]


def test_published_rows_are_the_read_models_rows_as_of_that_position(district, database_url):
    from projections.blacklist import blacklist_on
    from projections.db import engine_for
    from projections.publication_calc import line_row
    from projections.service import catch_up
    from projections.subsidy_query import SubsidyQuery
    from projections.subsidy_periods import require_period

    ledger = district.ledger
    catch_up(database_url, ["credit", "subsidies"])  # publications after them changed neither
    engine = engine_for(database_url)
    with engine.connect() as conn:
        entries = blacklist_on(conn, district.day.isoformat())
    engine.dispose()
    published = ledger.publication("blacklist", district.day.isoformat()).rows
    assert published == [[e["uscc"], e["reason"], e["since"], e["until"], e["detail"], e["events"]] for e in entries]
    query = SubsidyQuery(database_url, "jinnan")
    lines = query.lines(require_period(district.quarter))
    query.close()
    rows = ledger.publication("subsidy_list", f"jinnan:{district.quarter}").rows
    assert rows == [line_row(line) for line in lines] and any(row[8] != "0.00" for row in rows)

"""`audit replay`: every read model rebuilt (twice, independently) as of a signed
checkpoint gives the digests signed with it; a wrong signed digest or an altered
event is reported, never "match"."""

from __future__ import annotations

import pytest

from projections.audit.replay import checkpoint_with_digests, replay_checkpoint
from tests.unit.audit.support import Tamperer, audit_service, fill
from tests.unit.domain import builders as b

pytestmark = pytest.mark.slow  # each replay builds every read model twice


@pytest.fixture
def published(sqlite_url, tmp_path):
    service = audit_service(sqlite_url, tmp_path)
    ledger = service.ledger()
    fill(ledger, providers=3)
    cp = checkpoint_with_digests(service, "publication: test")
    for i in range(3):  # history moves on after the publication
        b.provider(ledger, b.uscc(500 + i))
    return service, cp


def test_replay_of_a_publication_matches_its_signed_digests(published):
    service, cp = published
    assert set(service.notary.signed_digests(cp)) >= {"registry", "complaints"}
    result = replay_checkpoint(service, cp.size)
    assert result["result"] == "match", result
    assert result["checkpoint"]["position"] == cp.position
    assert set(result["recorded"]) == set(service.notary.signed_digests(cp))


def test_a_signed_digest_that_the_rebuild_does_not_give_is_a_mismatch(published):
    service, cp = published
    fake = service.make_checkpoint("wrong digest", {"registry": "0" * 64})
    result = replay_checkpoint(service, fake.size)
    assert result["result"] == "mismatch"
    assert [m["read_model"] for m in result["mismatches"]] == ["registry"]


def test_replay_refuses_a_history_altered_before_the_checkpoint(published, sqlite_url):
    service, cp = published
    tamper = Tamperer(sqlite_url)
    tamper.flip_byte(3)
    tamper.dispose()
    result = replay_checkpoint(service, cp.size)
    assert result["result"] == "events altered" and result["first_bad_position"] == 3


def test_disposable_databases_are_removed(published, tmp_path):
    service, cp = published
    replay_checkpoint(service, cp.size)
    assert not list(tmp_path.glob("asof/*"))


@pytest.fixture
def rated(sqlite_url, tmp_path):
    from projections.blacklist import LedgerBlacklistView
    from projections.ratings import ratings_calculator
    from tests.unit.ratings import scenario as s

    service = audit_service(sqlite_url, tmp_path)
    ledger = service.ledger()
    ledger.ratings, ledger.blacklist = ratings_calculator(ledger), LedgerBlacklistView(ledger)
    codes = s.providers(ledger, 6)
    s.published_cycle(ledger, {u: [60 + 6 * i + d for d in range(6)] for i, u in enumerate(codes)})
    return service, checkpoint_with_digests(service, "publication: star ratings 2024")


def test_replay_recomputes_every_rating_publication(rated):
    service, cp = rated
    result = replay_checkpoint(service, cp.size)
    assert result["result"] == "match", result
    (publication,) = result["publications"]
    assert publication["verified"] and publication["cycle"] == "2024" and publication["number"] == 1


def test_a_publication_the_log_no_longer_gives_is_a_mismatch(rated, monkeypatch):
    import projections.ratings as ratings

    service, cp = rated
    monkeypatch.setattr(ratings, "publication_digest", lambda *a: "f" * 64)  # e.g. a changed star method
    result = replay_checkpoint(service, cp.size)
    assert result["result"] == "mismatch"
    kinds = {m["kind"] for m in result["mismatches"]}
    assert kinds == {"rating_publication", "read_model"}
    pub = next(m for m in result["mismatches"] if m["kind"] == "rating_publication")
    assert pub["recomputed_digest"] == "f" * 64 and pub["first_differing_row"] is None  # rows agree, digest not


def test_an_auditor_recomputes_the_publication_from_the_bundle_alone(rated, tmp_path):
    from projections.audit.bundle_replay import replay_bundle

    service, cp = rated
    service.export(tmp_path / "bundle.zip", checkpoint=False)
    key = service.notary.verifier_key()
    result = replay_bundle(tmp_path / "bundle.zip", key, cp.size)
    assert result["result"] == "match", result
    assert result["events"] == cp.position and result["key_pinned"]
    assert [p["verified"] for p in result["publications"]] == [True]
    assert set(result["recorded"]) == set(service.notary.signed_digests(cp))


def test_bundle_replay_refuses_altered_events_before_the_checkpoint(rated, tmp_path):
    import json

    from projections.audit.bundle_replay import replay_bundle

    service, cp = rated
    service.export(tmp_path / "bundle", checkpoint=False)
    events = (tmp_path / "bundle" / "events.jsonl").read_text(encoding="utf-8").splitlines()
    e = json.loads(events[2])
    e["originator_version"] += 1
    events[2] = json.dumps(e, ensure_ascii=False)
    (tmp_path / "bundle" / "events.jsonl").write_text("\n".join(events) + "\n", encoding="utf-8")
    result = replay_bundle(tmp_path / "bundle", service.notary.verifier_key(), cp.size)
    assert result["result"] == "events altered" and result["first_bad_position"] == 3

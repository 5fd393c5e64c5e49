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

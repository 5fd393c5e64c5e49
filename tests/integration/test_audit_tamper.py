"""Tampering with the stored events (direct SQL, on SQLite and PostgreSQL) is
reported by `verify` at the exact first bad position, naming the event."""

from __future__ import annotations

import pytest
from tests.unit.audit.support import Tamperer, audit_service, fill


@pytest.fixture
def audited(database_url, tmp_path):
    service = audit_service(database_url, tmp_path)
    fill(service.ledger())
    service.make_checkpoint("before tampering")
    tamper = Tamperer(database_url)
    yield service, tamper
    tamper.dispose()


def test_untouched_ledger_verifies(audited):
    service, _ = audited
    report = service.verify()
    assert report.ok, report.as_dict()
    assert report.events == report.tree_size == service.log.max_position() > 10
    assert report.checkpoints == 1 and report.key_pinned


def test_one_changed_byte_is_reported_at_its_position_with_the_event(audited):
    service, tamper = audited
    oid, version, topic, _ = tamper.row(7)
    tamper.flip_byte(7, offset=40)
    report = service.verify()
    assert not report.ok
    assert report.first_bad_position == 7
    first = report.findings[0]
    assert (first.kind, first.position) == ("altered", 7)
    assert first.event["version"] == version and first.event["topic"] == topic
    assert first.event["aggregate_id"].replace("-", "") == str(oid).replace("-", "")
    assert any(f.kind == "checkpoint" for f in report.findings)  # the signed root no longer matches


def test_a_deleted_event_is_reported_at_its_position(audited):
    service, tamper = audited
    tamper.delete(5)
    report = service.verify()
    assert report.first_bad_position == 5
    assert report.findings[0].kind == "missing"


def test_two_swapped_events_are_reported_at_the_first_of_them(audited):
    service, tamper = audited
    tamper.swap(4, 9)
    report = service.verify()
    assert report.first_bad_position == 4
    assert [f.position for f in report.findings if f.kind == "altered"] == [4, 9]


def test_a_forged_appended_event_is_reported_as_not_in_the_log(audited):
    service, tamper = audited
    forged = tamper.forge()
    report = service.verify()
    assert report.first_bad_position == forged == service.log.max_position()
    assert report.findings[0].kind == "unlogged"


def test_a_forged_event_inserted_into_a_gap_is_reported_and_never_adopted(audited):
    service, tamper = audited
    tamper.delete(6)  # makes room at a position inside the logged range
    tamper.forge(position=6, like=3)
    report = service.verify()
    assert report.first_bad_position == 6
    assert service.log.catch_up() == 0  # catch-up only looks beyond the log
    assert not service.verify().ok


def test_a_rewritten_stored_node_is_reported(audited):
    service, tamper = audited
    tamper.run("UPDATE merkle_nodes SET hash = :h WHERE level = 1 AND idx = 2", h=b"\x07" * 32)
    report = service.verify()
    assert not report.ok
    assert any(f.kind == "node" and "(1, 2)" in f.message for f in report.findings)


def test_a_consistently_rewritten_history_is_caught_by_the_signed_checkpoint(audited, database_url):
    """An attacker who alters an event and rebuilds the whole log to match it: only the
    signature still knows; the bad leaf is bounded by the last checkpoint that matches."""
    service, tamper = audited
    tamper.flip_byte(8)
    for table in ("merkle_nodes", "merkle_leaves"):
        tamper.run(f"DELETE FROM {table}")
    tamper.run("UPDATE merkle_state SET size = 0, last_position = 0")
    service.log.catch_up()  # the attacker's rebuild
    report = service.verify()
    kinds = {f.kind for f in report.findings}
    assert kinds == {"checkpoint"}, report.as_dict()
    assert report.first_bad_position == 1  # no earlier checkpoint: anywhere in [leaf 0, size)


def test_a_checkpoint_signed_by_another_key_is_rejected(audited, tmp_path):
    from projections.audit.checkpoint import generate_key, sign_checkpoint

    service, tamper = audited
    cp = service.notary.latest()
    other, _ = generate_key(service.notary.origin)
    forged = sign_checkpoint(service.notary.origin, cp.size, cp.root, other)
    tamper.run("UPDATE checkpoints SET note = :n", n=forged)
    report = service.verify()
    assert [f.kind for f in report.findings] == ["checkpoint"]
    assert "no signature by key" in report.findings[0].message


def test_swapping_notification_ids_on_postgres_is_reported(audited, database_url):
    service, tamper = audited
    if not tamper.pg:
        pytest.skip("PostgreSQL only: SQLite rowids are not an ordinary column")
    tamper.run("UPDATE taizhang_events SET notification_id = -notification_id WHERE notification_id IN (3, 11)")
    tamper.run("UPDATE taizhang_events SET notification_id = CASE notification_id WHEN -3 THEN 11 ELSE 3 END "
               "WHERE notification_id IN (-3, -11)")
    assert service.verify().first_bad_position == 3


def test_receipts_and_proofs_still_refuse_a_tampered_event(audited):
    from projections.audit.verify import ProofError

    service, tamper = audited
    assert service.prove_inclusion(7)["position"] == 7
    tamper.flip_byte(7)
    with pytest.raises(ProofError, match="position 7 does not verify"):
        service.prove_inclusion(7)


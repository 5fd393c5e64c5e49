"""The integrity log is written in the events' own transaction: receipts name a
tree holding the command's events, rolled-back writes and PostgreSQL id gaps
leave no leaf, concurrent writers stay in notification order, and events
written without the integrity recorder are adopted, flagged, in order."""

from __future__ import annotations

import threading

import pytest

from domain.community import Community
from domain.errors import ConflictError
from domain.ledger import Ledger
from projections.audit.log import b64
from projections.audit.verify import event_leaf_hash, verify_inclusion
from tests.unit.audit.support import Tamperer, audit_service, fill
from tests.unit.domain import builders as b


def test_every_receipt_names_a_tree_that_holds_the_commands_events(database_url, tmp_path):
    service = audit_service(database_url, tmp_path)
    ledger = service.ledger()
    for i in range(5):
        result = b.provider(ledger, b.uscc(i))
        receipt = result.receipt
        assert receipt["log_mode"] == "transaction"
        assert receipt["tree_size"] == service.log.state()[0]
        assert receipt["root"] == b64(service.log.root(receipt["tree_size"]))
        (position,), (index,) = result.positions, receipt["leaf_index"]
        proof = service.log.merkle.inclusion_proof(index, receipt["tree_size"])
        leaf = event_leaf_hash(*service.log.event(position))
        assert verify_inclusion(leaf, index, receipt["tree_size"], proof, service.log.root(receipt["tree_size"]))


def _inspect(ledger, month: str):
    return ledger.community_command("record_inspection", b.COMMUNITY, month=month, items={"cleaning": True},
                                    stamp=b.stamp())


def test_a_save_that_fails_in_the_database_leaves_no_leaf(database_url, tmp_path):
    """A stale writer's insert hits the primary key and rolls back, leaves included;
    on PostgreSQL its notification id is burnt (a gap) and the next event is logged past it."""
    service = audit_service(database_url, tmp_path)
    first = service.ledger()
    stale = service.ledger(env=b.IN_MEMORY_ENV)  # keeps the aggregate it read, never fast-forwards
    fill(first, providers=1, complaint=False)
    b.get(stale, Community, b.COMMUNITY)
    _inspect(first, "2024-01")
    size = service.log.state()[0]
    with pytest.raises(ConflictError):
        _inspect(stale, "2024-02")
    assert service.log.state()[0] == size
    result = _inspect(first, "2024-03")
    assert result.receipt["leaf_index"] == [size]
    assert service.log.position_of(size) == result.positions[0]
    assert service.verify().ok


def test_events_of_a_ledger_without_the_recorder_are_adopted_in_order(database_url, tmp_path):
    service = audit_service(database_url, tmp_path)
    plain = Ledger(database_url)  # e.g. an importer configured without the integrity recorder
    audited = service.ledger()
    b.provider(plain, b.uscc(1))
    b.provider(plain, b.uscc(2))
    result = b.provider(audited, b.uscc(3))  # its transaction logs the two foreign events first
    assert result.receipt["leaf_index"] == [2]
    report = service.verify()
    assert report.ok and report.adopted == 2 and report.adopted_positions == [1, 2]
    b.provider(plain, b.uscc(4))
    assert service.log.unlogged() == 1 and not service.verify().ok
    assert service.log.catch_up() == 1 and service.verify().ok


def test_follower_mode_gives_receipts_too(database_url, tmp_path):
    service = audit_service(database_url, tmp_path)
    plain = Ledger(database_url)
    service.attach(plain)
    result = b.provider(plain, b.uscc(1))
    assert result.receipt["log_mode"] == "follower"
    assert result.receipt["leaf_index"] == [0] and result.receipt["tree_size"] == 1


def test_batch_mode_saves_are_logged(database_url, tmp_path):
    service = audit_service(database_url, tmp_path)
    ledger = service.ledger()
    with ledger.batch():
        for i in range(30):
            b.provider(ledger, b.uscc(i))
    assert service.log.state() == (30, ledger.max_position())
    assert service.verify().ok


def test_concurrent_writers_keep_leaves_in_notification_order(database_url, tmp_path):
    service = audit_service(database_url, tmp_path)
    errors: list[BaseException] = []
    ledgers = [service.ledger() for _ in range(3)]  # created in turn: eventsourcing's DDL is not race-free

    def write(offset: int) -> None:
        try:
            ledger = ledgers[offset // 100]
            for i in range(15):
                b.provider(ledger, b.uscc(offset + i))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(k * 100,)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert service.log.state()[0] == 45
    assert service.verify().ok


@pytest.mark.postgres
def test_postgres_gap_is_no_leaf_and_later_events_are_logged(postgres_url, tmp_path):
    service = audit_service(postgres_url, tmp_path)
    ledger = service.ledger()
    b.provider(ledger, b.uscc(1))
    tamper = Tamperer(postgres_url)
    tamper.run("SELECT nextval(pg_get_serial_sequence('taizhang_events', 'notification_id'))")  # a rolled-back id
    tamper.dispose()
    result = b.provider(ledger, b.uscc(2))
    assert result.positions == [3] and result.receipt["leaf_index"] == [1]
    assert service.log.leaf_index(3) == 1 and service.log.position_of(1) == 3
    assert service.verify().ok
    service.make_checkpoint("after a gap")
    assert service.prove_inclusion(3)["leaf_index"] == 1


@pytest.mark.postgres
def test_postgres_catch_up_under_concurrent_writes_misses_nothing(postgres_url, tmp_path):
    """Follower mode: the SHARE lock makes every id visible to a catch-up final."""
    service = audit_service(postgres_url, tmp_path)
    done = threading.Event()

    ledgers = [Ledger(postgres_url) for _ in range(2)]

    def write(offset: int) -> None:
        ledger = ledgers[offset // 100]
        for i in range(20):
            b.provider(ledger, b.uscc(offset + i))

    writers = [threading.Thread(target=write, args=(k * 100,)) for k in range(2)]
    follower = threading.Thread(target=service.log.follow, kwargs={"interval": 0.01, "stop": done})
    follower.start()
    for t in writers:
        t.start()
    for t in writers:
        t.join()
    done.set()
    follower.join()
    service.log.catch_up()
    report = service.verify()
    assert report.ok and report.tree_size == 40 and report.adopted == 40

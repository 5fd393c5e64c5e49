"""Sealing in bulk: ``seal`` queues new persons' keys, the Ledger writes them in one
transaction before each save. A key is durable no later than the first event carrying
its tokens (a crash in between leaves orphan keys, never an unreadable event); forgetting
invalidates caches; two processes sealing the same new phone are both forgotten by it."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from projections.audit.vault import ERASED, PersonVault, person_aliases, person_keys
from tests.unit.audit.support import Tamperer, audit_service, file_complaint, fill

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def audited(database_url, tmp_path):
    service = audit_service(database_url, tmp_path)
    ledger = service.ledger()
    fill(ledger, providers=0, complaint=False)
    return service, ledger


def _file_many(ledger, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        file_complaint(ledger, f"CP-{i:04d}", f"居民{i}", f"1380000{i:04d}")


def _key_count(vault: PersonVault) -> int:
    with vault.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(person_keys)).scalar_one()


def _filed_tokens(database_url) -> list[tuple[str, str]]:
    tamper = Tamperer(database_url)
    rows = tamper.run(f"SELECT state FROM {tamper.table} WHERE topic LIKE '%Complaint.Filed' ORDER BY {tamper.pos}")
    states = [json.loads(bytes(r[0])) for r in rows]
    tamper.dispose()
    return [(s["complainant_name"], s["complainant_phone"]) for s in states]


def _tokens_without_key(database_url, vault: PersonVault) -> list[str]:
    """Tokens in the event log whose person has no row in person_keys (unreadable by accident)."""
    with vault.engine.connect() as conn:
        known = set(conn.execute(select(person_keys.c.person_id)).scalars())
    return [t for pair in _filed_tokens(database_url) for t in pair if t and PersonVault.person_of(t) not in known]


def test_a_batch_seals_without_writing_and_writes_every_key_before_its_events(audited, database_url):
    service, ledger = audited
    vault = service.vault
    with ledger.batch():
        _file_many(ledger, 60)
        assert _key_count(vault) == 0  # sealing wrote nothing yet
        assert len(vault._queue) == 60
    assert _key_count(vault) == 60 and not vault._queue
    tokens = _filed_tokens(database_url)
    assert len(tokens) == 60 and _tokens_without_key(database_url, vault) == []
    assert [vault.open(n) for n, _ in tokens[:3]] == ["居民0", "居民1", "居民2"]
    assert vault.open(tokens[59][1]) == "13800000059"


def test_a_queued_key_opens_in_its_process_before_it_is_written(tmp_path):
    vault = PersonVault(f"sqlite:///{tmp_path / 'v.db'}").setup()
    token = vault.seal("13800000001", "王小明")
    assert _key_count(vault) == 0 and vault.open(token) == "王小明"
    assert vault.flush() == 1 and vault.flush() == 0
    assert PersonVault(f"sqlite:///{tmp_path / 'v.db'}").open(token) == "王小明"  # another process reads it


def test_a_failed_key_write_aborts_the_save_and_the_keys_stay_queued(audited, database_url, monkeypatch):
    service, ledger = audited
    vault = service.vault

    def down(queued):
        raise OperationalError("INSERT INTO person_keys", {}, Exception("disk I/O error"))

    monkeypatch.setattr(vault, "_write", down)
    with pytest.raises(OperationalError):
        with ledger.batch():
            _file_many(ledger, 20)
    assert _filed_tokens(database_url) == [] and _key_count(vault) == 0  # no event without its key
    assert len(vault._queue) == 20
    monkeypatch.undo()
    file_complaint(ledger, "CP-9999", "赵六", "13900000000")  # the next save writes every queued key first
    assert _key_count(vault) == 21 and not vault._queue
    assert _tokens_without_key(database_url, vault) == []


def _crash_while_filing(database_url, tmp_path, hook: str) -> None:
    """A process files 50 complaints in one batch and dies (os._exit: no cleanup) at ``hook``."""
    script = textwrap.dedent(f"""
        import os
        from pathlib import Path
        from tests.unit.audit.support import audit_service, file_complaint
        ledger = audit_service({database_url!r}, Path({str(tmp_path)!r}), keygen=False).ledger()
        {hook}
        with ledger.batch():
            for i in range(100, 150):
                file_complaint(ledger, f"CP-{{i:04d}}", f"居民{{i}}", f"1380000{{i:04d}}")
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 3, done.stderr


def test_a_crash_after_the_keys_and_before_the_events_leaves_only_orphan_keys(audited, database_url, tmp_path):
    service, ledger = audited
    _file_many(ledger, 3)  # some complaints written normally first
    keys_before = _key_count(service.vault)
    # the vault's hook runs first (the Ledger adds it), so this dies with the keys written, the events not
    _crash_while_filing(database_url, tmp_path, "ledger.before_save.append(lambda: os._exit(3))")
    assert _key_count(service.vault) == keys_before + 50  # orphans: keys of events never written
    assert len(_filed_tokens(database_url)) == 3
    assert _tokens_without_key(database_url, service.vault) == []
    assert service.verify().ok


def test_a_crash_right_after_the_events_are_committed_finds_every_key_there(audited, database_url, tmp_path):
    service, _ = audited
    # eventsourcing's Application.save calls _take_snapshots right after the events' transaction
    _crash_while_filing(database_url, tmp_path, "ledger._take_snapshots = lambda processing_event: os._exit(3)")
    tokens = _filed_tokens(database_url)
    assert len(tokens) == 50 and _tokens_without_key(database_url, service.vault) == []
    assert service.vault.open(tokens[0][0]) == "居民100"


def test_forgetting_invalidates_the_cache_and_the_phone_becomes_a_new_person(audited, database_url):
    service, ledger = audited
    vault = service.vault
    file_complaint(ledger, "CP-1", "王小明", "13800000001")
    (old, _), = _filed_tokens(database_url)
    assert vault._known(vault._lookup("13800000001")) is not None  # cached
    person = vault.forget("13800000001")
    assert PersonVault.person_of(old) == person
    assert vault._known(vault._lookup("13800000001")) is None
    file_complaint(ledger, "CP-2", "王小明", "13800000001")
    (_, _), (new, _) = _filed_tokens(database_url)
    assert PersonVault.person_of(new) != person
    assert vault.open(old) is None and vault.open(new) == "王小明"


def test_another_process_stops_reading_a_forgotten_person_at_once(audited, database_url):
    service, ledger = audited
    file_complaint(ledger, "CP-1", "王小明", "13800000001")
    (token, _), = _filed_tokens(database_url)
    other, brief = PersonVault(database_url).setup(), PersonVault(database_url, cache_ttl=0.0).setup()
    assert other.open(token) == "王小明"
    for vault in (other, brief):
        vault.seal("13800000001", "王小明")  # the person is now in both caches
    service.forget("13800000001")
    assert other.open(token) is None and other.display(token) == ERASED  # open always asks the table
    # within its cache's time to live, a stale cache seals with the forgotten key: unreadable at once
    stale = other.seal("13800000001", "王小明")
    assert PersonVault.person_of(stale) == PersonVault.person_of(token) and other.open(stale) is None
    # once the entry has expired, the phone is sealed as a new person
    assert PersonVault.person_of(brief.seal("13800000001", "王小明")) != PersonVault.person_of(token)


def test_two_processes_sealing_the_same_new_phone_are_both_forgotten_by_it(database_url):
    first, second = PersonVault(database_url).setup(), PersonVault(database_url).setup()
    a, b = first.seal("13800000007", "甲"), second.seal("13800000007", "乙")  # neither sees the other's queue
    assert first.flush() == 1 and second.flush() == 1  # the second finds the phone taken: an alias person
    assert PersonVault.person_of(a) != PersonVault.person_of(b)
    assert first.open(b) == "乙" and second.open(a) == "甲"
    with first.engine.connect() as conn:
        assert conn.execute(select(person_aliases.c.person_id)).scalars().all() == [PersonVault.person_of(b)]
    assert first.forget("13800000007") == PersonVault.person_of(a)
    assert first.open(a) is None and first.open(b) is None
    with first.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(person_aliases)).scalar_one() == 0


def test_a_forgotten_person_reads_as_erased_and_the_log_still_verifies(audited, database_url):
    service, ledger = audited
    with ledger.batch():
        _file_many(ledger, 40)
    cp = service.make_checkpoint("before forgetting")
    service.forget("13800000007")
    names = [service.vault.display(n) for n, _ in _filed_tokens(database_url)]
    assert names[7] == ERASED and names.count(ERASED) == 1 and names[8] == "居民8"
    assert service.vault.display(_filed_tokens(database_url)[7][1]) == ERASED
    report = service.verify()
    assert report.ok, report.findings
    assert service.log.root(cp.size) == cp.root

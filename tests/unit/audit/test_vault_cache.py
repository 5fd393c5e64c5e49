"""PersonVault's in-memory side: a bounded LRU cache of known persons, entries that
expire, and one queue of new keys shared by every thread (on a throwaway SQLite file)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from projections.audit.vault import PersonVault, person_aliases, person_keys


@pytest.fixture
def url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'vault.db'}"


def _rows(vault: PersonVault, table=person_keys) -> int:
    with vault.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_the_cache_keeps_at_most_cache_size_persons_and_an_evicted_one_is_read_back(url):
    vault = PersonVault(url, cache_size=3).setup()
    first = [vault.seal(f"1380000000{i}", "x") for i in range(5)]
    vault.flush()
    assert len(vault._cache) == 3
    again = vault.seal("13800000000", "x")  # evicted: found in the table, not made anew
    assert PersonVault.person_of(again) == PersonVault.person_of(first[0])
    assert vault.flush() == 0 and _rows(vault) == 5


def test_an_expired_entry_is_read_again_from_the_table(url):
    vault = PersonVault(url, cache_ttl=0.0).setup()
    token = vault.seal("13800000001", "x")
    vault.flush()
    assert vault._known(vault._lookup("13800000001")) is None  # expired at once
    assert PersonVault.person_of(vault.seal("13800000001", "y")) == PersonVault.person_of(token)
    assert _rows(vault) == 1


def test_the_same_phone_sealed_twice_before_a_flush_is_one_person_with_one_key(url):
    vault = PersonVault(url).setup()
    a, b = vault.seal("13800000001", "王小明"), vault.seal(" 13800000001 ", "13800000001")
    assert PersonVault.person_of(a) == PersonVault.person_of(b)
    assert vault.flush() == 1 and _rows(vault) == 1


def test_threads_sealing_and_flushing_at_once_write_one_key_per_phone(url):
    vault = PersonVault(url).setup()
    tokens: list[str] = []
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(60):
                tokens.append(vault.seal(f"139{(n * 7 + i) % 20:08d}", f"v{n}-{i}"))
                if i % 10 == 0:
                    vault.flush()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    vault.flush()
    assert errors == []
    assert _rows(vault) == 20 and _rows(vault, person_aliases) == 0
    assert len({PersonVault.person_of(t) for t in tokens}) == 20
    assert all(vault.open(t) is not None for t in tokens)

"""The demo district in a real store (SQLite and PostgreSQL): the same events as
in memory, and every aggregate reloads in a new Ledger on the same database."""

from __future__ import annotations

import json
from uuid import UUID

import pytest

from domain.demo import count_events_by_topic, generate
from domain.ledger import Ledger

SMALL = {"communities": 20, "years": 1}


def events(ledger: Ledger) -> list:
    out = []
    for n in ledger.recorder.select_notifications(1, 10**9):
        state = json.loads(n.state)
        state.pop("timestamp")
        out.append((n.id, n.topic, str(n.originator_id), n.originator_version, state))
    return out


def test_the_store_holds_the_same_events_as_memory_and_every_aggregate_reloads(database_url):
    memory = Ledger("memory://")
    generate(memory, **SMALL)
    stored = Ledger(database_url)
    summary = generate(stored, **SMALL)
    assert events(stored) == events(memory)

    reopened = Ledger(database_url)  # as another process would see it
    last = {}
    for _, _, aggregate, version, _ in events(reopened):
        last[aggregate] = version
    for aggregate, version in last.items():
        assert reopened.repository.get(UUID(aggregate)).version == version
    assert count_events_by_topic(reopened) == count_events_by_topic(memory)
    assert reopened.max_position() == summary.events


@pytest.mark.slow
def test_the_default_demo_district_is_written_to_sqlite(sqlite_url):
    ledger = Ledger(sqlite_url)
    summary = generate(ledger)
    assert summary.categories == {"commercial": 137, "resettlement": 91, "renovated_old": 93, "other_old": 73}
    assert 50_000 < summary.events < 70_000
    assert len(summary.overdue) == 1 and summary.exits
    counts = count_events_by_topic(ledger)
    assert counts["domain.community:Community.InspectionRecorded"] >= 394 * 36 - 10


def test_the_demo_adoption_carries_its_credit_rules_so_credit_never_reads_a_rules_file(tmp_path):
    from domain.demo import generate
    from domain.ledger import Ledger
    from domain.policy import REGISTRY_CODE, PolicyRegistry
    from tests.unit.domain import builders as b

    ledger = Ledger(f"sqlite:///{tmp_path / 'demo.db'}")
    generate(ledger, communities=8, years=1)
    registry = b.get(ledger, PolicyRegistry, REGISTRY_CODE)
    assert all(isinstance(adoption[3]["credit_rules"], dict) for adoption in registry.adoptions)

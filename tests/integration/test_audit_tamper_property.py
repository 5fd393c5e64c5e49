"""Hypothesis: random logs (random batches, aggregates, topics, state bytes) with one
random act of tampering on the event table are always detected, at the exact first
bad position; on SQLite and PostgreSQL."""

from __future__ import annotations

import tempfile
import uuid

import pytest
from eventsourcing.persistence import StoredEvent
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.ledger import Ledger
from projections.audit.log import IntegrityLog
from projections.audit.recorder import integrity_env
from projections.audit.scan import verify_database
from tests.unit.audit.support import Tamperer

TOPICS = ["domain.provider:Provider.Registered", "domain.community:Community.InspectionRecorded",
          "domain.complaint:Complaint.Filed"]

logs = st.lists(st.lists(st.tuples(st.integers(0, 4), st.sampled_from(TOPICS), st.binary(min_size=1, max_size=80)),
                         min_size=1, max_size=6), min_size=1, max_size=8)
acts = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 10**6), st.integers(0, 10**6)),
    st.tuples(st.just("delete"), st.integers(0, 10**6)),
    st.tuples(st.just("swap"), st.integers(0, 10**6), st.integers(0, 10**6)),
    st.tuples(st.just("forge"), st.integers(0, 10**6)),
    st.tuples(st.just("version"), st.integers(0, 10**6)),
    st.tuples(st.just("topic"), st.integers(0, 10**6)),
    st.tuples(st.just("truncate"), st.integers(0, 10**6)),
)


def _record(url: str, batches: list) -> IntegrityLog:
    ledger = Ledger(url, env=integrity_env(url))
    ids = [uuid.uuid4() for _ in range(5)]
    versions = [0] * 5
    for batch in batches:
        stored = []
        for who, topic, state in batch:
            versions[who] += 1
            stored.append(StoredEvent(originator_id=ids[who], originator_version=versions[who], topic=topic,
                                      state=state))
        ledger.recorder.insert_events(stored)
    ledger.close()
    return IntegrityLog(url)


def _tamper(url: str, act: tuple) -> int:
    """Apply the act; returns the first position it makes bad."""
    t = Tamperer(url)
    try:
        positions = t.positions()
        pick = lambda k: positions[k % len(positions)]  # noqa: E731
        kind = act[0]
        if kind == "flip":
            p = pick(act[1])
            t.flip_byte(p, act[2])
        elif kind == "delete":
            p = pick(act[1])
            t.delete(p)
        elif kind == "swap":
            a, b_ = pick(act[1]), pick(act[2])
            if a == b_:
                b_ = positions[(positions.index(a) + 1) % len(positions)]
            if a == b_:  # a log of one event: swap is impossible, delete instead
                t.delete(a)
                return a
            t.swap(a, b_)
            p = min(a, b_)
        elif kind == "forge":
            p = t.forge(like=pick(act[1]))
        elif kind == "version":
            p = pick(act[1])
            t.run(f"UPDATE {t.table} SET originator_version = originator_version + 1000 WHERE {t.pos} = :p", p=p)
        elif kind == "topic":
            p = pick(act[1])
            t.run(f"UPDATE {t.table} SET topic = topic || 'x' WHERE {t.pos} = :p", p=p)
        else:
            p = pick(act[1])
            state = t.row(p)[3]
            t.run(f"UPDATE {t.table} SET state = :s WHERE {t.pos} = :p", s=bytes(state)[:-1], p=p)
        return p
    finally:
        t.dispose()


@given(logs, acts)
def test_random_tampering_on_sqlite_is_always_detected_at_its_position(batches, act):
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/t.db"
        log = _record(url, batches)
        assert verify_database(log).ok
        expected = _tamper(url, act)
        report = verify_database(log)
        log.engine.dispose()
        assert not report.ok
        assert report.first_bad_position == expected, report.as_dict()


@pytest.mark.postgres
@pytest.mark.slow  # ~6 s: a schema and eventsourcing's DDL per example
@settings(max_examples=15)
@given(logs, acts)
def test_random_tampering_on_postgres_is_always_detected_at_its_position(postgres_admin, batches, act):
    from tests.conftest import _postgres_schema_url

    url, schema = _postgres_schema_url(postgres_admin)
    try:
        log = _record(url, batches)
        assert verify_database(log).ok
        expected = _tamper(url, act)
        report = verify_database(log)
        log.engine.dispose()
        assert not report.ok
        assert report.first_bad_position == expected, report.as_dict()
    finally:
        postgres_admin.execute(f"DROP SCHEMA {schema} CASCADE")

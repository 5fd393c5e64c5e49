"""PostgreSQL: a rolled-back id is a gap, not a missing event; an insert still in flight below a
committed id is waited for, never skipped."""

from __future__ import annotations

import threading

import psycopg
import pytest

from domain.store import parse_database_url
from projections import queries
from projections.runner import Runner
from projections.service import check
from tests.integration.test_projection_helpers import run_command

pytestmark = pytest.mark.postgres


def _connect(url: str) -> psycopg.Connection:
    c = parse_database_url(url)
    return psycopg.connect(host=c.host, port=c.port, user=c.user, dbname=c.dbname)


def _fees_row(conn: psycopg.Connection, schema: str) -> tuple:
    return conn.execute(f"SELECT originator_id, topic, state FROM {schema}.taizhang_events "
                        "WHERE topic LIKE '%FeesCollected' LIMIT 1").fetchone()


def test_rolled_back_ids_are_reported_as_gaps_and_do_not_fail_the_check(postgres_url):
    from domain.ledger import Ledger

    schema = parse_database_url(postgres_url).schema
    ledger = Ledger(postgres_url)
    run_command(ledger, "community", 0, 0, False)
    run_command(ledger, "fees", 0, 0, False)
    with _connect(postgres_url) as conn:
        oid, topic, state = _fees_row(conn, schema)
        conn.execute(f"INSERT INTO {schema}.taizhang_events (originator_id, originator_version, topic, state) "
                     "VALUES (%s, 999, %s, %s)", (oid, topic, state))
        conn.rollback()  # the sequence value is gone for good
    run_command(ledger, "fees", 0, 1, False)
    with Runner(postgres_url, projections=["fees"]) as runner:
        runner.catch_up()
    report = check(postgres_url, ["fees"])
    assert report.gaps == [(3, 3)] and report.ok
    ledger.close()


def test_an_insert_in_flight_below_a_committed_id_is_not_skipped(postgres_url):
    from domain.ledger import Ledger

    schema = parse_database_url(postgres_url).schema
    ledger = Ledger(postgres_url)
    run_command(ledger, "community", 0, 0, False)
    run_command(ledger, "fees", 0, 0, False)
    runner = Runner(postgres_url, projections=["fees"])
    runner.catch_up()
    slow, fast = _connect(postgres_url), _connect(postgres_url)
    oid, topic, state = _fees_row(slow, schema)
    slow.rollback()
    insert = (f"INSERT INTO {schema}.taizhang_events (originator_id, originator_version, topic, state) "
              "VALUES (%s, %s, %s, %s) RETURNING notification_id")
    late = slow.execute(insert, (oid, 500, topic, state)).fetchone()[0]  # takes an id, stays open
    early = fast.execute(insert, (oid, 501, topic, state)).fetchone()[0]
    fast.commit()
    assert early > late
    done = threading.Event()

    def catch_up() -> None:
        runner.catch_up()
        done.set()

    worker = threading.Thread(target=catch_up)
    worker.start()
    assert not done.wait(0.5)  # the horizon waits for the transaction in flight …
    slow.commit()
    worker.join(timeout=10)
    assert done.is_set()
    rows = {r["version"] for r in queries.fee_rates(runner.engine, "C0")}
    assert {500, 501} <= rows  # … and then applies both, the late one included
    runner.close()
    assert check(postgres_url, ["fees"]).ok
    slow.close()
    fast.close()
    ledger.close()

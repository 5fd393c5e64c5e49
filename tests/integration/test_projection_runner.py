"""The runner on both stores: live follow within a second, crash mid-batch and resume, completeness,
as-of by date and effective date, version bump = rebuild."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest

from domain.ledger import Ledger
from projections import queries
from projections.models.fees import FeesProjection
from projections.runner import Runner
from projections.service import LEDGER_TZ, build_as_of, check, digests, rebuild
from tests.integration.test_projection_helpers import MINE, run_command, stamp


def _ledger_with_fees(url: str, months: int = 6) -> Ledger:
    ledger = Ledger(url)
    for a in range(2):
        run_command(ledger, "community", a, 0, False)
        for m in range(months):
            assert run_command(ledger, "fees", a, m, False)
    return ledger


def test_live_follow_sees_a_new_event_within_one_second(database_url):
    ledger = _ledger_with_fees(database_url, months=1)
    runner = Runner(database_url, projections=MINE, interval=0.1).start()
    try:
        assert runner.wait(ledger.max_position(), timeout=5)
        t0 = time.monotonic()
        result = ledger.community_command("record_fees", "C0", month="2024-09", households_billed=10,
                                          households_paid=9, amount_billed="100.00", amount_collected="90.00",
                                          stamp=stamp(8))
        assert runner.wait(max(result.positions), timeout=1.0)
        assert time.monotonic() - t0 < 1.0
        rows = queries.fee_rates(runner.engine, "C0", months=["2024-09"])
        assert [r["amount_collected"] for r in rows] == [90]
    finally:
        runner.close()
        ledger.close()


class CrashingFees(FeesProjection):
    """Writes k rows inside the batch's transaction, then fails."""

    crash_after = 3
    seen = 0

    def _fees(self, e):  # overrides the handler of Community.FeesCollected
        super()._fees(e)
        type(self).seen += 1
        if type(self).seen == self.crash_after:
            self.flush_now()  # the rows reach the database inside the transaction …
            raise RuntimeError("crash after k writes")  # … which then rolls back


@pytest.mark.parametrize("batch_size", [4, 1000])
def test_a_projection_that_crashes_mid_batch_resumes_to_the_same_digest(database_url, tmp_path, batch_size):
    ledger = _ledger_with_fees(database_url, months=6)
    CrashingFees.seen, CrashingFees.crash_after = 0, 5
    crashing = Runner(database_url, projections=[CrashingFees], batch_size=batch_size)
    with pytest.raises(RuntimeError):
        crashing.catch_up()
    committed = crashing.positions()["fees"]
    crashing.close()
    assert committed < ledger.max_position()
    assert check(database_url, ["fees"]).ok  # nothing half-applied was committed
    with Runner(database_url, projections=["fees"], batch_size=batch_size) as runner:
        runner.catch_up()
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    rebuild(database_url, ["fees"], target_url=fresh)
    assert digests(database_url, ["fees"])["fees"]["digest"] == digests(fresh, ["fees"])["fees"]["digest"]
    assert check(database_url, ["fees"]).ok
    ledger.close()


def test_same_log_gives_the_same_digest_on_every_store(database_url, tmp_path):
    ledger = _ledger_with_fees(database_url, months=3)
    run_command(ledger, "provider", 0, 0, False)
    run_command(ledger, "engage", 0, 1, True)
    run_command(ledger, "complaint", 0, 2, False)
    run_command(ledger, "resolve", 0, 2, True)
    run_command(ledger, "assessment", 1, 1, False)
    run_command(ledger, "correct", 1, 5, True)  # corrects the assessment (version 2 + 5 = 7)
    assert rebuild(database_url, MINE).ok
    # The expected digests were computed from the same commands on SQLite (see the test below).
    other = f"sqlite:///{tmp_path / 'other.db'}"
    ledger2 = _ledger_with_fees(other, months=3)
    for cmd in (("provider", 0, 0, False), ("engage", 0, 1, True), ("complaint", 0, 2, False),
                ("resolve", 0, 2, True), ("assessment", 1, 1, False), ("correct", 1, 5, True)):
        run_command(ledger2, *cmd)
    assert rebuild(other, MINE).ok
    strip = lambda d: {k: v["digest"] for k, v in d.items()}  # noqa: E731
    assert strip(digests(database_url, MINE)) == strip(digests(other, MINE))
    ledger.close()
    ledger2.close()


def test_completeness_check_catches_a_skipped_event(sqlite_url):
    ledger = _ledger_with_fees(sqlite_url, months=2)
    assert rebuild(sqlite_url, ["fees"]).ok
    with Runner(sqlite_url, projections=["fees"]) as runner, runner.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE projection_tracking SET processed = processed - 1 WHERE name = 'fees'")
    report = check(sqlite_url, ["fees"])
    assert not report.ok and report.projections[0].expected == report.projections[0].processed + 1
    ledger.close()


def test_a_deleted_event_shows_as_a_gap_on_sqlite(sqlite_url):
    ledger = _ledger_with_fees(sqlite_url, months=2)
    import sqlite3

    path = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM stored_events WHERE rowid = 3")
    report = rebuild(sqlite_url, ["fees"])
    assert report.gaps == [(3, 3)] and not report.ok
    ledger.close()


def _drop(*urls: str) -> None:
    """As-of builds on PostgreSQL are new schemas: drop them after the test."""
    from domain.store import parse_database_url
    from projections.db import engine_for

    for url in urls:
        config = parse_database_url(url)
        if config.kind == "postgresql":
            engine = engine_for(url)
            with engine.begin() as conn:
                conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{config.schema}" CASCADE')
            engine.dispose()


def test_as_of_date_cuts_by_recorded_time_and_effective_on_by_business_date(database_url):
    ledger = _ledger_with_fees(database_url, months=6)
    today = datetime.now(LEDGER_TZ).date()
    everything = build_as_of(database_url, position=None, date=today, names=["fees"])
    nothing = build_as_of(database_url, date=today - timedelta(days=1), names=["fees"])
    assert everything.position == ledger.max_position() and nothing.position == 0
    early = build_as_of(database_url, effective_on="2024-03-31", names=["fees"])
    assert early.report.ok
    from projections.db import engine_for

    engine = engine_for(early.target_url)
    months = {r["month"] for r in queries.fee_rates(engine, "C0")}
    engine.dispose()
    assert months == {"2024-01", "2024-02", "2024-03"}
    live = engine_for(database_url)
    from sqlalchemy import inspect

    with live.connect() as conn:  # the live database was not touched
        assert not inspect(conn).has_table("fee_months")
    live.dispose()
    _drop(everything.target_url, nothing.target_url, early.target_url)
    ledger.close()


def test_a_version_bump_rebuilds_the_projection(sqlite_url):
    ledger = _ledger_with_fees(sqlite_url, months=2)
    with Runner(sqlite_url, projections=["fees"]) as runner:
        runner.catch_up()
    before = digests(sqlite_url, ["fees"])["fees"]["digest"]

    class FeesV2(FeesProjection):
        version = FeesProjection.version + 1

    with Runner(sqlite_url, projections=[FeesV2]) as runner:
        assert runner.positions()["fees"] == 0  # reset by the bump
        runner.catch_up()
    assert digests(sqlite_url, ["fees"])["fees"]["digest"] == before
    ledger.close()


def _fee_indexes(url: str) -> set[str]:
    from sqlalchemy import inspect

    from projections.db import engine_for

    engine = engine_for(url)
    with engine.connect() as conn:
        names = {i["name"] for i in inspect(conn).get_indexes("fee_months")}
    engine.dispose()
    return names


def test_deferred_indexes_are_built_when_a_rebuild_ends_even_after_a_crash(database_url):
    """fees builds its secondary index after a from-zero catch-up; a rebuild that stopped before its
    end (a crash) gets it from the next runner's catch-up."""
    ledger = _ledger_with_fees(database_url, months=6)
    assert FeesProjection.deferred_indexes
    CrashingFees.seen, CrashingFees.crash_after = 0, 5
    crashing = Runner(database_url, projections=[CrashingFees], batch_size=4)
    with pytest.raises(RuntimeError):
        crashing.catch_up()
    crashing.close()
    assert "ix_fee_months_month" not in _fee_indexes(database_url)  # still mid-rebuild
    with Runner(database_url, projections=["fees"], batch_size=4) as runner:
        runner.catch_up()
    assert "ix_fee_months_month" in _fee_indexes(database_url)
    with Runner(database_url, projections=["fees"]) as runner:
        runner.reset()
        assert "ix_fee_months_month" not in _fee_indexes(database_url)
        runner.catch_up()
    assert "ix_fee_months_month" in _fee_indexes(database_url)
    assert check(database_url, ["fees"]).ok
    ledger.close()

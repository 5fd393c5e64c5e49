"""`taizhang demo` on a file: builds the district, prints the table, refuses a
database that already holds events unless --fresh (SQLite) and says how to
reset PostgreSQL."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

import api.cli_demo as cli_demo

SMALL = ["--communities", "20", "--years", "1"]


@pytest.fixture
def app():
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """taizhang"""

    cli_demo.register(app)
    return app


def run(app, *args: str):
    return CliRunner().invoke(app, ["demo", *SMALL, *args], env={"COLUMNS": "160"})


def test_demo_builds_the_district_and_prints_the_event_table(app, sqlite_url):
    result = run(app, "--database-url", sqlite_url)
    assert result.exit_code == 0, result.output
    for text in ("每月巡查", "Community.InspectionRecorded", "逾期未交接", "Engagement.MarkedOverdue", "合计",
                 "total events", "events/s", "JN-XJPD-2025"):
        assert text in result.output


def test_demo_refuses_a_database_with_events_unless_fresh(app, sqlite_url):
    assert run(app, "--database-url", sqlite_url).exit_code == 0
    again = run(app, "--database-url", sqlite_url)
    assert again.exit_code == 1
    assert "--fresh" in again.output
    fresh = run(app, "--database-url", sqlite_url, "--fresh")
    assert fresh.exit_code == 0, fresh.output
    assert "total events" in fresh.output


def test_after_demo_reports_print_their_sections(app, sqlite_url, monkeypatch):
    monkeypatch.setattr(cli_demo, "AFTER_DEMO_REPORTS", [])
    cli_demo.add_after_demo_report(lambda run: run.console.print(f"REPORT {run.summary.communities} {run.ledger.max_position()}"))
    result = run(app, "--database-url", sqlite_url)
    assert result.exit_code == 0, result.output
    assert "REPORT 20 " in result.output


def test_a_bad_database_url_names_the_field(app):
    result = run(app, "--database-url", "mysql://x")
    assert result.exit_code == 2
    assert "database_url" in result.output


@pytest.mark.postgres
def test_fresh_does_not_wipe_postgresql_but_says_how(app, postgres_url):
    assert run(app, "--database-url", postgres_url).exit_code == 0
    again = run(app, "--database-url", postgres_url, "--fresh")
    assert again.exit_code == 1
    assert "DROP SCHEMA" in again.output


def test_demo_leaves_every_read_model_caught_up_with_the_ledger(app, sqlite_url):
    from domain.ledger import Ledger
    from projections.db import engine_for
    from projections.registry import PROJECTIONS
    from projections.tracking import read_tracking

    result = run(app, "--database-url", sqlite_url)
    assert result.exit_code == 0, result.output
    assert "读模型已建至台账位置" in result.output
    ledger = Ledger(sqlite_url)
    last = ledger.max_position()
    ledger.close()
    engine = engine_for(sqlite_url)
    with engine.connect() as conn:
        tracked = read_tracking(conn)
    engine.dispose()
    assert {name: tracked[name].position for name in PROJECTIONS} == {name: last for name in PROJECTIONS}

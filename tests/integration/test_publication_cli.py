"""`taizhang blacklist publish`, `taizhang subsidy publish`, `taizhang audit replay` and the demo's
publications, end to end through the CLI on a SQLite file."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import typer
from typer.testing import CliRunner

import api.cli_audit as cli_audit
import api.cli_cycle as cli_cycle
import api.cli_demo as cli_demo
import api.cli_subsidy as cli_subsidy
from api.settings import Settings
from domain.demo import generate
from projections.audit.service import AuditService

ENV = {"COLUMNS": "200", "TAIZHANG_PACK_ID": "jinnan"}


@pytest.fixture
def app():
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """taizhang"""

    for module in (cli_demo, cli_audit, cli_cycle, cli_subsidy):
        module.register(app)
    return app


@pytest.fixture
def district(sqlite_url, monkeypatch):
    """The small demo district, written through the audited ledger, its stars computed and published."""
    monkeypatch.setenv("TAIZHANG_DATABASE_URL", sqlite_url)
    service = AuditService.from_settings(Settings())
    service.keygen()
    ledger = cli_cycle.wire(service.ledger(pack_id="jinnan", vault=None))
    summary = generate(ledger, communities=8, years=1)
    ledger.close()
    return sqlite_url, summary, service


def run(app, *args: str):
    return CliRunner().invoke(app, list(args), env=ENV)


def test_blacklist_publish_prints_the_rows_digest_and_checkpoint_and_refuses_an_unchanged_list(app, district):
    url, summary, service = district
    day = (summary.period_end + timedelta(days=8)).isoformat()
    published = run(app, "blacklist", "publish", "--on", day)
    assert published.exit_code == 0, published.output
    cp = service.notary.latest()
    for text in (f"已发布黑名单（{day}，第 1 次）", "摘要 (SHA-256)", f"树大小 {cp.size}",
                 f"taizhang audit replay --checkpoint {cp.size}"):
        assert text in published.output, text
    again = run(app, "blacklist", "publish", "--on", day)
    assert again.exit_code == 2 and "nothing changed" in again.output
    assert len(service.notary.all()) == 1  # the refused one signed nothing
    shown = run(app, "blacklist", "--on", day)  # the query still answers without a sub-command
    assert shown.exit_code == 0 and f"黑名单（{day}）" in shown.output


def test_subsidy_publish_writes_the_published_list_with_its_checkpoint_and_digest(app, district, tmp_path):
    from openpyxl import load_workbook

    _, summary, service = district
    quarter = f"{summary.period_end.year}-Q3"
    out = tmp_path / "list.xlsx"
    published = run(app, "subsidy", "publish", "--period", quarter, "--out", str(out), "--on", "2026-01-08")
    assert published.exit_code == 0, published.output
    cp = service.notary.latest()
    assert f"subsidy_list:jinnan:{quarter}:1" in cp.digests and f"树大小 {cp.size}" in published.output
    info = dict(load_workbook(out)["说明"].iter_rows(values_only=True))
    assert info["摘要 (SHA-256)"] == cp.digests[f"subsidy_list:jinnan:{quarter}:1"]
    assert info["签名检查点"].startswith(f"树大小 {cp.size}，根 ") and info["期间"] == quarter
    sheet = load_workbook(out)[f"补贴清单 {quarter}"]
    assert sheet.max_row == 2 + summary.communities  # header, one row per community, totals
    incomplete = run(app, "subsidy", "publish", "--period", f"{summary.period_end.year}-Q4", "--out", str(out))
    assert incomplete.exit_code == 2 and "complete period" in incomplete.output


def test_audit_replay_says_match_for_each_kind_and_exits_zero(app, district):
    _, summary, service = district
    day = (summary.period_end + timedelta(days=8)).isoformat()
    for args in (("cycle", "compute", summary.cycle_code, "--on", day),
                 ("cycle", "publish", summary.cycle_code, "--on", day),
                 ("blacklist", "publish", "--on", day),
                 ("subsidy", "publish", "--period", f"{summary.period_end.year}-Q3", "--on", day,
                  "--out", str(service.notary.key_path.parent / "q3.csv"))):
        result = run(app, *args)
        assert result.exit_code == 0, (args, result.output)
    replay = CliRunner().invoke(app, ["audit", "replay", "--checkpoint", str(service.notary.latest().size)], env=ENV)
    assert replay.exit_code == 0, replay.output
    report = json.loads(replay.stdout)
    assert report["result"] == "match" and len(report["publications"]) == 3
    for name in ("✓ 星级评定", "✓ 黑名单", "✓ 补贴清单"):
        assert name in replay.stderr, replay.stderr


def test_the_demo_makes_a_key_publishes_three_lists_and_prints_their_checkpoints(app, sqlite_url, tmp_path):
    key = Settings().signing_key_path
    assert not key.exists()
    demo = run(app, "demo", "--communities", "8", "--years", "1", "--database-url", sqlite_url)
    assert demo.exit_code == 0, demo.output
    assert key.exists() and f"已生成 {key}" in demo.output.replace("\n", "")
    service = AuditService(sqlite_url, key, Settings().checkpoint_origin)
    assert service.status()["unlogged"] == 0  # written with the integrity log: nothing to catch up
    checkpoints = service.notary.all()
    assert [list(cp.digests)[0].split(":")[0] for cp in checkpoints] == ["ratings", "blacklist", "subsidy_list"]
    for cp in checkpoints:
        assert f"{cp.size:,}" in demo.output and cp.root.hex()[:12] in demo.output
    assert "星级评定 JN-XJPD-2025 第 1 次" in demo.output
    assert f"taizhang audit replay --checkpoint {checkpoints[-1].size}" in demo.output.replace("\n", "")

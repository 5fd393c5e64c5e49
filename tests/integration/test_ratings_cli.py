"""`taizhang cycle …`, `taizhang explain provider`, `taizhang blacklist`, and the demo's ratings section."""

from __future__ import annotations

from datetime import date

import pytest
import typer
from typer.testing import CliRunner

import api.cli_cycle as cli_cycle
import api.cli_demo as cli_demo
from api.settings import Settings
from domain.ledger import Ledger
from domain.vocab import DEPARTMENTS
from projections.audit.service import AuditService
from tests.unit.domain import builders as b


@pytest.fixture
def app():
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """taizhang"""

    cli_demo.register(app)
    cli_cycle.register(app)
    return app


def call(app, url: str, *args: str):
    result = CliRunner().invoke(app, [*args, "--database-url", url], env={"COLUMNS": "200"})
    return result


def test_a_cycle_from_adoption_to_republication_through_the_cli(app, sqlite_url):
    ledger = Ledger(sqlite_url)
    usccs = [b.uscc(i) for i in range(5)]
    for u in usccs:
        b.provider(ledger, u)
    assert call(app, sqlite_url, "cycle", "adopt", "2025", "--pack", "cms_quota", "--on", "2025-01-01").exit_code == 0
    assert call(app, sqlite_url, "cycle", "open", "2025", "--from", "2025-01-01", "--to", "2025-12-31").exit_code == 0
    for i, u in enumerate(usccs):
        for j, d in enumerate(DEPARTMENTS[: 6 if i < 4 else 3]):
            ledger.submit_score("2025", subject_kind="provider", subject=u, department=d, score=60 + 9 * i + j,
                                stamp=b.stamp(date(2025, 12, 1), "department"))
    assert call(app, sqlite_url, "cycle", "close", "2025", "--on", "2026-01-05").exit_code == 0
    again = call(app, sqlite_url, "cycle", "close", "2025", "--on", "2026-01-05")
    assert again.exit_code == 2 and "not open" in again.output
    assert call(app, sqlite_url, "cycle", "compute", "2025", "--on", "2026-01-06").exit_code == 0
    unsigned = call(app, sqlite_url, "cycle", "publish", "2025", "--on", "2026-01-09")
    assert unsigned.exit_code == 2 and "taizhang audit keygen" in unsigned.output  # a publication is signed
    AuditService.from_settings(Settings()).keygen()
    published = call(app, sqlite_url, "cycle", "publish", "2025", "--on", "2026-01-09")
    assert published.exit_code == 0 and "签名检查点" in published.output, published.output
    filed = call(app, sqlite_url, "cycle", "objection", "2025", usccs[4], "--reason", "城管评分漏报", "--on", "2026-01-12")
    assert filed.exit_code == 0 and "复核申请编号" in filed.output
    version = filed.output.split("周期版本 ")[1].split("（")[0]
    late = call(app, sqlite_url, "cycle", "objection", "2025", usccs[0], "--reason", "迟交", "--on", "2026-02-01")
    assert late.exit_code == 2 and "working days" in late.output
    decided = call(app, sqlite_url, "cycle", "decide", "2025", version, "--upheld", "--department", "urban_management",
                   "--score", "85", "--reason", "核实属实", "--on", "2026-01-15")
    assert decided.exit_code == 0, decided.output
    assert call(app, sqlite_url, "cycle", "republish", "2025", "--on", "2026-01-16").exit_code == 0
    listed = call(app, sqlite_url, "cycle", "list")
    assert "按排名定额" in listed.output and "published" in listed.output
    shown = call(app, sqlite_url, "cycle", "show", "2025")
    assert "星级分布" in shown.output and "成立" in shown.output
    explained = call(app, sqlite_url, "explain", "provider", usccs[4], "--cycle", "2025", "--on", "2026-01-20")
    assert explained.exit_code == 0, explained.output
    for text in ("星级评定依据", "城市管理", "实际权重", "0.2500", "94.00", "cms_quota", "2024.1",
                 "复核改变本行", "第1次", "第2次", "信用分"):
        assert text in explained.output, text
    assert "（无）" in call(app, sqlite_url, "blacklist", "--on", "2026-01-20").output


def test_the_demo_computes_publishes_and_prints_stars_blacklist_and_an_explanation(app, sqlite_url):
    result = CliRunner().invoke(app, ["demo", "--communities", "30", "--years", "2", "--database-url", sqlite_url],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for text in ("JN-XJPD-2025 星级分布", "黑名单（2026-01-08）", "星级评定依据", "综合得分", "信用分 2026-01-08"):
        assert text in result.output, text

"""`taizhang subsidy …` on a SQLite ledger: adopt, summary, list, explain, export (xlsx, csv),
what-if (writes nothing), validate (names the bad key), and the demo's after-report section."""

from __future__ import annotations

import json
from datetime import date

import pytest
import typer
from openpyxl import load_workbook
from typer.testing import CliRunner

import api.cli_subsidy as cli_subsidy
from domain.ledger import Ledger
from projections.service import digests
from tests.integration.test_subsidy_projection import jinnan_story
from tests.unit.subsidies.helpers import pack


@pytest.fixture
def app():
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """taizhang"""

    cli_subsidy.register(app)
    return app


@pytest.fixture
def ledger_url(sqlite_url):
    ledger = Ledger(sqlite_url, pack_id="jinnan")
    jinnan_story(ledger)
    ledger.close()
    return sqlite_url


def run(app, url, *args):
    db = ["--database-url", url] if url else []
    return CliRunner().invoke(app, ["subsidy", *args, *db], env={"COLUMNS": "200", "TAIZHANG_PACK_ID": "jinnan"})


def test_summary_list_and_explain(app, ledger_url):
    summary = run(app, ledger_url, "summary", "--period", "2024-Q1")
    assert summary.exit_code == 0, summary.output
    assert "双港镇" in summary.output and "13,680.00" in summary.output and "合计" in summary.output
    listing = run(app, ledger_url, "list", "--period", "2024-Q1")
    assert "小区类别（other_old）不在补贴范围" in listing.output
    explain = run(app, ledger_url, "explain", "C-0", "--period", "2024-Q2")
    assert "一票否决" in explain.output and "✗" in explain.output and "jinnan 2023.1" in explain.output


def test_export_writes_xlsx_and_csv(app, ledger_url, tmp_path):
    xlsx, csv = tmp_path / "q1.xlsx", tmp_path / "q1.csv"
    assert run(app, ledger_url, "export", "--period", "2024-Q1", "--out", str(xlsx)).exit_code == 0
    assert run(app, ledger_url, "export", "--period", "2024-Q1", "--out", str(csv)).exit_code == 0
    ws = load_workbook(xlsx).worksheets[0]
    assert ws["A1"].value == "街道" and ws.cell(ws.max_row, 1).value == "合计"
    assert float(ws.cell(ws.max_row, 8).value) == 13680.0
    assert csv.read_bytes().startswith(b"\xef\xbb\xbf")
    bad = run(app, ledger_url, "export", "--period", "2024-Q1", "--out", str(tmp_path / "q1.pdf"))
    assert bad.exit_code == 2 and "out:" in bad.output


def test_whatif_reports_the_difference_and_writes_nothing(app, ledger_url, tmp_path):
    run(app, ledger_url, "summary", "--period", "2024-Q1")  # builds the read model
    before = digests(ledger_url, ["subsidies"])["subsidies"]
    events = Ledger(ledger_url).max_position()
    draft = tmp_path / "draft.json"
    draft.write_text(json.dumps(pack("jinnan", version="draft", **{"subsidy.rates.professional": "0.30"}),
                                ensure_ascii=False), encoding="utf-8")
    result = run(app, ledger_url, "whatif", "--pack", str(draft), "--from", "2024-01-01", "--to", "2024-03-31")
    assert result.exit_code == 0, result.output
    assert "20,520.00" in result.output and "6,840.00" in result.output  # 13,680 × 1.5 and the difference
    assert "未写入账本" in result.output
    assert Ledger(ledger_url).max_position() == events
    assert digests(ledger_url, ["subsidies"])["subsidies"] == before


def test_validate_names_the_bad_key_and_adopt_records_the_pack(app, sqlite_url, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(pack("yancheng", **{"subsidy.rates.professional": "0,1"})), encoding="utf-8")
    result = run(app, None, "validate", str(bad))
    assert result.exit_code == 2 and "subsidy.rates.professional: must be a decimal string ≥ 0" in result.output
    assert "yancheng" in run(app, None, "packs").output
    adopted = run(app, sqlite_url, "adopt", "yancheng")
    assert adopted.exit_code == 0 and "adopted yancheng 2018.1 from 2018-01-01" in adopted.output
    again = run(app, sqlite_url, "adopt", "yancheng")
    assert again.exit_code == 2 and "version" in again.output
    ledger = Ledger(sqlite_url, pack_id="yancheng")
    assert ledger.sheet_in_force(date(2019, 1, 1)).sections["cleaning"] == 30


def test_a_period_that_is_not_one_is_refused(app, ledger_url):
    result = run(app, ledger_url, "summary", "--period", "2024Q1")
    assert result.exit_code == 2 and "period: must be a period" in result.output


def test_demo_section_prints_the_last_complete_quarter(ledger_url):
    from rich.console import Console

    console = Console(record=True, width=200)
    cli_subsidy.demo_section(ledger_url, console, "jinnan")
    text = console.export_text()
    assert "补贴汇总（按街道） 2024-Q1" in text and "上一季度 2023-Q4" in text

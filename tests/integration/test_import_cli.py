"""`taizhang template / import / export registry` on a SQLite ledger."""

from __future__ import annotations

import csv

import pytest
import typer
from openpyxl import load_workbook
from typer.testing import CliRunner

import api.cli_io as cli_io
from domain.ledger import Ledger
from tests.unit.io.helpers import csv_bytes, from_template, registry, uscc

runner = CliRunner()


@pytest.fixture
def app():
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """taizhang"""

    cli_io.register(app)
    return app


@pytest.fixture
def url(sqlite_url):
    ledger = Ledger(sqlite_url)
    registry(ledger, communities=2)
    ledger.close()
    return sqlite_url


def run(app, *args: str):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_template_then_import_then_reimport(app, url, tmp_path):
    out = tmp_path / "巡查.xlsx"
    assert run(app, "template", "inspections", out).exit_code == 0
    assert load_workbook(out).sheetnames == ["每月巡查", "说明"]
    rows = [{"小区编码": "C-001", "月份": "2024-03", "门岗值勤": "合格", "巡视管理": "合格", "楼内外保洁": "不合格",
             "车辆停放管理": "合格"}]
    filled = tmp_path / "filled.xlsx"
    filled.write_bytes(from_template("inspections", rows, tmp_path))
    dry = run(app, "import", "inspections", filled, "--dry-run", "--database-url", url)
    assert dry.exit_code == 0 and "试运行" in dry.stdout and "检查通过" in dry.stdout
    done = run(app, "import", "inspections", filled, "--as", "zhang", "--role", "street", "--org", "双港镇",
               "--database-url", url)
    assert done.exit_code == 0 and "已写入 1 条事件" in done.stdout
    again = run(app, "import", "inspections", filled, "--database-url", url)
    assert again.exit_code == 0 and "每一行都已导入过" in again.stdout


def test_errors_are_listed_with_row_and_column_and_exit_2(app, url, tmp_path):
    bad = tmp_path / "fees.csv"
    bad.write_bytes(csv_bytes(["小区编码", "月份", "应缴户数", "实缴户数", "应收金额", "实收金额"],
                              [["C-001", "2024-13", 10, 5, "100", "50"], ["C-9", "2024-01", 10, 5, "100", "50"]],
                              "gbk"))
    errors = tmp_path / "errors.csv"
    result = run(app, "import", "fees", bad, "--errors", errors, "--database-url", url)
    assert result.exit_code == 2 and "未写入任何数据" in result.stdout and "2024-13" in result.stdout
    with errors.open(encoding="utf-8-sig") as f:
        listed = list(csv.DictReader(f))
    assert [(r["行"], r["列"], r["单元格"]) for r in listed] == [("2", "月份", "B2"), ("3", "小区编码", "A3")]


def test_a_role_that_may_not_run_the_command_is_refused(app, url, tmp_path):
    file = tmp_path / "p.csv"
    file.write_bytes(csv_bytes(["统一社会信用代码", "企业名称", "法定代表人", "联系方式"], [[uscc(5), "甲", "张", "1"]]))
    result = run(app, "import", "providers", file, "--role", "street", "--database-url", url)
    assert result.exit_code == 2 and "may not register_provider" in result.stdout


def test_export_registry_to_xlsx_and_csv(app, url, tmp_path):
    result = run(app, "export", "registry", tmp_path / "台账.xlsx", "--database-url", url)
    assert result.exit_code == 0, result.stdout
    wb = load_workbook(tmp_path / "台账.xlsx")
    assert wb.sheetnames == ["物业企业", "小区", "服务关系", "说明"]
    communities = list(wb["小区"].iter_rows(values_only=True))
    assert communities[1][:3] == ("C-001", "小区C-001", "双港镇") and communities[1][-1] == "津南安居物业有限公司"
    assert list(wb["服务关系"].iter_rows(values_only=True))[1][6] == "在管"
    assert run(app, "export", "registry", tmp_path / "台账.csv", "--database-url", url).exit_code == 0
    with (tmp_path / "台账_物业企业.csv").open(encoding="utf-8-sig") as f:
        assert next(csv.reader(f))[0] == "统一社会信用代码"


def test_an_exported_provider_sheet_imports_into_another_ledger(app, url, tmp_path, sqlite_url):
    run(app, "export", "registry", tmp_path / "台账.xlsx", "--database-url", url)
    other = f"sqlite:///{tmp_path / 'other.db'}"
    result = run(app, "import", "providers", tmp_path / "台账.xlsx", "--sheet", "物业企业", "--database-url", other)
    assert result.exit_code == 0 and "已写入 1 条事件" in result.stdout

"""`taizhang import`, `taizhang template`, `taizhang export registry`: spreadsheets in and out.

    taizhang template inspections 每月巡查.xlsx                  # empty template with drop-downs and 说明
    taizhang import inspections 巡查2024.xlsx --dry-run         # check every row, write nothing
    taizhang import inspections 巡查2024.xlsx --as zhang --role street --org 双港镇
    taizhang import complaints 12345工单.csv                    # CSV: UTF-8, UTF-8 with BOM or GBK
    taizhang export registry 台账.xlsx                           # providers, communities, engagements

An import writes every row or none; errors name the row, the column and the cell.
"""

from __future__ import annotations

import csv
import getpass
from datetime import date
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

console = Console()
DB = typer.Option(None, "--database-url", envvar="TAIZHANG_DATABASE_URL", help="默认取 TAIZHANG_DATABASE_URL")
# Who records each kind when --role is not given (a role api.auth.PERMISSIONS allows).
DEFAULT_ROLE = {"providers": "housing_bureau", "communities": "housing_bureau", "inspections": "street",
                "assessments": "housing_bureau", "surveys": "residents_committee", "fees": "street",
                "complaints": "street", "subsidies": "finance"}
PROGRESS_FROM = 1000  # rows: a progress bar for files at least this long
SHOWN_ERRORS = 200


def _fail(message: str, code: int = 2) -> None:
    console.print(f"[red]{message}[/red]")
    raise typer.Exit(code)


def _settings(database_url: Optional[str]):
    from api.settings import Settings

    settings = Settings()
    return settings.model_copy(update={"database_url": database_url}) if database_url else settings


def summary_table(report) -> Table:
    table = Table(title=f"导入{report.title}（{report.kind}）" + ("：试运行，未写入" if report.dry_run else ""))
    table.add_column("项目", style="bold")
    table.add_column("值")
    positions = (f"{report.first_position:,} – {report.last_position:,}" if report.written else "—")
    for key, value in (("文件", report.filename), ("工作表", report.sheet), ("SHA-256", report.sha256[:16] + "…"),
                       ("数据行", f"{report.rows:,}"), ("命令", f"{report.commands:,}"),
                       ("新事件" if not report.dry_run else "将写入事件", f"{report.events:,}"),
                       ("已导入过（跳过）", f"{report.replayed:,}"), ("台账位置", positions),
                       ("用时", f"{report.seconds:.2f} s")):
        table.add_row(key, str(value))
    return table


def error_table(errors: list) -> Table:
    table = Table(title=f"错误（{len(errors)} 处，未写入任何数据）", show_lines=False)
    for col in ("工作表", "行", "列", "单元格", "错误"):
        table.add_column(col, overflow="fold")
    for e in errors[:SHOWN_ERRORS]:
        table.add_row(e.sheet, str(e.row or "—"), e.column or "—", e.cell or "—", e.message)
    if len(errors) > SHOWN_ERRORS:
        table.add_row("…", "", "", "", f"另有 {len(errors) - SHOWN_ERRORS} 处错误（用 --errors 导出全部）")
    return table


def write_errors(errors: list, path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(("工作表", "行", "列", "单元格", "字段", "规则", "错误", "detail"))
        for e in errors:
            writer.writerow((e.sheet, e.row, e.column or "", e.cell or "", e.field or "", e.rule, e.message, e.detail))


def register(app: typer.Typer) -> None:
    from api.io.kinds import KINDS

    kinds = "、".join(KINDS)

    @app.command("import")
    def import_(
        kind: str = typer.Argument(..., help=f"导入类型：{kinds}"),
        file: Path = typer.Argument(..., exists=True, dir_okay=False, help=".xlsx 或 .csv"),
        sheet: Optional[str] = typer.Option(None, "--sheet", help="工作表名（默认按类型名，或第一个）"),
        dry_run: bool = typer.Option(False, "--dry-run", help="只检查，不写入"),
        user: Optional[str] = typer.Option(None, "--as", help="录入人（默认当前系统用户）"),
        role: Optional[str] = typer.Option(None, "--role", help="角色（默认按类型，如巡查为 street）"),
        org: str = typer.Option("", "--org", help="单位；街道/居委会角色给出时只能导入本街道的小区"),
        on: Optional[str] = typer.Option(None, "--on", help="导入日期 YYYY-MM-DD（业务日期列留空时的默认）"),
        errors_out: Optional[Path] = typer.Option(None, "--errors", help="把全部错误写入此 CSV"),
        database_url: Optional[str] = DB,
    ) -> None:
        """导入 Excel/CSV：整表校验，全部正确才写入；同一文件重复导入不重复写入。"""
        from api.errors import Forbidden
        from api.io import read_table, run_import
        from domain.errors import DomainError
        from domain.values import Actor
        from projections.audit.service import AuditService

        if kind not in KINDS:
            _fail(f"未知的导入类型 {kind}；可用：{kinds}")
        try:
            day = date.fromisoformat(on) if on else None
        except ValueError:
            _fail("--on: 日期格式应为 YYYY-MM-DD")
        try:
            actor = Actor(user=user or getpass.getuser() or "cli", role=role or DEFAULT_ROLE[kind], org=org)
            table = read_table(file.read_bytes(), file.name, sheet, preferred=(KINDS[kind].title,))
        except DomainError as error:
            from api.io.messages import zh

            _fail(f"{error.field}: {zh(error)}")
        settings = _settings(database_url)
        ledger = AuditService.from_settings(settings).ledger(pack_id=settings.pack_id)
        try:
            columns = (TextColumn("[bold]导入{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
            with Progress(*columns, console=console, disable=len(table.rows) < PROGRESS_FROM) as bar:
                task = bar.add_task(KINDS[kind].title, total=len(table.rows))
                report = run_import(ledger, kind, table, actor, on=day, dry_run=dry_run, enforce_scope=bool(org),
                                    progress=lambda done, total: bar.update(task, completed=done))
        except Forbidden as error:
            _fail(f"{error.field}: {error.message}")
        finally:
            ledger.close()
        console.print(summary_table(report))
        if not report.ok:
            console.print(error_table(report.errors))
            if errors_out is not None:
                write_errors(report.errors, errors_out)
                console.print(f"全部错误已写入 {errors_out}")
            raise typer.Exit(2)
        if report.dry_run:
            console.print("[green]检查通过[/green]：去掉 --dry-run 即可写入。")
        elif report.events == 0:
            console.print("[yellow]没有新数据[/yellow]：该文件的每一行都已导入过。")
        else:
            console.print(f"[green]已写入[/green] {report.events:,} 条事件。")

    @app.command("template")
    def template(
        kind: str = typer.Argument(..., help=f"导入类型：{kinds}"),
        out: Path = typer.Argument(..., help="输出的 .xlsx 文件"),
    ) -> None:
        """生成空白导入模板（表头、下拉选项、说明页和填写示例）。"""
        from api.io import write_template

        if kind not in KINDS:
            _fail(f"未知的导入类型 {kind}；可用：{kinds}")
        try:
            write_template(kind, out)
        except ValueError as error:
            _fail(str(error))
        console.print(f"[green]已生成模板[/green] {out}")

    export_app = typer.Typer(help="导出 Excel/CSV (export from the read models)", no_args_is_help=True)

    @export_app.command("registry")
    def export_registry(
        out: Path = typer.Argument(..., help=".xlsx（三个工作表）或 .csv（每表一个文件）"),
        database_url: Optional[str] = DB,
    ) -> None:
        """导出登记台账：物业企业、小区（含当前服务企业）、服务关系。"""
        from api.io import export_registry as export

        try:
            files, position = export(_settings(database_url).database_url, out)
        except ValueError as error:
            _fail(str(error))
        console.print(f"[green]已导出[/green]（截至台账位置 {position:,}）：" + "、".join(str(f) for f in files))

    app.add_typer(export_app, name="export")

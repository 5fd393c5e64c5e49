"""`taizhang demo`: build the demo district (津南区) in the ledger, with a
progress bar, then print what was written.

Later capabilities add their own sections to the printout (star ratings,
blacklist, subsidies…) with :func:`add_after_demo_report`; each report gets a
:class:`DemoRun` once the district is written."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from api.settings import Settings
from domain.demo import DemoProgress, DemoSummary, count_events_by_topic, generate
from domain.errors import DomainError
from domain.ledger import Ledger
from domain.store import StoreConfig, parse_database_url


@dataclass
class DemoRun:
    ledger: Ledger
    summary: DemoSummary
    console: Console
    database_url: str
    seconds: float


AfterDemoReport = Callable[[DemoRun], None]
AFTER_DEMO_REPORTS: list[AfterDemoReport] = []


def add_after_demo_report(report: AfterDemoReport) -> None:
    """Print another section after the demo's event table (called in registration order)."""
    if report not in AFTER_DEMO_REPORTS:
        AFTER_DEMO_REPORTS.append(report)


STAGES = {"pack": "采纳政策包", "providers": "登记物业服务企业", "communities": "生成小区台账",
          "provider records": "企业奖惩与信用", "rating cycle": "星级评定", "done": "完成"}

EVENT_LABELS = {
    "PolicyRegistry.Started": "政策登记簿建立", "PolicyRegistry.PackAdopted": "政策包采纳",
    "Provider.Registered": "物业服务企业登记", "Provider.ProfileAmended": "企业信息变更",
    "Provider.Commended": "表彰奖励", "Provider.Sanctioned": "约谈及处罚", "Provider.DeclaredDishonest": "失信认定",
    "Provider.DishonestyLifted": "失信解除", "Provider.CreditRepairRequested": "信用修复申请",
    "Provider.CreditRepairDecided": "信用修复决定",
    "Community.Registered": "小区登记", "Community.Renovated": "旧楼区改造完成", "Community.ModeChanged": "管理模式变更",
    "Community.CommitteeFormed": "业委会/自管会成立", "Community.ServiceStarted": "物业进驻服务",
    "Community.ServiceEnded": "物业撤出服务", "Community.InspectionRecorded": "每月巡查",
    "Community.AssessmentRecorded": "季度联合考核", "Community.SatisfactionSurveyed": "满意度调查",
    "Community.EvaluationRecorded": "服务评价", "Community.RecordCorrected": "记录更正",
    "Community.RecordWithdrawn": "记录撤回", "Community.FeesCollected": "物业费收缴", "Community.SubsidyPaid": "补贴拨付",
    "Community.FeeReliefApplied": "物业费减免申请", "Community.FeeReliefDecided": "物业费减免决定",
    "Community.MaintenanceFundRecorded": "专项维修资金",
    "Engagement.EntryRequested": "进驻申请", "Engagement.EntryDecided": "党组织进驻决定",
    "Engagement.AgreementSigned": "签订服务协议", "Engagement.ExitNoticed": "退出书面告知",
    "Engagement.ExitDecided": "党组织退出决定", "Engagement.HandoverItemRecorded": "交接查验",
    "Engagement.Ended": "退出完成", "Engagement.MarkedOverdue": "逾期未交接",
    "Complaint.Filed": "投诉受理", "Complaint.Resolved": "投诉办结",
    "RatingCycle.SchemeAdopted": "评星方案", "RatingCycle.Opened": "评星开始", "RatingCycle.ScoreSubmitted": "部门评分",
    "RatingCycle.ScoreCorrected": "评分更正", "RatingCycle.Closed": "评星截止",
    "IdempotencyRecord.Applied": "幂等记录",
}


def _reset_advice(config: StoreConfig, url: str) -> str:
    if config.kind == "postgresql":
        where = f"DROP SCHEMA {config.schema} CASCADE; CREATE SCHEMA {config.schema};" if config.schema else \
            f"dropdb -h {config.host} -U {config.user or 'postgres'} {config.dbname} && " \
            f"createdb -h {config.host} -U {config.user or 'postgres'} {config.dbname}"
        return f"PostgreSQL 数据库不会被自动清空；如确需重建，请手动执行：{where}"
    return f"如需重建，请加 --fresh（将删除 {config.sqlite_path}）。"


def _delete_sqlite(path: str) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(path + suffix).unlink(missing_ok=True)


def event_table(counts: dict[str, int], total: int, seconds: float) -> Table:
    table = Table(title="演示区台账：各类事件数量 (events by type)")
    table.add_column("事件", style="bold")
    table.add_column("event")
    table.add_column("数量", justify="right")
    order = ("domain.policy", "domain.provider", "domain.community", "domain.engagement", "domain.complaint",
             "domain.rating_cycle")

    def key(item: tuple[str, int]) -> tuple:
        module = item[0].split(":")[0]
        return (order.index(module) if module in order else len(order), module, -item[1])

    for topic, n in sorted(counts.items(), key=key):
        name = topic.split(":", 1)[-1]
        table.add_row(EVENT_LABELS.get(name, "—"), name, f"{n:,}")
    table.add_section()
    table.add_row("合计", "total events", f"{total:,}")
    table.add_row("用时", "elapsed", f"{seconds:.1f} s")
    table.add_row("速率", "rate", f"{total / seconds:,.0f} events/s" if seconds > 0 else "—")
    return table


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo(
        communities: int = typer.Option(394, "--communities", help="小区数量 (Jinnan mix)"),
        years: int = typer.Option(3, "--years", help="历史年数 (years of monthly records)"),
        seed: int = typer.Option(2026, "--seed", help="随机种子 (same seed, same events)"),
        database_url: str = typer.Option(None, "--database-url", help="默认取 TAIZHANG_DATABASE_URL"),
        fresh: bool = typer.Option(False, "--fresh/--no-fresh", help="先删除已有的 SQLite 文件"),
    ) -> None:
        """生成演示区（津南区）台账：小区、企业、巡查、考核、投诉、补贴、评星。"""
        console = Console()
        settings = Settings()
        url = database_url or settings.database_url
        try:
            config = parse_database_url(url)
        except DomainError as error:
            console.print(f"[red]{error.field}: {error.message}[/red]")
            raise typer.Exit(2) from None
        if fresh and config.kind == "sqlite":
            _delete_sqlite(config.sqlite_path)
        ledger = Ledger(url, pack_id=settings.pack_id)
        existing = ledger.max_position()
        if existing:
            console.print(f"[yellow]数据库已有 {existing:,} 条事件，演示数据只写入空台账。[/yellow] "
                          + _reset_advice(config, url))
            raise typer.Exit(1)

        started = time.perf_counter()
        columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[events]:>10,} 事件"), TextColumn("{task.fields[rate]:>8,.0f} 事件/秒"),
                   TimeElapsedColumn())
        with Progress(*columns, console=console) as bar:
            task = bar.add_task(STAGES["pack"], total=communities, events=0, rate=0.0)

            def show(p: DemoProgress) -> None:
                elapsed = time.perf_counter() - started
                bar.update(task, description=STAGES.get(p.stage, p.stage), total=p.total, completed=p.done,
                           events=p.events, rate=p.events / elapsed if elapsed > 0 else 0.0)

            try:
                summary = generate(ledger, communities=communities, years=years, seed=seed, progress=show)
            except DomainError as error:
                console.print(f"[red]{error.field}: {error.message}[/red]")
                raise typer.Exit(2) from None
        seconds = time.perf_counter() - started
        counts = count_events_by_topic(ledger, summary.first_position)
        console.print(event_table(counts, summary.events, seconds))
        console.print(f"{summary.communities} 个小区，{summary.providers} 家物业服务单位，"
                      f"{summary.period_start} 至 {summary.period_end}，种子 {summary.seed}；"
                      f"逾期未交接：{', '.join(summary.overdue) or '无'}；评星周期 {summary.cycle_code}（已截止）。")
        run = DemoRun(ledger=ledger, summary=summary, console=console, database_url=url, seconds=seconds)
        for report in AFTER_DEMO_REPORTS:
            report(run)

"""`taizhang demo`: build the demo district (津南区) in the ledger, with a
progress bar, then print what was written.

Later capabilities add their own sections to the printout (star ratings,
blacklist, subsidies…) with :func:`add_after_demo_report`; each report gets a
:class:`DemoRun` once the district is written.

The district is written through the audited ledger (the integrity log in each
transaction, so no catch-up is needed later), with a signing key generated at
TAIZHANG_SIGNING_KEY_PATH when there is none; once the reports have run (the
star ratings are published by ``api.cli_cycle``'s), the blacklist and the last
complete quarter's subsidy list are published and every signed checkpoint is
printed. Complainants' names and phones are sealed per person, as in production
(the vault queues new persons' keys and writes them in one transaction before
each save), so ``taizhang audit forget PERSON`` works on demo data."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

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
    audit: Any = None  # projections.audit.service.AuditService: signs the publications


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
    "RatingCycle.ResultComputed": "评定结果", "RatingCycle.Published": "结果公布",
    "Publication.Started": "发布登记", "Publication.BlacklistPublished": "黑名单发布",
    "Publication.SubsidyListPublished": "补贴清单发布",
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
        probe = Ledger(url, pack_id=settings.pack_id)
        existing = probe.max_position()
        probe.close()
        if existing:
            console.print(f"[yellow]数据库已有 {existing:,} 条事件，演示数据只写入空台账。[/yellow] "
                          + _reset_advice(config, url))
            raise typer.Exit(1)
        audit, ledger = audited(url, settings, console)

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
        run = DemoRun(ledger=ledger, summary=summary, console=console, database_url=url, seconds=seconds,
                      audit=audit)
        for report in AFTER_DEMO_REPORTS:
            report(run)
        publications_report(run)
        if config.kind != "memory":
            read_models_report(run)


def audited(url: str, settings: Settings, console: Console):
    """(AuditService, its Ledger) for the demo; a signing key is generated when there is none."""
    from projections.audit.service import AuditService

    audit = AuditService(url, settings.signing_key_path, settings.checkpoint_origin, settings.person_keys_url)
    if not audit.notary.key_path.exists():
        audit.keygen()
        console.print(f"[yellow]未找到签名密钥，已生成 {audit.notary.key_path}（公钥 {audit.notary.key_path}.pub）："
                      "演示区的每次发布都附此密钥签署的检查点。[/yellow]")
    return audit, audit.ledger(pack_id=settings.pack_id)  # with the vault: names and phones sealed


def publications_report(run: DemoRun) -> None:
    """Publish the blacklist and the last complete quarter's subsidy list, then print every signed checkpoint."""
    from datetime import date, timedelta

    from api.cli_cycle import wire
    from domain.demo.publish import last_complete_quarter, publish_lists

    ledger = wire(run.ledger)
    horizon = ledger.publisher.horizon(ledger.max_position())
    day = run.summary.period_end + timedelta(days=8)  # the day the demo's stars are published
    if horizon is None:
        return
    quarter = last_complete_quarter(date.fromisoformat(horizon))
    try:
        publish_lists(ledger, run.summary, day, quarter)
    except DomainError as error:
        run.console.print(f"[red]{error.field}: {error.message}[/red]")
        raise typer.Exit(2) from None
    run.console.print(checkpoints_table(run.audit, f"发布与签名检查点：星级评定、黑名单（{day}）、补贴清单（{quarter}）"))
    latest = run.audit.notary.latest()
    if latest is not None:
        run.console.print(f"核验全部发布：taizhang audit replay --checkpoint {latest.size}"
                          f"（按检查点重算评星、黑名单、补贴清单并比对签名摘要）；公钥 {run.audit.notary.key_path}.pub")


def read_models_report(run: DemoRun) -> None:
    """Build every read model now, with a progress bar: the first page after ``taizhang serve`` then reads
    ready tables instead of building them while the user waits."""
    from api.cli_project import _Bar
    from projections import service

    with _Bar("读模型 read models") as bar:
        position = service.catch_up(run.database_url, None, progress=bar)
    run.console.print(f"读模型已建至台账位置 {position:,}（taizhang serve 的页面直接读取）。")


KIND_ZH = {"ratings": "星级评定", "blacklist": "黑名单", "subsidy_list": "补贴清单"}


def _label(cp, signed: dict[str, str]) -> str:
    """A checkpoint by what it was signed for: "星级评定 JN-XJPD-2025 第 1 次"…, else its reason."""
    names = []
    for name in sorted(signed):
        kind, _, rest = name.partition(":")
        key, _, number = rest.rpartition(":")
        if kind in KIND_ZH:
            names.append(f"{KIND_ZH[kind]} {key.replace(':', ' ')} 第 {number} 次")
    return "；".join(names) or cp.reason


def checkpoints_table(audit, title: str) -> Table:
    """Every signed checkpoint: what it was signed for, tree size, root (base64) and its short form."""
    import base64

    table = Table(title=title)
    table.add_column("发布", min_width=16)
    table.add_column("树大小", justify="right", no_wrap=True)
    table.add_column("短", no_wrap=True)
    table.add_column("根 (base64)", overflow="fold", min_width=22)
    for cp in audit.notary.all():
        table.add_row(_label(cp, audit.notary.signed_digests(cp)), f"{cp.size:,}", cp.root.hex()[:12],
                      base64.b64encode(cp.root).decode())
    return table

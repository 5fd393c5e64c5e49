"""`taizhang cycle …`, `taizhang explain provider`, `taizhang blacklist`: thin wrappers over the
Ledger's rating-cycle commands and the ratings/credit read models.

    taizhang cycle adopt 2025 --pack jinnan_default
    taizhang cycle open 2025 --from 2025-01-01 --to 2025-12-31
    taizhang cycle close 2025 ; taizhang cycle compute 2025 ; taizhang cycle publish 2025
    taizhang cycle objection 2025 91120000MA0000001X --reason "城管评分漏报"
    taizhang cycle decide 2025 12 --upheld --department urban_management --score 88 --reason "核实属实"
    taizhang cycle republish 2025 ; taizhang cycle list ; taizhang cycle show 2025
    taizhang explain provider 91120000MA0000001X --cycle 2025
    taizhang blacklist --on 2025-06-30
    taizhang blacklist publish --on 2026-01-08

Commands write through the audited ledger (the integrity log in each command's
transaction); a publication (cycle publish/republish, blacklist publish) signs a
checkpoint with the key at TAIZHANG_SIGNING_KEY_PATH (`taizhang audit keygen`).
"""

from __future__ import annotations

import getpass
from datetime import date, timedelta
from typing import Optional

import typer
from rich.console import Console

from api.clock import ledger_today
from api import wiring
from api.wiring import wire  # noqa: F401  (the demo and tests wire through here)

console = Console()
cycle_app = typer.Typer(help="星级评定周期：方案、开始、截止、计算、发布、复核 (rating cycles)", no_args_is_help=True)
explain_app = typer.Typer(help="说明依据 (explain a provider's stars, credit and blacklist)", no_args_is_help=True)
DB = typer.Option(None, "--database-url", envvar="TAIZHANG_DATABASE_URL")
ON = typer.Option(None, "--on", help="业务日期 YYYY-MM-DD（默认今天）")
NAMES = ["registry", "ratings", "credit"]


def _url(database_url: Optional[str]) -> str:
    from api.settings import Settings

    return database_url or Settings().database_url


def _day(text: Optional[str], field: str = "--on") -> date:
    try:
        return date.fromisoformat(text) if text else ledger_today()
    except ValueError:
        console.print(f"[red]{field}: 日期格式应为 YYYY-MM-DD[/red]")
        raise typer.Exit(2) from None


def audited_ledger(url: str, **kwargs):
    """The CLI's Ledger: integrity log in each transaction, publications signed (AuditService), wired
    (the same wiring as the API's, :mod:`api.wiring`)."""
    from api.settings import Settings

    return wiring.audited_ledger(Settings(), url, **kwargs)


def checkpoint_line(cp) -> str:
    """How a publication's signed checkpoint is printed (size, root, short form, how to replay it)."""
    import base64

    return (f"签名检查点：树大小 {cp.size}，根 {base64.b64encode(cp.root).decode()}（{cp.root.hex()[:12]}），"
            f"台账位置 {cp.position}；核验：taizhang audit replay --checkpoint {cp.size}")


def stamp_of(on: Optional[str], role: str = "housing_bureau"):
    from domain.base import Stamp
    from domain.values import Actor

    return Stamp(_day(on), Actor(user=getpass.getuser() or "cli", role=role, org="district"))


def _run(database_url: Optional[str], command, on: Optional[str], role: str = "housing_bureau"):
    from domain.errors import DomainError

    ledger = audited_ledger(_url(database_url))
    try:
        result = command(ledger, stamp_of(on, role))
    except DomainError as error:
        console.print(f"[red]{error.field}: {error.message}[/red]")
        raise typer.Exit(2) from None
    versions = ", ".join(str(v) for v in result.versions.values())
    console.print(f"[green]已记录[/green] {result.command}：台账位置 {', '.join(map(str, result.positions)) or '—'}，"
                  f"{'版本' if result.command.startswith('publish_') else '周期版本'} {versions}"
                  + ("（即复核申请编号）" if result.command == "file_objection" else ""))
    signed = getattr(ledger.checkpoints, "last_signed", None)
    if signed is not None and not result.replayed:
        console.print(checkpoint_line(signed))
    return ledger, result


def _read(database_url: Optional[str]):
    from projections.db import engine_for
    from projections.service import catch_up

    url = _url(database_url)
    catch_up(url, NAMES)
    return engine_for(url)


@cycle_app.command("adopt")
def adopt(code: str, pack: str = typer.Option("jinnan_default", help="domain/packs/schemes 中的方案包"),
          database_url: Optional[str] = DB, on: Optional[str] = ON) -> None:
    """按方案包建立评星周期（部门、权重、方法、最少部门数、护栏）。"""
    from domain.errors import DomainError
    from domain.scheme_pack import load_pack, scheme_kwargs

    try:
        kwargs = scheme_kwargs(load_pack(pack))
    except DomainError as error:
        console.print(f"[red]{error.field}: {error.message}[/red]")
        raise typer.Exit(2) from None
    _run(database_url, lambda ledger, stamp: ledger.adopt_scheme(code=code, stamp=stamp, **kwargs), on)


@cycle_app.command("open")
def open_(code: str, start: str = typer.Option(..., "--from"), end: str = typer.Option(..., "--to"),
          database_url: Optional[str] = DB, on: Optional[str] = ON) -> None:
    """开始评星（评定期间）。"""
    period = (_day(start, "--from"), _day(end, "--to"))
    _run(database_url, lambda ledger, stamp: ledger.cycle_command(
        "open", code, period_start=period[0], period_end=period[1], stamp=stamp), on)


@cycle_app.command("close")
def close(code: str, database_url: Optional[str] = DB, on: Optional[str] = ON) -> None:
    """截止评分：此后的评分一律拒收。"""
    _run(database_url, lambda ledger, stamp: ledger.cycle_command("close", code, stamp=stamp), on)


@cycle_app.command("compute")
def compute(code: str, database_url: Optional[str] = DB, on: Optional[str] = ON) -> None:
    """按方案计算结果（记录结果摘要和所依据的台账位置）。"""
    _run(database_url, lambda ledger, stamp: ledger.compute_result(code, stamp=stamp), on)


@cycle_app.command("publish")
def publish(code: str, database_url: Optional[str] = DB, on: Optional[str] = ON) -> None:
    """发布已计算的结果（固定其摘要）。"""
    _run(database_url, lambda ledger, stamp: ledger.cycle_command("publish", code, stamp=stamp), on)


@cycle_app.command("objection")
def objection(code: str, uscc: str, reason: str = typer.Option(..., "--reason"),
              database_url: Optional[str] = DB, on: Optional[str] = ON) -> None:
    """企业提出复核申请（发布后 10 个工作日内）。"""
    _run(database_url, lambda ledger, stamp: ledger.cycle_command(
        "file_objection", code, provider_uscc=uscc, reason=reason, stamp=stamp), on)


@cycle_app.command("decide")
def decide(code: str, objection_version: int, upheld: bool = typer.Option(..., "--upheld/--rejected"),
           reason: str = typer.Option(..., "--reason"), department: Optional[str] = None,
           score: Optional[float] = None, stars: Optional[int] = None,
           database_url: Optional[str] = DB, on: Optional[str] = ON) -> None:
    """复核决定：维持，或改正某部门评分 / 直接改定星级。"""
    _run(database_url, lambda ledger, stamp: ledger.cycle_command(
        "decide_objection", code, objection_version=objection_version, upheld=upheld, reason=reason,
        department=department, score=score, stars=stars, stamp=stamp), on)


@cycle_app.command("republish")
def republish(code: str, database_url: Optional[str] = DB, on: Optional[str] = ON) -> None:
    """复核改变结果后重新发布（首次发布保留在历史中）。"""
    _run(database_url, lambda ledger, stamp: ledger.republish(code, stamp=stamp), on)


@cycle_app.command("list")
def list_(database_url: Optional[str] = DB) -> None:
    """列出评星周期。"""
    from api.ratings_tables import cycles_table

    engine = _read(database_url)
    with engine.connect() as conn:
        console.print(cycles_table(conn))


@cycle_app.command("show")
def show(code: str, database_url: Optional[str] = DB) -> None:
    """某周期的星级分布、分数线与复核申请。"""
    from api.ratings_tables import objections_table, stars_table

    engine = _read(database_url)
    with engine.connect() as conn:
        console.print(stars_table(conn, code))
        console.print(objections_table(conn, code))


@explain_app.command("provider")
def explain_provider(uscc: str, cycle: Optional[str] = typer.Option(None, "--cycle"),
                     database_url: Optional[str] = DB, on: Optional[str] = ON) -> None:
    """一家企业的星级（各部门得分、实际权重、综合分、方法与分数线、依据事件）、信用分逐项及黑名单。"""
    from api.ratings_tables import explanation_tables
    from projections.explain import explain_provider as explain

    engine = _read(database_url)
    with engine.connect() as conn:
        for table in explanation_tables(explain(conn, uscc.strip().upper(), cycle, _day(on).isoformat())):
            console.print(table)


blacklist_app = typer.Typer(help="黑名单：查询（taizhang blacklist --on 日期）与发布 (blacklist)")


@blacklist_app.callback(invoke_without_command=True)
def blacklist(ctx: typer.Context, database_url: Optional[str] = DB, on: Optional[str] = ON) -> None:
    """某日的黑名单：企业、原因、起止、依据事件。"""
    from api.ratings_tables import blacklist_table

    if ctx.invoked_subcommand is not None:
        return
    engine = _read(database_url)
    with engine.connect() as conn:
        console.print(blacklist_table(conn, _day(on).isoformat()))


@blacklist_app.command("publish")
def publish_blacklist(database_url: Optional[str] = DB,
                      on: Optional[str] = typer.Option(None, "--on", help="黑名单日期（亦为发布日），默认今天")) -> None:
    """发布某日的黑名单：按当前台账计算，签署检查点，发布事件记录摘要与检查点。"""
    from rich.table import Table

    from projections.blacklist import REASONS_ZH

    day = _day(on)
    ledger, _ = _run(database_url, lambda ledger, stamp: ledger.publish_blacklist(as_of=day, stamp=stamp), on)
    pub = ledger.publication("blacklist", day.isoformat())
    table = Table(title=f"已发布黑名单（{day.isoformat()}，第 {pub.latest['number']} 次）")
    for col in ("统一社会信用代码", "列入原因", "起始", "截止(不含)", "说明"):
        table.add_column(col)
    for uscc, reason, since, until, detail, _events in pub.rows:
        table.add_row(uscc, REASONS_ZH.get(reason, reason), since, until or "长期", detail)
    if not pub.rows:
        table.add_row("—", "（无）", "", "", "")
    console.print(table)
    console.print(f"摘要 (SHA-256) {pub.latest['digest']}，据台账位置 {pub.latest['position']} 计算")


def demo_report(run) -> None:
    """After `taizhang demo`: compute and publish the demo cycle, then stars, blacklist, one explanation."""
    from api.ratings_tables import blacklist_table, explanation_tables, stars_table
    from domain.base import Stamp
    from domain.values import Actor
    from projections.db import engine_for
    from projections.explain import explain_provider as explain
    from projections.service import catch_up

    ledger, code = wire(run.ledger), run.summary.cycle_code
    bureau = Actor(user="demo-bureau", role="housing_bureau", org="jinnan")
    closed = run.summary.period_end
    ledger.compute_result(code, stamp=Stamp(closed + timedelta(days=5), bureau))
    ledger.cycle_command("publish", code, stamp=Stamp(closed + timedelta(days=8), bureau))
    catch_up(run.database_url, NAMES)
    engine = engine_for(run.database_url)
    try:
        with engine.connect() as conn:
            run.console.print(stars_table(conn, code))
            day = (closed + timedelta(days=8)).isoformat()
            run.console.print(blacklist_table(conn, day))
            from sqlalchemy import text

            uscc = conn.execute(text("SELECT uscc FROM rating_results WHERE cycle_code = :c AND stars > 0 "
                                     "ORDER BY stars DESC, composite DESC, uscc LIMIT 1"), {"c": code}).scalar()
            if uscc:
                for table in explanation_tables(explain(conn, uscc, code, day)):
                    run.console.print(table)
    finally:
        engine.dispose()


def register(app: typer.Typer) -> None:
    app.add_typer(cycle_app, name="cycle")
    app.add_typer(explain_app, name="explain")
    app.add_typer(blacklist_app, name="blacklist")
    try:
        from api.cli_demo import add_after_demo_report
    except ImportError:  # the demo module is optional
        return
    add_after_demo_report(demo_report)

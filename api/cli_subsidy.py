"""`taizhang subsidy`: policy packs, eligibility, payments, what-if and export.

    taizhang subsidy adopt jinnan                       # adopt a shipped pack (an event in the ledger)
    taizhang subsidy summary --period 2025-Q4           # totals by street
    taizhang subsidy list --period 2025-Q4              # one row per community, with the reason for a zero
    taizhang subsidy explain C-001 --period 2025-Q4     # every input and condition
    taizhang subsidy export --period 2025-Q4 --out 补贴.xlsx   (or .csv)
    taizhang subsidy whatif --pack draft.json --from 2025-01-01 --to 2025-12-31
    taizhang subsidy publish --period 2025-Q4            # a signed publication, and its workbook
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

console = Console()
DB = typer.Option(None, "--database-url", envvar="TAIZHANG_DATABASE_URL")
PACK_ID = typer.Option(None, "--pack-id", help="adopted pack to report on (default: settings, or the only one)")


def _settings():
    from api.settings import Settings

    return Settings()


def _url(database_url: Optional[str]) -> str:
    return database_url or _settings().database_url


def _fail(message: str) -> None:
    console.print(f"[red]{message}[/red]")
    raise typer.Exit(2)


def _period(text: str):
    from projections.subsidy_periods import require_period

    try:
        return require_period(text)
    except ValueError as error:
        _fail(str(error))


def _day(text: str, field: str) -> date:
    from projections.subsidy_periods import require_period

    try:
        return date.fromisoformat(text) if len(text) == 10 else require_period(text).start
    except ValueError:
        _fail(f"{field}: must be a date YYYY-MM-DD or a period YYYY, YYYY-Qn, YYYY-MM")


def _query(database_url: Optional[str], pack_id: Optional[str]):
    from projections.subsidy_query import NoPackError, SubsidyQuery

    settings = _settings()
    try:
        return SubsidyQuery.open(database_url or settings.database_url, pack_id, settings.pack_id)
    except NoPackError as error:
        _fail(str(error))


def last_complete_quarter(horizon: date):
    from projections.subsidy_periods import period_of

    quarter = period_of(horizon, "quarter")
    return quarter if horizon == quarter.end else period_of(quarter.start - timedelta(days=1), "quarter")


def street_table(query, period) -> Table:
    rows = query.streets(period)
    table = Table(title=f"补贴汇总（按街道） {period.label} · {query.pack_id}")
    for col in ("街道", "小区数", "有补贴", "面积(m²)", "应发(元)", "已发(元)", "未发(元)", "多发(元)"):
        table.add_column(col, justify="left" if col == "街道" else "right")
    total = [0, 0, Decimal(0), Decimal(0), Decimal(0), Decimal(0), Decimal(0)]
    for t in rows:
        values = [t.communities, t.eligible, t.area, t.due, t.paid, t.outstanding, t.overpaid]
        total = [a + b for a, b in zip(total, values)]
        table.add_row(t.street, *[f"{v:,.2f}" if isinstance(v, Decimal) else str(v) for v in values])
    table.add_row("合计", *[f"{v:,.2f}" if isinstance(v, Decimal) else str(v) for v in total], style="bold")
    return table


def demo_section(database_url: str, out: Console | None = None, pack_id: str | None = None) -> None:
    """The demo's subsidy section: the last complete quarter's summary by street."""
    from projections.subsidy_periods import period_of
    from projections.subsidy_query import SubsidyQuery

    out = out or console
    query = SubsidyQuery.open(database_url, pack_id, _settings().pack_id)
    horizon = query.horizon()
    if horizon is None:
        return
    quarter = last_complete_quarter(horizon)
    out.print(street_table(query, quarter))
    before = period_of(quarter.start - timedelta(days=1), "quarter")
    lines = query.lines(before)
    due, paid = sum((l.due for l in lines), Decimal(0)), sum((l.paid for l in lines), Decimal(0))
    out.print(f"上一季度 {before.label}：应发 {due:,.2f} 元，已发 {paid:,.2f} 元。"
              f"补贴按季度考核结果核发，次季度拨付；明细：taizhang subsidy list --period {quarter.label}")


def publish_list(url: str, period, out: Optional[str], on: Optional[str], pack_id: Optional[str]) -> None:
    """Publish through the audited ledger, then write the workbook from the published rows themselves."""
    from api.cli_cycle import audited_ledger, checkpoint_line, stamp_of
    from domain.errors import DomainError
    from domain.publication import subsidy_key
    from projections.publication_calc import row_line
    from projections.subsidy_export import export

    ledger = audited_ledger(url)
    pack = pack_id or ledger.pack_id
    try:
        ledger.publish_subsidy_list(period=period.label, pack_id=pack, stamp=stamp_of(on, "civil_affairs"))
    except DomainError as error:
        _fail(f"{error.field}: {error.message}")
    pub = ledger.publication("subsidy_list", subsidy_key(pack, period.label))
    latest, signed = pub.latest, getattr(ledger.checkpoints, "last_signed", None)
    about = {"政策包": f"{pack} {pub.pack_version}", "发布": f"第 {latest['number']} 次，{latest['on'].isoformat()}",
             "计算依据": f"台账位置 {latest['position']} 及之前的全部事件",
             "摘要 (SHA-256)": latest["digest"],
             "签名检查点": f"树大小 {latest['checkpoint_size']}，根 {latest['checkpoint_root']}",
             "核验": f"taizhang audit replay --checkpoint {latest['checkpoint_size']}"}
    try:
        path = export([row_line(r) for r in pub.rows], out or f"补贴清单-{pack}-{period.label}.xlsx",
                      period=period, about=about)
    except ValueError as error:
        _fail(str(error))
    console.print(f"[green]✓ 已发布 {period.label} 补贴清单（{pack} {pub.pack_version}，第 {latest['number']} 次）："
                  f"{len(pub.rows)} 个小区 → {path}[/green]")
    console.print(f"摘要 (SHA-256) {latest['digest']}")
    if signed is not None:
        console.print(checkpoint_line(signed))


def _after_demo(run) -> None:
    """`taizhang demo` hook (api.cli_demo.add_after_demo_report)."""
    from domain.store import parse_database_url

    if parse_database_url(run.database_url).kind in ("sqlite", "postgresql"):
        demo_section(run.database_url, run.console, run.ledger.pack_id)


def register(app: typer.Typer) -> None:
    try:
        from api.cli_demo import add_after_demo_report
    except ImportError:  # the demo is optional
        pass
    else:
        add_after_demo_report(_after_demo)
    sub = typer.Typer(help="补贴 Subsidies: packs, eligibility, payments, what-if, export", no_args_is_help=True)
    app.add_typer(sub, name="subsidy")

    @sub.command("packs")
    def packs() -> None:
        """列出随附的政策包 List the shipped policy packs (validated)."""
        from domain.packs import available_packs, load_pack

        table = Table(title="政策包 policy packs")
        for col in ("id", "version", "effective", "period", "title", "sha256"):
            table.add_column(col)
        for name in available_packs():
            p = load_pack(name)
            table.add_row(p.pack_id, p.version, p.effective_from.isoformat(),
                          p.content["subsidy"].get("period", "—"), p.content["title"], p.sha256[:12])
        console.print(table)

    @sub.command("validate")
    def validate(file: str = typer.Argument(..., help="pack JSON file")) -> None:
        """校验政策包 Validate a pack file; names the first bad key."""
        from domain.errors import DomainError
        from domain.packs import load_pack

        try:
            pack = load_pack(file)
        except DomainError as error:
            _fail(f"✗ {error}")
        console.print(f"[green]✓ {pack.pack_id} {pack.version} ({pack.effective_from}) sha256 {pack.sha256}[/green]")

    @sub.command("adopt")
    def adopt(pack: str = typer.Argument(..., help="shipped pack id or a JSON file"),
              effective_from: Optional[str] = typer.Option(None, "--effective-from", help="YYYY-MM-DD"),
              user: str = typer.Option("cli", "--user"), database_url: Optional[str] = DB) -> None:
        """采用政策包 Adopt a pack into the ledger (an event: replay uses exactly this content)."""
        from domain.base import Stamp
        from domain.errors import DomainError
        from domain.ledger import Ledger
        from domain.packs import adopt_pack, load_pack
        from domain.values import Actor

        try:
            p = load_pack(pack)
            day = _day(effective_from, "effective_from") if effective_from else p.effective_from
            ledger = Ledger(_url(database_url), pack_id=p.pack_id)
            result = adopt_pack(ledger, p, effective_from=day,
                                stamp=Stamp(occurred_on=day, actor=Actor(user=user, role="housing_bureau")))
        except DomainError as error:
            _fail(f"✗ {error}")
        console.print(f"[green]✓ adopted {p.pack_id} {p.version} from {day} at position {result.positions}[/green]")

    @sub.command("summary")
    def summary(period: str = typer.Option(..., "--period", help="YYYY-Qn, YYYY-MM or YYYY"),
                pack_id: Optional[str] = PACK_ID, database_url: Optional[str] = DB) -> None:
        """按街道汇总 Totals by street: due, paid, outstanding."""
        console.print(street_table(_query(database_url, pack_id), _period(period)))

    @sub.command("list")
    def list_(period: str = typer.Option(..., "--period"), pack_id: Optional[str] = PACK_ID,
              database_url: Optional[str] = DB) -> None:
        """逐小区清单 One row per community, with the reason for every zero."""
        query, p = _query(database_url, pack_id), _period(period)
        table = Table(title=f"补贴清单 {p.label}")
        for col in ("街道", "小区", "模式", "面积", "标准", "月数", "等级", "应发", "已发", "未发", "原因"):
            table.add_column(col)
        for l in query.lines(p):
            table.add_row(l.street, l.community_name, l.mode_zh, f"{l.area:,.2f}", str(l.rate), str(l.months),
                          l.grade_zh, f"{l.due:,.2f}", f"{l.paid:,.2f}", f"{l.outstanding:,.2f}", l.reason)
        console.print(table)

    @sub.command("explain")
    def explain(community: str = typer.Argument(...), period: str = typer.Option(..., "--period"),
                pack_id: Optional[str] = PACK_ID, database_url: Optional[str] = DB) -> None:
        """说明一个小区的应发金额 Every input, condition and reason of a community's dues."""
        query, p = _query(database_url, pack_id), _period(period)
        rows = query.dues_in(p, community)
        if not rows:
            _fail(f"community: nothing due to {community} in {p.label}")
        for r in sorted(rows, key=lambda r: (r["period_start"], r["stream"])):
            console.print(f"[bold]{r['community_name']} {r['period']} {r['stream']}[/bold]  应发 {r['amount']} 元 "
                          f"(exact {r['exact']}) · pack {r['pack_id']} {r['pack_version']} adopted at #{r['adopted_at']}")
            console.print(f"  面积 {r['area']} m² · 分段 {r['segments']} · 等级 {r['grade']} 比例 {r['band']} · 系数 {r['factor']}")
            console.print(f"  支付层级 {json.dumps(r['parts'], ensure_ascii=False)}")
            for key, zh, passed, detail in json.loads(r["checks"]):
                console.print(f"  {'✓' if passed else '✗'} {zh} ({key}): {detail}")
            for key, zh in json.loads(r["reasons"]):
                console.print(f"  [yellow]原因 {zh} ({key})[/yellow]")

    @sub.command("reconcile")
    def reconcile_(period: str = typer.Option(..., "--period"), pack_id: Optional[str] = PACK_ID,
                   database_url: Optional[str] = DB) -> None:
        """应发与已发核对 Due vs paid per community, period and payer."""
        query, p = _query(database_url, pack_id), _period(period)
        table = Table(title=f"核对 {p.label}")
        for col in ("小区", "期间", "支付层级", "应发", "已发", "未发", "多发"):
            table.add_column(col)
        for r in query.reconcile(p):
            table.add_row(r.community_code, r.period, r.payer, f"{r.due:,.2f}", f"{r.paid:,.2f}",
                          f"{r.outstanding:,.2f}", f"{r.overpaid:,.2f}")
        console.print(table)

    @sub.command("export")
    def export_(period: str = typer.Option(..., "--period"), out: str = typer.Option(..., "--out"),
                pack_id: Optional[str] = PACK_ID, database_url: Optional[str] = DB) -> None:
        """导出补贴清单 Write the period's list as .xlsx or .csv."""
        from projections.subsidy_export import export

        query, p = _query(database_url, pack_id), _period(period)
        lines = query.lines(p)
        content = query.pack_content(p.start)
        about = {"政策包": f"{query.pack_id} {content.get('version', '')}", "依据": content.get("seed", ""),
                 "业务日期截至": str(query.horizon()), "账本位置": str(query.position())}
        try:
            path = export(lines, out, period=p, about=about)
        except ValueError as error:
            _fail(str(error))
        console.print(f"[green]✓ {len(lines)} 个小区 → {path}[/green]")

    @sub.command("publish")
    def publish(period: str = typer.Option(..., "--period", help="a complete period: YYYY-Qn, YYYY-MM, YYYY"),
                out: Optional[str] = typer.Option(None, "--out",
                                                  help=".xlsx or .csv (default 补贴清单-<pack>-<period>.xlsx)"),
                on: Optional[str] = typer.Option(None, "--on", help="发布日 YYYY-MM-DD（默认今天）"),
                pack_id: Optional[str] = PACK_ID, database_url: Optional[str] = DB) -> None:
        """发布补贴清单 Publish a period's list (signed checkpoint, digest in the ledger) and export it."""
        publish_list(_url(database_url), _period(period), out, on, pack_id)

    @sub.command("whatif")
    def whatif_(pack: str = typer.Option(..., "--pack", help="pack id or JSON file"),
                first: str = typer.Option(..., "--from"), last: str = typer.Option(..., "--to"),
                database_url: Optional[str] = DB) -> None:
        """假设测算 Dues under another pack for a date range; writes nothing."""
        from domain.errors import DomainError
        from domain.packs import load_pack
        from projections.subsidy_query import fold_log, whatif

        try:
            p = load_pack(pack)
        except DomainError as error:
            _fail(f"✗ {error}")
        lo, hi = _day(first, "from"), _day(last, "to")
        if hi < lo:
            _fail("to: must not be before from")
        result = whatif(fold_log(_url(database_url)), p.content, lo, hi, _settings().pack_id)
        table = Table(title=f"假设测算 {p.pack_id} {p.version}: {lo} – {hi}")
        for col in ("街道", "小区", "现行应发", "测算应发", "差额"):
            table.add_column(col, justify="left" if col in ("街道", "小区") else "right")
        totals = [Decimal(0)] * 3
        for t in result.totals():
            values = [t["current"], t["proposed"], t["difference"]]
            totals = [a + b for a, b in zip(totals, values)]
            table.add_row(t["street"], t["name"], *[f"{v:,.2f}" for v in values])
        table.add_row("合计", "", *[f"{v:,.2f}" for v in totals], style="bold")
        console.print(table)
        console.print("未写入账本 (nothing was written)")

    @sub.command("relief")
    def relief(pack_id: Optional[str] = PACK_ID, database_url: Optional[str] = DB) -> None:
        """低保、特困物业费减免 Fee relief applications and decisions."""
        table = Table(title="物业费减免申请")
        for col in ("小区", "住户", "类别", "月数", "申请日", "状态", "决定日", "理由"):
            table.add_column(col)
        from projections.audit.service import AuditService

        vault = AuditService.from_settings(_settings().model_copy(
            update={"database_url": _url(database_url)})).vault  # households are sealed personal data
        for r in _query(database_url, pack_id).fee_relief():
            table.add_row(r["community_code"], vault.display(r["household"]), r["kind"], str(r["months"]), r["applied_on"],
                          r["status"], r["decided_on"] or "", r["reason"] or "")
        console.print(table)

    @sub.command("funds")
    def funds(pack_id: Optional[str] = PACK_ID, database_url: Optional[str] = DB) -> None:
        """专项维修资金 Maintenance funds to establish or top up (balance below the pack's share)."""
        table = Table(title="专项维修资金")
        for col in ("街道", "小区", "状态", "余额/首期", "阈值"):
            table.add_column(col)
        names = {"establish": "[red]需补建[/red]", "top_up": "[yellow]需续筹[/yellow]", "ok": "正常"}
        for r in _query(database_url, pack_id).fund_flags():
            ratio = "—" if r["ratio"] is None else f"{float(r['ratio']):.1%}"
            table.add_row(r["street"], r["name"], names[r["flag"]], ratio, f"{r['threshold']:.0%}")
        console.print(table)

    @sub.command("fees")
    def fees(period: str = typer.Option(..., "--period"), pack_id: Optional[str] = PACK_ID,
             database_url: Optional[str] = DB) -> None:
        """物业费收缴率 Fee collection rate per community in a period."""
        query, p = _query(database_url, pack_id), _period(period)
        table = Table(title=f"物业费收缴率 {p.label}")
        for col in ("小区", "户数收缴率", "金额收缴率", "应收", "实收"):
            table.add_column(col)
        for code, r in query.fee_rates(p).items():
            table.add_row(code, "—" if r["household_rate"] is None else f"{float(r['household_rate']):.1%}",
                          "—" if r["amount_rate"] is None else f"{float(r['amount_rate']):.1%}",
                          f"{r['amount_billed']:,.2f}", f"{r['amount_collected']:,.2f}")
        console.print(table)

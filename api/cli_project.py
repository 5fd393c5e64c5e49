"""`taizhang project`: catch up, rebuild, follow, build as of a past point, digests, completeness."""

from __future__ import annotations

import json
import signal
import threading
import time
from datetime import date
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

console = Console()


class _Bar:
    """A Rich progress bar fed by the runner's (position, target, events) callback: events/s and ETA."""

    def __init__(self, label: str) -> None:
        self.progress = Progress(TextColumn(label), BarColumn(), TextColumn("{task.completed:,}/{task.total:,}"),
                                 TextColumn("{task.fields[rate]:>10} 事件/秒"), TimeElapsedColumn(),
                                 TimeRemainingColumn(), console=console, transient=False)
        self.task = None
        self.events = 0
        self.started = time.perf_counter()

    def __enter__(self) -> _Bar:
        self.progress.start()
        return self

    def __call__(self, position: int, target: int, events: int) -> None:
        if self.task is None:  # the target is known with the first batch, which is done by now
            self.task = self.progress.add_task("", total=target, rate="")
        self.events += events
        # From the start, not from the task's creation: the first batch's time counts too.
        elapsed = max(time.perf_counter() - self.started, 1e-9)
        self.progress.update(self.task, completed=position, total=target, rate=f"{self.events / elapsed:,.0f}")

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()


def _print_check(report) -> None:
    table = Table(title="完整性检查 completeness")
    for col in ("projection", "position", "processed", "expected", "ok"):
        table.add_column(col)
    for p in report.projections:
        table.add_row(p.name, str(p.position), str(p.processed), str(p.expected), "✓" if p.ok else "✗ 缺失")
    console.print(table)
    if report.gaps:
        kind = "已回滚的序号 (rolled-back ids)" if report.store == "postgresql" else "缺失的事件 (deleted rows!)"
        console.print(f"gaps: {report.gaps[:10]}{' …' if len(report.gaps) > 10 else ''} — {kind}")
    console.print("[green]完整 complete[/green]" if report.ok else "[red]不完整 INCOMPLETE[/red]")


def register(app: typer.Typer) -> None:
    @app.command("project")
    def project(
        names: Optional[list[str]] = typer.Argument(None, help="read models (default: all registered)"),
        rebuild: bool = typer.Option(False, "--rebuild", help="empty and rebuild from zero, then check"),
        follow: bool = typer.Option(False, "--follow", help="catch up, then follow the log (worker process)"),
        as_of_position: Optional[int] = typer.Option(None, "--as-of-position", help="build the prefix up to N"),
        as_of_date: Optional[str] = typer.Option(None, "--as-of-date", help="recorded by the end of YYYY-MM-DD (Asia/Shanghai)"),
        effective_on: Optional[str] = typer.Option(None, "--effective-on", help="only events occurred on or before YYYY-MM-DD"),
        target: Optional[str] = typer.Option(None, "--target", help="as-of target URL (default: a new file/schema)"),
        digest: bool = typer.Option(False, "--digest", help="print each read model's SHA-256 digest"),
        check: bool = typer.Option(False, "--check", help="completeness check"),
        database_url: Optional[str] = typer.Option(None, "--database-url", envvar="TAIZHANG_DATABASE_URL"),
        as_json: bool = typer.Option(False, "--json", help="machine-readable output"),
        interval: float = typer.Option(0.1, "--interval", help="polling interval in seconds when following"),
    ) -> None:
        """读模型投影 Read models: catch up (default), --rebuild, --follow, --as-of-*, --digest, --check."""
        from api.settings import Settings
        from projections import service
        from projections.runner import Runner

        url = database_url or Settings().database_url
        chosen = list(names) if names else None
        try:
            if as_of_position is not None or as_of_date or effective_on:
                if as_of_date:
                    date.fromisoformat(as_of_date)
                with _Bar("as-of") as bar:
                    result = service.build_as_of(url, target, position=as_of_position, date=as_of_date,
                                                 effective_on=effective_on, names=chosen, progress=bar)
                console.print(f"as-of 读模型已建于 built at: [bold]{result.target_url}[/bold] (position {result.position})")
                _print_check(result.report)
                if digest:
                    _print_digests(service.digests(result.target_url, chosen), as_json)
                raise typer.Exit(0 if result.report.ok else 1)
            if rebuild:
                with _Bar("rebuild") as bar:
                    report = service.rebuild(url, chosen, progress=bar)
                _print_check(report)
                if not report.ok:
                    raise typer.Exit(1)
            elif follow:
                runner = Runner(url, None, chosen, interval=interval)
                stop = threading.Event()
                signal.signal(signal.SIGTERM, lambda *_: stop.set())
                console.print(f"following {url} every {interval}s (Ctrl-C to stop)")
                try:
                    runner.follow(stop)
                except KeyboardInterrupt:
                    pass
                finally:
                    runner.close()
                return
            elif not digest and not check:
                with _Bar("catch-up") as bar:
                    position = service.catch_up(url, chosen, progress=bar)
                console.print(f"read models at position {position}")
            if check:
                report = service.check(url, chosen)
                console.print_json(json.dumps(report.as_dict())) if as_json else _print_check(report)
                if not report.ok:
                    raise typer.Exit(1)
            if digest:
                _print_digests(service.digests(url, chosen), as_json)
        except (ValueError, LookupError) as error:
            console.print(f"[red]错误 error:[/red] {error}")
            raise typer.Exit(2) from None


def _print_digests(found: dict, as_json: bool) -> None:
    if as_json:
        console.print_json(json.dumps(found))
        return
    for name, d in found.items():
        console.print(f"{name:<14} {d['digest']}  position {d['position']}  "
                      + " ".join(f"{t}={x['rows']}" for t, x in d["tables"].items()))

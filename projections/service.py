"""The Python API of the projections: run, rebuild, check, digest, and build as of a past point.

    from projections.service import rebuild, build_as_of, digests, check
    rebuild("sqlite:///taizhang.db")                       # all read models, from zero
    result = build_as_of("sqlite:///taizhang.db", position=1200)
    digests(result.target_url)                             # compare with another build

As-of by date: the log is cut before the first event *recorded* at or after
the start of the next day in China Standard Time (Asia/Shanghai, UTC+8, the
ledger's legal time zone): the longest prefix recorded by the end of that day.
"Effective on" keeps only events whose business date (``occurred_on``) is on or
before the date, within whatever prefix was chosen.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date as Date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Sequence

from sqlalchemy import inspect

from domain.store import parse_database_url
from projections.base import Projection
from projections.check import CheckReport, check_completeness
from projections.db import engine_for
from projections.digest import projection_digest
from projections.registry import resolve
from projections.runner import Progress, Runner
from projections.source import EventSource
from projections.tracking import projection_build, read_build_info, read_tracking

LEDGER_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")  # no DST since 1991


class AsOfError(ValueError):
    """Bad as-of arguments (names the field, like a domain ValidationError)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def _classes(names: Sequence[str] | None) -> list[type[Projection]]:
    return resolve(list(names) if names else None)


def catch_up(database_url: str, names: Sequence[str] | None = None, progress: Progress | None = None,
             target_url: str | None = None) -> int:
    """Bring the read models up to the log's horizon once; returns the position reached."""
    with Runner(database_url, target_url, names) as runner:
        return runner.catch_up(progress)


def rebuild(database_url: str, names: Sequence[str] | None = None, progress: Progress | None = None,
            target_url: str | None = None, batch_size: int = 20000) -> CheckReport:
    """Empty and rebuild read models from zero, then run the completeness check (returned)."""
    with Runner(database_url, target_url, names, batch_size=batch_size) as runner:
        runner.reset()
        runner.catch_up(progress)
        return check(database_url, names, target_url=target_url)


def check(database_url: str, names: Sequence[str] | None = None, target_url: str | None = None) -> CheckReport:
    classes = _classes(names)
    engine = engine_for(target_url or database_url)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("projection_tracking"):
                tracked, info = {}, {}
            else:
                tracked, info = read_tracking(conn), read_build_info(conn)
    finally:
        engine.dispose()
    source = EventSource(database_url)
    try:
        return check_completeness(source, tracked, classes, info.get("effective_on") or None)
    finally:
        source.close()


def digests(database_url: str, names: Sequence[str] | None = None) -> dict[str, dict]:
    """``{projection name: {"digest": hex, "position": n, "tables": {...}}}`` of a read-model database."""
    engine = engine_for(database_url)
    try:
        with engine.connect() as conn:
            tracked = read_tracking(conn) if inspect(conn).has_table("projection_tracking") else {}
            out = {}
            for cls in _classes(names):
                if cls.name not in tracked:
                    continue
                out[cls.name] = {**projection_digest(conn, cls), "position": tracked[cls.name].position}
            return out
    finally:
        engine.dispose()


@dataclass
class AsOf:
    target_url: str
    position: int
    date: str | None = None
    effective_on: str | None = None
    report: CheckReport | None = None
    names: list[str] = field(default_factory=list)


def cutoff_of(day: Date) -> datetime:
    """Start of the next day in the ledger's time zone (an aware datetime)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=LEDGER_TZ)


def _new_target(source_url: str, label: str) -> str:
    config = parse_database_url(source_url)
    suffix = uuid.uuid4().hex[:8]
    if config.kind == "sqlite":
        path = Path(config.sqlite_path)
        folder = path.parent / "asof"
        folder.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{folder / f'{path.stem}-{label}-{suffix}.db'}"
    base = source_url.split("?", 1)[0]
    return f"{base}?schema=asof_{label.replace('-', '_')}_{suffix}"


def _check_target_is_new(source_url: str, target_url: str) -> None:
    if parse_database_url(target_url) == parse_database_url(source_url):
        raise AsOfError("target_url", "an as-of build never writes into the live database")
    config = parse_database_url(target_url)
    if config.kind == "sqlite" and Path(config.sqlite_path).exists():
        raise AsOfError("target_url", f"{config.sqlite_path} exists; an as-of build needs a new file")
    if config.kind == "postgresql":
        if not config.schema:
            raise AsOfError("target_url", "give a new schema (?schema=…) for the as-of build")
        engine = engine_for(target_url)
        try:
            with engine.connect() as conn:
                if inspect(conn).has_schema(config.schema):
                    raise AsOfError("target_url", f"schema {config.schema} exists; an as-of build needs a new one")
        finally:
            engine.dispose()


def build_as_of(source_url: str, target_url: str | None = None, position: int | None = None,
                date: Date | str | None = None, effective_on: Date | str | None = None,
                names: Sequence[str] | None = None, progress: Progress | None = None) -> AsOf:
    """Build read models of a prefix of the log into a new, disposable database (SQLite file or
    PostgreSQL schema), never touching the live ones. ``position``: events recorded up to N;
    ``date``: recorded by the end of that day (Asia/Shanghai); both: the shorter prefix;
    ``effective_on``: only events whose business date is on or before it."""
    day = Date.fromisoformat(date) if isinstance(date, str) else date
    eff = effective_on.isoformat() if isinstance(effective_on, Date) else effective_on
    if eff is not None:
        Date.fromisoformat(eff)
    if position is not None and (isinstance(position, bool) or not isinstance(position, int) or position < 0):
        raise AsOfError("position", "must be a whole number ≥ 0")
    source = EventSource(source_url)
    try:
        upto = source.horizon()
        if position is not None:
            upto = min(upto, position)
        if day is not None:
            upto = min(upto, source.position_at(cutoff_of(day)))
    finally:
        source.close()
    label = "-".join(x for x in (f"pos{upto}", day and f"date{day.isoformat()}", eff and f"eff{eff}") if x)
    target_url = target_url or _new_target(source_url, label)
    _check_target_is_new(source_url, target_url)
    with Runner(source_url, target_url, names, upto=upto, effective_on=eff) as runner:
        with runner.engine.begin() as conn:
            conn.execute(projection_build.insert(), [
                {"key": "source", "value": _redacted(source_url)}, {"key": "position", "value": str(upto)},
                {"key": "date", "value": day.isoformat() if day else ""}, {"key": "effective_on", "value": eff or ""},
                {"key": "built_at", "value": datetime.now(timezone.utc).isoformat(timespec="seconds")},
            ])
        runner.catch_up(progress)
        chosen = [c.name for c in runner.classes]
    report = check(source_url, chosen, target_url=target_url)
    return AsOf(target_url=target_url, position=upto, date=day.isoformat() if day else None, effective_on=eff,
                report=report, names=chosen)


def _redacted(url: str) -> str:
    config = parse_database_url(url)
    return url.replace(f":{config.password}@", ":***@") if config.password else url

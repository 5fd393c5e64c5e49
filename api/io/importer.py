"""Importing a sheet: all rows or nothing, every bad row reported.

Every row is parsed, mapped to its Ledger command(s) and run inside one
``ledger.batch()``: aggregates stay in memory, so later rows see earlier ones
(a community registered in row 2 is there for row 3) and the domain checks
every row exactly as it would a single command. Only when no row failed (and
it is not a dry run) is the batch flushed; otherwise the batch is left by an
exception, which discards it (``LedgerCore.batch`` flushes only on a normal
exit), so nothing is written.

Each command's idempotency key is ``import:<sha256 of the file>:<sheet>:<row>``:
importing the same file again replays every row and writes nothing new. Each
event's source is the row's 文书编号 (else the file name) with the file's SHA-256.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Callable

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from api.clock import ledger_today
from domain.base import Stamp, aggregate_id
from domain.community import Community
from domain.errors import DomainError, ValidationError
from domain.ledger import Ledger
from domain.values import Actor, Source

from api.auth.permissions import PERMISSIONS, SCOPED_ROLES, in_scope
from api.auth.users import User
from api.errors import Forbidden
from api.io.cells import CellError, is_blank
from api.io.kinds import KINDS
from api.io.messages import en, zh
from api.io.readers import Table
from api.io.report import ImportReport, RowError, column_letter
from api.io.spec import Column, Kind, Step, header_key

Progress = Callable[[int, int], None]


class _Discard(Exception):
    """Leaves ``ledger.batch()`` without flushing it."""


def kind_of(name: str) -> Kind:
    if name not in KINDS:
        raise ValidationError("kind", "known_kind", f"unknown import kind {name!r}; known: {', '.join(KINDS)}")
    return KINDS[name]


def authorize_kind(role: str, kind: Kind) -> None:
    """The role must be allowed every command a row of this kind may run."""
    for command in kind.commands:
        if role not in PERMISSIONS.get(command, frozenset()):
            roles = ", ".join(sorted(PERMISSIONS.get(command, ())))
            raise Forbidden("role", "role_permission", f"role {role} may not {command}; allowed: {roles}")


def map_headers(table: Table, columns: tuple[Column, ...]) -> tuple[dict[str, int], list[RowError]]:
    """Column field -> index in the file, and the header errors (unknown, repeated, missing)."""
    by_key = {key: col for col in columns for key in col.keys()}
    index: dict[str, int] = {}
    errors = []
    for i, header in enumerate(table.headers):
        if is_blank(header):
            continue
        col = by_key.get(header_key(header))
        cell = f"{column_letter(i)}1"
        if col is None:
            errors.append(RowError(table.sheet, 1, str(header), cell, None, "unknown_column",
                                   f"无法识别的列“{header}”。可用的列：{'、'.join(c.header for c in columns)}。",
                                   message_en=f"Unknown column '{header}'. The columns are: "
                                              f"{', '.join(f'{c.header} ({c.field})' for c in columns)}."))
        elif col.field in index:
            errors.append(RowError(table.sheet, 1, col.header, cell, col.field, "duplicate_column",
                                   f"“{col.header}”列重复出现。",
                                   message_en=f"Column '{col.header}' ({col.field}) appears more than once."))
        else:
            index[col.field] = i
    for col in columns:
        if col.required and col.field not in index:
            errors.append(RowError(table.sheet, 1, col.header, None, col.field, "missing_column",
                                   f"缺少必填列“{col.header}”。",
                                   message_en=f"The required column '{col.header}' ({col.field}) is missing."))
    return index, errors


class Importer:
    def __init__(self, ledger: Ledger, kind: str, actor: Actor, *, on: date | None = None,
                 enforce_scope: bool = True) -> None:
        self.ledger, self.kind, self.actor = ledger, kind_of(kind), actor
        self.on = on or ledger_today()
        self.scoped = enforce_scope and actor.role in SCOPED_ROLES
        self._streets: dict[str, str | None] = {}

    def run(self, table: Table, *, dry_run: bool = False, progress: Progress | None = None) -> ImportReport:
        authorize_kind(self.actor.role, self.kind)
        started = time.perf_counter()
        report = ImportReport(self.kind.name, self.kind.title, table.filename, table.sheet, table.sha256, dry_run,
                              rows=len(table.rows))
        self.columns = self.kind.columns(self.ledger.sheet_in_force(self.on))
        self.index, report.errors = map_headers(table, self.columns)
        if report.errors:
            return report
        before = self.ledger.max_position()
        seen: dict[tuple, int] = {}
        try:
            with self.ledger.batch():
                for n, (number, cells) in enumerate(table.rows, start=1):
                    self._row(table, number, cells, report, seen)
                    if progress is not None and (n % 200 == 0 or n == len(table.rows)):
                        progress(n, len(table.rows))
                if report.errors or dry_run:
                    raise _Discard
        except _Discard:
            pass
        except Exception as error:
            # A large import is saved in several transactions (at most 2,000 events each): a
            # failure after the first leaves the earlier ones written. Say so, and how to finish.
            if not isinstance(error, IntegrityError) and self.ledger.max_position() == before:
                raise
            report.errors.append(RowError(table.sheet, 0, None, None, None, "conflict",
                                          "保存时出错（" + type(error).__name__ + "），部分数据可能已写入；"
                                          "请用同一文件重新导入补全（已写入的行不会重复写入）。",
                                          message_en=f"Saving failed ({type(error).__name__}); some rows may have "
                                                     "been written: import the same file again to complete it "
                                                     "(rows already written are not written twice)."))
        after = self.ledger.max_position()
        if after > before and not dry_run:
            report.written, report.first_position, report.last_position = True, before + 1, after
        report.seconds = round(time.perf_counter() - started, 3)
        return report

    # --- one row ---------------------------------------------------------------------------------
    def _error(self, table: Table, number: int, col: Column | None, error: DomainError) -> RowError:
        i = self.index.get(col.field) if col else None
        return RowError(table.sheet, number, col.header if col else None,
                        f"{column_letter(i)}{number}" if i is not None else None,
                        col.field if col else error.field, error.rule, zh(error), error.message, en(error))

    def _column(self, error_field: str, step: Step | None) -> Column | None:
        name = step.fields.get(error_field, error_field) if step else error_field
        for col in self.columns:
            if name == col.field or name in col.also:
                return col
        return next((c for c in self.columns if name.startswith(c.field + ".")), None)

    def _parse(self, table: Table, number: int, cells: list) -> tuple[dict, list[RowError]]:
        row, errors = {}, []
        for col in self.columns:
            i = self.index.get(col.field)
            raw = cells[i] if i is not None and i < len(cells) else None
            row[col.field] = None
            if is_blank(raw):
                if col.required:
                    errors.append(self._error(table, number, col, CellError(col.field, "required", "is required",
                                                                             "此项必填。")))
                continue
            try:
                row[col.field] = col.parse(raw, col.field)
            except CellError as error:
                errors.append(self._error(table, number, col, error))
        return row, errors

    def _street(self, code: str) -> str | None:
        if code not in self._streets:
            try:  # one read (``in repository`` would reconstruct the aggregate too)
                self._streets[code] = self.ledger.repository.get(aggregate_id(Community.KIND, code)).street
            except AggregateNotFoundError:
                self._streets[code] = None  # the command itself reports the unknown community
        return self._streets[code]

    def _row(self, table: Table, number: int, cells: list, report: ImportReport, seen: dict) -> None:
        kind = self.kind
        row, errors = self._parse(table, number, cells)
        if errors:
            report.errors.extend(errors)
            return
        key = tuple(row[f] for f in kind.unique)
        if key in seen:
            col = self._column(kind.unique[-1], None)
            report.errors.append(RowError(table.sheet, number, col.header if col else None, None, kind.unique[-1],
                                          "duplicate_row", f"与第 {seen[key]} 行重复。",
                                          message_en=f"Repeats row {seen[key]} (the same "
                                                     f"{' and '.join(kind.unique)})."))
            return
        seen[key] = number
        community = kind.community(row)
        if self.scoped and community is not None:
            street = kind.street(row) or self._street(community)
            if street is not None and not in_scope(User(self.actor), street, community):
                report.errors.append(self._error(table, number, self._column(
                    "community_code" if "community_code" in row else "code", None),
                    Forbidden("community_code", "own_street", f"{community} is on street {street}")))
                return
        end = kind.period_end(row)
        on = row["occurred_on"] or (min(end, self.on) if end else self.on)
        # Every imported event names its document and the file it came from (by hash).
        document = row.get("document") or kind.document(row) or f"导入 {table.filename or kind.title}"
        source = Source(document=document[:200], sha256=table.sha256 if len(table.sha256) == 64 else "")
        base = f"import:{table.sha256}:{table.sheet}:{number}"
        step: Step | None = None
        try:
            for step in kind.steps(self.ledger, row, on):
                result = step.call(stamp=Stamp(step.occurred_on, self.actor, source),
                                   idempotency_key=base + step.suffix)
                report.commands += 1
                if result.replayed:
                    report.replayed += 1
                else:
                    report.events += 1
        except DomainError as error:
            report.errors.append(self._error(table, number, self._column(error.field, step), error))


def run_import(ledger: Ledger, kind: str, table: Table, actor: Actor, *, on: date | None = None,
               dry_run: bool = False, enforce_scope: bool = True, progress: Progress | None = None) -> ImportReport:
    """Import ``table`` as ``kind`` acting as ``actor``; see the module docstring."""
    return Importer(ledger, kind, actor, on=on, enforce_scope=enforce_scope).run(table, dry_run=dry_run,
                                                                                   progress=progress)

"""The service layer's machinery: fetch → call → save, atomically, with
optimistic concurrency, idempotency keys and batched bulk writes.

:class:`domain.ledger.Ledger` adds the commands on top of this class.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Iterator, Protocol
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, Transcoder, Transcoding

from domain.base import LedgerAggregate, Stamp, aggregate_id
from domain.errors import ConflictError, NotFoundError, RuleViolation
from domain.idempotency import IdempotencyRecord
from domain.store import parse_database_url
from domain.values import check_text


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


@dataclass
class CommandResult:
    """What a command returns: the positions of its new events in the ledger
    (notification ids), the version of every aggregate it touched, and whether
    it was a replay of an already applied idempotency key."""

    command: str
    positions: list[int] = field(default_factory=list)
    versions: dict[str, int] = field(default_factory=dict)
    replayed: bool = False
    receipt: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"command": self.command, "positions": self.positions, "versions": self.versions,
                "replayed": self.replayed, "receipt": self.receipt}


class SaveListener(Protocol):
    """Called after every successful save with the new notification ids (e.g. the integrity log)."""

    def __call__(self, positions: list[int]) -> dict[str, Any]: ...


class LedgerCore(Application):
    """Event store access shared by all commands."""

    is_snapshotting_enabled = False

    def __init__(self, database_url: str = "sqlite:///taizhang.db", env: dict | None = None) -> None:
        self.config = parse_database_url(database_url)
        settings = {"AGGREGATE_CACHE_MAXSIZE": "1000", **self.config.eventsourcing_env(), **(env or {})}
        super().__init__(env=settings)
        self._batch: dict[UUID, LedgerAggregate] | None = None
        self._batch_size = 0
        self._batch_marks: dict[UUID, int] = {}  # in a batch: each aggregate's version after its last command
        self._batch_links: dict[UUID, UUID] = {}  # in a batch: union-find of aggregates saved by one command
        self.save_listeners: list[SaveListener] = []
        # Run at the start of every save, before anything is written; one that raises aborts the
        # save. For work that must be durable no later than the events (the vault's person keys).
        self.before_save: list[Callable[[], None]] = []

    def register_transcodings(self, transcoder: Transcoder) -> None:  # type: ignore[override]
        super().register_transcodings(transcoder)  # type: ignore[arg-type]
        transcoder.register(DateAsISO())  # type: ignore[attr-defined]

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        for hook in self.before_save:
            hook()
        return super().save(*objs, **kwargs)

    # --- fetching -------------------------------------------------------------
    def _get(self, cls: type, code: str, field: str, expected_version: int | None = None) -> Any:
        agg_id = aggregate_id(cls.KIND, code)
        agg = self._batch.get(agg_id) if self._batch is not None else None
        if agg is None:
            try:
                agg = self.repository.get(agg_id)
            except AggregateNotFoundError:
                raise NotFoundError(field, "exists", f"no {cls.KIND.replace('_', ' ')} with code {code!r}") from None
        if expected_version is not None and agg.version != expected_version:
            raise ConflictError(f"{cls.KIND} {code}", expected_version, agg.version)
        return agg

    def exists(self, cls: type, code: str) -> bool:
        agg_id = aggregate_id(cls.KIND, code)
        return (self._batch is not None and agg_id in self._batch) or agg_id in self.repository

    def _new(self, cls: type, code: str, field: str) -> None:
        if self.exists(cls, code):
            raise RuleViolation(field, "unique", f"a {cls.KIND.replace('_', ' ')} with code {code!r} already exists")

    # --- running a command --------------------------------------------------------
    def _run(self, command: str, work: Callable[[], list[LedgerAggregate]], *,
             idempotency_key: str | None = None, stamp: Stamp | None = None) -> CommandResult:
        if idempotency_key:
            # Check the key before work(): in a batch, work() changes the batched aggregates
            # themselves, so a refusal after it would leave the command's events to be flushed.
            # Normalised here as the record normalises it, so " k" replays the result of "k".
            idempotency_key = check_text(idempotency_key, "idempotency_key", max_len=200)
            previous = self._idempotent_result(idempotency_key)
            if previous is not None:
                if previous.command != command:
                    raise RuleViolation(
                        "idempotency_key", "same_command",
                        f"this key was used for {previous.command}, not {command}; use a new key",
                    )
                return previous
        aggregates = work()
        versions = {str(a.id): a.version for a in aggregates}
        if idempotency_key and stamp is not None:
            # In a batch an aggregate's pending events include earlier commands' ones: keep this command's.
            events = [[str(e.originator_id), e.originator_version] for a in aggregates for e in a.pending_events
                      if e.originator_version > self._batch_marks.get(a.id, 0)]
            record = IdempotencyRecord.record(
                key=idempotency_key, command=command, stamp=stamp,
                result={"command": command, "versions": versions, "events": events},
            )
            aggregates = [*aggregates, record]
        return self._commit(command, aggregates, versions, idempotency_key)

    def _idempotent_result(self, key: str) -> CommandResult | None:
        agg_id = aggregate_id(IdempotencyRecord.KIND, key)
        if self._batch is not None and agg_id in self._batch:
            record = self._batch[agg_id]
        elif agg_id in self.repository:
            record = self.repository.get(agg_id)
        else:
            return None
        positions = self._positions_of([(UUID(i), v) for i, v in record.result["events"]])
        return CommandResult(command=record.command, positions=positions,
                             versions=dict(record.result["versions"]), replayed=True)

    def _positions_of(self, events: list[tuple[UUID, int]]) -> list[int]:
        """Ledger positions (notification ids) of the given (aggregate id, version) pairs.

        One primary-key lookup per event on SQLite and PostgreSQL; the in-memory
        store (tests) has no such index and is scanned.
        """
        if not events:
            return []
        kind = self.config.kind
        if kind in ("sqlite", "postgresql"):
            table = self.recorder.events_table_name  # type: ignore[attr-defined]
            if kind == "sqlite":
                sql = f"SELECT rowid FROM {table} WHERE originator_id = ? AND originator_version = ?"
                params = [(agg_id.hex, version) for agg_id, version in events]
            else:
                schema = self.recorder.datastore.schema  # type: ignore[attr-defined]
                sql = (f'SELECT notification_id FROM "{schema}"."{table}" '
                       "WHERE originator_id = %s AND originator_version = %s")
                params = list(events)
            found = []
            with self.recorder.datastore.transaction(commit=False) as cursor:  # type: ignore[attr-defined]
                for row in params:
                    cursor.execute(sql, row)
                    hit = cursor.fetchone()
                    if hit is not None:
                        found.append(hit[0] if kind == "sqlite" else hit["notification_id"])
            return sorted(found)
        wanted = set(events)
        found = []
        start, last = 1, self.max_position()
        while start <= last and len(found) < len(wanted):
            notifications = self.recorder.select_notifications(start, 10000)
            found += [n.id for n in notifications if (n.originator_id, n.originator_version) in wanted]
            start = notifications[-1].id + 1 if notifications else last + 1
        return sorted(found)

    def _commit(self, command: str, aggregates: list[LedgerAggregate], versions: dict[str, int],
                key: str | None) -> CommandResult:
        if self._batch is not None:
            for agg in aggregates:
                self._batch[agg.id] = agg
                self._batch_size += agg.version - self._batch_marks.get(agg.id, agg.version - len(agg.pending_events))
                self._batch_marks[agg.id] = agg.version
            self._link([agg.id for agg in aggregates])
            return CommandResult(command=command, versions=versions)
        try:
            recordings = self.save(*aggregates)
        except IntegrityError:
            # Someone else wrote first: the same idempotency key, or a stale version.
            if key and (previous := self._idempotent_result(key)) is not None:
                return previous
            raise ConflictError(command, -1, -1) from None
        positions = [r.notification.id for r in recordings
                     if not isinstance(r.domain_event, IdempotencyRecord.Applied)]
        result = CommandResult(command=command, positions=positions, versions=versions)
        for listener in self.save_listeners:
            result.receipt.update(listener(result.positions))
        return result

    @contextmanager
    def batch(self, flush_every: int = 5000) -> Iterator[Callable[[], None]]:
        """Bulk mode: commands accumulate and are saved many aggregates per transaction."""
        self._batch, self._batch_size, self._batch_marks, self._batch_links = {}, 0, {}, {}
        self._flush_every = flush_every
        try:
            yield self.flush
            self.flush()
        finally:
            self._batch, self._batch_marks, self._batch_links = None, {}, {}

    def maybe_flush(self) -> None:
        if self._batch is not None and self._batch_size >= self._flush_every:
            self.flush()

    # PostgreSQL: one save of ~10,000 events (~6 MB) was seen to hang the client
    # (a psycopg pipeline stall), so a flush saves at most this many events per
    # transaction; every command's aggregates stay in one transaction together.
    MAX_EVENTS_PER_SAVE = 2000

    def _root(self, agg_id: UUID) -> UUID:
        links = self._batch_links
        while links.get(agg_id, agg_id) != agg_id:
            links[agg_id] = links.get(links[agg_id], links[agg_id])
            agg_id = links[agg_id]
        return agg_id

    def _link(self, ids: list[UUID]) -> None:
        roots = [self._root(i) for i in ids]
        for root in roots[1:]:
            if root != roots[0]:
                self._batch_links[root] = roots[0]

    def _save_groups(self, aggregates: list[LedgerAggregate]) -> list[list[LedgerAggregate]]:
        """Aggregates grouped so that no command is split, packed up to MAX_EVENTS_PER_SAVE."""
        groups: dict[UUID, list[LedgerAggregate]] = {}
        for agg in aggregates:
            groups.setdefault(self._root(agg.id), []).append(agg)
        chunks: list[list[LedgerAggregate]] = [[]]
        size = 0
        for group in groups.values():
            events = sum(len(a.pending_events) for a in group)
            if chunks[-1] and size + events > self.MAX_EVENTS_PER_SAVE:
                chunks.append([])
                size = 0
            chunks[-1].extend(group)
            size += events
        return chunks

    def flush(self) -> None:
        if self._batch:
            aggregates = [a for a in self._batch.values() if a.pending_events]
            for chunk in self._save_groups(aggregates):
                if chunk:
                    self.save(*chunk)
            # Keep recently touched aggregates hot: the next batch usually needs them.
            self._batch = {a.id: a for a in aggregates} if len(aggregates) < 20000 else {}
            self._batch_size = 0
            self._batch_links = {}

    def max_position(self) -> int:
        return self.recorder.max_notification_id() or 0

"""The runner: catches projections up with the log in large batches, then follows it.

Each batch is read once (plain SQL, topics of the running projections only),
and each row decoded once and handed to every projection that handles its topic
(projections.batch); then all the projections' writes and tracking rows commit
in one transaction.
Following is polling (``interval``, 0.1 s by default) on both stores; the
horizon (projections.source) keeps it exact on PostgreSQL.
"""

from __future__ import annotations

import gc
import logging
import threading
from contextlib import contextmanager
from typing import Callable, Sequence

from sqlalchemy import event, inspect
from sqlalchemy.schema import CreateTable

from domain.store import parse_database_url
from projections.base import Projection
from projections.batch import apply_rows
from projections.db import engine_for
from projections.registry import resolve
from projections.source import EventSource, union_topics
from projections.tracking import Tracked, ensure_tracking, read_tracking, write_tracking

log = logging.getLogger(__name__)

Progress = Callable[[int, int, int], None]  # (position reached, target position, events in the batch)


def _sqlite_bulk_pragmas(dbapi_conn, _record) -> None:
    # Read models are rebuilt from the log, so a power cut may lose the last batches but never
    # corrupts them (WAL + NORMAL stays consistent); a larger page cache keeps B-tree inserts in memory.
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


_gc_lock = threading.Lock()
_gc_holders = 0
_gc_restore = False


@contextmanager
def _cyclic_gc_paused():
    """Pause the cyclic garbage collector while catching up (process-wide, re-entrant across runners).

    Decoding a batch allocates hundreds of thousands of dicts; each allocation burst triggers
    collections that rescan every object the projections hold in memory, which cost more than the
    decoding itself on a full rebuild. Records and read-model rows form no reference cycles, so
    reference counting frees them as before; the collector resumes when the last runner finishes.
    """
    global _gc_holders, _gc_restore
    with _gc_lock:
        if _gc_holders == 0:
            _gc_restore = gc.isenabled()
            gc.disable()
        _gc_holders += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_holders -= 1
            if _gc_holders == 0 and _gc_restore:
                gc.enable()


def _classes(projections: Sequence[str | type[Projection]] | None) -> list[type[Projection]]:
    if not projections:
        return resolve()
    return [p if isinstance(p, type) else resolve([p])[0] for p in projections]


class Runner:
    """Keeps the read models of ``target_url`` (default: the ledger's own database) up to date
    with the event log at ``source_url``.

    ``upto`` caps the position (as-of builds); ``effective_on`` (``YYYY-MM-DD``) keeps only events
    whose business date is on or before it.
    """

    def __init__(self, source_url: str, target_url: str | None = None,
                 projections: Sequence[str | type[Projection]] | None = None, *, batch_size: int = 20000,
                 upto: int | None = None, effective_on: str | None = None, interval: float = 0.1) -> None:
        self.source_url, self.target_url = source_url, target_url or source_url
        self.classes = _classes(projections)
        names = [c.name for c in self.classes]
        if len(set(names)) != len(names):
            raise ValueError("each projection may run once per runner")
        self.batch_size, self.upto, self.effective_on, self.interval = batch_size, upto, effective_on, interval
        self.engine = engine_for(self.target_url)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_bulk_pragmas)
        self.source = EventSource(source_url)
        self.topics = union_topics(c.topics() for c in self.classes)
        self._lock = threading.RLock()
        self._moved = threading.Condition(self._lock)
        self._instances: dict[str, Projection | None] = {}
        self._tracked: dict[str, Tracked] = {}
        self._unindexed: set[str] = set()  # projections whose secondary indexes wait for the catch-up's end
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.last_error: BaseException | None = None
        self.setup()

    # --- set-up and reset -----------------------------------------------------------------------
    def _ensure_schema(self) -> None:
        config = parse_database_url(self.target_url)
        schema = config.schema if config.kind == "postgresql" else None
        if schema:
            with self.engine.begin() as conn:
                conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')

    def setup(self) -> None:
        """Create the tracking table; (re)build from zero any projection whose version changed or
        whose tables are missing."""
        with self._lock:
            self._ensure_schema()
            with self.engine.begin() as conn:
                ensure_tracking(conn)
                tracked = read_tracking(conn)
                inspector = inspect(conn)
                for cls in self.classes:
                    row = tracked.get(cls.name)
                    missing = any(not inspector.has_table(t.name) for t in cls.tables())
                    if row is None or row.version != cls.version or missing:
                        if row is not None:
                            log.info("projection %s: version %s → %s or tables missing: rebuilding",
                                     cls.name, row.version, cls.version)
                        row = self._reset(conn, cls)
                    elif cls.deferred_indexes and self._indexes_missing(inspector, cls):
                        self._unindexed.add(cls.name)  # a rebuild stopped before its end (crash, stop)
                    self._tracked[cls.name] = row
                    self._instances[cls.name] = None

    def _reset(self, conn, cls: type[Projection]) -> Tracked:
        cls.metadata.drop_all(conn, tables=cls.tables(), checkfirst=True)
        if cls.deferred_indexes:
            for table in cls.tables():  # tables only: _build_indexes adds their indexes at the catch-up's end
                conn.execute(CreateTable(table))
            self._unindexed.add(cls.name)
        else:
            cls.metadata.create_all(conn, tables=cls.tables())
        row = Tracked(cls.name, cls.version, 0, 0)
        write_tracking(conn, row)
        return row

    @staticmethod
    def _indexes_missing(inspector, cls: type[Projection]) -> bool:
        for table in cls.tables():
            present = {i["name"] for i in inspector.get_indexes(table.name)}
            if any(index.name not in present for index in table.indexes):
                return True
        return False

    def _build_indexes(self, target: int) -> None:
        """Create the deferred secondary indexes of the projections that have caught up with ``target``."""
        done = [c for c in self.classes if c.name in self._unindexed and self._tracked[c.name].position >= target]
        if not done:
            return
        with self.engine.begin() as conn:
            for cls in done:
                for table in cls.tables():
                    for index in table.indexes:
                        index.create(conn, checkfirst=True)
        self._unindexed.difference_update(c.name for c in done)

    def reset(self, names: Sequence[str] | None = None) -> None:
        """Empty the read models (all, or the named ones) and their tracking: the next catch-up rebuilds them."""
        with self._lock:
            chosen = [c for c in self.classes if not names or c.name in names]
            with self.engine.begin() as conn:
                for cls in chosen:
                    self._tracked[cls.name] = self._reset(conn, cls)
                    self._instances[cls.name] = None

    # --- catching up ------------------------------------------------------------------------------------
    def positions(self) -> dict[str, int]:
        return {name: t.position for name, t in self._tracked.items()}

    def position(self) -> int:
        """The position every projection of this runner has reached."""
        return min((t.position for t in self._tracked.values()), default=0)

    def target(self) -> int:
        horizon = self.source.horizon()
        return horizon if self.upto is None else min(horizon, self.upto)

    def _instance(self, cls: type[Projection]) -> Projection:
        inst = self._instances.get(cls.name)
        if inst is None:
            inst = cls(self.engine.dialect.name, self.source)
            with self.engine.connect() as conn:
                inst.load(conn)
            self._instances[cls.name] = inst
        return inst

    def catch_up(self, progress: Progress | None = None) -> int:
        """Apply every settled event not yet applied; returns the position reached."""
        with self._lock, _cyclic_gc_paused():
            target = self.target()
            while True:
                lo = self.position()
                if lo >= target:
                    break
                rows = self.source.rows(lo, target, self.batch_size, self.topics)
                end = rows[-1][0] if len(rows) == self.batch_size else target
                self._apply(rows, lo, end)
                if progress is not None:
                    progress(end, target, len(rows))
            if self._unindexed:
                self._build_indexes(target)
            return self.position()

    def _apply(self, rows: list, lo: int, end: int) -> None:
        """Apply the batch to every projection behind ``end`` and write their rows and tracking rows
        in one transaction: all of them advance to ``end`` or none does (each resumes from its own
        committed position). One commit per batch, not one per projection."""
        chosen = [c for c in self.classes if self._tracked[c.name].position < end]
        new = {}
        try:
            instances = [self._instance(cls) for cls in chosen]  # loaded from committed state
            with self.engine.begin() as conn:
                work = [(inst, self._tracked[cls.name].position) for cls, inst in zip(chosen, instances)]
                counts = apply_rows(conn, work, rows, lo, self.effective_on)
                for cls, n in zip(chosen, counts):
                    new[cls.name] = Tracked(cls.name, cls.version, end, self._tracked[cls.name].processed + n)
                    write_tracking(conn, new[cls.name])
        except BaseException:
            # The transaction rolled back: forget the instances' in-memory state and reread the tracking.
            with self.engine.connect() as conn:
                committed = read_tracking(conn)
            for cls in chosen:
                self._instances[cls.name] = None
                self._tracked[cls.name] = committed.get(cls.name, self._tracked[cls.name])
            raise
        self._tracked.update(new)
        self._moved.notify_all()

    # --- following --------------------------------------------------------------------------------------
    def follow(self, stop: threading.Event | None = None, on_error: Callable[[BaseException], None] | None = None) -> None:
        """Catch up, then poll every ``interval`` seconds until ``stop`` is set. A failing batch is
        retried (with back-off) from the last committed position."""
        stop = stop or self._stop
        delay = self.interval
        while not stop.is_set():
            try:
                self.catch_up()
                delay = self.interval
            except Exception as error:  # keep following: the batch is retried from committed state
                self.last_error = error
                log.exception("projection batch failed; retrying")
                if on_error is not None:
                    on_error(error)
                delay = min(max(delay * 2, 0.2), 5.0)
            stop.wait(delay)

    def start(self) -> Runner:
        """Follow in a background thread (in-process: demo, tests, the API)."""
        if self._thread is None or not self._thread.is_alive():
            self._stop.clear()
            self._thread = threading.Thread(target=self.follow, name="taizhang-projections", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def wait(self, position: int, timeout: float = 5.0) -> bool:
        """Block until every projection has reached ``position`` (True) or the timeout passed (False)."""
        with self._moved:
            return self._moved.wait_for(lambda: self.position() >= position, timeout=timeout)

    def close(self) -> None:
        self.stop()
        self.source.close()
        self.engine.dispose()

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

"""Benchmark: appending the demo district's events, three ways, on SQLite and PostgreSQL.

- **ledger**: ``domain.demo.generate`` through the ``Ledger`` — every command
  validated, aggregates fetched and mutated, idempotency and pack look-ups — in
  bulk mode (``ledger.batch(flush_every)``). Note that ``decide_entry`` flushes
  the batch first (a decision rests on the stored log), so the ledger makes
  more, smaller transactions than ``flush_every`` alone would.
- **library**: the *same domain events* (read back from the ledger's store and
  decoded before the clock starts) saved by a bare ``eventsourcing``
  ``Application`` in chunks of ``flush_every``: the library's own cost of
  transcoding events to JSON and inserting them (with its notification-id
  bookkeeping), without any command, rule or aggregate.
- **raw**: the *same stored rows* (originator id, version, topic, state bytes)
  inserted with ``executemany`` into an identical table in a scratch database
  (SQLite) or schema (PostgreSQL), one transaction per chunk: the floor.

On PostgreSQL, flush sizes above 5,000 are skipped: the library's recorder
sends each save through a psycopg pipeline, and here a save of 10,000 demo
events (about 6 MB) deadlocks (client waiting to read, server in ClientRead;
cf. psycopg/psycopg#685); ``POSTGRES_ENABLE_DB_FUNCTIONS=y`` (one execute of
a stored function, no pipeline) does not hang.

One run each (the ledger run dominates and is seconds long). Scratch stores:
SQLite files in a temporary directory, a ``bench_append_*`` PostgreSQL schema
created and dropped (URL from ``TAIZHANG_BENCH_POSTGRES_URL``, default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``).

Usage::

    .venv/bin/python benchmarks/append.py [--store sqlite|postgresql|both]
        [--communities 394] [--years 3] [--flush-every 5000[,20000…]]

The last lines printed are one JSON object per store (and per flush size).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eventsourcing.application import Application  # noqa: E402

from domain.application import DateAsISO  # noqa: E402
from domain.demo import DEFAULT_FLUSH_EVERY, generate  # noqa: E402
from domain.ledger import Ledger  # noqa: E402
from domain.store import parse_database_url  # noqa: E402

PG_URL = os.environ.get("TAIZHANG_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PG_PIPELINE_SAFE = 5000  # events per save that the PostgreSQL recorder's pipeline survives here


class Library(Application):
    """A bare application: no aggregates, no rules; it only stores the events it is given."""

    name = "library"  # PostgreSQL table library_events
    is_snapshotting_enabled = False

    def register_transcodings(self, transcoder) -> None:  # type: ignore[override]
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())


def pages(ledger: Ledger, size: int):
    """The ledger's stored events in pages of ``size`` (read outside any timing)."""
    start, last = 1, ledger.max_position()
    while start <= last:
        rows = ledger.recorder.select_notifications(start, size)
        if not rows:
            return
        yield rows
        start = rows[-1].id + 1


def run_ledger(url: str, args, flush_every: int) -> tuple[Ledger, int, float, int]:
    ledger = Ledger(url)
    saves = []
    save = ledger.save
    ledger.save = lambda *a, **k: saves.append(1) or save(*a, **k)  # count transactions
    started = time.perf_counter()
    summary = generate(ledger, communities=args.communities, years=args.years, seed=args.seed,
                       flush_every=flush_every)
    seconds = time.perf_counter() - started
    ledger.save = save
    return ledger, summary.events, seconds, len(saves)


def run_library(source: Ledger, env_url: str, env: dict, flush_every: int) -> float:
    app = Library(env={**parse_database_url(env_url).eventsourcing_env(), **env})
    seconds = 0.0
    for rows in pages(source, flush_every):
        batch = [source.mapper.to_domain_event(r) for r in rows]
        started = time.perf_counter()
        app.save(*batch)
        seconds += time.perf_counter() - started
    app.close()
    return seconds


def run_raw_sqlite(source: Ledger, path: Path, flush_every: int) -> float:
    Library(env=parse_database_url(f"sqlite:///{path}").eventsourcing_env())  # identical table (and WAL)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    seconds = 0.0
    for rows in pages(source, flush_every):
        values = [(r.originator_id.hex, r.originator_version, r.topic, r.state) for r in rows]
        started = time.perf_counter()
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO stored_events (originator_id, originator_version, topic, state) "
                         "VALUES (?, ?, ?, ?)", values)
        conn.execute("COMMIT")
        seconds += time.perf_counter() - started
    conn.close()
    return seconds


def run_raw_postgres(source: Ledger, cfg, schema: str, flush_every: int) -> float:
    import psycopg

    with psycopg.connect(host=cfg.host, port=cfg.port, user=cfg.user, password=cfg.password,
                         dbname=cfg.dbname) as conn:
        conn.execute(f"CREATE TABLE {schema}.raw_events (LIKE {schema}.taizhang_events INCLUDING ALL)")
        conn.commit()
        seconds = 0.0
        for rows in pages(source, flush_every):
            values = [(r.originator_id, r.originator_version, r.topic, r.state) for r in rows]
            started = time.perf_counter()
            with conn.cursor() as cur:
                cur.executemany(f"INSERT INTO {schema}.raw_events (originator_id, originator_version, topic, state) "
                                "VALUES (%s, %s, %s, %s)", values)
            conn.commit()
            seconds += time.perf_counter() - started
    return seconds


def measure_sqlite(args, flush_every: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="taizhang-append-") as tmp:
        ledger, n, t_ledger, transactions = run_ledger(f"sqlite:///{tmp}/ledger.db", args, flush_every)
        t_library = run_library(ledger, f"sqlite:///{tmp}/library.db", {}, flush_every)
        t_raw = run_raw_sqlite(ledger, Path(tmp) / "raw.db", flush_every)
    return report("sqlite", n, t_ledger, t_library, t_raw, transactions, flush_every)


def measure_postgres(args, flush_every: int) -> dict:
    import psycopg

    cfg = parse_database_url(PG_URL)
    schema = f"bench_append_{uuid.uuid4().hex[:10]}"
    connect = dict(host=cfg.host, port=cfg.port, user=cfg.user, password=cfg.password, dbname=cfg.dbname,
                   autocommit=True)
    with psycopg.connect(**connect) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    try:
        sep = "&" if "?" in PG_URL else "?"
        url = f"{PG_URL}{sep}schema={schema}"
        ledger, n, t_ledger, transactions = run_ledger(url, args, flush_every)
        t_library = run_library(ledger, url, {}, flush_every)
        t_raw = run_raw_postgres(ledger, cfg, schema, flush_every)
        ledger.close()
    finally:
        with psycopg.connect(**connect) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")
    return report("postgresql", n, t_ledger, t_library, t_raw, transactions, flush_every)


def report(store: str, n: int, t_ledger: float, t_library: float, t_raw: float, transactions: int,
           flush_every: int) -> dict:
    rates = {name: n / t for name, t in (("ledger", t_ledger), ("library", t_library), ("raw", t_raw))}
    print(f"\n{store}: {n:,} events, flush_every {flush_every:,} "
          f"(the ledger made {transactions:,} transactions, {n / max(1, transactions):,.0f} events each)")
    print(f"{'path':<10}{'seconds':>10}{'events/s':>12}{'vs raw':>9}")
    for name, t in (("ledger", t_ledger), ("library", t_library), ("raw", t_raw)):
        print(f"{name:<10}{t:>10.2f}{rates[name]:>12,.0f}{t / t_raw:>8.1f}x")
    print(f"ledger is {t_ledger / t_library:.1f}x the library's time: commands, rules and aggregates")
    return {"events": n, "ledger_eps": round(rates["ledger"]), "library_eps": round(rates["library"]),
            "raw_eps": round(rates["raw"]), "store": store, "flush_every": flush_every}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--communities", type=int, default=394)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--flush-every", default=str(DEFAULT_FLUSH_EVERY),
                        help="events per transaction; a comma list measures each")
    args = parser.parse_args()
    sizes = [int(s) for s in args.flush_every.split(",")]
    stores = ("sqlite", "postgresql") if args.store == "both" else (args.store,)
    print(f"appending the demo district ({args.communities} communities x {args.years} years, seed {args.seed}): "
          "ledger = commands through the Ledger (validated, batch mode); library = the same domain events "
          "saved by a bare eventsourcing Application; raw = the same rows by executemany")
    results = []
    for flush_every in sizes:
        for store in stores:
            if store == "postgresql" and flush_every > PG_PIPELINE_SAFE:
                print(f"\npostgresql: flush_every {flush_every:,} skipped (> {PG_PIPELINE_SAFE:,}: the recorder's "
                      "pipeline deadlocks on saves this large; see the module docstring)")
                continue
            results.append((measure_sqlite if store == "sqlite" else measure_postgres)(args, flush_every))
    for result in results:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: rebuilding every read model from zero, against the raw limit and the library's stock path.

- **rebuild**: ``projections.Runner`` from position 0: plain-SQL batches of
  20,000, one JSON decode per event (orjson), in-memory application, executemany writes,
  one tracking row per projection per batch.
- **raw**: the same SELECT (same rows: the topics the projections handle) plus
  a JSON decode of every state with the rebuild's own decoder
  (``projections.records.loads``, orjson), nothing else: the limit of any Python
  projection.
- **write floor**: the statements and rows one rebuild flushes, captured and sent again
  from tuples built in advance, in the same transactions, plus the deferred indexes:
  no reading, decoding or handlers. Since a rebuild must read (raw) and write (floor),
  ``raw / (raw + floor)`` bounds rebuild / raw from above for any projection code that
  writes these read models.
- **stock**: the library's path for the same projections on a sample taken from
  the middle of the log: ``app.notification_log`` sections of 10 (topic-filtered),
  ``app.mapper.to_domain_event`` for every notification (what its
  ``ProjectionRunner`` does), then, per event and per projection handling it, one
  transaction with the projection's writes and its tracking row.

The log is synthesised through the Ledger in batch mode (until ``domain.demo``
lands): city scale, 5 years, ~41 events per community-year (monthly inspections
and fee collections, quarterly assessments, a yearly survey, complaints filed
and resolved, engagements, a few corrections). It is cached under the temp dir,
keyed by N (and copied into a PostgreSQL schema for ``--store postgresql``).
Generation runs in a child process, so the peak memory (max RSS) reported is
that of the three measurements.

Usage::

    .venv/bin/python benchmarks/replay.py [--events N] [--store sqlite|postgresql] [--stock-sample S]

The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from domain.base import Stamp  # noqa: E402
from domain.ledger import Ledger  # noqa: E402
from domain.values import Actor, uscc_check_char  # noqa: E402

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
# The read models of the projections issue; --projections all adds every registered one.
NAMES = ["registry", "complaints", "fees", "assessments", "satisfaction", "coverage"]
YEARS = 5
EVENTS_PER_COMMUNITY = 41 * YEARS + 8
CATEGORIES = ["commercial"] * 137 + ["resettlement"] * 91 + ["renovated_old"] * 93 + ["other_old"] * 73
POINTS = {"overall_management": 15, "cleaning": 30, "gate_patrol": 25, "parking": 10, "community_order": 10,
          "fee_collection": 10}


def uscc(i: int) -> str:
    head = f"91120000MA{i:07d}"
    return head + uscc_check_char(head)


def synthesise(url: str, events: int, seed: int = 7) -> None:
    """About ``events`` events of a city's communities over five years, through the Ledger in batch mode."""
    rng = random.Random(seed)
    ledger = Ledger(url)
    communities = max(1, events // EVENTS_PER_COMMUNITY)
    street = Actor("street-1", "street", "S")
    with ledger.batch(flush_every=20000):
        providers = [uscc(i) for i in range(max(3, communities // 8))]
        for p in providers:
            ledger.register_provider(uscc=p, name=f"物业{p[-5:]}", legal_representative="法人", contact="022-0000",
                                     stamp=Stamp(date(2019, 12, 1), street))
        total = 0
        for c in range(communities):
            code, day0 = f"C{c:05d}", Stamp(date(2019, 12, 2), street)
            ledger.register_community(code=code, name=f"小区{c}", street=f"街道{c % 40:02d}",
                                      category=CATEGORIES[c % len(CATEGORIES)], build_year=1985 + c % 30,
                                      floor_area=20000.0 + (c * 37) % 50000, households=200 + (c * 13) % 1500,
                                      mode="professional", stamp=day0)
            provider = providers[c % len(providers)]
            ledger.request_entry(code=f"E{c:05d}", provider_uscc=provider, community_code=code, mode="professional",
                                 services=["gate_duty", "patrol", "cleaning", "parking"], fee_standard="0.50",
                                 term_months=60, served_area=20000.0, stamp=day0)
            ledger.decide_entry(f"E{c:05d}", approved=True, reason="同意", stamp=day0)
            ledger.sign_agreement(f"E{c:05d}", start=date(2020, 1, 1), end=date(2024, 12, 31), stamp=day0)
            complaints = 0
            for year in range(2020, 2020 + YEARS):
                for month in range(1, 13):
                    stamp = Stamp(date(year, month, 20), street)
                    m = f"{year}-{month:02d}"
                    items = {"gate": rng.random() > 0.05, "cleaning": rng.random() > 0.1, "parking": True}
                    r = ledger.community_command("record_inspection", code, month=m, items=items, stamp=stamp)
                    billed = 150 + c % 50
                    ledger.community_command("record_fees", code, month=m, households_billed=billed,
                                             households_paid=billed - rng.randrange(0, 30),
                                             amount_billed=f"{billed * 60}.00",
                                             amount_collected=f"{billed * 60 - rng.randrange(0, 1800)}.00", stamp=stamp)
                    for _ in range(rng.choice((0, 0, 1))):
                        k = f"K{c:05d}-{complaints}"
                        complaints += 1
                        ledger.file_complaint(code=k, community_code=code, category="环境卫生", channel="hotline_12345",
                                              description="楼道堆物", complainant_name="居民", complainant_phone="1",
                                              stamp=stamp)
                        ledger.resolve_complaint(k, substantiated=rng.random() < 0.4, resolution="已处理", stamp=stamp)
                    if month % 3 == 0:
                        points = {k: v - rng.randrange(0, 4) for k, v in POINTS.items()}
                        ledger.record_assessment(code, quarter=f"{year}-Q{month // 3}", points=points, vetoes=[],
                                                 stamp=stamp)
                    if month == 6:
                        ledger.community_command("record_survey", code, period=f"{year}H1", households=400,
                                                 valid_responses=150, satisfied=100 + rng.randrange(0, 50), stamp=stamp)
                    total += 3
                    ledger.maybe_flush()
            if c % 50 == 0:
                ledger.community_command("withdraw_record", code, withdraws_version=5, reason="重复录入",
                                         stamp=Stamp(date(2024, 12, 30), street))
    ledger.close()


def cached_sqlite(events: int) -> Path:
    folder = Path(tempfile.gettempdir()) / "taizhang-bench"
    folder.mkdir(exist_ok=True)
    path = folder / f"replay-{events}.db"
    if not path.exists():
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        print(f"synthesising ~{events:,} events into {path} (once; cached) …", flush=True)
        subprocess.run([sys.executable, __file__, "--generate", str(partial), "--events", str(events)], check=True)
        partial.rename(path)
    return path


def cached_postgres(events: int, sqlite_path: Path) -> str:
    import psycopg

    schema = f"bench_replay_{events}"
    url = f"{PG}?schema={schema}"
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=test", autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        Ledger(url).close()  # creates the event table
        have = conn.execute(f"SELECT count(*) FROM {schema}.taizhang_events").fetchone()[0]
        if have == 0:
            import sqlite3

            print(f"copying the log into PostgreSQL schema {schema} (once; cached) …", flush=True)
            src = sqlite3.connect(sqlite_path)
            with conn.cursor().copy(f"COPY {schema}.taizhang_events (originator_id, originator_version, topic, state) "
                                    "FROM STDIN") as copy:
                for oid, version, topic, state in src.execute(
                        "SELECT originator_id, originator_version, topic, state FROM stored_events ORDER BY rowid"):
                    copy.write_row((oid, version, topic, state))
        # A bulk COPY leaves no planner statistics until autovacuum gets to it; without them every
        # batch read sorts all remaining rows instead of walking the notification_id index.
        conn.execute(f"ANALYZE {schema}.taizhang_events")
    return url


def raw_rate(url: str, topics: list[str], batch: int = 20000) -> tuple[int, float]:
    """SELECT of the rows the projections read, plus a JSON decode of each state with the decoder the
    rebuild uses (``projections.records.loads``: orjson), under the same garbage-collector setting:
    nothing else."""
    from projections.records import loads
    from projections.runner import _cyclic_gc_paused
    from projections.source import EventSource

    source = EventSource(url)
    after, n = 0, 0
    horizon = source.horizon()
    t0 = time.perf_counter()
    with _cyclic_gc_paused():
        while True:
            rows = source.rows(after, horizon, batch, topics)
            for row in rows:
                loads(row[4])
            n += len(rows)
            if len(rows) < batch:
                break
            after = rows[-1][0]
    elapsed = time.perf_counter() - t0
    source.close()
    return n, elapsed


def rebuild_rate(url: str) -> tuple[int, float, object]:
    from projections.runner import Runner

    with Runner(url, projections=NAMES) as runner:
        runner.reset()
        t0 = time.perf_counter()
        runner.catch_up()
        elapsed = time.perf_counter() - t0
        processed = sum(t.processed for t in runner._tracked.values())
    from projections.service import check

    return processed, elapsed, check(url, NAMES)


def write_floor(url: str) -> tuple[int, float]:
    """The rebuild's writes alone: the very statements and rows a rebuild flushes (captured from one),
    sent again from tuples built in advance, in the same transactions, then the deferred indexes built:
    no reading, decoding or handlers. ``raw / (raw + floor)`` bounds rebuild / raw from above, for any
    projection code that writes these read models. Returns (rows written, seconds)."""
    from projections import base
    from projections.runner import Runner

    batches: list[list] = []  # per runner transaction: (writer, its queued segments) per flush
    flush, apply = base.Writer.flush, Runner._apply

    def capture_flush(self, conn):
        segments = self._done + ([self._groups] if self._groups else [])
        batches[-1].append((self, [s if type(s) is tuple else {q: list(r) for q, r in s.items()} for s in segments]))
        return flush(self, conn)

    def capture_apply(self, rows, lo, end):
        batches.append([])
        return apply(self, rows, lo, end)

    base.Writer.flush, Runner._apply = capture_flush, capture_apply
    try:
        with Runner(url, projections=NAMES) as runner:
            runner.reset()
            runner.catch_up()
    finally:
        base.Writer.flush, Runner._apply = flush, apply
    written = 0
    with Runner(url, projections=NAMES) as runner:
        runner.reset()
        t0 = time.perf_counter()
        for batch in batches:
            with runner.engine.begin() as conn:
                cursor = conn.connection.driver_connection.cursor()
                for writer, segments in batch:
                    written += writer.send(cursor, segments)
                cursor.close()
        runner._build_indexes(0)  # the deferred indexes, as at the end of a from-zero catch-up
        elapsed = time.perf_counter() - t0
    return written, elapsed


def stock_rate(url: str, store: str, sample: int) -> tuple[int, float]:
    """The library's path (see the module docstring) over ``sample`` events from the middle of the log."""
    from projections.records import Record, loads
    from projections.registry import resolve
    from projections.source import EventSource, union_topics
    from projections.tracking import Tracked, ensure_tracking, write_tracking
    from projections.db import engine_for

    classes = resolve(NAMES)
    topics = union_topics(c.topics() for c in classes)
    target = (f"sqlite:///{Path(tempfile.mkdtemp()) / 'stock.db'}" if store == "sqlite"
              else url.split("?")[0] + "?schema=bench_stock_" + str(int(time.time())))
    app = Ledger(url)
    source = EventSource(url)
    engine = engine_for(target)
    if store == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {target.rsplit('=', 1)[1]}")
    projections = {}
    with engine.begin() as conn:
        ensure_tracking(conn)
        for cls in classes:
            cls.metadata.create_all(conn)
            projections[cls.name] = cls(engine.dialect.name, source)
    handlers = {t: [p for p in projections.values() if t in p._dispatch] for t in topics}
    log = app.notification_log
    start, done, processed = app.max_position() // 2, 0, {name: 0 for name in projections}
    t0 = time.perf_counter()
    while done < sample:
        notifications = log.select(start, log.section_size, topics=topics)
        if not notifications:
            break
        for n in notifications:
            app.mapper.to_domain_event(n)  # the stock runner hands projections domain-event objects
            record = Record(n.id, n.originator_id.hex, n.originator_version, n.topic, loads(n.state))
            for projection in handlers[n.topic]:
                with engine.begin() as conn:
                    projection.apply_batch(conn, [record])
                    processed[projection.name] += 1
                    write_tracking(conn, Tracked(projection.name, 1, n.id, processed[projection.name]))
            done += 1
        start = notifications[-1].id + 1
    elapsed = time.perf_counter() - t0
    app.close()
    source.close()
    if store == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {target.rsplit('=', 1)[1]} CASCADE")
    engine.dispose()
    return done, elapsed


def measure(url: str, store: str, sample: int) -> None:
    from projections.registry import resolve
    from projections.source import union_topics

    topics = union_topics(c.topics() for c in resolve(NAMES))
    n_raw, t_raw = raw_rate(url, topics)
    print(f"store {store}: {n_raw:,} events the read models handle")
    print(f"raw limit   SELECT + JSON decode (orjson)  {n_raw / t_raw:>12,.0f} events/s  ({t_raw:.2f} s)")
    processed, t_rebuild, report = rebuild_rate(url)
    rebuild_eps = n_raw / t_rebuild
    print(f"rebuild     all {len(NAMES)} read models              {rebuild_eps:>12,.0f} events/s  ({t_rebuild:.2f} s;"
          f" {processed:,} applications; completeness {'ok' if report.ok else 'FAILED'})")
    n_stock, t_stock = stock_rate(url, store, sample)
    stock_eps = n_stock / t_stock
    print(f"stock path  sections of 10, 1 txn/event     {stock_eps:>12,.0f} events/s  ({n_stock:,}-event sample,"
          f" {t_stock:.2f} s)")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # After the peak is read: the floor holds every row of a rebuild in memory at once.
    rows, t_floor = write_floor(url)
    print(f"write floor the rebuild's {rows:,} rows, prebuilt, same batches  {t_floor:.2f} s: rebuild / raw cannot"
          f" exceed {t_raw / (t_raw + t_floor):.2f} with handlers that cost nothing")
    print(f"rebuild / raw = {rebuild_eps / (n_raw / t_raw):.2f}   rebuild / stock = {rebuild_eps / stock_eps:.1f}x"
          f"   peak memory (max RSS) {peak_mb:.0f} MB")
    print(json.dumps({"events": n_raw, "rebuild_eps": round(rebuild_eps), "raw_eps": round(n_raw / t_raw),
                      "stock_eps": round(stock_eps), "ratio_raw": round(rebuild_eps / (n_raw / t_raw), 3),
                      "ratio_stock": round(rebuild_eps / stock_eps, 1), "peak_mb": round(peak_mb, 1),
                      "write_floor_s": round(t_floor, 2), "ratio_raw_bound": round(t_raw / (t_raw + t_floor), 3),
                      "store": store, "complete": report.ok}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--store", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--stock-sample", type=int, default=20_000)
    parser.add_argument("--projections", default=",".join(NAMES), help="comma-separated names, or 'all'")
    parser.add_argument("--generate", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.projections == "all":
        from projections.registry import PROJECTIONS

        NAMES[:] = list(PROJECTIONS)
    else:
        NAMES[:] = args.projections.split(",")
    if args.generate:
        synthesise(f"sqlite:///{args.generate}", args.events)
        return
    sqlite_path = cached_sqlite(args.events)
    url = f"sqlite:///{sqlite_path}" if args.store == "sqlite" else cached_postgres(args.events, sqlite_path)
    measure(url, args.store, args.stock_sample)


if __name__ == "__main__":
    main()

"""Why the ledger uses eventsourcing's native recorders: a bare Application's
append and read rates with ``eventsourcing.sqlite`` / ``eventsourcing.postgres``
side by side with ``eventsourcing-sqlalchemy`` on the same events, in one run.

    .venv/bin/pip install eventsourcing-sqlalchemy   # only for this comparison
    .venv/bin/python benchmarks/stores.py [--communities 400] [--postgres-url URL]

The last line is one JSON object with the rates and the ratios (native ÷ SQLAlchemy).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import tempfile
import time

import psycopg
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event


class Community(Aggregate):
    @event("Registered")
    def __init__(self, code: str, households: int) -> None:
        self.code = code

    @event("InspectionRecorded")
    def inspect(self, month: str, items: dict, passed: bool, actor: dict) -> None:
        pass


def measure(env: dict, communities: int, months: int = 60, per_save: int = 50) -> tuple[float, float, int]:
    """(append events/s, read events/s, events) for one store."""
    app = Application(env=env)
    pending, total = [], 0
    start = time.perf_counter()
    for i in range(communities):
        c = Community(code=f"C{i}", households=300)
        for m in range(months):
            c.inspect(month=f"2024-{m % 12 + 1:02d}", items={"cleaning": True, "gate": m % 7 != 0},
                      passed=m % 7 != 0, actor={"user": "u-1", "role": "street", "org": "咸水沽镇"})
        pending.append(c)
        total += months + 1
        if len(pending) == per_save:
            app.save(*pending)
            pending = []
    if pending:
        app.save(*pending)
    append = total / (time.perf_counter() - start)
    start, read, position = time.perf_counter(), 0, 1
    while notifications := app.recorder.select_notifications(position, 5000):
        read += len(notifications)
        position = notifications[-1].id + 1
    app.close()
    return append, read / (time.perf_counter() - start), total


def fresh_schema(dsn: str, schema: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.execute(f"CREATE SCHEMA {schema}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communities", type=int, default=400)
    parser.add_argument("--pg-host", default="127.0.0.1")
    parser.add_argument("--pg-user", default="postgres")
    parser.add_argument("--pg-db", default="test")
    args = parser.parse_args()
    if importlib.util.find_spec("eventsourcing_sqlalchemy") is None:
        raise SystemExit("install eventsourcing-sqlalchemy first: .venv/bin/pip install eventsourcing-sqlalchemy")
    tmp = tempfile.mkdtemp()
    dsn = f"host={args.pg_host} user={args.pg_user} dbname={args.pg_db}"
    for schema in ("bench_store_native", "bench_store_sqla"):
        fresh_schema(dsn, schema)
    stores = {
        "sqlite native": {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": f"{tmp}/native.db"},
        "sqlite sqlalchemy": {"PERSISTENCE_MODULE": "eventsourcing_sqlalchemy",
                              "SQLALCHEMY_URL": f"sqlite:///{tmp}/sqla.db"},
        "postgresql native": {"PERSISTENCE_MODULE": "eventsourcing.postgres", "POSTGRES_DBNAME": args.pg_db,
                              "POSTGRES_HOST": args.pg_host, "POSTGRES_PORT": "5432",
                              "POSTGRES_USER": args.pg_user, "POSTGRES_PASSWORD": "",
                              "POSTGRES_SCHEMA": "bench_store_native"},
        "postgresql sqlalchemy": {"PERSISTENCE_MODULE": "eventsourcing_sqlalchemy",
                                  "SQLALCHEMY_URL": f"postgresql+psycopg://{args.pg_user}@{args.pg_host}:5432/"
                                                    f"{args.pg_db}?options=-csearch_path%3Dbench_store_sqla"},
    }
    rates = {}
    for name, env in stores.items():
        append, read, events = measure(env, args.communities)
        rates[name] = (append, read)
        print(f"{name:24s} append {append:10,.0f} events/s   read {read:10,.0f} events/s   ({events:,} events)")
    for schema in ("bench_store_native", "bench_store_sqla"):
        fresh_schema(dsn, schema)
    result = {"events": events}
    for store in ("sqlite", "postgresql"):
        native, sqla = rates[f"{store} native"], rates[f"{store} sqlalchemy"]
        result[f"{store}_append_ratio"] = round(native[0] / sqla[0], 2)
        result[f"{store}_read_ratio"] = round(native[1] / sqla[1], 2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()

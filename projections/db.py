"""SQLAlchemy engines for the read models, from the same URL as the event store."""

from __future__ import annotations

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from domain.store import StoreConfig, parse_database_url


def engine_for(database_url: str, **kwargs) -> Engine:
    """An engine on the ledger's database; on PostgreSQL bound to the URL's ``?schema=``."""
    config = parse_database_url(database_url)
    if config.kind == "sqlite":
        engine = create_engine(f"sqlite:///{config.sqlite_path}", **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # WAL: readers never block the writer
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    if config.kind == "postgresql":
        auth = config.user + (f":{config.password}" if config.password else "")
        url = f"postgresql+psycopg://{auth}@{config.host}:{config.port}/{config.dbname}"
        connect_args = {"options": f"-csearch_path={config.schema}"} if config.schema else {}
        return create_engine(url, connect_args=connect_args, **kwargs)
    raise ValueError("read models need SQLite or PostgreSQL, not an in-memory event store")


def events_table(config: StoreConfig | str) -> str:
    """Name of the eventsourcing table that holds the event log."""
    config = parse_database_url(config) if isinstance(config, str) else config
    return "stored_events" if config.kind == "sqlite" else "taizhang_events"

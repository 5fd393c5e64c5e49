"""From one database URL (SQLAlchemy form) to the event store's settings.

``domain`` may not import SQLAlchemy, so the URL is parsed with the standard
library here; ``projections`` builds its SQLAlchemy engine from the same URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from domain.errors import ValidationError


@dataclass(frozen=True)
class StoreConfig:
    kind: str  # "sqlite" | "postgresql" | "memory"
    sqlite_path: str = ""
    host: str = ""
    port: int = 5432
    user: str = ""
    password: str = ""
    dbname: str = ""
    schema: str = ""  # PostgreSQL schema (search_path), from ?schema=…

    def eventsourcing_env(self) -> dict[str, str]:
        if self.kind == "memory":
            return {"PERSISTENCE_MODULE": "eventsourcing.popo"}
        if self.kind == "sqlite":
            return {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": self.sqlite_path,
                "SQLITE_LOCK_TIMEOUT": "30",
            }
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": self.dbname,
            "POSTGRES_HOST": self.host,
            "POSTGRES_PORT": str(self.port),
            "POSTGRES_USER": self.user,
            "POSTGRES_PASSWORD": self.password,
        }
        if self.schema:
            env["POSTGRES_SCHEMA"] = self.schema
        return env


def parse_database_url(url: str) -> StoreConfig:
    """``sqlite:///taizhang.db``, ``postgresql+psycopg://u:p@host:5432/db?schema=s`` or ``memory://``."""
    parts = urlsplit(url or "")
    scheme = parts.scheme.split("+", 1)[0]
    if scheme == "memory":
        return StoreConfig(kind="memory")
    if scheme == "sqlite":
        path = unquote(parts.path[1:] if parts.path.startswith("/") else parts.path)
        if not path or path == ":memory:":
            raise ValidationError("database_url", "sqlite_file", "SQLite needs a file path: sqlite:///taizhang.db")
        return StoreConfig(kind="sqlite", sqlite_path=path)
    if scheme in ("postgresql", "postgres"):
        query = parse_qs(parts.query)
        return StoreConfig(
            kind="postgresql", host=parts.hostname or "127.0.0.1", port=parts.port or 5432,
            user=unquote(parts.username or ""), password=unquote(parts.password or ""),
            dbname=parts.path.lstrip("/") or "postgres", schema=query.get("schema", [""])[0],
        )
    raise ValidationError("database_url", "supported_database",
                          "must start with sqlite:///, postgresql+psycopg:// or memory://")

"""Lists and counts for the API and the pages, read from the projections' read models.

The registry read model (``projections/models/registry.py``) and the complaints
read model are the one derivation of providers, communities, engagements and
open complaints; this module only reads them (``projections.queries``), through
the app's :class:`~api.routers._readmodels.ReadModels`, so ``settings.catalogue``
decides who keeps them current:

* ``memory`` (default): the app's in-process runner catches up with the ledger
  before every read, so a list or count read after a successful command shows it.
* ``read_models``: a projection worker (``taizhang project --follow``) keeps them;
  lists may lag by its poll interval, ``Counts.lists_as_of`` says how far they
  have got, and they are empty until it has built the registry.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterator

from eventsourcing.utils import get_topic
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from domain.idempotency import IdempotencyRecord
from domain.ledger import Ledger
from domain.store import parse_database_url
from projections import queries
from projections.db import events_table
from projections.models.registry import providers as providers_table
from projections.tracking import read_tracking

from api.routers._readmodels import ReadModels

ACTIVE = ("active", "exit_noticed", "exit_approved")


@dataclass
class ProviderRow:
    uscc: str
    name: str
    kind: str
    registered_on: date


@dataclass
class CommunityRow:
    code: str
    name: str
    street: str
    category: str
    mode: str
    households: int
    floor_area: float
    current_engagement: str | None = None
    current_provider: str | None = None


@dataclass
class EngagementRow:
    code: str
    provider_uscc: str
    community_code: str
    status: str
    requested_on: date


@dataclass
class Counts:
    events: int = 0
    last_position: int = 0
    providers: int = 0
    communities: int = 0
    engagements_active: int = 0
    entry_requests_pending: int = 0
    complaints_open: int = 0
    lists_as_of: int = 0  # ledger position the lists and counts above are as of


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


class Catalogue:
    def __init__(self, ledger: Ledger, read_models: ReadModels) -> None:
        self.ledger, self.read_models = ledger, read_models
        position = "rowid" if parse_database_url(read_models.url).kind == "sqlite" else "notification_id"
        self._events_after_sql = text(f"SELECT count(*) FROM {events_table(read_models.url)} "
                                      f"WHERE {position} > :lo AND {position} <= :hi AND topic != :skip")
        self._counted = (0, 0)  # (a settled position, domain events up to it)
        self._count_lock = threading.Lock()

    @contextmanager
    def _registry(self) -> Iterator[Connection | None]:
        """A connection on the read models (caught up first, in-process); None while a worker
        has not built the registry yet."""
        self.read_models.keep_current(("registry", "complaints"))
        with self.read_models.engine.connect() as conn:
            yield conn if inspect(conn).has_table(providers_table.name) else None

    def counts(self) -> Counts:
        last = self.ledger.max_position()
        with self._registry() as conn:
            if conn is None:
                return Counts(events=self._events(0, last), last_position=last)
            tracked = read_tracking(conn)
            found = queries.registry_counts(conn)
            complaints_open = queries.open_complaints(conn) if "complaints" in tracked else 0
        status = found["engagements"]
        settled = min((t.position for t in tracked.values()), default=0)
        return Counts(events=self._events(settled, last), last_position=last, providers=found["providers"],
                      communities=found["communities"], engagements_active=sum(status.get(s, 0) for s in ACTIVE),
                      entry_requests_pending=status.get("requested", 0), complaints_open=complaints_open,
                      lists_as_of=tracked["registry"].position if "registry" in tracked else 0)

    def _events(self, settled: int, last: int) -> int:
        """Domain events up to ``last`` (idempotency records are bookkeeping, not history).

        The log below a position the read models have reached is settled (their runner reads only up
        to the horizon, below which no late commit can land, projections.source), so it is counted
        once and remembered; each call then counts only the rows after it, a range scan of the
        position index instead of a scan of the whole log (which took a good part of a second at
        a million events)."""
        skip = get_topic(IdempotencyRecord.Applied)
        with self.read_models.engine.connect() as conn, self._count_lock:
            at, counted = self._counted
            if settled > at:
                counted += int(conn.execute(self._events_after_sql, {"lo": at, "hi": settled, "skip": skip}).scalar_one())
                at, self._counted = settled, (settled, counted)
            tail = conn.execute(self._events_after_sql, {"lo": at, "hi": max(last, at), "skip": skip}).scalar_one()
        return counted + int(tail)

    def providers(self) -> list[ProviderRow]:
        with self._registry() as conn:
            found = queries.list_providers(conn) if conn is not None else []
        return [ProviderRow(r["uscc"], r["name"], r["kind"], _day(r["registered_on"])) for r in found]

    def communities(self) -> list[CommunityRow]:
        with self._registry() as conn:
            found = queries.list_communities(conn) if conn is not None else []
        return [CommunityRow(r["code"], r["name"], r["street"], r["category"], r["mode"], r["households"],
                             r["floor_area"], r["current_engagement"], r["current_provider"]) for r in found]

    def engagements(self, status: str | None = None) -> list[EngagementRow]:
        with self._registry() as conn:
            found = queries.engagements_of(conn) if conn is not None else []
        return [EngagementRow(r["code"], r["provider_uscc"], r["community_code"], r["status"],
                              _day(r["requested_on"])) for r in found if status is None or r["status"] == status]

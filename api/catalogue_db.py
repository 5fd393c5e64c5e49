"""The catalogue over the projections' read models (``projections.queries``).

Used when ``settings.catalogue == "read_models"``: a projection runner
(``taizhang project --follow``, another process) keeps the read models up to
date, and the API only reads them. Lists may lag the log by the runner's poll
interval; ``Counts.lists_as_of`` says how far they have got.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from eventsourcing.utils import get_topic
from sqlalchemy import func, inspect, select, text

from domain.idempotency import IdempotencyRecord
from domain.ledger import Ledger
from projections import queries
from projections.db import engine_for, events_table
from projections.models.complaints import complaint_quarters
from projections.models.registry import engagements
from projections.tracking import read_tracking

from api.catalogue import CommunityRow, Counts, EngagementRow, ProviderRow

ACTIVE = ("active", "exit_noticed", "exit_approved")


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


class ReadModelCatalogue:
    def __init__(self, ledger: Ledger, database_url: str) -> None:
        self.ledger = ledger
        self.engine = engine_for(database_url)
        self._events_sql = text(f"SELECT count(*) FROM {events_table(database_url)} WHERE topic != :skip")

    def _events(self, conn: Any) -> int:
        """Domain events in the log (idempotency records are bookkeeping, not history)."""
        return int(conn.execute(self._events_sql, {"skip": get_topic(IdempotencyRecord.Applied)}).scalar_one())

    def _ready(self) -> bool:
        with self.engine.connect() as conn:
            return inspect(conn).has_table("registry_providers")

    def counts(self) -> Counts:
        last = self.ledger.max_position()
        with self.engine.connect() as conn:
            events = self._events(conn)
        if not self._ready():
            return Counts(events=events, last_position=last, lists_as_of=0)
        with self.engine.connect() as conn:
            tracked = read_tracking(conn)
            status = dict(conn.execute(select(engagements.c.status, func.count()).group_by(engagements.c.status)).all())
            open_complaints = 0
            if "complaints" in tracked:
                filed, resolved = conn.execute(select(func.coalesce(func.sum(complaint_quarters.c.filed), 0),
                                                      func.coalesce(func.sum(complaint_quarters.c.resolved), 0))).one()
                open_complaints = int(filed) - int(resolved)
            providers = len(queries.list_providers(conn))
            communities = len(queries.list_communities(conn))
        registry = tracked.get("registry")
        return Counts(events=events, last_position=last, providers=providers, communities=communities,
                      engagements_active=sum(status.get(s, 0) for s in ACTIVE),
                      entry_requests_pending=status.get("requested", 0), complaints_open=open_complaints,
                      lists_as_of=registry.position if registry else 0)

    def providers(self) -> list[ProviderRow]:
        if not self._ready():
            return []
        return [ProviderRow(r["uscc"], r["name"], r["kind"], _day(r["registered_on"]))
                for r in queries.list_providers(self.engine)]

    def communities(self) -> list[CommunityRow]:
        if not self._ready():
            return []
        return [CommunityRow(r["code"], r["name"], r["street"], r["category"], r["mode"], r["households"],
                             r["floor_area"], r["current_engagement"], r["current_provider"])
                for r in queries.list_communities(self.engine)]

    def engagements(self, status: str | None = None) -> list[EngagementRow]:
        if not self._ready():
            return []
        rows = [r for r in queries.engagements_of(self.engine) if status is None or r["status"] == status]
        return [EngagementRow(r["code"], r["provider_uscc"], r["community_code"], r["status"],
                              _day(r["requested_on"])) for r in rows]

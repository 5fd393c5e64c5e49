"""Lists and counts for the API and the pages: the :class:`Catalogue` port.

Two adapters, chosen by ``settings.catalogue``:

* ``memory`` (default): :class:`LedgerCatalogue` follows the event log in memory,
  incrementally from the last position it read. Always current (read-your-writes),
  needs no other process; its first call reads the whole log once (about 2 s for
  the 55,000 events of the demo district).
* ``read_models``: :class:`api.catalogue_db.ReadModelCatalogue` reads the
  projections' registry read model (``projections.queries``) kept by a runner
  (``taizhang project --follow``); lists may lag by the runner's poll interval.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.community import Community
from domain.complaint import Complaint
from domain.engagement import Engagement
from domain.idempotency import IdempotencyRecord
from domain.ledger import Ledger
from domain.provider import Provider


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


class Catalogue(Protocol):
    def counts(self) -> Counts: ...
    def providers(self) -> list[ProviderRow]: ...
    def communities(self) -> list[CommunityRow]: ...
    def engagements(self, status: str | None = None) -> list[EngagementRow]: ...


_STATUS_AFTER = {
    Engagement.AgreementSigned: "active", Engagement.ExitNoticed: "exit_noticed", Engagement.Ended: "ended",
}


@dataclass
class LedgerCatalogue:
    """Registry lists kept in memory by reading the notification log forward."""

    ledger: Ledger
    batch: int = 2000
    _position: int = 0
    _events: int = 0
    _providers: dict[str, ProviderRow] = field(default_factory=dict)
    _communities: dict[str, CommunityRow] = field(default_factory=dict)
    _engagements: dict[str, EngagementRow] = field(default_factory=dict)
    _open_complaints: set[str] = field(default_factory=set)
    _codes: dict[UUID, str] = field(default_factory=dict)  # aggregate id -> business code
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._handlers = {get_topic(cls): handler for cls, handler in (
            (Provider.Registered, self._provider), (Provider.ProfileAmended, self._provider_amended),
            (Community.Registered, self._community), (Community.ModeChanged, self._mode),
            (Community.ServiceStarted, self._service), (Community.ServiceEnded, self._service),
            (Engagement.EntryRequested, self._requested), (Engagement.EntryDecided, self._status),
            (Engagement.AgreementSigned, self._status), (Engagement.ExitNoticed, self._status),
            (Engagement.ExitDecided, self._status), (Engagement.Ended, self._status),
            (Complaint.Filed, self._complaint), (Complaint.Resolved, self._complaint),
        )}
        self._not_counted = get_topic(IdempotencyRecord.Applied)

    # --- following the log ------------------------------------------------------
    def refresh(self) -> None:
        with self._lock:
            last = self.ledger.max_position()
            while self._position < last:
                notifications = self.ledger.recorder.select_notifications(self._position + 1, self.batch)
                if not notifications:
                    break
                for n in notifications:
                    if n.topic != self._not_counted:
                        self._events += 1
                    handler = self._handlers.get(n.topic)
                    if handler is not None:
                        handler(self.ledger.mapper.to_domain_event(n), n.id)
                self._position = notifications[-1].id

    def _provider(self, e: Provider.Registered, _: int) -> None:
        self._codes[e.originator_id] = e.uscc
        self._providers[e.uscc] = ProviderRow(e.uscc, e.name, e.kind, e.occurred_on)

    def _provider_amended(self, e: Provider.ProfileAmended, _: int) -> None:
        row = self._providers.get(self._codes.get(e.originator_id, ""))
        if row is not None and "name" in e.changes:
            row.name = e.changes["name"]

    def _community(self, e: Community.Registered, _: int) -> None:
        self._codes[e.originator_id] = e.code
        self._communities[e.code] = CommunityRow(e.code, e.name, e.street, e.category, e.mode,
                                                 e.households, e.floor_area)

    def _mode(self, e: Community.ModeChanged, _: int) -> None:
        row = self._communities.get(self._codes.get(e.originator_id, ""))
        if row is not None:
            row.mode = e.mode

    def _service(self, e: Community.ServiceStarted | Community.ServiceEnded, _: int) -> None:
        row = self._communities.get(self._codes.get(e.originator_id, ""))
        if row is not None:
            started = isinstance(e, Community.ServiceStarted)
            row.current_engagement = e.engagement_code if started else None
            row.current_provider = e.provider_uscc if started else None

    def _requested(self, e: Engagement.EntryRequested, position: int) -> None:
        self._codes[e.originator_id] = e.code
        self._engagements[e.code] = EngagementRow(e.code, e.provider_uscc, e.community_code, "requested",
                                                  e.occurred_on)

    def _status(self, e: Engagement.Event, _: int) -> None:
        row = self._engagements.get(self._codes.get(e.originator_id, ""))
        if row is None:
            return
        if isinstance(e, Engagement.EntryDecided):
            row.status = "approved" if e.approved else "refused"
        elif isinstance(e, Engagement.ExitDecided):
            row.status = "exit_approved" if e.approved else "active"
        else:
            row.status = _STATUS_AFTER[type(e)]

    def _complaint(self, e: Complaint.Filed | Complaint.Resolved, _: int) -> None:
        key = str(e.originator_id)
        if isinstance(e, Complaint.Filed):
            self._open_complaints.add(key)
        else:
            self._open_complaints.discard(key)

    # --- Catalogue --------------------------------------------------------------
    def counts(self) -> Counts:
        self.refresh()
        engagements = list(self._engagements.values())
        return Counts(
            events=self._events, last_position=self._position, providers=len(self._providers),
            communities=len(self._communities),
            engagements_active=sum(r.status in ("active", "exit_noticed", "exit_approved") for r in engagements),
            entry_requests_pending=sum(r.status == "requested" for r in engagements),
            complaints_open=len(self._open_complaints), lists_as_of=self._position,
        )

    def providers(self) -> list[ProviderRow]:
        self.refresh()
        return sorted(self._providers.values(), key=lambda r: r.uscc)

    def communities(self) -> list[CommunityRow]:
        self.refresh()
        return sorted(self._communities.values(), key=lambda r: r.code)

    def engagements(self, status: str | None = None) -> list[EngagementRow]:
        self.refresh()
        rows = [r for r in self._engagements.values() if status is None or r.status == status]
        return sorted(rows, key=lambda r: (r.requested_on, r.code))

    def community(self, code: str) -> CommunityRow | None:
        self.refresh()
        return self._communities.get(code)


def build_catalogue(ledger: Ledger, kind: str = "memory", database_url: str = "") -> Catalogue:
    """The catalogue the app serves lists from."""
    if kind == "read_models":
        from api.catalogue_db import ReadModelCatalogue
        return ReadModelCatalogue(ledger, database_url)
    if kind != "memory":
        raise ValueError(f"catalogue must be 'memory' or 'read_models', not {kind!r}")
    return LedgerCatalogue(ledger)

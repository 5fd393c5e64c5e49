"""Registry: providers, communities, the engagement serving each community, and every
engagement's history (entry request, the party committee's decision with the
blacklist position it relied on and any override, agreement, exit, handover)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Float, Integer, MetaData, String, Table, Text
from sqlalchemy.engine import Connection

from domain.community import Community
from domain.engagement import Engagement
from domain.provider import Provider
from projections.base import Projection, on
from projections.models._support import RowCache
from projections.records import Record, canonical_json, data

metadata = MetaData()

providers = Table(
    "registry_providers", metadata,
    Column("uscc", String(18), primary_key=True),
    Column("id", String(32), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("legal_representative", Text, nullable=False),
    Column("contact", Text, nullable=False),
    Column("registered_on", String(10), nullable=False),
)

communities = Table(
    "registry_communities", metadata,
    Column("code", String(64), primary_key=True),
    Column("id", String(32), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("street", Text, nullable=False, index=True),
    Column("category", String(20), nullable=False),
    Column("build_year", Integer, nullable=False),
    Column("floor_area", Float, nullable=False),
    Column("households", Integer, nullable=False),
    Column("mode", String(20), nullable=False),
    Column("renovated_on", String(10)),
    Column("committee", String(30)),
    Column("current_engagement", String(64)),
    Column("current_provider", String(18)),
    Column("registered_on", String(10), nullable=False),
)

engagements = Table(
    "registry_engagements", metadata,
    Column("code", String(64), primary_key=True),
    Column("id", String(32), nullable=False, index=True),
    Column("provider_uscc", String(18), nullable=False, index=True),
    Column("community_code", String(64), nullable=False, index=True),
    Column("mode", String(20), nullable=False),
    Column("services", Text, nullable=False),
    Column("fee_standard", String(20), nullable=False),
    Column("term_months", Integer, nullable=False),
    Column("served_area", Float, nullable=False),
    Column("status", String(20), nullable=False),
    Column("requested_on", String(10), nullable=False),
    Column("decided_on", String(10)),
    Column("approved", Boolean),
    Column("decision_reason", Text),
    Column("blacklist_position", BigInteger),
    Column("blacklisted", Boolean),
    Column("override_reason", Text),
    Column("start_on", String(10)),
    Column("end_on", String(10)),
    Column("exit_by", String(30)),
    Column("exit_reason", Text),
    Column("exit_date", String(10)),
    Column("exit_decided_on", String(10)),
    Column("exit_approved", Boolean),
    Column("handover", Text, nullable=False),
    Column("ended_on", String(10)),
    Column("overdue", Boolean, nullable=False),
)

engagement_events = Table(
    "registry_engagement_events", metadata,
    Column("engagement_code", String(64), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("occurred_on", String(10), nullable=False),
    Column("event", String(40), nullable=False),
    Column("actor_user", Text, nullable=False),
    Column("actor_role", String(30), nullable=False),
    Column("actor_org", Text, nullable=False),
    Column("document", Text),
    Column("details", Text, nullable=False),
)

_ENVELOPE = {"timestamp", "originator_topic", "occurred_on", "actor", "source"}


class RegistryProjection(Projection):
    name = "registry"
    version = 1
    metadata = metadata

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.providers, self.communities, self.engagements = RowCache(providers), RowCache(communities), RowCache(engagements)
        self.ids: dict[str, tuple[RowCache, str]] = {}

    def load(self, conn: Connection) -> None:
        for cache in (self.providers, self.communities, self.engagements):
            cache.load(conn)
            for key, row in cache.rows.items():
                self.ids[row["id"]] = (cache, key)

    def before_flush(self) -> None:
        for cache in (self.providers, self.communities, self.engagements):
            cache.flush(self.out)

    def _touch(self, e: Record, **changes) -> dict | None:
        found = self.ids.get(e.originator_id)
        return found[0].touch(found[1], **changes) if found else None

    # --- providers ---------------------------------------------------------------------------
    @on(Provider.Registered)
    def _provider_registered(self, e: Record) -> None:
        s = e.state
        self.providers.put(dict(uscc=s["uscc"], id=e.originator_id, name=s["name"], kind=s["kind"],
                                legal_representative=s["legal_representative"], contact=s["contact"],
                                registered_on=e.occurred_on))
        self.ids[e.originator_id] = (self.providers, s["uscc"])

    @on(Provider.ProfileAmended)
    def _provider_amended(self, e: Record) -> None:
        self._touch(e, **{k: v for k, v in e.state["changes"].items() if k in providers.c})

    # --- communities -------------------------------------------------------------------------
    @on(Community.Registered)
    def _community_registered(self, e: Record) -> None:
        s = e.state
        self.communities.put(dict(code=s["code"], id=e.originator_id, name=s["name"], street=s["street"],
                                  category=s["category"], build_year=s["build_year"], floor_area=s["floor_area"],
                                  households=s["households"], mode=s["mode"], registered_on=e.occurred_on))
        self.ids[e.originator_id] = (self.communities, s["code"])

    @on(Community.Renovated)
    def _renovated(self, e: Record) -> None:
        self._touch(e, renovated_on=data(e.state["completed_on"]))

    @on(Community.ModeChanged)
    def _mode_changed(self, e: Record) -> None:
        self._touch(e, mode=e.state["mode"])

    @on(Community.CommitteeFormed)
    def _committee(self, e: Record) -> None:
        self._touch(e, committee=e.state["kind"])

    @on(Community.ServiceStarted)
    def _service_started(self, e: Record) -> None:
        self._touch(e, current_engagement=e.state["engagement_code"], current_provider=e.state["provider_uscc"])

    @on(Community.ServiceEnded)
    def _service_ended(self, e: Record) -> None:
        self._touch(e, current_engagement=None, current_provider=None)

    # --- engagements --------------------------------------------------------------------------
    def _history(self, e: Record, code: str) -> None:
        s = e.state
        actor, source = s["actor"], s.get("source") or {}
        details = canonical_json({k: v for k, v in s.items() if k not in _ENVELOPE})
        self.out.insert(engagement_events, (code, e.version, e.occurred_on, e.name, actor.get("user", ""),
                                            actor.get("role", ""), actor.get("org", ""),
                                            source.get("document") or None, details))

    def _engagement(self, e: Record, **changes) -> None:
        row = self._touch(e, **changes)
        if row is not None:
            self._history(e, row["code"])

    @on(Engagement.EntryRequested)
    def _entry_requested(self, e: Record) -> None:
        s = e.state
        self.engagements.put(dict(
            code=s["code"], id=e.originator_id, provider_uscc=s["provider_uscc"], community_code=s["community_code"],
            mode=s["mode"], services=canonical_json(s["services"]), fee_standard=data(s["fee_standard"]),
            term_months=s["term_months"], served_area=s["served_area"], status="requested",
            requested_on=e.occurred_on, handover="{}", overdue=False))
        self.ids[e.originator_id] = (self.engagements, s["code"])
        self._history(e, s["code"])

    @on(Engagement.EntryDecided)
    def _entry_decided(self, e: Record) -> None:
        s = e.state
        self._engagement(e, status="approved" if s["approved"] else "refused", decided_on=e.occurred_on,
                         approved=s["approved"], decision_reason=s["reason"],
                         blacklist_position=s["blacklist_position"], blacklisted=s["blacklisted"],
                         override_reason=s["override_reason"])

    @on(Engagement.AgreementSigned)
    def _agreement(self, e: Record) -> None:
        self._engagement(e, status="active", start_on=data(e.state["start"]), end_on=data(e.state["end"]))

    @on(Engagement.ExitNoticed)
    def _exit_noticed(self, e: Record) -> None:
        s = e.state
        self._engagement(e, status="exit_noticed", exit_by=s["by"], exit_reason=s["reason"],
                         exit_date=data(s["exit_date"]))

    @on(Engagement.ExitDecided)
    def _exit_decided(self, e: Record) -> None:
        approved = e.state["approved"]
        self._engagement(e, status="exit_approved" if approved else "active", exit_decided_on=e.occurred_on,
                         exit_approved=approved)

    @on(Engagement.HandoverItemRecorded)
    def _handover(self, e: Record) -> None:
        found = self.ids.get(e.originator_id)
        if found is None:
            return
        import json

        row = found[0].rows[found[1]]
        handover = json.loads(row["handover"])
        handover[e.state["item"]] = e.state["accepted"]
        self._engagement(e, handover=canonical_json(handover))

    @on(Engagement.Ended)
    def _ended(self, e: Record) -> None:
        self._engagement(e, status="ended", ended_on=data(e.state["ended_on"]))

    @on(Engagement.MarkedOverdue)
    def _overdue(self, e: Record) -> None:
        self._engagement(e, overdue=True)

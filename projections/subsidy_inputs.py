"""The facts subsidy eligibility needs, folded from the event log.

:class:`SubsidyInputs` applies events one at a time and keeps JSON-only state.
For persistence it is cut into small keyed pieces (a community's header, each
of its records, payments and relief applications, each engagement and
complaint, and ``meta``), so the projection writes only the pieces an event
changed, in the same transaction as its tracking position. It also records,
per community, the earliest business date whose dues an event may have
changed (``stale``): only periods ending on or after it are recomputed.

Events come as :class:`projections.records.Record` (state with the stored
``{"_type_": …, "_data_": …}`` wrappers) or with decoded values: both work.
"""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Any, Iterable

from domain.community import Community
from domain.complaint import Complaint
from domain.engagement import Engagement
from domain.policy import PolicyRegistry
from projections.records import topic_of
from projections.subsidy_periods import parse_period

RECORD_KINDS = ("AssessmentRecorded", "SatisfactionSurveyed", "EvaluationRecorded", "FeesCollected")
EVENT_CLASSES = (
    Community.Registered, Community.Renovated, Community.ModeChanged, Community.AssessmentRecorded,
    Community.SatisfactionSurveyed, Community.EvaluationRecorded, Community.FeesCollected,
    Community.RecordCorrected, Community.RecordWithdrawn, Community.SubsidyPaid, Community.FeeReliefApplied,
    Community.FeeReliefDecided, Community.MaintenanceFundRecorded, Community.InspectionRecorded,
    Engagement.EntryRequested, Engagement.AgreementSigned, Engagement.Ended,
    Complaint.Filed, Complaint.Resolved, PolicyRegistry.PackAdopted,
)
TOPICS = frozenset(topic_of(c) for c in EVENT_CLASSES)
_INSPECTION = topic_of(Community.InspectionRecorded)
_SKIP = {"timestamp", "originator_topic", "actor", "source", "originator_id", "originator_version"}
_LABEL = {"AssessmentRecorded": "quarter", "SatisfactionSurveyed": "period", "EvaluationRecorded": "period",
          "FeesCollected": "month"}
# A community's nested collections, each persisted one item per row: piece kind -> key in the community.
NESTED = {"record": "records", "fee": "fees", "payment": "payments", "relief": "relief"}


_SCALARS = {str, int, float, bool}


def plain(value: Any) -> Any:
    """A value in JSON form: dates and decimals as strings, stored wrappers unwrapped."""
    if value is None or type(value) in _SCALARS:
        return value
    if isinstance(value, dict):
        if "_type_" in value and "_data_" in value:
            return plain(value["_data_"])
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _label_start(label: str, fallback: str) -> str:
    period = parse_period(label)
    return period.start.isoformat() if period else fallback


class SubsidyInputs:
    """Communities, engagements, complaints and pack adoptions, as facts."""

    def __init__(self) -> None:
        self.communities: dict[str, dict] = {}
        self.engagements: dict[str, dict] = {}
        self.complaints: dict[str, dict] = {}
        self.meta: dict[str, Any] = {"ids": {}, "adoptions": [], "horizon": None, "position": 0}
        self.changed: set[tuple[str, str]] = set()
        self.stale: dict[str, str] = {}  # community code -> earliest business date to recompute
        self.stale_all: str | None = None  # every community, from this date

    def state(self) -> dict[str, Any]:
        """One read-only view of everything (what :mod:`projections.subsidy_book` reads)."""
        return {"communities": self.communities, "engagements": self.engagements, "complaints": self.complaints,
                **self.meta}

    # --- persistence ---------------------------------------------------------------------
    def _body(self, kind: str, key: str) -> Any:
        if kind == "meta":
            return self.meta
        if kind in ("engagement", "complaint"):
            return getattr(self, f"{kind}s")[key]
        code, _, item = key.rpartition("/") if kind in NESTED else (key, "", "")
        c = self.communities.get(code)
        if c is None:
            return None
        if kind == "community":
            return {k: v for k, v in c.items() if k not in NESTED.values()}
        return c[NESTED[kind]].get(item)

    def load(self, rows: Iterable[tuple[str, str, Any]]) -> None:
        nested = []
        for kind, key, body in rows:
            body = copy.deepcopy(body)
            if kind == "meta":
                self.meta = body
            elif kind == "community":
                self.communities[key] = {**body, **{name: {} for name in NESTED.values()}}
            elif kind in NESTED:
                nested.append((kind, key, body))
            else:
                getattr(self, f"{kind}s")[key] = body
        for kind, key, body in nested:
            code, _, item = key.rpartition("/")
            self.communities[code][NESTED[kind]][item] = body

    def take_changes(self) -> list[tuple[str, str, Any]]:
        """The pieces changed since the last call as (kind, key, body); body None: the piece is gone."""
        out = [(kind, key, self._body(kind, key)) for kind, key in sorted(self.changed)]
        self.changed = set()
        return out

    def take_stale(self) -> tuple[dict[str, str], str | None]:
        stale, every = self.stale, self.stale_all
        self.stale, self.stale_all = {}, None
        return stale, every

    def _touch(self, code: str | None, since: str) -> None:
        if code is not None and (code not in self.stale or since < self.stale[code]):
            self.stale[code] = since

    # --- folding ----------------------------------------------------------------------
    def apply(self, record: Any) -> None:
        """Apply a Record-like event (position, originator_id, version, topic, state)."""
        if record.position <= self.meta["position"]:
            return  # already applied: applying the log twice changes nothing
        self.meta["position"] = record.position
        self.changed.add(("meta", ""))
        on = plain(record.state["occurred_on"])
        horizon = self.meta["horizon"]
        if horizon is None or on > horizon:
            if horizon is not None and (self.stale_all is None or horizon < self.stale_all):
                self.stale_all = horizon  # periods after the old horizon are new for every community
            self.meta["horizon"] = on
        if record.topic == _INSPECTION:
            return  # inspections only move the horizon (the latest business date)
        f = {k: plain(v) for k, v in record.state.items() if k not in _SKIP}
        kind, name = record.topic.split(":")[1].split(".")
        oid = record.originator_id if isinstance(record.originator_id, str) else record.originator_id.hex
        getattr(self, f"_{kind.lower()}")(name, oid.replace("-", ""), record.version, f)

    def _community(self, name: str, oid: str, version: int, f: dict[str, Any]) -> None:
        on = f["occurred_on"]
        if name == "Registered":
            code = self.meta["ids"][oid] = f["code"]
            self.communities[code] = {
                "code": code, "name": f["name"], "street": f["street"], "category": f["category"],
                "build_year": f["build_year"], "area": str(Decimal(repr(float(f["floor_area"])))),
                "households": f["households"], "registered_on": on, "mode": f["mode"], "mode_changes": [],
                "renovated_on": None, "fund": None, **{n: {} for n in NESTED.values()},
            }
            self.changed.add(("community", code))
            self._touch(code, on)
            return
        code = self.meta["ids"].get(oid)
        c = self.communities.get(code)
        if c is None:
            return
        v = str(version)
        if name == "Renovated":
            c["renovated_on"] = f["completed_on"]
            self._header(code, min(f["completed_on"], on))
        elif name == "ModeChanged":
            c["mode_changes"].append([on, f["mode"]])
            self._header(code, on)
        elif name in RECORD_KINDS:
            piece = "fee" if name == "FeesCollected" else "record"
            c[NESTED[piece]][v] = {"kind": name, "_v": version, **f}
            self._item(code, piece, v, _label_start(f[_LABEL[name]], on))
        elif name in ("RecordCorrected", "RecordWithdrawn"):
            self._correct(code, c, name, version, f)
        elif name == "SubsidyPaid":
            c["payments"][v] = {"period": f["period"], "payer": f["payer_level"], "amount": f["amount"],
                                "voucher": f["voucher_no"], "on": on, "version": version}
            self._item(code, "payment", v, _label_start(f["period"], on))
        elif name == "FeeReliefApplied":
            c["relief"][v] = {"household": f["household"], "kind": f["kind"], "months": f["months"],
                              "applied_on": on, "decision": None}
            self.changed.add(("relief", f"{code}/{v}"))
        elif name == "FeeReliefDecided":
            app = c["relief"].get(str(f["application_version"]))
            if app is not None:
                app["decision"] = {"approved": f["approved"], "reason": f["reason"], "on": on}
                self.changed.add(("relief", f"{code}/{f['application_version']}"))
        elif name == "MaintenanceFundRecorded":
            c["fund"] = {"first_collection": f["first_collection"], "balance": f["balance"], "on": on}
            self.changed.add(("community", code))

    def _header(self, code: str, since: str) -> None:
        self.changed.add(("community", code))
        self._touch(code, since)

    def _item(self, code: str, piece: str, v: str, since: str) -> None:
        self.changed.add((piece, f"{code}/{v}"))
        self._touch(code, since)

    def _correct(self, code: str, c: dict, name: str, version: int, f: dict[str, Any]) -> None:
        target_v = str(f["corrects_version"] if name == "RecordCorrected" else f["withdraws_version"])
        piece = "fee" if target_v in c["fees"] else "record"
        target = c[NESTED[piece]].get(target_v)
        if target is None:
            return  # an inspection (not kept here)
        since = _label_start(target[_LABEL[target["kind"]]], target["occurred_on"])
        if name == "RecordWithdrawn":
            del c[NESTED[piece]][target_v]
        else:
            target.update(f["fields"])
            target["corrected_by"] = version
            if target["kind"] == "AssessmentRecorded" and "grade" not in f["fields"]:
                target["regrade"] = True
            since = min(since, _label_start(target[_LABEL[target["kind"]]], target["occurred_on"]))
        self._item(code, piece, target_v, since)

    def _engagement(self, name: str, oid: str, version: int, f: dict[str, Any]) -> None:
        engagements = self.engagements
        if name == "EntryRequested":
            engagements[oid] = {"code": f["code"], "community": f["community_code"], "start": None, "end": None,
                                "ended_on": None}
        elif oid not in engagements:
            return
        elif name == "AgreementSigned":
            engagements[oid].update(start=f["start"], end=f["end"])
            self._touch(engagements[oid]["community"], min(f["start"], f["occurred_on"]))
        elif name == "Ended":
            engagements[oid]["ended_on"] = f["ended_on"]
            self._touch(engagements[oid]["community"], min(f["ended_on"], f["occurred_on"]))
        self.changed.add(("engagement", oid))

    def _complaint(self, name: str, oid: str, version: int, f: dict[str, Any]) -> None:
        complaints = self.complaints
        if name == "Filed":
            complaints[oid] = {"community": f["community_code"], "filed_on": f["occurred_on"], "substantiated": None}
        elif oid in complaints and name == "Resolved":
            complaints[oid]["substantiated"] = f["substantiated"]
            self._touch(complaints[oid]["community"], complaints[oid]["filed_on"])
        else:
            return
        self.changed.add(("complaint", oid))

    def _policyregistry(self, name: str, oid: str, version: int, f: dict[str, Any]) -> None:
        self.meta["adoptions"].append([f["pack_id"], f["version"], f["effective_from"], f["content"],
                                       self.meta["position"]])
        if self.stale_all is None or f["effective_from"] < self.stale_all:
            self.stale_all = f["effective_from"]

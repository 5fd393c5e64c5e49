"""The facts subsidy eligibility needs, folded from the event log.

:class:`SubsidyInputs` applies events one at a time (``apply``) and keeps only
JSON-serialisable state (``snapshot``/``restore``), so a projection runner can
checkpoint it and an incremental build equals a rebuild from zero. Events come
as ``(position, originator_id, topic, state)``; ``state`` may hold decoded
values (``date``, ``Decimal``) or the stored JSON form (``{"_type_": "date_iso",
"_data_": …}``): both are accepted.
"""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

_C, _E, _K, _P = "domain.community:Community.", "domain.engagement:Engagement.", "domain.complaint:Complaint.", \
    "domain.policy:PolicyRegistry."
RECORD_KINDS = {"AssessmentRecorded", "SatisfactionSurveyed", "EvaluationRecorded", "FeesCollected"}
TOPICS = frozenset(
    [_C + n for n in ("Registered", "Renovated", "ModeChanged", "RecordCorrected", "RecordWithdrawn", "SubsidyPaid",
                      "FeeReliefApplied", "FeeReliefDecided", "MaintenanceFundRecorded", *RECORD_KINDS)]
    + [_E + n for n in ("EntryRequested", "AgreementSigned", "Ended")]
    + [_K + n for n in ("Filed", "Resolved")] + [_P + "PackAdopted"]
)
_SKIP = {"timestamp", "originator_topic", "actor", "source", "originator_id", "originator_version"}


def plain(value: Any) -> Any:
    """A value in JSON form: dates and decimals as strings, transcoded markers unwrapped."""
    if isinstance(value, dict):
        if set(value) == {"_type_", "_data_"}:
            return plain(value["_data_"])
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, UUID):
        return value.hex
    return value


class SubsidyInputs:
    """Communities, engagements, complaints and pack adoptions, as facts."""

    def __init__(self) -> None:
        self.state: dict[str, Any] = {"communities": {}, "ids": {}, "engagements": {}, "complaints": {},
                                      "adoptions": [], "horizon": None, "position": 0}

    # --- checkpointing --------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        return copy.deepcopy(self.state)

    @classmethod
    def restore(cls, snapshot: dict[str, Any]) -> SubsidyInputs:
        inputs = cls()
        inputs.state = copy.deepcopy(snapshot)
        return inputs

    # --- folding ----------------------------------------------------------------------
    def apply(self, position: int, originator_id: UUID | str, topic: str, state: dict[str, Any],
              version: int | None = None) -> None:
        s = self.state
        if position <= s["position"]:
            return  # already applied: applying the log twice changes nothing
        s["position"] = position
        fields = {k: plain(v) for k, v in state.items() if k not in _SKIP}
        on = fields.get("occurred_on")
        if on and (s["horizon"] is None or on > s["horizon"]):
            s["horizon"] = on
        if topic not in TOPICS:
            return
        oid = originator_id.hex if isinstance(originator_id, UUID) else UUID(str(originator_id)).hex
        version = version if version is not None else state.get("originator_version")
        kind, name = topic.split(":")[1].split(".")
        getattr(self, f"_{kind.lower()}")(name, oid, version, fields)

    def _community(self, name: str, oid: str, version: int, f: dict[str, Any]) -> None:
        s = self.state
        if name == "Registered":
            s["ids"][oid] = f["code"]
            s["communities"][f["code"]] = {
                "code": f["code"], "name": f["name"], "street": f["street"], "category": f["category"],
                "build_year": f["build_year"], "area": str(Decimal(repr(float(f["floor_area"])))),
                "households": f["households"], "registered_on": f["occurred_on"], "mode": f["mode"],
                "mode_changes": [], "renovated_on": None, "records": {}, "payments": [], "relief": {},
                "fund": None,
            }
            return
        c = s["communities"].get(s["ids"].get(oid, ""))
        if c is None:
            return
        v = str(version)
        if name == "Renovated":
            c["renovated_on"] = f["completed_on"]
        elif name == "ModeChanged":
            c["mode_changes"].append([f["occurred_on"], f["mode"]])
        elif name in RECORD_KINDS:
            c["records"][v] = {"kind": name, **f}
        elif name == "RecordCorrected":
            target = c["records"].get(str(f["corrects_version"]))
            if target is not None:
                target.update(f["fields"])
                target["corrected_by"] = version
                if target["kind"] == "AssessmentRecorded" and "grade" not in f["fields"]:
                    target["regrade"] = True
        elif name == "RecordWithdrawn":
            c["records"].pop(str(f["withdraws_version"]), None)
        elif name == "SubsidyPaid":
            c["payments"].append({"period": f["period"], "payer": f["payer_level"], "amount": f["amount"],
                                  "voucher": f["voucher_no"], "on": f["occurred_on"], "version": version})
        elif name == "FeeReliefApplied":
            c["relief"][v] = {"household": f["household"], "kind": f["kind"], "months": f["months"],
                              "applied_on": f["occurred_on"], "decision": None}
        elif name == "FeeReliefDecided":
            app = c["relief"].get(str(f["application_version"]))
            if app is not None:
                app["decision"] = {"approved": f["approved"], "reason": f["reason"], "on": f["occurred_on"]}
        elif name == "MaintenanceFundRecorded":
            c["fund"] = {"first_collection": f["first_collection"], "balance": f["balance"], "on": f["occurred_on"]}

    def _engagement(self, name: str, oid: str, version: int, f: dict[str, Any]) -> None:
        engagements = self.state["engagements"]
        if name == "EntryRequested":
            engagements[oid] = {"code": f["code"], "community": f["community_code"], "start": None, "end": None,
                                "ended_on": None}
        elif oid in engagements and name == "AgreementSigned":
            engagements[oid].update(start=f["start"], end=f["end"])
        elif oid in engagements and name == "Ended":
            engagements[oid]["ended_on"] = f["ended_on"]

    def _complaint(self, name: str, oid: str, version: int, f: dict[str, Any]) -> None:
        complaints = self.state["complaints"]
        if name == "Filed":
            complaints[oid] = {"community": f["community_code"], "filed_on": f["occurred_on"], "substantiated": None}
        elif oid in complaints and name == "Resolved":
            complaints[oid]["substantiated"] = f["substantiated"]

    def _policyregistry(self, name: str, oid: str, version: int, f: dict[str, Any]) -> None:
        self.state["adoptions"].append([f["pack_id"], f["version"], f["effective_from"], f["content"],
                                        self.state["position"]])

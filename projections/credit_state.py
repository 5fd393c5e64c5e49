"""Credit items per provider, from the events (light records, in position order).

Each behaviour that counts for credit becomes one item keyed by the event that
recorded it; a correction or withdrawal of the record changes or removes the
item, a republication changes a star item. Look-backs (the complaint's
provider, the engagement's provider, the result a publication fixed, the record
a correction names) go through ``lookup(aggregate id hex, version)``.
"""

from __future__ import annotations

import json

from typing import Callable

from domain.community import Community
from domain.complaint import Complaint
from domain.engagement import Engagement
from domain.policy import PolicyRegistry
from domain.provider import Provider
from domain.rating_cycle import RatingCycle
from domain.scheme_pack import load_pack, validate_credit
from projections.ratings_state import ref
from projections.records import Record, data, topic_of

DEFAULT_RULES = "credit_default"
HANDLED = {
    Community.InspectionRecorded: "inspection", Community.AssessmentRecorded: "assessment",
    Community.RecordCorrected: "corrected", Community.RecordWithdrawn: "withdrawn",
    Complaint.Filed: "complaint_filed", Complaint.Resolved: "complaint", Provider.Registered: "registered", Provider.Commended: "commended",
    Provider.Sanctioned: "sanctioned", Provider.DeclaredDishonest: "dishonest",
    Provider.DishonestyLifted: "lifted", Provider.CreditRepairDecided: "repair",
    Engagement.MarkedOverdue: "overdue", RatingCycle.Published: "published",
    RatingCycle.Republished: "republished", PolicyRegistry.PackAdopted: "pack",
}
TOPICS = tuple(sorted(topic_of(c) for c in HANDLED))
_SANCTION_KIND = {"interview": "sanction_interview", "fine": "sanction_fine", "removal": "sanction_removal",
                  "safety_accident": "safety_accident"}


class CreditState:
    def __init__(self, lookup: Callable[[str, int], Record | None]) -> None:
        self.lookup = lookup
        self.items: dict[str, dict[str, dict]] = {}  # uscc -> key -> item
        self.owner: dict[str, str] = {}  # item key -> uscc
        self.adoptions: list[tuple[str, str, str]] = []  # (effective_from, credit rules name, adoption key)
        self.dirty: set[str] = set()  # providers whose timeline and blacklist must be recomputed
        self.changed: set[str] = set()  # item keys added or changed since the last write
        self.removed: set[str] = set()  # item keys removed since the last write
        self.uscc_of: dict[str, str] = {}  # provider aggregate id -> uscc
        self.open_complaints: dict[str, tuple] = {}  # complaint id -> (provider, code, Filed ref) until resolved
        self._rules: dict[str, dict] = {}
        self._dispatch = {topic_of(c): getattr(self, "_" + n) for c, n in HANDLED.items()}
        self.position = 0

    def apply(self, record: Record) -> None:
        self._dispatch[record.topic](record)
        self.position = max(self.position, record.position)

    # --- items ------------------------------------------------------------------------------------
    def put(self, item: dict) -> None:
        old = self.owner.get(item["key"])
        if old is not None and old != item["uscc"]:
            self.drop(item["key"])
        self.items.setdefault(item["uscc"], {})[item["key"]] = item
        self.owner[item["key"]] = item["uscc"]
        self.dirty.add(item["uscc"])
        self.changed.add(item["key"])
        self.removed.discard(item["key"])

    def drop(self, key: str) -> None:
        uscc = self.owner.pop(key, None)
        if uscc is not None:
            del self.items[uscc][key]
            self.dirty.add(uscc)
            self.changed.discard(key)
            self.removed.add(key)

    def clean(self) -> None:
        """Forget what changed (after the changes were written)."""
        self.dirty, self.changed, self.removed = set(), set(), set()

    def get(self, key: str) -> dict | None:
        uscc = self.owner.get(key)
        return None if uscc is None else self.items[uscc][key]

    def _item(self, e: Record, key: str, uscc: str, kind: str, **extra) -> None:
        self.put({"key": key, "uscc": uscc, "kind": kind, "occurred_on": e.occurred_on, "points": None,
                  "stars": None, "veto": None, "term_end": None, "lifted_on": None, "events": [ref(e)],
                  "note": "", **extra})

    def provider(self, originator_id: str) -> str:
        uscc = self.uscc_of.get(originator_id)
        if uscc is None:
            uscc = self.uscc_of[originator_id] = self.lookup(originator_id, 1).state["uscc"]
        return uscc

    # --- rules in force -----------------------------------------------------------------------------
    def rules_on(self, day: str) -> dict:
        name = DEFAULT_RULES
        if self.adoptions:
            # Stable sort on the date only: of adoptions effective the same day the later wins.
            for effective_from, rules, _ in sorted(self.adoptions, key=lambda a: a[0]):
                if effective_from <= day:
                    name = rules
        rules = self._rules.get(name)
        if rules is None:
            # Inline rules (JSON) came with the adoption event, so a replay applies exactly
            # what was adopted; a bare name refers to a shipped file (older adoptions).
            rules = validate_credit(json.loads(name)) if name.startswith("{") else load_pack(name)
            self._rules[name] = rules
        return rules

    def rule_days(self) -> list[str]:
        return sorted({a[0] for a in self.adoptions})

    def _pack(self, e: Record) -> None:
        name = e.state["content"].get("credit_rules") if isinstance(e.state["content"], dict) else None
        if isinstance(name, dict):
            name = json.dumps(name, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        if name:
            self.adoptions.append((data(e.state["effective_from"]), name, f"{e.state['pack_id']}@{e.state['version']}"))
            self.dirty |= set(self.items)

    # --- community records ----------------------------------------------------------------------------
    def _inspection(self, e: Record) -> None:
        if not e.state["passed"] and e.state["provider_uscc"]:
            self._item(e, f"rec:{e.originator_id}:{e.version}", e.state["provider_uscc"], "inspection_failed",
                       note=e.state["month"])

    def _assessment(self, e: Record) -> None:
        uscc = e.state["provider_uscc"]
        if uscc and e.state["grade"] in self.rules_on(e.occurred_on)["assessment_fail_grades"]:
            self._item(e, f"rec:{e.originator_id}:{e.version}", uscc, "assessment_failed", note=e.state["quarter"])

    def _corrected(self, e: Record) -> None:
        key = f"rec:{e.originator_id}:{e.state['corrects_version']}"
        original = self.lookup(e.originator_id, e.state["corrects_version"])
        if original is None or original.name not in ("InspectionRecorded", "AssessmentRecorded"):
            return
        fields, item = e.state["fields"], self.get(key)
        uscc = fields.get("provider_uscc", item["uscc"] if item else original.state["provider_uscc"])
        if original.name == "InspectionRecorded":
            failing = not fields["passed"] if "passed" in fields else (
                not all(fields["items"].values()) if "items" in fields else item is not None)
            kind, note = "inspection_failed", original.state["month"]
        else:
            failing = (fields["grade"] in self.rules_on(original.occurred_on)["assessment_fail_grades"]
                       if "grade" in fields else item is not None)
            kind, note = "assessment_failed", original.state["quarter"]
        if failing and uscc:
            self._item(original, key, uscc, kind, note=note, events=[ref(original), ref(e)])
        else:
            self.drop(key)

    def _withdrawn(self, e: Record) -> None:
        self.drop(f"rec:{e.originator_id}:{e.state['withdraws_version']}")

    def _complaint_filed(self, e: Record) -> None:
        self.open_complaints[e.originator_id] = (e.state["provider_uscc"], e.state["code"], ref(e))

    def _complaint(self, e: Record) -> None:
        # Filed was seen in this process, unless it was restarted in between: then look it up.
        known = self.open_complaints.pop(e.originator_id, None)
        if known is None:
            filed = self.lookup(e.originator_id, 1)
            known = (filed.state["provider_uscc"], filed.state["code"], ref(filed))
        provider, code, filed_ref = known
        if e.state["substantiated"] and provider:
            self._item(e, f"cmp:{e.originator_id}", provider, "complaint_substantiated", note=code,
                       events=[filed_ref, ref(e)])

    # --- providers ------------------------------------------------------------------------------------
    def _registered(self, e: Record) -> None:
        self.uscc_of[e.originator_id] = e.state["uscc"]

    def _commended(self, e: Record) -> None:
        self._item(e, f"prv:{e.originator_id}:{e.version}", self.provider(e.originator_id), "commendation",
                   points=float(e.state["points"]), note=e.state["reason"])

    def _sanctioned(self, e: Record) -> None:
        s = e.state
        veto = "fatal_safety_accident" if s["fatal"] else None
        self._item(e, f"prv:{e.originator_id}:{e.version}", self.provider(e.originator_id), _SANCTION_KIND[s["kind"]],
                   veto=veto, note=s["reason"] + (f" [{s['cycle_code']}]" if s.get("cycle_code") else ""))

    def _dishonest(self, e: Record) -> None:
        self._item(e, f"dis:{e.originator_id}:{e.version}", self.provider(e.originator_id), "dishonesty",
                   occurred_on=data(e.state["term_start"]), term_end=data(e.state["term_end"]), note=e.state["reason"])

    def _lifted(self, e: Record) -> None:
        item = self.get(f"dis:{e.originator_id}:{e.state['declaration_version']}")
        if item is not None:
            self.put({**item, "lifted_on": e.occurred_on, "events": [*item["events"], ref(e)]})

    def _repair(self, e: Record) -> None:
        if e.state["approved"]:
            self._item(e, f"prv:{e.originator_id}:{e.version}", self.provider(e.originator_id), "repair",
                       note=e.state["reason"])

    def _overdue(self, e: Record) -> None:
        requested = self.lookup(e.originator_id, 1)
        self._item(e, f"eng:{e.originator_id}", requested.state["provider_uscc"], "handover_overdue",
                   veto="handover_overdue", note=requested.state["code"], events=[ref(requested), ref(e)])

    # --- star results ---------------------------------------------------------------------------------
    def _published(self, e: Record) -> None:
        computed = self.lookup(e.originator_id, e.version - 1)
        scheme = self.lookup(e.originator_id, 1)
        for uscc, (_, stars) in computed.state["results"].items():
            self._item(e, f"star:{e.originator_id}:{uscc}", uscc, "stars", stars=stars,
                       note=scheme.state["code"], events=[ref(computed), ref(e)])

    def _republished(self, e: Record) -> None:
        for uscc, (_, stars) in e.state["changed"].items():
            item = self.get(f"star:{e.originator_id}:{uscc}")
            if item is not None:  # keeps the first publication's date: a republication corrects it
                self.put({**item, "stars": stars, "events": [*item["events"], ref(e)]})

"""What the ratings read model remembers of the log: cycles, scores, engagements.

A pure, in-memory state fed with light :class:`~projections.records.Record`s in
position order. Everything keeps the ledger position it came from, so a result
can be recomputed *as of* any position from a state that has moved past it —
which is how a replay checks that a published digest came from exactly the
events before it (:mod:`projections.ratings_calc`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from domain.engagement import Engagement
from domain.provider import Provider
from domain.rating_cycle import RatingCycle, star_levels
from projections.records import Record, data, topic_of, unwrap


def _day(value) -> date | None:
    value = data(value)
    return date.fromisoformat(value) if value else None


def ref(record: Record) -> dict:
    """How an explanation names an event: aggregate id, version, ledger position."""
    return {"id": record.originator_id, "version": record.version, "position": record.position}


@dataclass
class CycleState:
    oid: str
    code: str
    scheme: dict
    levels: int
    period: tuple[date, date] | None = None
    versions: list[tuple[int, int]] = field(default_factory=list)  # (version, position)
    status: str = "scheme"
    scores: dict[int, dict] = field(default_factory=dict)  # version -> submitted score
    corrections: list[dict] = field(default_factory=list)
    computed: list[dict] = field(default_factory=list)
    publications: list[dict] = field(default_factory=list)
    objections: dict[int, dict] = field(default_factory=dict)
    decisions: dict[int, dict] = field(default_factory=dict)  # objection version -> decision

    def version_at(self, upto: int) -> int:
        return max((v for v, p in self.versions if p <= upto), default=0)

    def published_computation(self) -> dict | None:
        """The ResultComputed that the (first) publication fixed."""
        if not self.publications:
            return None
        first = self.publications[0]["position"]
        return [c for c in self.computed if c["event"]["position"] < first][-1]


CYCLE_EVENTS = (RatingCycle.SchemeAdopted, RatingCycle.Opened, RatingCycle.ScoreSubmitted,
                RatingCycle.ScoreCorrected, RatingCycle.Closed, RatingCycle.ResultComputed,
                RatingCycle.Published, RatingCycle.ObjectionFiled, RatingCycle.ObjectionDecided,
                RatingCycle.Republished)
OTHER_EVENTS = (Engagement.EntryRequested, Engagement.AgreementSigned, Engagement.Ended,
                Provider.Registered, Provider.ProfileAmended)
TOPICS = tuple(topic_of(c) for c in CYCLE_EVENTS + OTHER_EVENTS)


class RatingsState:
    """Cycles by code, engagements by id, provider names by USCC."""

    def __init__(self, lookup=None) -> None:
        self.lookup = lookup  # (aggregate id hex, version) -> Record | None, for followers started mid-stream
        self.cycles: dict[str, CycleState] = {}
        self.cycle_codes: dict[str, str] = {}  # aggregate id -> code
        self.engagements: dict[str, dict] = {}
        self.by_community: dict[str, list[str]] = {}  # community code -> engagement ids
        self.providers: dict[str, str] = {}  # uscc -> name
        self.provider_ids: dict[str, str] = {}  # aggregate id -> uscc
        self.position = 0
        self._handlers = {topic_of(c): getattr(self, "_" + c.__name__) for c in CYCLE_EVENTS}
        self._handlers.update({
            topic_of(Engagement.EntryRequested): self._entry_requested,
            topic_of(Engagement.AgreementSigned): self._agreement_signed,
            topic_of(Engagement.Ended): self._ended,
            topic_of(Provider.Registered): self._provider_registered,
            topic_of(Provider.ProfileAmended): self._profile_amended,
        })

    def _seen(self, record: Record, known: dict) -> None:
        """A follower started mid-stream meets an aggregate it has not seen: fetch its first event."""
        if record.originator_id not in known and self.lookup is not None and record.version > 1:
            first = self.lookup(record.originator_id, 1)
            if first is not None:
                self.apply(first)

    def apply(self, record: Record) -> None:
        handler = self._handlers.get(record.topic)
        if handler is not None:
            if record.topic.startswith("domain.engagement:"):
                self._seen(record, self.engagements)
            if record.topic.startswith("domain.rating_cycle:") and record.name != "SchemeAdopted":
                self._seen(record, self.cycle_codes)
                cycle = self.cycles[self.cycle_codes[record.originator_id]]
                cycle.versions.append((record.version, record.position))
                handler(cycle, record)
            else:
                handler(record)
        self.position = max(self.position, record.position)

    def cycle(self, code: str) -> CycleState:
        return self.cycles[code]

    # --- cycles -----------------------------------------------------------------------------
    def _SchemeAdopted(self, r: Record) -> None:
        s = r.state
        scheme = {k: unwrap(s.get(k)) for k in ("departments", "weights", "standardisation", "method",
                                                  "parameters", "min_departments", "guardrail", "appeal", "pack")}
        cycle = CycleState(r.originator_id, s["code"], scheme, star_levels(s["method"], s["parameters"]))
        cycle.versions.append((r.version, r.position))
        self.cycles[cycle.code] = cycle
        self.cycle_codes[r.originator_id] = cycle.code

    def _Opened(self, c: CycleState, r: Record) -> None:
        c.period, c.status = (_day(r.state["period_start"]), _day(r.state["period_end"])), "open"

    def _ScoreSubmitted(self, c: CycleState, r: Record) -> None:
        s = r.state
        c.scores[r.version] = {"subject_kind": s["subject_kind"], "subject": s["subject"],
                               "department": s["department"], "score": float(s["score"]), "ref": ref(r)}

    def _ScoreCorrected(self, c: CycleState, r: Record) -> None:
        c.corrections.append({"corrects_version": r.state["corrects_version"], "score": float(r.state["score"]),
                              "reason": r.state["reason"], "ref": ref(r)})

    def _Closed(self, c: CycleState, r: Record) -> None:
        c.status = "closed"

    def _ResultComputed(self, c: CycleState, r: Record) -> None:
        s = r.state
        c.status = "computed"
        c.computed.append({"results": s["results"], "cut_points": s["cut_points"], "digest": s["digest"],
                           "upto": s["position"], "previous_cycle": s["previous_cycle"],
                           "previous_cut_points": s["previous_cut_points"], "event": ref(r),
                           "on": _day(s["occurred_on"])})

    def _Published(self, c: CycleState, r: Record) -> None:
        c.status = "published"
        c.publications.append({"number": r.state["number"], "digest": r.state["digest"], "upto": r.state["position"],
                               "on": _day(r.state["occurred_on"]), "position": r.position, "changed": {},
                               "objections": [], "event": ref(r)})

    def _ObjectionFiled(self, c: CycleState, r: Record) -> None:
        c.objections[r.version] = {"uscc": r.state["provider_uscc"], "reason": r.state["reason"],
                                   "filed_on": _day(r.state["occurred_on"]), "deadline": _day(r.state["deadline"]),
                                   "ref": ref(r)}

    def _ObjectionDecided(self, c: CycleState, r: Record) -> None:
        s = r.state
        c.decisions[s["objection_version"]] = {
            "upheld": s["upheld"], "reason": s["reason"], "department": s["department"],
            "score": s["score"], "stars": s["stars"], "on": _day(s["occurred_on"]), "ref": ref(r)}

    def _Republished(self, c: CycleState, r: Record) -> None:
        s = r.state
        c.publications.append({"number": s["number"], "digest": s["digest"], "upto": s["position"],
                               "on": _day(s["occurred_on"]), "position": r.position, "changed": s["changed"],
                               "objections": list(s["objections"]), "event": ref(r)})

    # --- engagements and providers -------------------------------------------------------------
    def _entry_requested(self, r: Record) -> None:
        s = r.state
        self.engagements[r.originator_id] = {
            "code": s["code"], "provider": s["provider_uscc"], "community": s["community_code"],
            "served_area": float(s["served_area"]), "start": None, "end": None, "signed_at": None,
            "ended_on": None, "ended_at": None, "ref": ref(r)}
        self.by_community.setdefault(s["community_code"], []).append(r.originator_id)

    def _agreement_signed(self, r: Record) -> None:
        e = self.engagements[r.originator_id]
        e["start"], e["end"], e["signed_at"] = _day(r.state["start"]), _day(r.state["end"]), r.position

    def _ended(self, r: Record) -> None:
        e = self.engagements[r.originator_id]
        e["ended_on"], e["ended_at"] = _day(r.state["ended_on"]), r.position

    def _provider_registered(self, r: Record) -> None:
        self.providers[r.state["uscc"]] = r.state["name"]
        self.provider_ids[r.originator_id] = r.state["uscc"]

    def _profile_amended(self, r: Record) -> None:
        uscc = self.provider_ids.get(r.originator_id)
        if uscc and "name" in r.state["changes"]:
            self.providers[uscc] = r.state["changes"]["name"]

    def serving(self, community: str, period: tuple[date, date], upto: int) -> list[dict]:
        """Engagements (known at ``upto``) that served ``community`` at some time in ``period``."""
        found = []
        for oid in self.by_community.get(community, ()):
            e = self.engagements[oid]
            if e["signed_at"] is None or e["signed_at"] > upto:
                continue
            last = e["ended_on"] if e["ended_at"] is not None and e["ended_at"] <= upto else e["end"]
            if e["start"] <= period[1] and last >= period[0]:
                found.append(e)
        return sorted(found, key=lambda e: e["code"])

"""RatingCycle (物业服务星级评定): scheme → open → scores → corrections → close
→ result computed → published → objections (复核) → decisions → republished.

The result is computed by the ratings projection (numpy lives there) over the
ledger up to a position, and handed to :meth:`RatingCycle.record_result`; the
aggregate checks its state, its shape, and that the digest matches the rows. A
publication fixes that digest and position. An upheld objection changes only
the objector's row (the published cut points stay), and a changed result is a
new publication: the first stays in the history."""

from __future__ import annotations

from datetime import date

from domain.base import LedgerAggregate, Stamp
from domain.errors import RuleViolation, ValidationError
from domain.rating_result import (
    appeal_deadline, canonical_cut_points, check_appeal, check_results, result_digest,
)
from domain.values import (
    check_choice, check_code, check_count, check_number, check_order, check_text, check_uscc,
)
from domain.vocab import DEPARTMENTS, STANDARDISATIONS, STAR_METHODS


def star_levels(method: str, parameters: dict) -> int:
    """Number of star levels a scheme's method produces (5 by default)."""
    if method == "thresholds" and parameters.get("thresholds"):
        return len(parameters["thresholds"]) + 1
    if method == "quota" and parameters.get("shares"):
        return len(parameters["shares"])
    return int(parameters.get("levels", 5))


class RatingCycle(LedgerAggregate):
    KIND = "rating_cycle"
    COMMANDS = frozenset({"open", "correct_score", "close", "publish", "file_objection", "decide_objection"})

    class SchemeAdopted(LedgerAggregate.Created):
        code: str
        departments: list
        weights: dict
        standardisation: str
        method: str
        parameters: dict
        min_departments: int
        guardrail: float | None
        appeal: dict  # working_days, holidays, extra_workdays
        pack: dict | None  # {"id", "version", "sha256"} of the scheme pack file it came from

        def apply(self, r: RatingCycle) -> None:
            r.code, r.departments = self.code, list(self.departments)
            r.method, r.levels, r.appeal = self.method, star_levels(self.method, self.parameters), self.appeal
            r.status = "scheme"
            r.period_start = r.period_end = None
            r.scores = {}  # (subject_kind, subject, department) -> version
            r.results, r.cut_points, r.digest, r.position = {}, [], None, None
            r.publications = []  # [number, digest, published_on]
            r.objections = {}  # version -> {"uscc", "status", "applied"}

    class Opened(LedgerAggregate.Event):
        period_start: date
        period_end: date

        def apply(self, r: RatingCycle) -> None:
            r.status, r.period_start, r.period_end = "open", self.period_start, self.period_end

    class ScoreSubmitted(LedgerAggregate.Event):
        subject_kind: str  # provider | community
        subject: str  # USCC or community code
        department: str
        score: float

        def apply(self, r: RatingCycle) -> None:
            r.scores[(self.subject_kind, self.subject, self.department)] = self.originator_version

    class ScoreCorrected(LedgerAggregate.Event):
        corrects_version: int
        score: float
        reason: str

    class Closed(LedgerAggregate.Event):
        def apply(self, r: RatingCycle) -> None:
            r.status = "closed"

    class ResultComputed(LedgerAggregate.Event):
        results: dict  # uscc -> [composite | None, stars (0 = not rated)]
        cut_points: list  # ascending; None = nobody reached that level
        method: str
        digest: str
        position: int  # ledger position the result was computed from
        previous_cycle: str | None  # whose cut points the guardrail used
        previous_cut_points: list | None

        def apply(self, r: RatingCycle) -> None:
            r.status, r.results, r.cut_points = "computed", dict(self.results), list(self.cut_points)
            r.digest, r.position = self.digest, self.position

    class Published(LedgerAggregate.Event):
        number: int  # 1 for the first publication
        digest: str
        position: int

        def apply(self, r: RatingCycle) -> None:
            r.status = "published"
            r.publications.append([self.number, self.digest, self.occurred_on])

    class ObjectionFiled(LedgerAggregate.Event):
        provider_uscc: str
        reason: str
        deadline: date

        def apply(self, r: RatingCycle) -> None:
            r.objections[self.originator_version] = {"uscc": self.provider_uscc, "status": "pending", "applied": False}

    class ObjectionDecided(LedgerAggregate.Event):
        objection_version: int
        upheld: bool
        reason: str
        department: str | None  # an upheld objection corrects one department's score…
        score: float | None
        stars: int | None  # …or sets the stars directly

        def apply(self, r: RatingCycle) -> None:
            r.objections[self.objection_version]["status"] = "upheld" if self.upheld else "rejected"

    class Republished(LedgerAggregate.Event):
        number: int
        digest: str
        position: int
        changed: dict  # uscc -> [composite | None, stars]: the rows the objections changed
        objections: list  # versions of the upheld objections it applies

        def apply(self, r: RatingCycle) -> None:
            r.results.update(self.changed)
            r.digest, r.position = self.digest, self.position
            for v in self.objections:
                r.objections[v]["applied"] = True
            r.publications.append([self.number, self.digest, self.occurred_on])

    @classmethod
    def adopt_scheme(cls, *, code: str, departments: list[str], weights: dict[str, float],
                     method: str, parameters: dict, min_departments: int, stamp: Stamp,
                     standardisation: str = "raw", guardrail: float | None = None,
                     appeal: dict | None = None, pack: dict | None = None) -> RatingCycle:
        if not departments:
            raise ValidationError("departments", "required", "a scheme needs departments")
        for d in departments:
            check_choice(d, "departments", set(DEPARTMENTS))
        if set(weights) != set(departments):
            raise ValidationError("weights", "one_per_department", "give exactly one weight per department")
        clean = {d: check_number(w, f"weights.{d}", strict=True) for d, w in weights.items()}
        check_count(min_departments, "min_departments", minimum=1)
        if min_departments > len(departments):
            raise ValidationError("min_departments", "within_departments", "cannot exceed the number of departments")
        if guardrail is not None:
            guardrail = check_number(guardrail, "guardrail", strict=True)
        return cls._create_with(
            cls.SchemeAdopted, check_code(code, "code"), stamp, code=code, departments=list(departments),
            weights=clean, standardisation=check_choice(standardisation, "standardisation", set(STANDARDISATIONS)),
            method=check_choice(method, "method", set(STAR_METHODS)), parameters=dict(parameters or {}),
            min_departments=min_departments, guardrail=guardrail, appeal=check_appeal(appeal),
            pack=dict(pack) if pack else None,
        )

    def open(self, *, period_start: date, period_end: date, stamp: Stamp) -> None:
        if self.status != "scheme":
            raise RuleViolation("cycle", "open_once", f"cycle {self.code} is already {self.status}")
        check_order(period_start, period_end, "period_start", "period_end")
        self._trigger(self.Opened, stamp, period_start=period_start, period_end=period_end)

    def _check_open(self) -> None:
        if self.status != "open":
            raise RuleViolation("cycle", "cycle_open", f"cycle {self.code} is {self.status}, not open for scores")

    def submit_score(self, *, subject_kind: str, subject: str, department: str, score: float,
                     stamp: Stamp) -> None:
        self._check_open()
        check_choice(subject_kind, "subject_kind", {"provider", "community"})
        subject = check_uscc(subject, "subject") if subject_kind == "provider" else check_code(subject, "subject")
        if department not in self.departments:
            raise ValidationError("department", "scheme_department", f"{department!r} is not a department of this scheme")
        if (subject_kind, subject, department) in self.scores:
            raise RuleViolation("score", "one_per_department", "this department already scored this subject; submit a correction")
        self._trigger(self.ScoreSubmitted, stamp, subject_kind=subject_kind, subject=subject,
                      department=department, score=check_number(score, "score", maximum=100))

    def correct_score(self, *, corrects_version: int, score: float, reason: str, stamp: Stamp) -> None:
        self._check_open()
        if corrects_version not in self.scores.values():
            raise ValidationError("corrects_version", "known_score", "no score was submitted at that version")
        self._trigger(self.ScoreCorrected, stamp, corrects_version=corrects_version,
                      score=check_number(score, "score", maximum=100), reason=check_text(reason, "reason"))

    def close(self, *, stamp: Stamp) -> None:
        self._check_open()
        self._trigger(self.Closed, stamp)

    # --- after close: result, publication, appeals ------------------------------------
    def record_result(self, *, results: dict, cut_points: list, method: str, digest: str, position: int,
                      cycle_version: int, stamp: Stamp, previous_cycle: str | None = None,
                      previous_cut_points: list | None = None) -> None:
        """Record a result computed (by the ratings projection) from the ledger up to ``position``."""
        if self.status not in ("closed", "computed"):
            raise RuleViolation("cycle", "closed_first", f"cycle {self.code} is {self.status}; a result needs a closed, unpublished cycle")
        if cycle_version != self.version:
            raise RuleViolation("cycle_version", "current", f"the result was computed from version {cycle_version} of the cycle, which is now at {self.version}")
        if method != self.method:
            raise ValidationError("method", "scheme_method", f"the scheme's method is {self.method}")
        cuts = canonical_cut_points(cut_points)
        if len(cuts) != self.levels - 1:
            raise ValidationError("cut_points", "one_per_level", f"need {self.levels - 1} cut points")
        rows = check_results(results, self.levels)
        if digest != result_digest(self.code, method, cuts, rows):
            raise ValidationError("digest", "matches_rows", "the digest does not match the result rows")
        check_count(position, "position", minimum=1)
        prev = canonical_cut_points(previous_cut_points) if previous_cut_points else None
        self._trigger(self.ResultComputed, stamp, results=rows, cut_points=cuts, method=method, digest=digest,
                      position=position, previous_cycle=previous_cycle, previous_cut_points=prev)

    def publish(self, *, stamp: Stamp) -> None:
        """Publish the computed result: the event fixes its digest and the position it came from."""
        if self.status != "computed":
            raise RuleViolation("cycle", "computed_first", f"cycle {self.code} is {self.status}; publish a computed result")
        self._trigger(self.Published, stamp, number=1, digest=self.digest, position=self.position)

    def file_objection(self, *, provider_uscc: str, reason: str, stamp: Stamp) -> None:
        if self.status != "published":
            raise RuleViolation("cycle", "published_first", f"cycle {self.code} has no published result to object to")
        uscc = check_uscc(provider_uscc, "provider_uscc")
        if uscc not in self.results:
            raise ValidationError("provider_uscc", "in_result", "this provider is not in the cycle's result")
        if any(o["uscc"] == uscc and o["status"] == "pending" for o in self.objections.values()):
            raise RuleViolation("provider_uscc", "one_pending", "this provider already has an undecided objection")
        deadline = appeal_deadline(self.publications[-1][2], self.appeal)
        if stamp.occurred_on > deadline:
            raise RuleViolation("occurred_on", "appeal_window",
                                f"objections close {self.appeal['working_days']} working days after publication, on {deadline.isoformat()}")
        self._trigger(self.ObjectionFiled, stamp, provider_uscc=uscc, reason=check_text(reason, "reason"),
                      deadline=deadline)

    def decide_objection(self, *, objection_version: int, upheld: bool, reason: str, stamp: Stamp,
                         department: str | None = None, score: float | None = None,
                         stars: int | None = None) -> None:
        objection = self.objections.get(objection_version)
        if objection is None:
            raise ValidationError("objection_version", "known_objection", "no objection was filed at that version")
        if objection["status"] != "pending":
            raise RuleViolation("objection_version", "decide_once", "that objection was already decided")
        if upheld:
            if (department is None) == (stars is None):
                raise ValidationError("department", "one_remedy", "an upheld objection gives either a department and score, or stars")
            if department is not None:
                if department not in self.departments:
                    raise ValidationError("department", "scheme_department", f"{department!r} is not a department of this scheme")
                if score is None:
                    raise ValidationError("score", "required", "give the corrected department score")
                score = check_number(score, "score", maximum=100)
            elif isinstance(stars, bool) or not isinstance(stars, int) or not 1 <= stars <= self.levels:
                raise ValidationError("stars", "star_range", f"must be a whole number 1..{self.levels}")
            elif self.results[objection["uscc"]][0] is None:
                raise ValidationError("stars", "rated_only", "a provider that was not rated needs a department score, not stars")
        elif department is not None or score is not None or stars is not None:
            raise ValidationError("upheld", "no_remedy", "a rejected objection changes nothing")
        self._trigger(self.ObjectionDecided, stamp, objection_version=objection_version, upheld=bool(upheld),
                      reason=check_text(reason, "reason"), department=department, score=score, stars=stars)

    def unapplied_upheld(self) -> list[int]:
        return sorted(v for v, o in self.objections.items() if o["status"] == "upheld" and not o["applied"])

    def republish(self, *, changed: dict, digest: str, position: int, stamp: Stamp) -> None:
        """A new publication with the rows the upheld objections changed; the old one stays in history."""
        pending = self.unapplied_upheld()
        if self.status != "published" or not pending:
            raise RuleViolation("cycle", "upheld_objection", "a republication applies upheld objections not yet published")
        rows = check_results(changed, self.levels, "changed")
        allowed = {self.objections[v]["uscc"] for v in pending}
        stray = sorted(set(rows) - allowed)
        if stray:
            raise ValidationError(f"changed.{stray[0]}", "objector_only", "only the rows of upheld objections may change")
        merged = {**self.results, **rows}
        if digest != result_digest(self.code, self.method, self.cut_points, merged):
            raise ValidationError("digest", "matches_rows", "the digest does not match the republished rows")
        if digest == self.digest:
            raise RuleViolation("changed", "changes_result", "the upheld objections do not change the published result")
        check_count(position, "position", minimum=1)
        self._trigger(self.Republished, stamp, number=len(self.publications) + 1, digest=digest,
                      position=position, changed=rows, objections=pending)

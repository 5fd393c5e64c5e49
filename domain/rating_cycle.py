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
from domain.rating_appeals import CycleResults
from domain.rating_result import check_appeal
from domain.scheme_pack import check_method_parameters
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


class RatingCycle(CycleResults, LedgerAggregate):
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
        class_version = 2  # v2: the signed checkpoint it was computed from (domain.publication)
        number: int  # 1 for the first publication
        digest: str
        position: int
        checkpoint_size: int | None  # None: published without a signer (v1 events, memory:// ledgers)
        checkpoint_root: str | None

        @staticmethod
        def upcast_v1_v2(state: dict) -> None:
            state.update(checkpoint_size=None, checkpoint_root=None)

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
        class_version = 2  # v2: the signed checkpoint it was computed from
        number: int
        digest: str
        position: int
        changed: dict  # uscc -> [composite | None, stars]: the rows the objections changed
        objections: list  # versions of the upheld objections it applies
        checkpoint_size: int | None
        checkpoint_root: str | None

        @staticmethod
        def upcast_v1_v2(state: dict) -> None:
            state.update(checkpoint_size=None, checkpoint_root=None)

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
        check_choice(method, "method", set(STAR_METHODS))
        check_choice(standardisation, "standardisation", set(STANDARDISATIONS))
        check_method_parameters(method, dict(parameters or {}), standardisation)
        return cls._create_with(
            cls.SchemeAdopted, (code := check_code(code, "code")), stamp, code=code, departments=list(departments),
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

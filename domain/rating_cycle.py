"""RatingCycle (物业服务星级评定): scheme → open → scores → corrections → close.

Computing, publishing and appeals are added by the ratings issue; the events
here make the stream of a cycle complete up to its close."""

from __future__ import annotations

from datetime import date

from domain.base import LedgerAggregate, Stamp
from domain.errors import RuleViolation, ValidationError
from domain.values import (
    check_choice, check_code, check_count, check_number, check_order, check_text, check_uscc,
)
from domain.vocab import DEPARTMENTS, STANDARDISATIONS, STAR_METHODS


class RatingCycle(LedgerAggregate):
    KIND = "rating_cycle"
    COMMANDS = frozenset({"open", "correct_score", "close"})

    class SchemeAdopted(LedgerAggregate.Created):
        code: str
        departments: list
        weights: dict
        standardisation: str
        method: str
        parameters: dict
        min_departments: int
        guardrail: float | None

        def apply(self, r: RatingCycle) -> None:
            r.code, r.departments = self.code, list(self.departments)
            r.status = "scheme"
            r.period_start = r.period_end = None
            r.scores = {}  # (subject_kind, subject, department) -> version

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

    @classmethod
    def adopt_scheme(cls, *, code: str, departments: list[str], weights: dict[str, float],
                     method: str, parameters: dict, min_departments: int, stamp: Stamp,
                     standardisation: str = "raw", guardrail: float | None = None) -> RatingCycle:
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
            min_departments=min_departments, guardrail=guardrail,
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

"""A rating cycle after its close: the computed result, publication, objections (复核)
within N working days, decisions, and republication — the command methods of
:class:`domain.rating_cycle.RatingCycle` (a mixin: its events live on the aggregate,
so their stored topics stay ``domain.rating_cycle:RatingCycle.…``)."""

from __future__ import annotations

from domain.base import Stamp
from domain.errors import RuleViolation, ValidationError
from domain.publication import Sign, signed_checkpoint
from domain.rating_result import appeal_deadline, canonical_cut_points, check_results, result_digest
from domain.values import check_count, check_number, check_text, check_uscc


class CycleResults:
    """Commands of a closed cycle (state: status, levels, results, cut_points, digest, publications, objections)."""

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

    def rates_a_provider(self) -> bool:
        """Whether the computed result gives some provider stars (0 stars = not rated): ``publish``
        refuses a result that does not, and the wizard warns before its button."""
        return any(stars > 0 for _, stars in self.results.values())

    def publish(self, *, stamp: Stamp, sign: Sign | None = None) -> None:
        """Publish the computed result: the event fixes its digest, the position it came from and
        the checkpoint ``sign`` makes once the publication is known to be valid (domain.publication).
        A result that rates no provider (every row 0 stars, or no row) is refused: nothing is signed
        or written."""
        if self.status != "computed":
            raise RuleViolation("cycle", "computed_first", f"cycle {self.code} is {self.status}; publish a computed result")
        if not self.rates_a_provider():
            raise RuleViolation("results", "provider_rated",
                                f"no provider rated: cycle {self.code}'s computed result gives no provider any stars, "
                                "and an empty result is not published")
        size, root = signed_checkpoint(sign, 1, self.digest, self.position)
        self._trigger(self.Published, stamp, number=1, digest=self.digest, position=self.position,
                      checkpoint_size=size, checkpoint_root=root)

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

    def republish(self, *, changed: dict, digest: str, position: int, stamp: Stamp, sign: Sign | None = None) -> None:
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
        number = len(self.publications) + 1
        size, root = signed_checkpoint(sign, number, digest, position)
        self._trigger(self.Republished, stamp, number=number, digest=digest, position=position, changed=rows,
                      objections=pending, checkpoint_size=size, checkpoint_root=root)

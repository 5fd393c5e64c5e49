"""Provider (物业服务企业 / 管理服务单位): registration, profile, commendations,
sanctions, dishonesty declarations (失信) and credit repair (信用修复)."""

from __future__ import annotations

from datetime import date

from domain.base import LedgerAggregate, Stamp
from domain.errors import RuleViolation, ValidationError
from domain.values import check_choice, check_number, check_order, check_text, check_uscc
from domain.vocab import ProviderKind, SanctionKind


class Provider(LedgerAggregate):
    KIND = "provider"
    COMMANDS = frozenset({
        "amend_profile", "commend", "sanction", "declare_dishonest", "lift_dishonesty",
        "request_credit_repair", "decide_credit_repair",
    })

    class Registered(LedgerAggregate.Created):
        uscc: str
        name: str
        kind: str
        legal_representative: str
        contact: str

        def apply(self, p: Provider) -> None:
            p.uscc, p.name, p.kind = self.uscc, self.name, self.kind
            p.legal_representative, p.contact = self.legal_representative, self.contact
            p.dishonesty_terms = {}  # declaration version -> [start, end, lifted]
            p.pending_repair = None

    class ProfileAmended(LedgerAggregate.Event):
        changes: dict

        def apply(self, p: Provider) -> None:
            for key, value in self.changes.items():
                setattr(p, key, value)

    class Commended(LedgerAggregate.Event):
        reason: str
        points: float
        cycle_code: str | None  # the rating cycle it rewards, if any

    class Sanctioned(LedgerAggregate.Event):
        kind: str
        reason: str
        fatal: bool
        cycle_code: str | None

    class DeclaredDishonest(LedgerAggregate.Event):
        term_start: date
        term_end: date
        reason: str

        def apply(self, p: Provider) -> None:
            p.dishonesty_terms[self.originator_version] = [self.term_start, self.term_end, False]

    class DishonestyLifted(LedgerAggregate.Event):
        declaration_version: int
        reason: str

        def apply(self, p: Provider) -> None:
            p.dishonesty_terms[self.declaration_version][2] = True

    class CreditRepairRequested(LedgerAggregate.Event):
        reason: str

        def apply(self, p: Provider) -> None:
            p.pending_repair = self.originator_version

    class CreditRepairDecided(LedgerAggregate.Event):
        request_version: int
        approved: bool
        reason: str

        def apply(self, p: Provider) -> None:
            p.pending_repair = None

    AMENDABLE = ("name", "legal_representative", "contact")

    @classmethod
    def register(cls, *, uscc: str, name: str, legal_representative: str, contact: str,
                 stamp: Stamp, kind: str = ProviderKind.COMPANY.value) -> Provider:
        code = check_uscc(uscc)
        return cls._create_with(
            cls.Registered, code, stamp, uscc=code, name=check_text(name, "name"),
            kind=check_choice(kind, "kind", ProviderKind),
            legal_representative=check_text(legal_representative, "legal_representative"),
            contact=check_text(contact, "contact"),
        )

    def amend_profile(self, *, changes: dict, stamp: Stamp) -> None:
        if not changes:
            raise ValidationError("changes", "required", "nothing to amend")
        clean = {}
        for key, value in changes.items():
            if key not in self.AMENDABLE:
                raise ValidationError(f"changes.{key}", "amendable", f"only {', '.join(self.AMENDABLE)} may be amended")
            clean[key] = check_text(value, f"changes.{key}")
        self._trigger(self.ProfileAmended, stamp, changes=clean)

    def commend(self, *, reason: str, points: float, stamp: Stamp, cycle_code: str | None = None) -> None:
        self._trigger(self.Commended, stamp, reason=check_text(reason, "reason"),
                      points=check_number(points, "points", minimum=0, maximum=10, strict=True),
                      cycle_code=cycle_code)

    def sanction(self, *, kind: str, reason: str, stamp: Stamp, fatal: bool = False,
                 cycle_code: str | None = None) -> None:
        check_choice(kind, "kind", SanctionKind)
        if fatal and kind != SanctionKind.SAFETY_ACCIDENT.value:
            raise ValidationError("fatal", "safety_accident_only", "only a safety accident can be fatal")
        self._trigger(self.Sanctioned, stamp, kind=kind, reason=check_text(reason, "reason"),
                      fatal=bool(fatal), cycle_code=cycle_code)

    def declare_dishonest(self, *, term_start: date, term_end: date, reason: str, stamp: Stamp) -> None:
        check_order(term_start, term_end, "term_start", "term_end")
        if term_end == term_start:
            raise ValidationError("term_end", "date_order", "must be after term_start")
        self._trigger(self.DeclaredDishonest, stamp, term_start=term_start, term_end=term_end,
                      reason=check_text(reason, "reason"))

    def lift_dishonesty(self, *, declaration_version: int, reason: str, stamp: Stamp) -> None:
        term = self.dishonesty_terms.get(declaration_version)
        if term is None:
            raise ValidationError("declaration_version", "known_declaration", "no dishonesty declaration at that version")
        if term[2]:
            raise RuleViolation("declaration_version", "already_lifted", "that declaration was already lifted")
        self._trigger(self.DishonestyLifted, stamp, declaration_version=declaration_version,
                      reason=check_text(reason, "reason"))

    def request_credit_repair(self, *, reason: str, stamp: Stamp) -> None:
        if self.pending_repair is not None:
            raise RuleViolation("provider", "one_pending_repair", "a credit repair request is already pending")
        self._trigger(self.CreditRepairRequested, stamp, reason=check_text(reason, "reason"))

    def decide_credit_repair(self, *, approved: bool, reason: str, stamp: Stamp) -> None:
        if self.pending_repair is None:
            raise RuleViolation("provider", "pending_repair", "there is no pending credit repair request")
        self._trigger(self.CreditRepairDecided, stamp, request_version=self.pending_repair,
                      approved=bool(approved), reason=check_text(reason, "reason"))

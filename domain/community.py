"""Community (小区 / 旧楼区): registration, renovation, mode, committees, the
provider currently serving it, and what is recorded against it over time:
monthly inspections, quarterly joint assessments, satisfaction surveys,
evaluations, fee collections, subsidy payments and low-income fee relief.

One aggregate on purpose: assessments and payments are events of the community
they concern (DESIGN.md), and their rules (one record per period, the provider in
place) need the community's state. The record events are short; the module is
longer than most for that reason."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.base import LedgerAggregate, Stamp
from domain.errors import RuleViolation, ValidationError
from domain.sheet import AssessmentSheet
from domain.values import (
    check_choice, check_code, check_count, check_money, check_month, check_number, check_order,
    check_quarter, check_text,
)
from domain.vocab import Category, CommitteeKind, Mode, PayerLevel, ReliefKind


_NOT_RECORD_VALUES = frozenset({"originator_id", "originator_version", "timestamp", "occurred_on", "actor",
                                 "source", "provider_uscc"})


class Community(LedgerAggregate):
    KIND = "community"
    COMMANDS = frozenset({
        "renovate", "change_mode", "form_committee", "record_inspection", "record_survey",
        "record_evaluation", "correct_record", "withdraw_record", "record_fees", "pay_subsidy",
        "apply_fee_relief", "decide_fee_relief", "record_maintenance_fund", "record_assessment",
    })

    class Registered(LedgerAggregate.Created):
        code: str
        name: str
        street: str
        category: str
        build_year: int
        floor_area: float
        households: int
        mode: str

        def apply(self, c: Community) -> None:
            for key in ("code", "name", "street", "category", "build_year", "floor_area", "households", "mode"):
                setattr(c, key, getattr(self, key))
            c.renovated_on = None
            c.current_engagement = None
            c.current_provider = None
            c.committee = None
            c.records = {}  # (kind, period) -> version of the original record
            c.corrected = set()  # versions that have been corrected or withdrawn
            c.relief_pending = {}  # application version -> household
            c.vouchers = set()
            c.record_values = {}  # version -> the record's current values

    class Renovated(LedgerAggregate.Event):
        completed_on: date
        project: str

        def apply(self, c: Community) -> None:
            c.renovated_on = self.completed_on

    class ModeChanged(LedgerAggregate.Event):
        mode: str

        def apply(self, c: Community) -> None:
            c.mode = self.mode

    class CommitteeFormed(LedgerAggregate.Event):
        kind: str
        members: int
        party_members: int

        def apply(self, c: Community) -> None:
            c.committee = self.kind

    class ServiceStarted(LedgerAggregate.Event):
        engagement_code: str
        provider_uscc: str

        def apply(self, c: Community) -> None:
            c.current_engagement, c.current_provider = self.engagement_code, self.provider_uscc

    class ServiceEnded(LedgerAggregate.Event):
        engagement_code: str

        def apply(self, c: Community) -> None:
            c.current_engagement = c.current_provider = None

    # --- records over time -------------------------------------------------
    class PeriodRecord(LedgerAggregate.Event):
        """A record of which a community has at most one per period (and kind)."""

        PERIOD_FIELD = "period"

        def apply(self, c: Community) -> None:
            c.records[(type(self).__name__, self.record_key())] = self.originator_version
            # Kept so that a correction may restate only what it changes.
            c.record_values[self.originator_version] = {
                k: v for k, v in vars(self).items() if k not in _NOT_RECORD_VALUES}

        def record_key(self) -> str:
            return getattr(self, self.PERIOD_FIELD)

    class InspectionRecorded(PeriodRecord):  # 每月巡查
        PERIOD_FIELD = "month"
        month: str
        items: dict  # item code -> passed
        passed: bool
        provider_uscc: str | None

    class AssessmentRecorded(PeriodRecord):  # 每季度联合考核
        PERIOD_FIELD = "quarter"
        quarter: str
        points: dict  # section -> points
        vetoes: list
        total: float
        grade: str
        provider_uscc: str | None

    class SatisfactionSurveyed(PeriodRecord):  # 满意度调查
        period: str
        households: int
        valid_responses: int
        satisfied: int
        provider_uscc: str | None

    class EvaluationRecorded(PeriodRecord):
        evaluator: str  # third_party | residents_committee | party_committee
        period: str
        score: float
        passed: bool
        provider_uscc: str | None

        def record_key(self) -> str:
            return f"{self.evaluator}:{self.period}"

    class RecordCorrected(LedgerAggregate.Event):
        """Replaces the fields of an earlier record; the original stays in history."""

        corrects_version: int
        fields: dict
        reason: str

        def apply(self, c: Community) -> None:
            c.corrected.add(self.corrects_version)
            c.record_values[self.corrects_version].update(self.fields)

    class RecordWithdrawn(LedgerAggregate.Event):
        withdraws_version: int
        reason: str

        def apply(self, c: Community) -> None:
            c.corrected.add(self.withdraws_version)
            c.records = {k: v for k, v in c.records.items() if v != self.withdraws_version}


    class FeesCollected(PeriodRecord):  # 物业费收缴
        PERIOD_FIELD = "month"
        month: str
        households_billed: int
        households_paid: int
        amount_billed: Decimal
        amount_collected: Decimal
        provider_uscc: str | None

    class SubsidyPaid(LedgerAggregate.Event):
        period: str
        payer_level: str
        amount: Decimal
        voucher_no: str

        def apply(self, c: Community) -> None:
            c.vouchers.add(self.voucher_no)

    class FeeReliefApplied(LedgerAggregate.Event):  # 低保/特困 物业费减免
        household: str
        kind: str
        months: int

        def apply(self, c: Community) -> None:
            c.relief_pending[self.originator_version] = self.household

    class FeeReliefDecided(LedgerAggregate.Event):
        application_version: int
        approved: bool
        reason: str

        def apply(self, c: Community) -> None:
            c.relief_pending.pop(self.application_version, None)

    class MaintenanceFundRecorded(LedgerAggregate.Event):  # 专项维修资金
        first_collection: Decimal
        balance: Decimal


    @classmethod
    def register(cls, *, code: str, name: str, street: str, category: str, build_year: int,
                 floor_area: float, households: int, mode: str, stamp: Stamp) -> Community:
        code = check_code(code, "code")
        year = check_count(build_year, "build_year", minimum=1900)
        if year > stamp.occurred_on.year:
            raise ValidationError("build_year", "not_future", "must not be after the registration date")
        return cls._create_with(
            cls.Registered, code, stamp, code=code, name=check_text(name, "name"),
            street=check_text(street, "street"), category=check_choice(category, "category", Category),
            build_year=year, floor_area=check_number(floor_area, "floor_area", strict=True),
            households=check_count(households, "households", minimum=1),
            mode=check_choice(mode, "mode", Mode),
        )

    def renovate(self, *, completed_on: date, project: str, stamp: Stamp) -> None:
        check_order(date(self.build_year, 1, 1), completed_on, "build_year", "completed_on")
        self._trigger(self.Renovated, stamp, completed_on=completed_on, project=check_text(project, "project"))

    def change_mode(self, *, mode: str, stamp: Stamp) -> None:
        if check_choice(mode, "mode", Mode) == self.mode:
            raise RuleViolation("mode", "changed", f"the community is already in mode {mode}")
        self._trigger(self.ModeChanged, stamp, mode=mode)

    def form_committee(self, *, kind: str, members: int, party_members: int, stamp: Stamp) -> None:
        check_choice(kind, "kind", CommitteeKind)
        if kind != CommitteeKind.RESIDENTS_ACTING.value and not 5 <= members <= 9:
            raise ValidationError("members", "committee_size", "a committee has 5 to 9 members")
        check_count(members, "members", minimum=1)
        if check_count(party_members, "party_members") > members:
            raise ValidationError("party_members", "within_members", "cannot exceed members")
        self._trigger(self.CommitteeFormed, stamp, kind=kind, members=members, party_members=party_members)

    def check_free(self) -> None:
        """Refuse a second provider while one still serves the community."""
        if self.current_engagement is not None:
            raise RuleViolation(
                "community", "one_provider_at_a_time",
                f"community {self.code} is still served under engagement {self.current_engagement}",
            )

    def start_service(self, *, engagement_code: str, provider_uscc: str, stamp: Stamp) -> None:
        self.check_free()
        self._trigger(self.ServiceStarted, stamp, engagement_code=engagement_code, provider_uscc=provider_uscc)

    def end_service(self, *, engagement_code: str, stamp: Stamp) -> None:
        if self.current_engagement != engagement_code:
            raise RuleViolation("engagement", "current", "is not the community's current engagement")
        self._trigger(self.ServiceEnded, stamp, engagement_code=engagement_code)

    def is_renovated(self) -> bool:
        return self.renovated_on is not None

    # --- record commands -----------------------------------------------------
    def _check_new_record(self, event_class: type, key: str, field: str) -> None:
        if (event_class.__name__, key) in self.records:
            raise RuleViolation(
                field, "one_per_period",
                f"{key} is already recorded for community {self.code}; record a correction instead",
            )

    # Each builder validates a record's values and returns its full fields (derived
    # ones included), so a correction restates a record exactly as a new one would.
    def _inspection_fields(self, items: dict[str, bool]) -> dict:
        if not items or not isinstance(items, dict):
            raise ValidationError("items", "required", "an inspection needs at least one item")
        clean = {check_text(k, "items"): bool(v) for k, v in items.items()}
        return {"items": clean, "passed": all(clean.values())}

    def _assessment_fields(self, points: dict[str, float], vetoes: list[str], sheet: AssessmentSheet) -> dict:
        clean, vetoes = sheet.check(points, list(vetoes or []))
        total = round(sum(clean.values()), 2)
        return {"points": clean, "vetoes": vetoes, "total": total, "grade": sheet.grade(total, bool(vetoes))}

    def _survey_fields(self, households: int, valid_responses: int, satisfied: int) -> dict:
        check_count(households, "households", minimum=1)
        if check_count(valid_responses, "valid_responses") > households:
            raise ValidationError("valid_responses", "within_households", "cannot exceed households")
        if check_count(satisfied, "satisfied") > valid_responses:
            raise ValidationError("satisfied", "within_valid", "cannot exceed valid_responses")
        return {"households": households, "valid_responses": valid_responses, "satisfied": satisfied}

    def _evaluation_fields(self, score: float, passed: bool) -> dict:
        return {"score": check_number(score, "score", maximum=100), "passed": bool(passed)}

    def _fees_fields(self, households_billed: int, households_paid: int, amount_billed: Decimal | str,
                     amount_collected: Decimal | str) -> dict:
        if check_count(households_billed, "households_billed") > self.households:
            raise ValidationError("households_billed", "within_households", "cannot exceed the community's households")
        if check_count(households_paid, "households_paid") > households_billed:
            raise ValidationError("households_paid", "within_billed", "cannot exceed households_billed")
        billed = check_money(amount_billed, "amount_billed")
        collected = check_money(amount_collected, "amount_collected")
        if collected > billed:
            raise ValidationError("amount_collected", "within_billed", "cannot exceed amount_billed")
        return {"households_billed": households_billed, "households_paid": households_paid,
                "amount_billed": billed, "amount_collected": collected}

    def record_inspection(self, *, month: str, items: dict[str, bool], stamp: Stamp) -> None:
        month = check_month(month)
        self._check_new_record(self.InspectionRecorded, month, "month")
        self._trigger(self.InspectionRecorded, stamp, month=month, **self._inspection_fields(items),
                      provider_uscc=self.current_provider)

    def record_assessment(self, *, quarter: str, points: dict[str, float], vetoes: list[str],
                          sheet: AssessmentSheet, stamp: Stamp) -> None:
        quarter = check_quarter(quarter)
        self._check_new_record(self.AssessmentRecorded, quarter, "quarter")
        self._trigger(self.AssessmentRecorded, stamp, quarter=quarter,
                      **self._assessment_fields(points, vetoes, sheet), provider_uscc=self.current_provider)

    def record_survey(self, *, period: str, households: int, valid_responses: int, satisfied: int,
                      stamp: Stamp) -> None:
        period = check_text(period, "period", max_len=20)
        self._check_new_record(self.SatisfactionSurveyed, period, "period")
        self._trigger(self.SatisfactionSurveyed, stamp, period=period,
                      **self._survey_fields(households, valid_responses, satisfied),
                      provider_uscc=self.current_provider)

    EVALUATORS = ("third_party", "residents_committee", "party_committee")

    def record_evaluation(self, *, evaluator: str, period: str, score: float, passed: bool,
                          stamp: Stamp) -> None:
        check_choice(evaluator, "evaluator", set(self.EVALUATORS))
        period = check_text(period, "period", max_len=20)
        self._check_new_record(self.EvaluationRecorded, f"{evaluator}:{period}", "period")
        self._trigger(self.EvaluationRecorded, stamp, evaluator=evaluator, period=period,
                      **self._evaluation_fields(score, passed), provider_uscc=self.current_provider)

    # record kind -> (builder, the fields a correction restates)
    CORRECTABLE = {
        "InspectionRecorded": ("_inspection_fields", ("items",)),
        "AssessmentRecorded": ("_assessment_fields", ("points", "vetoes")),
        "SatisfactionSurveyed": ("_survey_fields", ("households", "valid_responses", "satisfied")),
        "EvaluationRecorded": ("_evaluation_fields", ("score", "passed")),
        "FeesCollected": ("_fees_fields", ("households_billed", "households_paid", "amount_billed", "amount_collected")),
    }

    def correct_record(self, *, corrects_version: int, fields: dict, reason: str, stamp: Stamp,
                       sheet: AssessmentSheet | None = None) -> None:
        """Correct a record's values (not its period): ``fields`` holds what changes; the merged
        record is validated as a new one would be and its derived fields recomputed.

        An inspection may also be corrected by its verdict alone (``passed``: 复查合格)."""
        kinds = {version: kind for (kind, _), version in self.records.items()}
        if corrects_version not in kinds:
            raise ValidationError("corrects_version", "known_record", "no current record at that version")
        builder, names = self.CORRECTABLE[kinds[corrects_version]]
        verdict_only = builder == "_inspection_fields" and isinstance(fields, dict) and set(fields) == {"passed"}
        if not isinstance(fields, dict) or not fields:
            raise ValidationError("fields", "required", "a correction must change something")
        allowed = set(names) | ({"passed"} if builder == "_inspection_fields" else set())
        for name in fields:
            if name not in allowed:
                raise ValidationError(f"fields.{name}", "correctable", f"only {', '.join(sorted(allowed))} can be corrected")
        if verdict_only:
            clean = {"passed": bool(fields["passed"])}
        else:
            current = self.record_values[corrects_version]
            merged = {n: fields.get(n, current.get(n)) for n in names}
            if builder == "_assessment_fields":
                if sheet is None:
                    raise ValidationError("sheet", "required", "an assessment correction needs the sheet in force")
                merged["sheet"] = sheet
            clean = getattr(self, builder)(**merged)
            if "passed" in fields and bool(fields["passed"]) != clean["passed"]:
                raise ValidationError("fields.passed", "consistent", "contradicts the corrected items")
        self._trigger(self.RecordCorrected, stamp, corrects_version=corrects_version, fields=clean,
                      reason=check_text(reason, "reason"))

    def withdraw_record(self, *, withdraws_version: int, reason: str, stamp: Stamp) -> None:
        if withdraws_version not in self.records.values():
            raise ValidationError("withdraws_version", "known_record", "no current record at that version")
        self._trigger(self.RecordWithdrawn, stamp, withdraws_version=withdraws_version,
                      reason=check_text(reason, "reason"))

    def record_fees(self, *, month: str, households_billed: int, households_paid: int,
                    amount_billed: Decimal | str, amount_collected: Decimal | str, stamp: Stamp) -> None:
        month = check_month(month)
        self._check_new_record(self.FeesCollected, month, "month")
        self._trigger(self.FeesCollected, stamp, month=month,
                      **self._fees_fields(households_billed, households_paid, amount_billed, amount_collected),
                      provider_uscc=self.current_provider)

    def pay_subsidy(self, *, period: str, payer_level: str, amount: Decimal | str, voucher_no: str,
                    stamp: Stamp) -> None:
        period = check_text(period, "period", max_len=20)
        voucher = check_text(voucher_no, "voucher_no", max_len=64)
        if voucher in self.vouchers:
            raise RuleViolation("voucher_no", "unique_voucher", f"voucher {voucher} was already recorded")
        self._trigger(self.SubsidyPaid, stamp, period=period, payer_level=check_choice(payer_level, "payer_level", PayerLevel),
                      amount=check_money(amount, "amount", allow_zero=False), voucher_no=voucher)

    def apply_fee_relief(self, *, household: str, kind: str, months: int, stamp: Stamp) -> None:
        self._trigger(self.FeeReliefApplied, stamp, household=check_text(household, "household"),
                      kind=check_choice(kind, "kind", ReliefKind), months=check_count(months, "months", minimum=1))

    def decide_fee_relief(self, *, application_version: int, approved: bool, reason: str, stamp: Stamp) -> None:
        if application_version not in self.relief_pending:
            raise RuleViolation("application_version", "pending_application",
                                "no undecided fee relief application at that version")
        self._trigger(self.FeeReliefDecided, stamp, application_version=application_version,
                      approved=bool(approved), reason=check_text(reason, "reason"))

    def record_maintenance_fund(self, *, first_collection: Decimal | str, balance: Decimal | str,
                                stamp: Stamp) -> None:
        self._trigger(self.MaintenanceFundRecorded, stamp,
                      first_collection=check_money(first_collection, "first_collection", allow_zero=False),
                      balance=check_money(balance, "balance"))

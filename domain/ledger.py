"""The Ledger application: every command of the district's history.

Each public method validates through the aggregates' command methods, saves
every aggregate it touched in one transaction and returns a
:class:`~domain.application.CommandResult`. Every command takes a ``stamp``
(business date, actor, source) and optionally ``idempotency_key`` and
``expected_version`` (of the aggregate it addresses).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

from domain.application import CommandResult, LedgerCore
from domain.base import Stamp
from domain.community import Community
from domain.complaint import Complaint, PersonalDataVault
from domain.engagement import Engagement, ExitRules
from domain.errors import RuleViolation, ValidationError
from domain.policy import REGISTRY_CODE, PolicyRegistry
from domain.provider import Provider
from domain.publishing import PublicationCommands
from domain.rating_cycle import RatingCycle
from domain.sheet import AssessmentSheet, sheet_of
from domain.values import check_uscc

DEFAULT_PACK = "jinnan"


class BlacklistView(Protocol):
    """What the party committee consults before deciding an entry (a port: the
    projections package implements it over the blacklist read model)."""

    def status(self, uscc: str, on: date) -> tuple[bool, int]:
        """(is the provider blacklisted, ledger position the answer is as of)."""


class RatingCalculator(Protocol):
    """Computes a rating cycle's result from the ledger up to a position (a port:
    the ratings projection implements it; numpy stays out of the domain)."""

    def compute(self, cycle_code: str, upto: int) -> dict:
        """kwargs of RatingCycle.record_result except stamp (results, cut_points, method,
        digest, cycle_version, previous_cycle, previous_cut_points); position is ``upto``."""

    def republication(self, cycle_code: str, upto: int) -> dict:
        """kwargs of RatingCycle.republish except stamp and position (changed, digest)."""


class Ledger(PublicationCommands, LedgerCore):
    name = "taizhang"  # PostgreSQL table taizhang_events; SQLite uses stored_events

    def __init__(self, database_url: str = "sqlite:///taizhang.db", env: dict | None = None,
                 blacklist: BlacklistView | None = None, pack_id: str = DEFAULT_PACK,
                 ratings: RatingCalculator | None = None, vault: PersonalDataVault | None = None) -> None:
        super().__init__(database_url, env)
        self.vault = vault  # seals personal data (complainants, fee-relief households) when set
        self.before_save.append(self._write_person_keys)
        self.blacklist = blacklist
        self.ratings = ratings
        self.pack_id = pack_id

    def _write_person_keys(self) -> None:
        """A vault that queues the keys it creates while sealing (``flush()``) writes them
        before every save, so no event is ever durable without the key to its tokens."""
        flush = getattr(self.vault, "flush", None)
        if flush is not None:
            flush()

    # --- generic shapes ---------------------------------------------------------
    def _register(self, command: str, cls: type, code: str, factory: Any, stamp: Stamp, key: str | None,
                  field: str, /, **kwargs: Any) -> CommandResult:
        def work() -> list:
            self._new(cls, code, field)
            return [factory(stamp=stamp, **kwargs)]
        return self._run(command, work, idempotency_key=key, stamp=stamp)

    def _update(self, command: str, cls: type, code: str, method: str, stamp: Stamp, key: str | None,
                expected_version: int | None, field: str, /, **kwargs: Any) -> CommandResult:
        if method not in cls.COMMANDS:
            raise ValidationError("command", "known_command", f"{cls.KIND} has no command {method!r}")

        def work() -> list:
            agg = self._get(cls, code, field, expected_version)
            getattr(agg, method)(stamp=stamp, **kwargs)
            return [agg]
        return self._run(command, work, idempotency_key=key, stamp=stamp)

    # --- policy in force ------------------------------------------------------------
    def _pack_content(self, on: date) -> dict:
        if not self.exists(PolicyRegistry, REGISTRY_CODE):
            return {}
        adoption = self._get(PolicyRegistry, REGISTRY_CODE, "pack_id").in_force(self.pack_id, on)
        return adoption[3] if adoption else {}

    def sheet_in_force(self, on: date) -> AssessmentSheet:
        return sheet_of(self._pack_content(on))

    def exit_rules_in_force(self, on: date) -> ExitRules:
        return ExitRules(**self._pack_content(on).get("exit", {}))

    def adopt_policy(self, *, pack_id: str, version: str, effective_from: date, content: dict,
                     stamp: Stamp, idempotency_key: str | None = None) -> CommandResult:
        def work() -> list:
            if self.exists(PolicyRegistry, REGISTRY_CODE):
                registry = self._get(PolicyRegistry, REGISTRY_CODE, "pack_id")
            else:
                registry = PolicyRegistry.start(stamp=stamp)
            registry.adopt(pack_id=pack_id, version=version, effective_from=effective_from,
                           content=content, stamp=stamp)
            return [registry]
        return self._run("adopt_policy", work, idempotency_key=idempotency_key, stamp=stamp)

    # --- providers -----------------------------------------------------------------
    def register_provider(self, *, uscc: str, stamp: Stamp, idempotency_key: str | None = None,
                          **kwargs: Any) -> CommandResult:
        code = check_uscc(uscc)
        return self._register("register_provider", Provider, code, Provider.register, stamp, idempotency_key,
                              "uscc", uscc=code, **kwargs)

    def provider_command(self, method: str, uscc: str, *, stamp: Stamp, idempotency_key: str | None = None,
                         expected_version: int | None = None, **kwargs: Any) -> CommandResult:
        """amend_profile, commend, sanction, declare_dishonest, lift_dishonesty,
        request_credit_repair, decide_credit_repair."""
        return self._update(method, Provider, check_uscc(uscc), method, stamp, idempotency_key,
                            expected_version, "uscc", **kwargs)

    # --- communities --------------------------------------------------------------------
    def register_community(self, *, code: str, stamp: Stamp, idempotency_key: str | None = None,
                           **kwargs: Any) -> CommandResult:
        return self._register("register_community", Community, code, Community.register, stamp,
                              idempotency_key, "code", code=code, **kwargs)

    def community_command(self, method: str, code: str, *, stamp: Stamp, idempotency_key: str | None = None,
                          expected_version: int | None = None, **kwargs: Any) -> CommandResult:
        """renovate, change_mode, form_committee, record_inspection, record_survey,
        record_evaluation, correct_record, withdraw_record, record_fees, pay_subsidy,
        apply_fee_relief, decide_fee_relief, record_maintenance_fund."""
        if method == "record_assessment":
            return self.record_assessment(code, stamp=stamp, idempotency_key=idempotency_key,
                                          expected_version=expected_version, **kwargs)
        if method == "correct_record":
            kwargs["sheet"] = self.sheet_in_force(stamp.occurred_on)
        if method == "apply_fee_relief" and self.vault is not None and kwargs.get("household"):
            # 低保/特困 households are personal data: sealed like complainants, forgettable per household.
            household = str(kwargs["household"]).strip()
            kwargs["household"] = self.vault.seal(f"household:{code.strip()}:{household}", household)
        return self._update(method, Community, code, method, stamp, idempotency_key,
                            expected_version, "community_code", **kwargs)

    def record_assessment(self, code: str, *, stamp: Stamp, idempotency_key: str | None = None,
                          expected_version: int | None = None, **kwargs: Any) -> CommandResult:
        """Quarterly joint assessment, checked against the sheet of the pack in force."""
        sheet = kwargs.pop("sheet", None) or self.sheet_in_force(stamp.occurred_on)
        return self._update("record_assessment", Community, code, "record_assessment", stamp,
                            idempotency_key, expected_version, "community_code", sheet=sheet, **kwargs)

    # --- engagements ----------------------------------------------------------------------
    def request_entry(self, *, code: str, provider_uscc: str, community_code: str, stamp: Stamp,
                      idempotency_key: str | None = None, **kwargs: Any) -> CommandResult:
        def work() -> list:
            self._new(Engagement, code, "code")
            self._get(Provider, check_uscc(provider_uscc, "provider_uscc"), "provider_uscc")
            self._get(Community, community_code, "community_code")
            return [Engagement.request_entry(code=code, provider_uscc=provider_uscc,
                                             community_code=community_code, stamp=stamp, **kwargs)]
        return self._run("request_entry", work, idempotency_key=idempotency_key, stamp=stamp)

    def decide_entry(self, code: str, *, approved: bool, reason: str, stamp: Stamp,
                     override_reason: str | None = None, idempotency_key: str | None = None,
                     expected_version: int | None = None) -> CommandResult:
        """The party committee's decision; it rests on the blacklist as it stood, and says so."""
        def work() -> list:
            if self._batch is not None:
                self.flush()  # the blacklist is read from the stored log: the batch's earlier events count
            engagement = self._get(Engagement, code, "engagement_code", expected_version)
            if self.blacklist is not None:
                blacklisted, position = self.blacklist.status(engagement.provider_uscc, stamp.occurred_on)
            else:
                blacklisted, position = False, self.max_position()
            engagement.decide_entry(approved=approved, reason=reason, blacklist_position=position,
                                    blacklisted=blacklisted, override_reason=override_reason, stamp=stamp)
            return [engagement]
        return self._run("decide_entry", work, idempotency_key=idempotency_key, stamp=stamp)

    def sign_agreement(self, code: str, *, start: date, end: date, stamp: Stamp,
                       idempotency_key: str | None = None, expected_version: int | None = None) -> CommandResult:
        def work() -> list:
            engagement = self._get(Engagement, code, "engagement_code", expected_version)
            community = self._get(Community, engagement.community_code, "community_code")
            # Both aggregates check before either changes, so a refusal leaves both untouched.
            community.check_free()
            engagement.sign_agreement(start=start, end=end, stamp=stamp)
            community.start_service(engagement_code=code, provider_uscc=engagement.provider_uscc, stamp=stamp)
            return [engagement, community]
        return self._run("sign_agreement", work, idempotency_key=idempotency_key, stamp=stamp)

    def engagement_command(self, method: str, code: str, *, stamp: Stamp, idempotency_key: str | None = None,
                           expected_version: int | None = None, **kwargs: Any) -> CommandResult:
        """give_exit_notice, decide_exit, record_handover_item, mark_overdue."""
        if method in ("give_exit_notice", "mark_overdue"):
            kwargs["rules"] = self.exit_rules_in_force(stamp.occurred_on)
        return self._update(method, Engagement, code, method, stamp, idempotency_key, expected_version,
                            "engagement_code", **kwargs)

    def end_engagement(self, code: str, *, ended_on: date, stamp: Stamp, idempotency_key: str | None = None,
                       expected_version: int | None = None) -> CommandResult:
        def work() -> list:
            engagement = self._get(Engagement, code, "engagement_code", expected_version)
            community = self._get(Community, engagement.community_code, "community_code")
            engagement.finish(ended_on=ended_on, stamp=stamp)
            community.end_service(engagement_code=code, stamp=stamp)
            return [engagement, community]
        return self._run("end_engagement", work, idempotency_key=idempotency_key, stamp=stamp)

    # --- complaints -------------------------------------------------------------------------
    def file_complaint(self, *, code: str, community_code: str, stamp: Stamp, provider_uscc: str | None = None,
                       idempotency_key: str | None = None, **kwargs: Any) -> CommandResult:
        def work() -> list:
            self._new(Complaint, code, "code")
            community = self._get(Community, community_code, "community_code")
            provider = provider_uscc or community.current_provider
            if provider_uscc:
                self._get(Provider, check_uscc(provider_uscc, "provider_uscc"), "provider_uscc")
            return [Complaint.file(code=code, community_code=community_code, provider_uscc=provider,
                                   stamp=stamp, vault=self.vault, **kwargs)]
        return self._run("file_complaint", work, idempotency_key=idempotency_key, stamp=stamp)

    def resolve_complaint(self, code: str, *, stamp: Stamp, idempotency_key: str | None = None,
                          expected_version: int | None = None, **kwargs: Any) -> CommandResult:
        return self._update("resolve_complaint", Complaint, code, "resolve", stamp, idempotency_key,
                            expected_version, "complaint_code", **kwargs)

    # --- rating cycles ----------------------------------------------------------------------
    def adopt_scheme(self, *, code: str, stamp: Stamp, idempotency_key: str | None = None,
                     **kwargs: Any) -> CommandResult:
        return self._register("adopt_scheme", RatingCycle, code, RatingCycle.adopt_scheme, stamp,
                              idempotency_key, "code", code=code, **kwargs)

    def submit_score(self, code: str, *, subject_kind: str, subject: str, stamp: Stamp,
                     idempotency_key: str | None = None, expected_version: int | None = None,
                     **kwargs: Any) -> CommandResult:
        def work() -> list:
            cycle = self._get(RatingCycle, code, "cycle_code", expected_version)
            if subject_kind == "provider":
                self._get(Provider, check_uscc(subject, "subject"), "subject")
            elif subject_kind == "community":
                self._get(Community, subject, "subject")
            cycle.submit_score(subject_kind=subject_kind, subject=subject, stamp=stamp, **kwargs)
            return [cycle]
        return self._run("submit_score", work, idempotency_key=idempotency_key, stamp=stamp)

    def cycle_command(self, method: str, code: str, *, stamp: Stamp, idempotency_key: str | None = None,
                      expected_version: int | None = None, **kwargs: Any) -> CommandResult:
        """open, correct_score, close, publish, file_objection, decide_objection."""
        if method == "publish":  # with the signed checkpoint it was computed from (domain.publishing)
            return self.publish_cycle(code, stamp=stamp, idempotency_key=idempotency_key,
                                      expected_version=expected_version, **kwargs)
        return self._update(method, RatingCycle, code, method, stamp, idempotency_key, expected_version,
                            "cycle_code", **kwargs)

    def _calculator(self, calculator: RatingCalculator | None) -> RatingCalculator:
        found = calculator or self.ratings
        if found is None:
            raise RuleViolation("calculator", "configured", "no ratings calculator is configured for this ledger")
        if self._batch is not None:
            self.flush()  # the calculator reads the stored log: pending events must be in it
        return found

    def compute_result(self, code: str, *, stamp: Stamp, calculator: RatingCalculator | None = None,
                       idempotency_key: str | None = None, expected_version: int | None = None) -> CommandResult:
        """Compute a closed cycle's result from the ledger as it stands and record it."""
        calc = self._calculator(calculator)

        def work() -> list:
            cycle = self._get(RatingCycle, code, "cycle_code", expected_version)
            upto = self.max_position()
            cycle.record_result(**calc.compute(code, upto), position=upto, stamp=stamp)
            return [cycle]
        return self._run("compute_result", work, idempotency_key=idempotency_key, stamp=stamp)

    def republish(self, code: str, *, stamp: Stamp, calculator: RatingCalculator | None = None,
                  idempotency_key: str | None = None, expected_version: int | None = None) -> CommandResult:
        """Publish again with the rows changed by upheld objections (the first publication stays)."""
        calc = self._calculator(calculator)

        def work() -> list:
            cycle = self._get(RatingCycle, code, "cycle_code", expected_version)
            upto = self.max_position()
            cycle.republish(**calc.republication(code, upto), position=upto, stamp=stamp,
                            sign=self.signer(f"republish {code}", upto, "ratings", code))
            return [cycle]
        return self._run("republish", work, idempotency_key=idempotency_key, stamp=stamp)

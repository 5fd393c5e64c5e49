"""PolicyRegistry: which policy pack (and version) is in force from which date.

A pack's whole content is recorded in the adoption event, with its SHA-256, so
that a replay applies exactly the rules that were adopted, even if the pack
file changes later."""

from __future__ import annotations

import hashlib
import json
from datetime import date

from domain.base import LedgerAggregate, Stamp
from domain.errors import RuleViolation, ValidationError
from domain.values import check_code, check_count, check_date, check_number, check_text

REGISTRY_CODE = "policy-registry"


def pack_digest(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_pack_content(content: dict) -> dict:
    """Plain JSON (what a replay will see), and the parts the Ledger reads well formed:
    a malformed sheet or exit section would otherwise break every later command that
    looks up the pack in force."""
    try:
        content = json.loads(json.dumps(content, allow_nan=False))
    except (TypeError, ValueError):
        raise ValidationError("content", "json", "must be plain JSON (objects, lists, text, finite numbers)") from None
    sheet = content.get("assessment_sheet")
    if sheet is not None:
        sections = sheet.get("sections") if isinstance(sheet, dict) else None
        if not isinstance(sections, dict) or not sections:
            raise ValidationError("content.assessment_sheet.sections", "required", "a sheet needs its sections")
        for name, maximum in sections.items():
            check_number(maximum, f"content.assessment_sheet.sections.{name}", strict=True)
        vetoes = sheet.get("veto_items")
        if not isinstance(vetoes, list) or not all(isinstance(v, str) for v in vetoes):
            raise ValidationError("content.assessment_sheet.veto_items", "required", "must be a list of item codes")
        grades = sheet.get("grades", [])
        if not isinstance(grades, list) or not all(
                isinstance(g, list) and len(g) == 2 and isinstance(g[1], str) for g in grades):
            raise ValidationError("content.assessment_sheet.grades", "grades", "must be [[floor, name], ...]")
        for g in grades:
            check_number(g[0], "content.assessment_sheet.grades")
    exit_rules = content.get("exit")
    if exit_rules is not None:
        if not isinstance(exit_rules, dict) or set(exit_rules) - {"notice_months", "handover_days"}:
            raise ValidationError("content.exit", "exit_rules", "only notice_months and handover_days")
        for name, value in exit_rules.items():
            check_count(value, f"content.exit.{name}")
    return content


class PolicyRegistry(LedgerAggregate):
    KIND = "policy_registry"

    class Started(LedgerAggregate.Created):
        def apply(self, r: PolicyRegistry) -> None:
            r.adoptions = []  # [pack_id, version, effective_from, content]

    class PackAdopted(LedgerAggregate.Event):
        pack_id: str
        version: str
        effective_from: date
        content: dict
        sha256: str

        def apply(self, r: PolicyRegistry) -> None:
            r.adoptions.append([self.pack_id, self.version, self.effective_from, self.content])

    @classmethod
    def start(cls, *, stamp: Stamp) -> PolicyRegistry:
        return cls._create_with(cls.Started, REGISTRY_CODE, stamp)

    def adopt(self, *, pack_id: str, version: str, effective_from: date, content: dict, stamp: Stamp) -> None:
        pack_id = check_code(pack_id, "pack_id")
        version = check_text(version, "version", max_len=20)
        check_date(effective_from, "effective_from")  # compared with business dates on every lookup
        if not isinstance(content, dict) or not content:
            raise ValidationError("content", "required", "a pack needs its content")
        content = check_pack_content(content)
        if any(a[0] == pack_id and a[1] == version for a in self.adoptions):
            raise RuleViolation("version", "adopt_once", f"{pack_id} {version} is already adopted")
        self._trigger(self.PackAdopted, stamp, pack_id=pack_id, version=version, effective_from=effective_from,
                      content=content, sha256=pack_digest(content))

    def in_force(self, pack_id: str, on: date) -> list | None:
        """The adoption of ``pack_id`` in force on ``on``: the latest effective_from ≤ on, and of
        adoptions effective the same day the later one (as every read model decides too)."""
        in_force = None
        for adoption in self.adoptions:  # in adoption order
            if adoption[0] == pack_id and adoption[2] <= on and (in_force is None or adoption[2] >= in_force[2]):
                in_force = adoption
        return in_force

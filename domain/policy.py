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
from domain.values import check_code, check_date, check_text

REGISTRY_CODE = "policy-registry"


def pack_digest(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


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
        if any(a[0] == pack_id and a[1] == version for a in self.adoptions):
            raise RuleViolation("version", "adopt_once", f"{pack_id} {version} is already adopted")
        self._trigger(self.PackAdopted, stamp, pack_id=pack_id, version=version, effective_from=effective_from,
                      content=content, sha256=pack_digest(content))

    def in_force(self, pack_id: str, on: date) -> list | None:
        """The adoption of ``pack_id`` in force on ``on`` (latest effective_from ≤ on)."""
        candidates = [a for a in self.adoptions if a[0] == pack_id and a[2] <= on]
        return max(candidates, key=lambda a: a[2]) if candidates else None

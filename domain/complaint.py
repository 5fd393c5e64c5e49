"""Complaint (投诉), e.g. through the 12345 hotline.

The complainant's name and phone are separate fields so that the audit layer
can encrypt them per person and later forget the person (crypto-shredding)
without touching any other field."""

from __future__ import annotations

from typing import Protocol

from domain.base import LedgerAggregate, Stamp
from domain.errors import RuleViolation
from domain.values import check_choice, check_code, check_order, check_text, check_uscc
from domain.vocab import Channel


class PersonalDataVault(Protocol):
    """Seals personal data per person (a port: ``projections.audit.vault`` implements
    it with a key per person kept outside the event log, so forgetting a person
    deletes a key and never touches an event)."""

    def seal(self, person_ref: str, value: str) -> str:
        """An opaque token for ``value``, readable while ``person_ref``'s key exists."""


class Complaint(LedgerAggregate):
    KIND = "complaint"
    COMMANDS = frozenset({"resolve"})

    class Filed(LedgerAggregate.Created):
        code: str
        community_code: str
        provider_uscc: str | None
        category: str
        channel: str
        description: str
        complainant_name: str
        complainant_phone: str

        def apply(self, c: Complaint) -> None:
            c.code, c.community_code, c.provider_uscc = self.code, self.community_code, self.provider_uscc
            c.filed_on = self.occurred_on
            c.resolved = False

    class Resolved(LedgerAggregate.Event):
        substantiated: bool
        resolution: str

        def apply(self, c: Complaint) -> None:
            c.resolved = True

    @classmethod
    def file(cls, *, code: str, community_code: str, provider_uscc: str | None, category: str,
             channel: str, description: str, complainant_name: str, complainant_phone: str,
             stamp: Stamp, vault: PersonalDataVault | None = None) -> Complaint:
        agg_code = check_code(code, "code")
        checked = dict(
            community_code=check_code(community_code, "community_code"),
            provider_uscc=check_uscc(provider_uscc, "provider_uscc") if provider_uscc else None,
            category=check_text(category, "category", max_len=40),
            channel=check_choice(channel, "channel", Channel),
            description=(description or "").strip()[:2000],
        )
        name, phone = (complainant_name or "").strip()[:100], (complainant_phone or "").strip()[:40]
        if vault is not None:  # sealed after validation; the phone identifies the person, else this complaint
            person = phone or f"complaint:{agg_code}"
            name, phone = (vault.seal(person, v) if v else v for v in (name, phone))
        return cls._create_with(cls.Filed, agg_code, stamp, code=agg_code, **checked,
                                complainant_name=name, complainant_phone=phone)

    def resolve(self, *, substantiated: bool, resolution: str, stamp: Stamp) -> None:
        if self.resolved:
            raise RuleViolation("complaint", "resolve_once", f"complaint {self.code} is already resolved")
        check_order(self.filed_on, stamp.occurred_on, "filed date", "occurred_on")
        self._trigger(self.Resolved, stamp, substantiated=bool(substantiated),
                      resolution=check_text(resolution, "resolution", max_len=2000))

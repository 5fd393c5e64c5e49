"""Builders for ledger tests: valid actors, stamps and a provider / community /
engagement set-up in a few calls, plus ``refused`` (the error, its field and
rule, and proof that nothing was written)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from typing import Any, Iterator

import pytest

from domain.base import Stamp, aggregate_id
from domain.community import Community
from domain.engagement import Engagement
from domain.errors import DomainError
from domain.ledger import Ledger
from domain.provider import Provider
from domain.values import Actor, uscc_check_char
from domain.vocab import BASIC_SERVICES, HANDOVER_ITEMS

DAY = date(2024, 1, 5)
USCC = "91350100M000100Y43"  # a valid code (check character 3)
COMMUNITY = "C-001"
ENGAGEMENT = "E-001"
START, END = date(2024, 1, 1), date(2025, 12, 31)  # the default agreement term


def uscc(n: int) -> str:
    """The n-th valid unified social credit code (distinct from ``USCC``)."""
    first17 = f"91350100MA{n:07d}"
    return first17 + uscc_check_char(first17)


def actor(role: str = "housing_bureau", user: str = "u-1", org: str = "district") -> Actor:
    return Actor(user=user, role=role, org=org)


def stamp(on: date = DAY, role: str = "housing_bureau") -> Stamp:
    return Stamp(occurred_on=on, actor=actor(role))


PROVIDER_FIELDS = {"name": "津南安居物业有限公司", "legal_representative": "张三", "contact": "022-88886666"}
COMMUNITY_FIELDS = {
    "name": "幸福里", "street": "双港镇", "category": "renovated_old", "build_year": 1990,
    "floor_area": 12000.0, "households": 240, "mode": "professional",
}
ENTRY_FIELDS = {
    "mode": "professional", "services": list(BASIC_SERVICES), "fee_standard": "0.50",
    "term_months": 24, "served_area": 12000.0,
}
# A valid quarterly assessment on the default sheet (total 88: "model").
POINTS = {"overall_management": 13, "cleaning": 27, "gate_patrol": 22, "parking": 9,
          "community_order": 9, "fee_collection": 8}


def new_ledger(**kwargs: Any) -> Ledger:
    return Ledger("memory://", **kwargs)


def provider(ledger: Ledger, code: str = USCC, on: date = DAY, **fields: Any):
    return ledger.register_provider(uscc=code, stamp=stamp(on), **{**PROVIDER_FIELDS, **fields})


def community(ledger: Ledger, code: str = COMMUNITY, on: date = DAY, **fields: Any):
    return ledger.register_community(code=code, stamp=stamp(on, "street"), **{**COMMUNITY_FIELDS, **fields})


def request_entry(ledger: Ledger, code: str = ENGAGEMENT, provider_uscc: str = USCC,
                  community_code: str = COMMUNITY, on: date = DAY, **fields: Any):
    return ledger.request_entry(code=code, provider_uscc=provider_uscc, community_code=community_code,
                                stamp=stamp(on, "street"), **{**ENTRY_FIELDS, **fields})


def decide(ledger: Ledger, code: str = ENGAGEMENT, approved: bool = True, on: date = DAY, **kwargs: Any):
    return ledger.decide_entry(code, approved=approved, reason="党组织会议研究同意", stamp=stamp(on, "party_committee"),
                               **kwargs)


def sign(ledger: Ledger, code: str = ENGAGEMENT, start: date = START, end: date = END, **kwargs: Any):
    return ledger.sign_agreement(code, start=start, end=end, stamp=stamp(start, "street"), **kwargs)


def active_engagement(ledger: Ledger, code: str = ENGAGEMENT, provider_uscc: str = USCC,
                      community_code: str = COMMUNITY, start: date = START, end: date = END) -> None:
    """Register what is missing, then request, approve and sign: the engagement is active."""
    if not ledger.exists(Provider, provider_uscc):
        provider(ledger, provider_uscc)
    if not ledger.exists(Community, community_code):
        community(ledger, community_code)
    request_entry(ledger, code, provider_uscc, community_code)
    decide(ledger, code)
    sign(ledger, code, start, end)


def exit_notice(ledger: Ledger, code: str = ENGAGEMENT, on: date = date(2025, 9, 1),
                by: str = "provider_non_renewal", exit_date: date = END, **kwargs: Any):
    return ledger.engagement_command("give_exit_notice", code, by=by, reason="到期不再续约",
                                     exit_date=exit_date, stamp=stamp(on, "street"), **kwargs)


def approve_exit(ledger: Ledger, code: str = ENGAGEMENT, on: date = date(2025, 9, 10)):
    return ledger.engagement_command("decide_exit", code, approved=True, reason="同意退出",
                                     stamp=stamp(on, "party_committee"))


def hand_over(ledger: Ledger, code: str = ENGAGEMENT, items=HANDOVER_ITEMS, on: date = END,
              accepted: bool = True):
    """Record handover items; returns the last command's result."""
    result = None
    for item in items:
        result = ledger.engagement_command("record_handover_item", code, item=item, accepted=accepted,
                                           note="逐项查验", stamp=stamp(on, "street"))
    return result


def exit_approved(ledger: Ledger, code: str = ENGAGEMENT) -> None:
    """An active engagement (set up if missing) with an approved non-renewal exit."""
    if not ledger.exists(Engagement, code):
        active_engagement(ledger, code)
    exit_notice(ledger, code)
    approve_exit(ledger, code)


def version(ledger: Ledger, cls: type, code: str) -> int | None:
    """The stored version of an aggregate (None when it does not exist)."""
    agg_id = aggregate_id(cls.KIND, code)
    if agg_id not in ledger.repository:
        return None
    return ledger.repository.get(agg_id).version


def get(ledger: Ledger, cls: type, code: str) -> Any:
    return ledger.repository.get(aggregate_id(cls.KIND, code))


# Without fast-forwarding, the repository caches the very objects the commands
# changed (not copies rebuilt from the store): what "in memory" means below.
IN_MEMORY_ENV = {"AGGREGATE_CACHE_MAXSIZE": "1000", "AGGREGATE_CACHE_FASTFORWARD": "n"}


def in_memory(ledger: Ledger, agg_id: Any) -> Any:
    return ledger.repository.cache.get(agg_id)


def reloaded(ledger: Ledger, agg_id: Any) -> Any:
    """Rebuilt from the stored events, bypassing the cache (a version is never cached)."""
    version = ledger.repository.event_store.get(agg_id, desc=True, limit=1)
    return ledger.repository.get(agg_id, version=next(iter(version)).originator_version)


def state(aggregate: Any) -> dict:
    return {k: v for k, v in vars(aggregate).items() if k != "_pending_events"}


class FakeBlacklist:
    """The BlacklistView port: ``listed`` providers are on the blacklist as of ``position``."""

    def __init__(self, listed: set[str] | None = None, position: int = 7) -> None:
        self.listed = set(listed or ())
        self.position = position
        self.asked: list[tuple[str, date]] = []

    def status(self, uscc: str, on: date) -> tuple[bool, int]:
        self.asked.append((uscc, on))
        return uscc in self.listed, self.position


WATCH_DEFAULT = ((Provider, USCC), (Community, COMMUNITY), (Engagement, ENGAGEMENT))


@contextmanager
def refused(ledger: Ledger, error: type[DomainError], field: str, rule: str,
            watch: tuple[tuple[type, str], ...] = WATCH_DEFAULT) -> Iterator[Any]:
    """The block raises exactly ``error`` naming ``field`` and ``rule``, and writes
    nothing: the ledger's last position and every watched aggregate's version
    are unchanged."""
    position = ledger.max_position()
    versions = {(cls.KIND, code): version(ledger, cls, code) for cls, code in watch}
    with pytest.raises(DomainError) as info:
        yield info
    assert type(info.value) is error, f"{type(info.value).__name__}: {info.value}"
    assert (info.value.field, info.value.rule) == (field, rule), str(info.value)
    assert ledger.max_position() == position, "a refused command wrote events"
    assert {(cls.KIND, code): version(ledger, cls, code) for cls, code in watch} == versions

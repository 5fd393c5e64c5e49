"""Write a whole demo district through the Ledger, in bulk mode.

Order of writing: the policy pack, the providers, the rating cycle's scheme
and opening, then each community's whole history (community after community,
so a community and its engagement stay in the batch while their history is
written, followed by the departments' scores of that community), then the
providers' sanctions and commendations, then the cycle's correction and close.
Every aggregate's events are in business-date order; the log as a whole is an
import of history, not a day-by-day chronicle. Deterministic: the same arguments give the same events (except the
library's recorded timestamps) — there is no clock and no global random."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from domain.base import Stamp
from domain.demo import actors
from domain.demo.cycle import CycleWriter
from domain.demo.history import CommunityHistory, Context
from domain.demo.pack import demo_pack
from domain.demo.plan import MIN_COMMUNITIES, plan_district
from domain.demo.providers import ProviderStories, register_providers
from domain.errors import RuleViolation, ValidationError
from domain.ledger import Ledger
from domain.values import Source, check_count

# Events per bulk transaction. Larger batches do not make the demo faster (every entry
# decision flushes the batch first, so transactions average ~170 events anyway; see
# benchmarks/append.py), and on PostgreSQL a save of ~10,000 events deadlocks the
# recorder's psycopg pipeline, while 5,000 is safe.
DEFAULT_FLUSH_EVERY = 5000


@dataclass(frozen=True)
class DemoProgress:
    stage: str  # "pack" | "providers" | "communities" | "provider records" | "rating cycle"
    done: int
    total: int
    events: int  # events written so far (flushed + pending in the batch)


@dataclass
class DemoSummary:
    seed: int
    years: int
    period_start: date
    period_end: date
    communities: int
    providers: int
    engagements: int
    complaints: int
    events: int
    first_position: int
    last_position: int
    pack_id: str
    pack_version: str
    cycle_code: str
    exits: list[str] = field(default_factory=list)  # engagements ended with a full handover
    overdue: list[str] = field(default_factory=list)  # engagements marked overdue (still in place)
    dishonest: dict[str, str] = field(default_factory=dict)  # USCC -> "lifted" | "active"
    categories: dict[str, int] = field(default_factory=dict)


def generate(ledger: Ledger, *, communities: int = 394, years: int = 3, seed: int = 2026, last_year: int = 2025,
             overdue_handovers: int = 1, flush_every: int = DEFAULT_FLUSH_EVERY,
             progress: Callable[[DemoProgress], None] | None = None) -> DemoSummary:
    """Write the demo district into an empty ledger and say what was written.

    ``communities`` in the Jinnan mix (about one provider per 6.5 communities),
    ``years`` of monthly records ending on 31 December of ``last_year``."""
    check_count(communities, "communities", minimum=MIN_COMMUNITIES)
    check_count(years, "years", minimum=1)
    if years > 30:
        raise ValidationError("years", "maximum", "must be ≤ 30")
    # Commercial and resettlement communities are built from 2001 on, a few years before the period.
    if not 2010 <= check_count(last_year, "last_year") - years + 1 or last_year > 2100:
        raise ValidationError("last_year", "range", "the period (last_year - years + 1 … last_year) must lie in 2010-2100")
    check_count(overdue_handovers, "overdue_handovers")
    check_count(flush_every, "flush_every", minimum=1)
    start = ledger.max_position()
    if start:
        raise RuleViolation("database_url", "empty_ledger",
                            f"the ledger already holds {start} events; the demo district needs an empty one")
    plan = plan_district(communities=communities, years=years, seed=seed, last_year=last_year,
                         overdue_handovers=overdue_handovers)
    n = len(plan.communities)

    def report(stage: str, done: int, total: int) -> None:
        if progress is not None:
            pending = getattr(ledger, "_batch_size", 0)  # events batched but not yet flushed
            progress(DemoProgress(stage, done, total, ledger.max_position() - start + pending))

    # A bulk import of history: the blacklist read model cannot follow a batch that is
    # not yet written, so decisions record the ledger position instead (see Ledger.decide_entry);
    # the plan never lets a dishonest or overdue provider into a new community.
    blacklist, ledger.blacklist = ledger.blacklist, None
    try:
        with ledger.batch(flush_every=flush_every):
            version, content = _adopt_pack(ledger, plan)
            report("pack", 1, 1)
            register_providers(ledger, plan)
            report("providers", len(plan.providers), len(plan.providers))
            ctx = Context(ledger, plan, ledger.sheet_in_force(plan.start), content.get("subsidy"),
                          CycleWriter(ledger, plan))
            ctx.cycle.open()
            for i, community in enumerate(plan.communities):
                CommunityHistory(ctx, community).write()
                ledger.maybe_flush()
                report("communities", i + 1, n)
            ProviderStories(ctx).write()
            report("provider records", 1, 1)
            ctx.cycle.close()
            report("rating cycle", 1, 1)
    finally:
        ledger.blacklist = blacklist
    last = ledger.max_position()
    report("done", 1, 1)
    return DemoSummary(
        seed=seed, years=years, period_start=plan.start, period_end=plan.end, communities=n,
        providers=len(plan.providers), engagements=ctx.engagements, complaints=ctx.complaints, events=last - start,
        first_position=start + 1, last_position=last, pack_id=ledger.pack_id, pack_version=version,
        cycle_code=ctx.cycle.code, exits=ctx.exits, overdue=ctx.overdue,
        dishonest={p.uscc: p.dishonest for p in plan.providers if p.dishonest},
        categories=dict(Counter(c.category for c in plan.communities)),
    )


def _adopt_pack(ledger: Ledger, plan) -> tuple[str, dict]:
    """The ledger's pack, in force from before the first registration (whatever the file's own date)."""
    version, _, content = demo_pack(ledger.pack_id)
    day = date(plan.first_year - 1, 10, 1)
    ledger.adopt_policy(pack_id=ledger.pack_id, version=version, effective_from=day, content=content,
                        stamp=Stamp(day, actors.HOUSING_BUREAU, Source(document=content.get("title", "政策包"))),
                        idempotency_key=f"demo-{plan.seed}-pack-{version}")
    return version, content


def count_events_by_topic(ledger: Ledger, start: int = 1, page: int = 10000) -> dict[str, int]:
    """How many events of each topic the ledger holds from position ``start`` on."""
    counts: Counter[str] = Counter()
    last = ledger.max_position()
    while start <= last:
        notifications = ledger.recorder.select_notifications(start, page)
        if not notifications:
            break
        counts.update(n.topic for n in notifications)
        start = notifications[-1].id + 1
    return dict(counts)

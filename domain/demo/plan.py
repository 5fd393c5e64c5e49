"""The demo district's plan: who exists and the few special stories, before any
event is written.

Decisions that span communities live here (the category mix, which providers
turn dishonest, which engagement ends in an overdue handover, who replaces whom),
drawn from one ``random.Random``; each community's own history is drawn later
from its own generator, so communities do not disturb each other's randomness."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from domain.demo.names import STREETS, NameBook, Street, landline, mobile, person_name, pick_street, uscc
from domain.engagement import add_months
from domain.errors import ValidationError
from domain.vocab import Category, Mode, ProviderKind

# Jinnan district, seed 004 §三: 137 commercial, 91 resettlement, 93 renovated old, 73 other old.
JINNAN_MIX = ((Category.COMMERCIAL.value, 137), (Category.RESETTLEMENT.value, 91),
              (Category.RENOVATED_OLD.value, 93), (Category.OTHER_OLD.value, 73))
COMMUNITIES_PER_PROVIDER = 6.5
MIN_COMMUNITIES = 8


@dataclass
class ProviderPlan:
    uscc: str
    name: str
    kind: str
    street: Street
    legal_representative: str
    contact: str
    quality: float  # 0..1, drives inspection, assessment, complaint and survey outcomes
    size: float  # relative market share when communities choose a company
    dishonest: str = ""  # "" | "lifted" (declared, repaired, lifted) | "active" (still declared at the end)


@dataclass
class CommunityPlan:
    index: int
    code: str
    name: str
    street: Street
    category: str
    build_year: int
    floor_area: float
    households: int
    mode: str  # mode at registration
    provider: str | None  # provider serving from the first day of the period
    term_months: int = 0
    refused_provider: str | None = None  # an entry request the party committee refuses first
    exit_month: int | None = None  # the engagement ends at the start of this period month
    exit_by: str = ""
    next_provider: str | None = None  # successor after an exit (or waiting behind an overdue one)
    overdue: bool = False  # the provider stays past its handover deadline
    renovate_month: int | None = None  # renovated during the period, then served by a provider
    new_mode: str | None = None
    showcase: set[str] = field(default_factory=set)  # rare records this community must carry


@dataclass
class DistrictPlan:
    seed: int
    years: int
    last_year: int
    providers: list[ProviderPlan]
    communities: list[CommunityPlan]

    @property
    def first_year(self) -> int:
        return self.last_year - self.years + 1

    @property
    def start(self) -> date:
        return date(self.first_year, 1, 1)

    @property
    def end(self) -> date:
        return date(self.last_year, 12, 31)

    @property
    def months(self) -> int:
        return 12 * self.years

    def month_start(self, month: int) -> date:
        """First day of the period's ``month`` (0 = January of the first year)."""
        return add_months(self.start, month)

    def month_end(self, month: int) -> date:
        return self.month_start(month + 1) - timedelta(days=1)

    def provider(self, code: str) -> ProviderPlan:
        return self._by_uscc[code]

    def __post_init__(self) -> None:
        self._by_uscc = {p.uscc: p for p in self.providers}


def apportion(total: int, mix: tuple[tuple[str, int], ...]) -> dict[str, int]:
    """Largest-remainder shares of ``total`` in the proportions of ``mix``."""
    weight = sum(n for _, n in mix)
    exact = [(name, total * n / weight) for name, n in mix]
    counts = {name: int(x) for name, x in exact}
    by_remainder = sorted(exact, key=lambda item: item[1] - int(item[1]), reverse=True)
    for name, _ in by_remainder[: total - sum(counts.values())]:
        counts[name] += 1
    return counts


def _providers(rng: random.Random, book: NameBook, n: int) -> list[ProviderPlan]:
    n_centres = min(len(STREETS), max(1, round(n * 0.1)))
    centre_streets = sorted(STREETS, key=lambda s: -s.weight)[:n_centres]
    seen: set[str] = set()

    def code(public: bool) -> str:
        while (c := uscc(rng, public_institution=public)) in seen:
            pass
        seen.add(c)
        return c

    providers = [ProviderPlan(code(True), book.street_centre(s), ProviderKind.STREET_CENTRE.value, s,
                              person_name(rng), landline(rng), rng.uniform(0.78, 0.88), 1.0)
                 for s in centre_streets]
    for _ in range(n - n_centres):
        providers.append(ProviderPlan(code(False), book.company(), ProviderKind.COMPANY.value, pick_street(rng),
                                      person_name(rng), rng.choice((landline, mobile))(rng),
                                      rng.uniform(0.80, 0.96), min(rng.paretovariate(1.6), 8.0)))
    companies = [p for p in providers if p.kind == ProviderKind.COMPANY.value]
    for p, story in zip(rng.sample(companies, 2), ("lifted", "active")):
        p.dishonest, p.quality = story, rng.uniform(0.62, 0.70)
    return providers


class _Chooser:
    """Which company a community engages: bigger firms and firms of its street more often."""

    def __init__(self, rng: random.Random, providers: list[ProviderPlan]) -> None:
        self.rng = rng
        self.companies = [p for p in providers if p.kind == ProviderKind.COMPANY.value]
        self.centres = {p.street.code: p for p in providers if p.kind == ProviderKind.STREET_CENTRE.value}
        self.barred: set[str] = {p.uscc for p in self.companies if p.dishonest}

    def company(self, street: Street, *, exclude: set[str] = frozenset(), new_entry: bool = False) -> str:
        barred = exclude | (self.barred if new_entry else set())
        pool = [p for p in self.companies if p.uscc not in barred] or self.companies
        weights = [p.size * (3.0 if p.street == street else 1.0) for p in pool]
        return self.rng.choices(pool, weights=weights)[0].uscc


def _mode(rng: random.Random, category: str, has_centre: bool) -> str:
    r = rng.random()
    if category == Category.COMMERCIAL.value:
        return Mode.PROFESSIONAL.value
    if category == Category.RESETTLEMENT.value:  # seed 004 §四(二): market provider, or the village manages
        return Mode.PROFESSIONAL.value if r < 0.8 else Mode.SELF_GOVERNANCE.value
    if category == Category.RENOVATED_OLD.value:  # low-standard management brought in by the street
        if r < 0.3 and has_centre:
            return Mode.TRUSTEESHIP.value
        return Mode.SELF_GOVERNANCE.value if r > 0.85 else Mode.PROFESSIONAL.value
    if r < 0.25:  # other old: low-standard management, or the street's fallback service
        return Mode.PROFESSIONAL.value
    if r < 0.40 and has_centre:
        return Mode.TRUSTEESHIP.value
    return Mode.PROPERTY_UNIT.value if r > 0.88 else Mode.FALLBACK.value


# Old communities are "2000年以前的住宅" (seed 004 §四(三)).
_BUILD = {"commercial": (2001, -3), "resettlement": (2004, -3), "renovated_old": (1978, 1999),
          "other_old": (1960, 1999)}
_AREA = {"commercial": (40000, 260000), "resettlement": (60000, 320000), "renovated_old": (8000, 90000),
         "other_old": (2500, 30000)}
_UNIT = {"commercial": (85, 120), "resettlement": (68, 90), "renovated_old": (46, 62), "other_old": (40, 60)}


def _community(rng: random.Random, book: NameBook, chooser: _Chooser, index: int, category: str,
               first_year: int) -> CommunityPlan:
    street = pick_street(rng)
    low, high = _BUILD[category]
    build_year = rng.randint(low, high if high > 0 else first_year + high)
    area = round(rng.uniform(*_AREA[category]), 1)
    mode = _mode(rng, category, street.code in chooser.centres)
    provider = None
    if mode == Mode.PROFESSIONAL.value:
        provider = chooser.company(street)
    elif mode == Mode.TRUSTEESHIP.value:
        provider = chooser.centres[street.code].uscc
    return CommunityPlan(index=index, code=f"JN-{street.code}-{index + 1:04d}", name=book.community(category),
                         street=street, category=category, build_year=build_year, floor_area=area,
                         households=max(1, round(area / rng.uniform(*_UNIT[category]))), mode=mode,
                         provider=provider)


def _stories(rng: random.Random, chooser: _Chooser, plans: list[CommunityPlan], months: int,
             overdue_handovers: int, by_uscc: dict[str, ProviderPlan]) -> None:
    served = [c for c in plans if c.mode == Mode.PROFESSIONAL.value and c.provider]
    # Preferably an honest provider's (the story is its first offence); a tiny district may have none.
    honest = [c for c in served if not by_uscc[c.provider].dishonest] or served
    if overdue_handovers > len(honest):
        raise ValidationError("overdue_handovers", "maximum",
                              f"this district has only {len(honest)} communities that can end overdue")
    overdue = rng.sample(honest, overdue_handovers)
    for c in overdue:  # the contract ends two months before the period does; the provider stays
        c.overdue, c.term_months, c.exit_by = True, months - 2, "provider_non_renewal"
        chooser.barred.add(c.provider)
    for c in overdue:
        c.next_provider = chooser.company(c.street, exclude={c.provider}, new_entry=True)

    others = [c for c in served if not c.overdue]
    for c in rng.sample(others, min(len(others), max(1, round(len(served) * 0.015)))):
        c.exit_month = rng.randint(4, months - 4)
        # Non-renewal needs notice 3 months before the contract end, so only once the contract has run a while.
        c.exit_by = ("provider_non_renewal" if c.exit_month >= 6 and rng.random() < 0.4
                     else "community_termination")
        if c.exit_by == "provider_non_renewal":
            c.term_months = c.exit_month
        c.next_provider = chooser.company(c.street, exclude={c.provider}, new_entry=True)
    for c in rng.sample(served, max(1, round(len(served) * 0.02))):
        c.refused_provider = chooser.company(c.street, exclude={c.provider})

    old = [c for c in plans if c.category == Category.OTHER_OLD.value]
    fallback = [c for c in old if c.mode == Mode.FALLBACK.value]
    if not fallback and old:  # a district this small still shows one renovation story
        fallback = [old[0]]
        old[0].mode, old[0].provider = Mode.FALLBACK.value, None
    for c in rng.sample(fallback, min(len(fallback), max(1, round(len(fallback) * 0.15)))):
        c.renovate_month = rng.randint(1, months - 4)
        centre = chooser.centres.get(c.street.code)
        if centre is not None and rng.random() < 0.4:
            c.new_mode, c.next_provider = Mode.TRUSTEESHIP.value, centre.uscc
        else:
            c.new_mode = Mode.PROFESSIONAL.value
            c.next_provider = chooser.company(c.street, new_entry=True)
        c.term_months = months - c.renovate_month - 2 + 12 * rng.choice((1, 2, 3))
    for story in ("correction", "withdrawal", "relief", "complaint", "committee"):
        rng.choice(plans).showcase.add(story)


def plan_district(*, communities: int, years: int, seed: int, last_year: int,
                  overdue_handovers: int = 1) -> DistrictPlan:
    """Providers and communities of a district of ``communities`` in the Jinnan mix."""
    rng = random.Random(f"taizhang-demo:{seed}:plan")
    book = NameBook(rng)
    providers = _providers(rng, book, max(6, round(communities / COMMUNITIES_PER_PROVIDER)))
    chooser = _Chooser(rng, providers)
    categories = [name for name, n in apportion(communities, JINNAN_MIX).items() for _ in range(n)]
    rng.shuffle(categories)
    first_year = last_year - years + 1
    plans = [_community(rng, book, chooser, i, category, first_year) for i, category in enumerate(categories)]
    months = 12 * years
    for c in plans:
        if c.provider:  # contracts outlast the period unless a story ends them
            c.term_months = months + 12 * rng.choice((0, 1, 2))
    _stories(rng, chooser, plans, months, overdue_handovers, {p.uscc: p for p in providers})
    return DistrictPlan(seed=seed, years=years, last_year=last_year, providers=providers, communities=plans)

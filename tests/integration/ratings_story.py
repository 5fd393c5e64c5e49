"""A district's rating-and-credit story as a list of steps (so tests can project between them).

Eight providers; provider 0 serves two communities of different floor areas,
provider 1 a third; two annual cycles on the exact k-means scheme with its
5-point guardrail (2024 is guarded by 2023); in 2024 provider 5 gets only three
department scores (not rated), objects, and an upheld decision adds the missing
score: a republication. Credit: failed inspections, substantiated complaints, an
admonition interview and a commendation referencing the cycle, a dishonesty
declaration for provider 7 (refused entry, then approved with an override), and
provider 1's overdue handover (a veto).
"""

from __future__ import annotations

import random
from datetime import date
from typing import Callable

from domain.ledger import Ledger
from domain.vocab import DEPARTMENTS
from tests.unit.domain import builders as b
from tests.unit.ratings import scenario as s

PACK = "kmeans_guardrail"
OVERRIDE = "辖区内无其他企业愿意承接，经街道党工委研究同意"


def usccs() -> list[str]:
    return [b.uscc(i) for i in range(8)]


def _scores(year: int, seed: int) -> dict[str, list]:
    rnd = random.Random(seed)
    rows = {u: [rnd.randint(55, 99) for _ in DEPARTMENTS] for u in usccs()[2:]}
    if year == 2024:
        rows[usccs()[5]] = [88, 90, 86, None, None, None]
    return rows


def _register(ledger: Ledger) -> None:
    for u in usccs():
        b.provider(ledger, u)
    for code, area in (("C-1", 30000.0), ("C-2", 10000.0), ("C-3", 8000.0), ("C-4", 5000.0)):
        b.community(ledger, code, floor_area=area)
    for code, uscc, community, area in (("E-1", 0, "C-1", 30000.0), ("E-2", 0, "C-2", 10000.0),
                                        ("E-3", 1, "C-3", 8000.0)):
        b.request_entry(ledger, code, usccs()[uscc], community, served_area=area, on=date(2022, 12, 1))
        b.decide(ledger, code, on=date(2022, 12, 5))
        b.sign(ledger, code, start=date(2023, 1, 1), end=date(2024, 12, 31))


def _cycle(year: int, order_seed: int | None) -> Callable[[Ledger], None]:
    def run(ledger: Ledger) -> None:
        code = str(year)
        s.open_cycle(ledger, code, (date(year, 1, 1), date(year, 12, 31)), pack=PACK)
        work = [("provider", u, d, v) for u, row in _scores(year, year).items()
                for d, v in zip(DEPARTMENTS, row) if v is not None]
        work += [("community", c, d, v) for c, base in (("C-1", 92), ("C-2", 70), ("C-3", 64))
                 for d, v in zip(DEPARTMENTS, range(base, base + 6))]
        if order_seed is not None:
            random.Random(order_seed).shuffle(work)
        for kind, subject, department, value in work:
            s.score(ledger, subject, department, value, code, kind=kind, on=date(year, 12, 20))
        s.close(ledger, code, date(year + 1, 1, 5))
        s.compute(ledger, code, date(year + 1, 1, 6))
        s.publish(ledger, code, date(year + 1, 1, 10))
    return run


def _objections(ledger: Ledger) -> None:
    upheld = s.object_to(ledger, usccs()[5], "2024", date(2025, 1, 14), reason="城管评分已送达未录入")
    rejected = s.object_to(ledger, usccs()[2], "2024", date(2025, 1, 15), reason="对星级有异议")
    s.decide(ledger, upheld, True, "2024", date(2025, 1, 20), department="urban_management", score=91)
    s.decide(ledger, rejected, False, "2024", date(2025, 1, 20))
    ledger.republish("2024", stamp=b.stamp(date(2025, 1, 22)))


def _credit(ledger: Ledger) -> None:
    for month in (3, 6, 9):
        ledger.community_command("record_inspection", "C-1", month=f"2024-{month:02d}",
                                 items={"cleaning": False, "gate_duty": True},
                                 stamp=b.stamp(date(2024, month, 20), "street"))
    for n in range(3):
        ledger.file_complaint(code=f"K-{n}", community_code="C-2", category="环境卫生", channel="hotline_12345",
                              description="楼道堆物", complainant_name="王五", complainant_phone="13900000000",
                              stamp=b.stamp(date(2024, 10, 8), "residents_committee"))
        ledger.resolve_complaint(f"K-{n}", substantiated=n != 2, resolution="已处理",
                                 stamp=b.stamp(date(2024, 10, 15), "residents_committee"))
    ledger.provider_command("sanction", usccs()[3], kind="interview", reason="星级评定结果较差，约谈教育",
                            cycle_code="2024", stamp=b.stamp(date(2025, 2, 1)))
    ledger.provider_command("commend", usccs()[4], reason="星级评定表现突出", points=5, cycle_code="2024",
                            stamp=b.stamp(date(2025, 2, 1)))


def _entry_gate(ledger: Ledger) -> None:
    seven = usccs()[7]
    ledger.provider_command("declare_dishonest", seven, term_start=date(2025, 1, 1), term_end=date(2025, 6, 30),
                            reason="投标材料弄虚作假", stamp=b.stamp(date(2025, 1, 1)))
    b.request_entry(ledger, "E-4", seven, "C-4", served_area=5000.0, on=date(2025, 2, 1))
    try:
        b.decide(ledger, "E-4", on=date(2025, 2, 10))
    except Exception as error:  # refused: the provider is blacklisted
        assert getattr(error, "rule", None) == "blacklisted", error
    else:
        raise AssertionError("a blacklisted provider was approved without an override")
    b.decide(ledger, "E-4", on=date(2025, 2, 10), override_reason=OVERRIDE)
    b.sign(ledger, "E-4", start=date(2025, 3, 1), end=date(2027, 2, 28))


def _overdue(ledger: Ledger) -> None:
    b.exit_notice(ledger, "E-3", on=date(2024, 9, 1), exit_date=date(2024, 12, 31))
    b.approve_exit(ledger, "E-3", on=date(2024, 9, 10))
    ledger.engagement_command("mark_overdue", "E-3", stamp=b.stamp(date(2025, 1, 20), "street"))


def steps(order_seed: int | None = None) -> list[Callable[[Ledger], None]]:
    return [_register, _cycle(2023, order_seed), _credit, _overdue, _cycle(2024, order_seed),
            _objections, _entry_gate]


def run(ledger: Ledger, between: Callable[[], None] | None = None, order_seed: int | None = None) -> None:
    for step in steps(order_seed):
        step(ledger)
        if between is not None:
            between()

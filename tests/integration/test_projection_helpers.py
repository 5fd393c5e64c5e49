"""A small random-command driver for projection tests (valid and invalid commands mixed)."""

from __future__ import annotations

from datetime import date

from domain.base import Stamp
from domain.errors import DomainError
from domain.ledger import Ledger
from domain.values import Actor, uscc_check_char

MINE = ["registry", "complaints", "fees", "assessments", "satisfaction", "coverage"]
ACTOR = Actor("u1", "street", "S1")
POINTS = {"overall_management": 15, "cleaning": 30, "gate_patrol": 25, "parking": 10, "community_order": 10,
          "fee_collection": 10}
KINDS = ("community", "provider", "inspection", "fees", "assessment", "survey", "complaint", "resolve",
         "engage", "withdraw", "correct", "mode")


def uscc(i: int) -> str:
    head = f"91120000MA{i:07d}"
    return head + uscc_check_char(head)


def stamp(month: int) -> Stamp:
    return Stamp(date(2024, 1 + month % 12, 10), ACTOR)


def run_command(ledger: Ledger, kind: str, a: int, b: int, flag: bool) -> bool:
    """Run one command; False when the domain refused it (nothing written)."""
    c, st = f"C{a}", stamp(b)
    try:
        if kind == "community":
            ledger.register_community(code=c, name=f"小区{a}", street=f"街道{a % 2}",
                                      category=("renovated_old", "other_old", "commercial")[a % 3], build_year=1990,
                                      floor_area=1000.5 + a, households=100 + a, mode="professional", stamp=st)
        elif kind == "provider":
            ledger.register_provider(uscc=uscc(a), name=f"P{a}", legal_representative="x", contact="y", stamp=st)
        elif kind == "inspection":
            ledger.community_command("record_inspection", c, month=f"2024-{1 + b:02d}",
                                     items={"gate": flag, "cleaning": True}, stamp=st)
        elif kind == "fees":
            ledger.community_command("record_fees", c, month=f"2024-{1 + b:02d}", households_billed=50,
                                     households_paid=40 + b, amount_billed="1000.00", amount_collected=f"{900 + b}.50",
                                     stamp=st)
        elif kind == "assessment":
            points = {k: v - (b if k == "cleaning" else 0) for k, v in POINTS.items()}
            ledger.record_assessment(c, quarter=f"2024-Q{1 + b % 4}", points=points,
                                     vetoes=["gate_staff_absent"] if flag else [], stamp=st)
        elif kind == "survey":
            ledger.community_command("record_survey", c, period=f"2024-{b}", households=100, valid_responses=40,
                                     satisfied=20 + b, stamp=st)
        elif kind == "complaint":
            ledger.file_complaint(code=f"K{a}-{b}", community_code=c, category="卫生", channel="hotline_12345",
                                  description="d", complainant_name="n", complainant_phone="p", stamp=st)
        elif kind == "resolve":
            ledger.resolve_complaint(f"K{a}-{b}", substantiated=flag, resolution="ok", stamp=stamp(11))
        elif kind == "engage":
            code = f"E{a}-{b}"
            ledger.request_entry(code=code, provider_uscc=uscc(b % 2), community_code=c, mode="professional",
                                 services=["gate_duty", "patrol", "cleaning", "parking"], fee_standard="0.50",
                                 term_months=24, served_area=900.0, stamp=st)
            ledger.decide_entry(code, approved=True, reason="同意", stamp=st)
            if flag:
                ledger.sign_agreement(code, start=date(2024, 2, 1), end=date(2026, 1, 31), stamp=st)
        elif kind == "withdraw":
            ledger.community_command("withdraw_record", c, withdraws_version=2 + b, reason="重复", stamp=st)
        elif kind == "correct":
            fields = {"points": POINTS} if flag else {"items": {"gate": True, "cleaning": False}}
            ledger.community_command("correct_record", c, corrects_version=2 + b, fields=fields, reason="更正",
                                     stamp=st)
        elif kind == "mode":
            ledger.community_command("change_mode", c, mode="trusteeship" if flag else "self_governance", stamp=st)
        return True
    except DomainError:
        return False

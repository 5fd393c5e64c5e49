"""Queries over the subsidy read model: reconciliation, the per-community list of
a period (what the export prints), totals by street, fee collection rates, fee
relief, maintenance-fund flags, and what-if builds that never write anything.

Dues and payments are plain dicts (rows of ``subsidy_dues`` / ``subsidy_payments``,
or the same shape computed in memory for a what-if), so every function here is
pure. A due or payment belongs to a requested period when its own period lies
inside it (a quarter holds its three months; a year holds its quarters and the
city award of that year).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, Iterable

from projections.subsidy_periods import Period, parse_period
from projections.subsidy_text import GRADE_ZH, MODE_ZH

ZERO = Decimal("0.00")


def _inside(row_start: str | None, row_end: str | None, within: Period | None) -> bool:
    if within is None:
        return True
    return row_start is not None and within.start.isoformat() <= row_start and row_end <= within.end.isoformat()


@dataclass(frozen=True)
class Reconciled:
    community_code: str
    period: str
    payer: str
    due: Decimal
    paid: Decimal

    @property
    def outstanding(self) -> Decimal:
        return max(self.due - self.paid, ZERO)

    @property
    def overpaid(self) -> Decimal:
        return max(self.paid - self.due, ZERO)


def reconcile(due_rows: Iterable[dict], payment_rows: Iterable[dict], within: Period | None = None) -> list[Reconciled]:
    """Due and paid per community, period and payer (a payment with no due is all overpaid)."""
    due: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    paid: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    for r in due_rows:
        if _inside(r["period_start"], r["period_end"], within):
            for payer, amount in r["parts"].items():
                due[(r["community_code"], r["period"], payer)] += Decimal(amount)
    for p in payment_rows:
        if _inside(p["period_start"], p["period_end"], within):
            paid[(p["community_code"], p["period"], p["payer"])] += Decimal(p["amount"])
    keys = sorted(set(due) | set(paid))
    return [Reconciled(*k, due[k], paid[k]) for k in keys]


@dataclass
class Line:
    """One community in a period: the export's row."""

    street: str
    community_code: str
    community_name: str
    modes: list[str] = field(default_factory=list)
    area: Decimal = ZERO
    rates: list[str] = field(default_factory=list)
    months: int = 0
    grades: list[str] = field(default_factory=list)
    due: Decimal = ZERO
    paid: Decimal = ZERO
    outstanding: Decimal = ZERO
    overpaid: Decimal = ZERO
    reasons: list[str] = field(default_factory=list)
    pack: str = ""
    by_payer: dict = field(default_factory=dict)  # payer -> [due, paid, outstanding, overpaid]

    @property
    def mode_zh(self) -> str:
        return "、".join(MODE_ZH.get(m, m) for m in self.modes)

    @property
    def grade_zh(self) -> str:
        return "、".join(GRADE_ZH.get(g, g) for g in self.grades)

    @property
    def rate(self) -> Decimal | str:
        """The rate as a number when there is one, else the rates joined (a mode change mid-period)."""
        return Decimal(self.rates[0]) if len(self.rates) == 1 else "/".join(self.rates)

    @property
    def reason(self) -> str:
        return "；".join(self.reasons)


def _add_unique(target: list, values: Iterable[str]) -> None:
    for v in values:
        if v and v not in target:
            target.append(v)


def period_lines(due_rows: Iterable[dict], payment_rows: Iterable[dict], within: Period,
                 communities: dict[str, dict] | None = None) -> list[Line]:
    """One :class:`Line` per community with anything due or paid in ``within``, by street then code."""
    due_rows = [r for r in due_rows if _inside(r["period_start"], r["period_end"], within)]
    payment_rows = list(payment_rows)
    lines: dict[str, Line] = {}
    for r in sorted(due_rows, key=lambda r: (r["community_code"], r["period_start"], r["stream"])):
        line = lines.get(r["community_code"])
        if line is None:
            line = lines[r["community_code"]] = Line(r["street"], r["community_code"], r["community_name"],
                                                     area=Decimal(r["area"]))
        _add_unique(line.modes, r["modes"].split("/"))
        _add_unique(line.rates, r["rates"].split("/"))
        if r["grade"]:
            _add_unique(line.grades, [r["grade"]])
        line.months += r["months"] if r["stream"] == "subsidy" else 0
        line.due += Decimal(r["amount"])
        line.pack = line.pack or f"{r['pack_id']} {r['pack_version']}"
        reasons = [z for _, z in json.loads(r["reasons"])]
        if reasons:
            label = "以奖代补" if r["stream"] == "co_funding" else r["period"]
            prefix = f"{label}：" if (r["stream"] == "co_funding" or r["period"] != within.label) else ""
            _add_unique(line.reasons, [prefix + "、".join(reasons)])
    for rec in reconcile(due_rows, payment_rows, within):
        line = lines.get(rec.community_code)
        if line is None:
            c = (communities or {}).get(rec.community_code, {})
            line = lines[rec.community_code] = Line(c.get("street", ""), rec.community_code, c.get("name", ""),
                                                    area=Decimal(c.get("area", "0")))
        line.paid += rec.paid
        line.outstanding += rec.outstanding
        line.overpaid += rec.overpaid
        agg = line.by_payer.setdefault(rec.payer, [ZERO, ZERO, ZERO, ZERO])
        for i, v in enumerate((rec.due, rec.paid, rec.outstanding, rec.overpaid)):
            agg[i] += v
    return sorted(lines.values(), key=lambda l: (l.street, l.community_code))


@dataclass
class StreetTotal:
    street: str
    communities: int = 0
    eligible: int = 0  # communities with something due
    area: Decimal = ZERO
    due: Decimal = ZERO
    paid: Decimal = ZERO
    outstanding: Decimal = ZERO
    overpaid: Decimal = ZERO


def by_street(lines: Iterable[Line]) -> list[StreetTotal]:
    totals: dict[str, StreetTotal] = {}
    for line in lines:
        t = totals.setdefault(line.street, StreetTotal(line.street))
        t.communities += 1
        t.eligible += line.due > 0
        t.area += line.area
        for name in ("due", "paid", "outstanding", "overpaid"):
            setattr(t, name, getattr(t, name) + getattr(line, name))
    return [totals[s] for s in sorted(totals)]


# --- facts-based queries (state of projections.subsidy_inputs) ----------------------------------
def fee_rates(state: dict[str, Any], within: Period) -> dict[str, dict]:
    """Fee collection per community in ``within``: households and amounts, rates as exact fractions."""
    out = {}
    for code, c in sorted(state["communities"].items()):
        hb = hp = 0
        billed = collected = ZERO
        for r in c["fees"].values():
            span = parse_period(r["month"])
            if span is not None and within.contains(span):
                hb, hp = hb + r["households_billed"], hp + r["households_paid"]
                billed, collected = billed + Decimal(str(r["amount_billed"])), collected + Decimal(str(r["amount_collected"]))
        if hb or billed:
            out[code] = {"households_billed": hb, "households_paid": hp, "amount_billed": billed,
                         "amount_collected": collected,
                         "household_rate": Fraction(hp, hb) if hb else None,
                         "amount_rate": Fraction(collected) / Fraction(billed) if billed else None}
    return out


def fee_relief(state: dict[str, Any]) -> list[dict]:
    """Every low-income fee relief application with its decision (pending when undecided)."""
    rows = []
    for code, c in sorted(state["communities"].items()):
        for version in sorted(c["relief"], key=int):
            a = c["relief"][version]
            d = a["decision"]
            rows.append({"community_code": code, "version": int(version), "household": a["household"],
                         "kind": a["kind"], "months": a["months"], "applied_on": a["applied_on"],
                         "status": "pending" if d is None else ("approved" if d["approved"] else "refused"),
                         "decided_on": d and d["on"], "reason": d and d["reason"]})
    return rows


def fund_flags(state: dict[str, Any], content: dict) -> list[dict]:
    """Maintenance-fund flags under the pack's ``maintenance_fund`` rule (Puyang seed 003 §四(三)):
    ``establish`` (no fund recorded), ``top_up`` (balance below the share of the first collection), ``ok``."""
    rule = content.get("maintenance_fund")
    if not rule:
        return []
    share, limit = Decimal(rule["top_up_below"]), rule.get("built_on_or_before")
    rows = []
    for code, c in sorted(state["communities"].items()):
        if limit is not None and c["build_year"] > limit:
            continue
        f = c["fund"]
        if f is None:
            flag, ratio = "establish", None
        else:
            first, balance = Decimal(f["first_collection"]), Decimal(f["balance"])
            flag = "top_up" if balance < share * first else "ok"
            ratio = Fraction(balance) / Fraction(first)
        rows.append({"community_code": code, "street": c["street"], "name": c["name"], "flag": flag,
                     "ratio": ratio, "threshold": share, "fund": f})
    return rows

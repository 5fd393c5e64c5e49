"""Credit score, grade and blacklist of one provider, from its credit items and the rules.

An *item* is what the credit read model keeps per behaviour (a failed monthly
inspection, a substantiated complaint, a sanction, a star result…) with the
events behind it; its points come from the credit-rules pack in force on the
item's date, so a pack adopted later never rewrites the past. The arithmetic
(validity windows, the per-quarter complaint cap, grades, vetoes) is
:func:`scoring.credit_scores` / :func:`scoring.credit_grades`.

Approved credit repair (信用修复), as chosen for the default pack: on the
decision date R, every negative item dated on or before R stops counting
(``repair.clears_negative_items``), every veto dated on or before R is lifted
(``repair.lifts_vetoes``) and a dishonesty declaration whose term started on or
before R ends (``repair.ends_dishonesty``). Positive items are untouched.

Dates are ``YYYY-MM-DD`` strings; an ``until`` is the first day no longer covered.
"""

from __future__ import annotations

import json

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

import numpy as np

from scoring import add_months, credit_grades, credit_scores

Rules = dict  # a validated credit_rules pack (domain.scheme_pack.validate_credit)
RulesOn = Callable[[str], Rules]

POINT_KINDS = {"inspection_failed", "complaint_substantiated", "assessment_failed", "sanction_interview",
               "sanction_fine", "sanction_removal", "safety_accident", "handover_overdue", "commendation", "stars"}


def _next_day(day: str) -> str:
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


@dataclass
class Effect:
    """One item as it counts: points, from when, until when, and whether it vetoes."""

    key: str
    kind: str
    points: float
    occurred_on: str
    expires_on: str  # first day it no longer counts (validity window, or a repair)
    cap: float | None  # per-period cap of its group, if any
    veto_until: str | None  # a veto offence vetoes until this day
    rules: str  # credit pack id@version that priced it
    events: list


def item_points(item: dict, rules: Rules) -> float:
    if item["kind"] == "commendation":
        return float(item["points"])
    if item["kind"] == "stars":
        return float(rules["points"].get(f"stars_{item['stars']}", 0))
    return float(rules["points"][item["kind"]])


def effects(items: list[dict], rules_on: RulesOn) -> list[Effect]:
    """Every point item of one provider as it counts, repairs applied."""
    repairs = sorted(i["occurred_on"] for i in items if i["kind"] == "repair")
    priced = []
    for item in sorted(items, key=lambda i: (i["occurred_on"], i["key"])):
        if item["kind"] not in POINT_KINDS:
            continue
        rules = rules_on(item["occurred_on"])
        points = item_points(item, rules)
        veto = item.get("veto") if item.get("veto") in rules["vetoes"] else None
        if points != 0 or veto is not None:
            priced.append((item, rules, points, veto))
    if not priced:
        return []
    # One vectorised call for every validity window (good items 12 months, bad ones 24 by default).
    months = [r["validity_months"]["good" if pts > 0 else "bad"] for _, r, pts, _ in priced]
    ends = add_months(np.array([i["occurred_on"] for i, *_ in priced], dtype="datetime64[D]"), months)
    out = []
    for (item, rules, points, veto), end in zip(priced, ends.astype(str).tolist()):
        day, expires = item["occurred_on"], end
        veto_until = expires if veto else None
        repair = next((r for r in repairs if r >= day), None)
        if repair is not None:
            repair_rules = rules_on(repair)["repair"]
            if points < 0 and repair_rules["clears_negative_items"]:
                expires = min(expires, repair)
            if veto and repair_rules["lifts_vetoes"]:
                veto_until = min(veto_until, repair)
        out.append(Effect(item["key"], item["kind"], points, day, expires, rules["caps"].get(item["kind"]),
                          veto_until, f"{rules['id']}@{rules['version']}", item["events"]))
    return out


def _grade_args(rules: Rules) -> tuple[list, list]:
    grades = rules["grades"]
    return list(grades.values()), [*grades, rules["lowest_grade"]]


def scores_on(effs: list[Effect], days: list[str], rules_on: RulesOn) -> tuple[list[float], list[str], list[str], list[bool]]:
    """Score, grade (with vetoes), grade on points alone, and veto flag on each day."""
    if not days:
        return [], [], [], []
    occurred = np.array([e.occurred_on for e in effs], dtype="datetime64[D]")
    expires = np.array([e.expires_on for e in effs], dtype="datetime64[D]")
    points = np.array([e.points for e in effs], dtype=np.float64)
    capped = sorted({(e.kind, e.cap) for e in effs if e.cap is not None})  # one cap group per kind (and cap)
    group = np.array([-1 if e.cap is None else capped.index((e.kind, e.cap)) for e in effs], dtype=np.int64)
    group_caps = {i: cap for i, (_, cap) in enumerate(capped)}
    at = np.array(days, dtype="datetime64[D]")
    vetoes = [e for e in effs if e.veto_until]  # rare: a plain loop over them is cheap
    vetoed = [any(e.occurred_on <= d < e.veto_until for e in vetoes) for d in days]
    score, grade, plain = [0.0] * len(days), [""] * len(days), [""] * len(days)
    groups: dict[int, tuple[Rules, list[int]]] = {}
    for i, d in enumerate(days):  # rules may change between days: one vectorised call per rule set
        rules = rules_on(d)
        groups.setdefault(id(rules), (rules, []))[1].append(i)
    for rules, idx in groups.values():
        s = credit_scores(at[idx], occurred, points, expires=expires, cap_group=group,
                          group_caps=group_caps, cap_period=rules["cap_period"],
                          base=rules["base"], lower=rules["lower"], upper=rules.get("upper"))
        thresholds, labels = _grade_args(rules)
        flags = [vetoed[i] for i in idx]
        for i, v, p, g in zip(idx, s.tolist(), credit_grades(s, thresholds, labels).tolist(),
                              credit_grades(s, thresholds, labels, veto=flags).tolist()):
            score[i], plain[i], grade[i] = float(v), str(p), str(g)
    return score, grade, plain, vetoed


def change_days(effs: list[Effect], extra: list[str] = ()) -> list[str]:
    days = {e.occurred_on for e in effs} | {e.expires_on for e in effs} | set(extra)
    days |= {e.veto_until for e in effs if e.veto_until}
    return sorted(days)


def timeline(items: list[dict], rules_on: RulesOn, extra_days: list[str] = (),
             effs: list[Effect] | None = None) -> list[dict]:
    """The provider's credit from each day its score, grade or veto changes (consecutive equal rows merged)."""
    effs = effects(items, rules_on) if effs is None else effs
    days = change_days(effs, list(extra_days))
    rows: list[dict] = []
    for d, s, g, p, v in zip(days, *scores_on(effs, days, rules_on)):
        if rows and (rows[-1]["score"], rows[-1]["grade"], rows[-1]["plain_grade"], rows[-1]["vetoed"]) == (s, g, p, v):
            continue
        rows.append({"from": d, "score": s, "grade": g, "plain_grade": p, "vetoed": v})
    return rows


def blacklist_entries(items: list[dict], rules_on: RulesOn, extra_days: list[str] = (),
                      effs: list[Effect] | None = None, rows: list[dict] | None = None) -> list[dict]:
    """Why, since when and until when the provider is on the blacklist (``until`` None: open-ended).

    Rules: the grade on points alone is the pack's blacklist grade (e.g. D); a veto offence
    while its veto lasts; an active dishonesty declaration (失信) for its term, unless lifted
    or ended by an approved credit repair. ``effs``/``rows``: already computed effects and timeline."""
    effs = effects(items, rules_on) if effs is None else effs
    rows = timeline(items, rules_on, extra_days, effs) if rows is None else rows
    entries: list[dict] = []
    for i, row in enumerate(rows):
        listed_grade = rules_on(row["from"])["blacklist"]["grade"]
        if row["plain_grade"] != listed_grade or (i and rows[i - 1]["plain_grade"] == listed_grade):
            continue
        end = next((r["from"] for r in rows[i + 1:] if r["plain_grade"] != listed_grade), None)
        behind = [e for e in effs if e.points < 0 and e.occurred_on <= row["from"] < e.expires_on]
        entries.append({"reason": "grade", "since": row["from"], "until": end,
                        "detail": f"score {row['score']:g}, grade {row['plain_grade']}",
                        "events": [ev for e in behind for ev in e.events]})
    for e in effs:
        if e.veto_until and rules_on(e.occurred_on)["blacklist"]["vetoes"] and e.veto_until > e.occurred_on:
            entries.append({"reason": "veto", "since": e.occurred_on, "until": e.veto_until,
                            "detail": e.kind, "events": e.events})
    repairs = sorted((i["occurred_on"], i["events"]) for i in items if i["kind"] == "repair")
    for item in items:
        if item["kind"] != "dishonesty" or not rules_on(item["occurred_on"])["blacklist"]["dishonesty"]:
            continue
        until, events = _next_day(item["term_end"]), list(item["events"])
        if item.get("lifted_on"):
            until = min(until, item["lifted_on"])
        for day, refs in repairs:
            if item["occurred_on"] <= day < until and rules_on(day)["repair"]["ends_dishonesty"]:
                until, events = day, events + refs
                break
        if until > item["occurred_on"]:
            entries.append({"reason": "dishonesty", "since": item["occurred_on"], "until": until,
                            "detail": item.get("note", ""), "events": events})
    # A total order: two same-day entries with one reason must not swap places after a restart.
    return sorted(entries, key=lambda x: (x["since"], x["reason"], x["detail"], x["until"] or "",
                                          json.dumps(x["events"], sort_keys=True, default=str)))


def listed_on(entries: list[dict], day: str) -> list[dict]:
    """The entries in force on ``day``."""
    return [e for e in entries if e["since"] <= day and (e["until"] is None or day < e["until"])]

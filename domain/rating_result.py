"""The shape of a rating cycle's result, its digest, and the appeal calendar.

Standard library only: the domain checks that a result handed to it by the
ratings projection is well formed and that its digest matches its rows, so a
publication can never carry a digest of something else. The same
:func:`result_digest` is used by the projection and by an auditor's replay.
"""

from __future__ import annotations

import hashlib
import json
import math
from datetime import date, timedelta

from domain.errors import ValidationError
from domain.values import check_uscc

DEFAULT_APPEAL = {"working_days": 10, "holidays": [], "extra_workdays": []}


def canonical_cut_points(cut_points: list) -> list:
    """Cut points as published: ascending numbers, ``None`` for a level nobody reached (+inf)."""
    if not isinstance(cut_points, (list, tuple)) or not cut_points:
        raise ValidationError("cut_points", "required", "a result needs its cut points")
    clean: list[float | None] = []
    for i, c in enumerate(cut_points):
        if c is None or (isinstance(c, float) and math.isinf(c) and c > 0):
            clean.append(None)
            continue
        if isinstance(c, bool) or not isinstance(c, (int, float)) or not math.isfinite(c):
            raise ValidationError(f"cut_points.{i}", "number", "must be a finite number or null (+inf)")
        if clean and (clean[-1] is None or float(c) < clean[-1]):
            raise ValidationError(f"cut_points.{i}", "ascending", "cut points must be ascending")
        clean.append(float(c))
    return clean


def check_results(results: dict, levels: int, field: str = "results") -> dict:
    """``{uscc: [composite or None, stars]}``; stars 0 means "not rated" and needs no composite."""
    if not isinstance(results, dict):
        raise ValidationError(field, "mapping", "must map provider USCC to [composite, stars]")
    clean = {}
    for uscc, row in results.items():
        code = check_uscc(uscc, f"{field}.{uscc}")
        if not isinstance(row, (list, tuple)) or len(row) != 2:
            raise ValidationError(f"{field}.{uscc}", "row_shape", "must be [composite, stars]")
        composite, stars = row
        if isinstance(stars, bool) or not isinstance(stars, int) or not 0 <= stars <= levels:
            raise ValidationError(f"{field}.{uscc}.stars", "star_range", f"must be a whole number 0..{levels}")
        if composite is None:
            if stars != 0:
                raise ValidationError(f"{field}.{uscc}.composite", "required", "a rated provider needs its composite")
        elif isinstance(composite, bool) or not isinstance(composite, (int, float)) or not math.isfinite(composite):
            raise ValidationError(f"{field}.{uscc}.composite", "number", "must be a finite number or null")
        elif stars == 0:
            raise ValidationError(f"{field}.{uscc}.stars", "rated", "a provider with a composite has stars")
        clean[code] = [None if composite is None else float(composite), stars]
    return clean


def result_digest(cycle_code: str, method: str, cut_points: list, results: dict) -> str:
    """SHA-256 of the canonical JSON of a result: rows sorted by USCC, floats as Python's repr."""
    payload = {
        "cycle": cycle_code,
        "method": method,
        "cut_points": canonical_cut_points(cut_points),
        "rows": [[u, results[u][0], results[u][1]] for u in sorted(results)],
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()


def check_appeal(appeal: dict | None) -> dict:
    """The appeal calendar of a scheme: working days allowed, holidays, adjusted working weekends."""
    merged = {**DEFAULT_APPEAL, **(appeal or {})}
    unknown = sorted(set(merged) - set(DEFAULT_APPEAL))
    if unknown:
        raise ValidationError(f"appeal.{unknown[0]}", "known_key", "is not an appeal setting")
    days = merged["working_days"]
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ValidationError("appeal.working_days", "integer", "must be a whole number ≥ 1")
    for key in ("holidays", "extra_workdays"):
        if not isinstance(merged[key], list):
            raise ValidationError(f"appeal.{key}", "list", "must be a list of YYYY-MM-DD dates")
        for i, d in enumerate(merged[key]):
            try:
                date.fromisoformat(d)
            except (TypeError, ValueError):
                raise ValidationError(f"appeal.{key}.{i}", "date", "must be a date YYYY-MM-DD") from None
    return {"working_days": days, "holidays": sorted(merged["holidays"]),
            "extra_workdays": sorted(merged["extra_workdays"])}


def is_working_day(day: date, appeal: dict) -> bool:
    iso = day.isoformat()
    if iso in appeal["extra_workdays"]:  # 调休: a weekend made a working day
        return True
    return day.weekday() < 5 and iso not in appeal["holidays"]


def appeal_deadline(published_on: date, appeal: dict) -> date:
    """The last day to object: the N-th working day after the publication day."""
    day, left = published_on, appeal["working_days"]
    while left:
        day += timedelta(days=1)
        if is_working_day(day, appeal):
            left -= 1
    return day

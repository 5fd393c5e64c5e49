"""Rating-scheme and credit-rule packs: JSON data files with a validator.

A pack is data, never code: ``domain/packs/schemes/*.json``. :func:`load_pack`
reads one (by name or path) and validates it; a bad pack is refused with a
:class:`~domain.errors.ValidationError` whose ``field`` is the offending key
(e.g. ``parameters.thresholds.2``). Standard library only.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from domain.errors import ValidationError
from domain.policy import pack_digest
from domain.rating_result import check_appeal
from domain.vocab import DEPARTMENTS, STANDARDISATIONS, STAR_METHODS

PACK_DIR = Path(__file__).parent / "packs" / "schemes"

SCHEME_KEYS = {"kind", "id", "version", "title", "source", "cycle_months", "departments", "weights",
               "standardisation", "method", "parameters", "min_departments", "guardrail", "appeal"}
CREDIT_KEYS = {"kind", "id", "version", "title", "source", "base", "lower", "upper", "grades",
               "lowest_grade", "validity_months", "points", "caps", "cap_period", "assessment_fail_grades",
               "vetoes", "blacklist", "repair"}
CREDIT_POINTS = {  # item -> sign the points must have
    "inspection_failed": -1, "complaint_substantiated": -1, "assessment_failed": -1,
    "sanction_interview": -1, "sanction_fine": -1, "sanction_removal": -1, "safety_accident": -1,
    "handover_overdue": -1, "stars_5": 1, "stars_4": 1,
}
VETO_ITEMS = {"handover_overdue", "fatal_safety_accident"}
REPAIR_KEYS = {"clears_negative_items", "lifts_vetoes", "ends_dishonesty"}
BLACKLIST_KEYS = {"grade", "vetoes", "dishonesty"}


def _bad(key: str, rule: str, message: str) -> ValidationError:
    return ValidationError(key, rule, message)


def _number(value, key: str, *, minimum: float | None = None, allow_none: bool = False) -> float | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _bad(key, "number", "must be a finite number")
    if minimum is not None and value < minimum:
        raise _bad(key, "minimum", f"must be ≥ {minimum:g}")
    return float(value)


def _keys(pack: dict, allowed: set[str], required: set[str], prefix: str = "") -> None:
    if not isinstance(pack, dict):
        raise _bad(prefix.rstrip(".") or "pack", "mapping", "must be a JSON object")
    for key in sorted(set(pack) - allowed):
        raise _bad(prefix + key, "known_key", "is not a key of this kind of pack")
    for key in sorted(required - set(pack)):
        raise _bad(prefix + key, "required", "is missing")


def _header(pack: dict, kind: str) -> None:
    if pack.get("kind") != kind:
        raise _bad("kind", "pack_kind", f"must be {kind!r}")
    for key in ("id", "version"):
        if not isinstance(pack.get(key), str) or not pack[key].strip():
            raise _bad(key, "text", "must be a non-empty string")


def validate_scheme(pack: dict) -> dict:
    """Check a rating-scheme pack; returns it unchanged when valid."""
    _keys(pack, SCHEME_KEYS, SCHEME_KEYS - {"title", "source", "guardrail", "appeal"})
    _header(pack, "rating_scheme")
    months = pack["cycle_months"]
    if months not in (6, 12):
        raise _bad("cycle_months", "cycle_length", "must be 6 (half-year) or 12 (annual)")
    departments = pack["departments"]
    if not isinstance(departments, list) or not departments:
        raise _bad("departments", "required", "must be a non-empty list")
    for i, d in enumerate(departments):
        if d not in DEPARTMENTS:
            raise _bad(f"departments.{i}", "choice", f"must be one of {', '.join(DEPARTMENTS)}")
    if len(set(departments)) != len(departments):
        raise _bad("departments", "unique", "lists a department twice")
    weights = pack["weights"]
    if not isinstance(weights, dict):
        raise _bad("weights", "mapping", "must map each department to its weight")
    for d in departments:
        if d not in weights:
            raise _bad(f"weights.{d}", "required", "every department needs a weight")
        if _number(weights[d], f"weights.{d}", minimum=0) == 0:
            raise _bad(f"weights.{d}", "positive", "must be > 0 (leave the department out instead)")
    for d in sorted(set(weights) - set(departments)):
        raise _bad(f"weights.{d}", "scheme_department", "is not one of the scheme's departments")
    if pack["standardisation"] not in STANDARDISATIONS:
        raise _bad("standardisation", "choice", f"must be one of {', '.join(STANDARDISATIONS)}")
    if pack["method"] not in STAR_METHODS:
        raise _bad("method", "choice", f"must be one of {', '.join(STAR_METHODS)}")
    check_method_parameters(pack["method"], pack["parameters"], pack["standardisation"])
    m = pack["min_departments"]
    if isinstance(m, bool) or not isinstance(m, int) or not 1 <= m <= len(departments):
        raise _bad("min_departments", "within_departments", f"must be a whole number 1..{len(departments)}")
    _number(pack.get("guardrail"), "guardrail", minimum=0, allow_none=True)
    check_appeal(pack.get("appeal"))
    return pack


def check_method_parameters(method: str, params: dict, standardisation: str) -> None:
    """The star method's parameters (used by packs and by ``RatingCycle.adopt_scheme``)."""
    allowed = {"thresholds": {"thresholds", "winsor"}, "quota": {"shares", "winsor"},
               "kmeans": {"levels", "winsor"}}[method]
    _keys(params, allowed, allowed - {"winsor"}, "parameters.")
    if "winsor" in params:
        w = params["winsor"]
        if not isinstance(w, list) or len(w) != 2:
            raise _bad("parameters.winsor", "pair", "must be [lower, upper] percentiles")
        lo, hi = (_number(x, f"parameters.winsor.{i}", minimum=0) for i, x in enumerate(w))
        if not lo <= hi <= 100:
            raise _bad("parameters.winsor", "percentiles", "need 0 ≤ lower ≤ upper ≤ 100")
    if method == "thresholds":
        if standardisation != "raw":
            raise _bad("standardisation", "raw_for_thresholds", "fixed thresholds are points: use raw scores")
        t = params["thresholds"]
        if not isinstance(t, list) or not t:
            raise _bad("parameters.thresholds", "required", "must list the lowest score of each star from the top down")
        values = [_number(x, f"parameters.thresholds.{i}", minimum=0) for i, x in enumerate(t)]
        for i in range(1, len(values)):
            if values[i] >= values[i - 1]:
                raise _bad(f"parameters.thresholds.{i}", "descending", "thresholds must fall from the top star down")
    elif method == "quota":
        s = params["shares"]
        if not isinstance(s, list) or len(s) < 2:
            raise _bad("parameters.shares", "required", "must list at least two shares from the top star down")
        values = [_number(x, f"parameters.shares.{i}", minimum=0) for i, x in enumerate(s)]
        if abs(sum(values) - 1.0) > 1e-6:
            raise _bad("parameters.shares", "sum_to_one", f"must sum to 1 (they sum to {sum(values):.6g})")
    else:
        k = params["levels"]
        if isinstance(k, bool) or not isinstance(k, int) or not 2 <= k <= 10:
            raise _bad("parameters.levels", "levels", "must be a whole number 2..10")


def validate_credit(pack: dict) -> dict:
    """Check a credit-rules pack; returns it unchanged when valid."""
    _keys(pack, CREDIT_KEYS, CREDIT_KEYS - {"title", "source", "upper"})
    _header(pack, "credit_rules")
    _number(pack["base"], "base", minimum=0)
    lower = _number(pack["lower"], "lower", allow_none=True)
    upper = _number(pack.get("upper"), "upper", allow_none=True)
    if lower is not None and upper is not None and upper < lower:
        raise _bad("upper", "bounds", "must not be below lower")
    grades = pack["grades"]
    if not isinstance(grades, dict) or not grades:
        raise _bad("grades", "mapping", "must map each grade above the lowest to its lowest score")
    floors = [_number(v, f"grades.{k}") for k, v in grades.items()]
    for i in range(1, len(floors)):
        if floors[i] >= floors[i - 1]:
            raise _bad(f"grades.{list(grades)[i]}", "descending", "grades must be listed best first, floors falling")
    if not isinstance(pack["lowest_grade"], str) or pack["lowest_grade"] in grades:
        raise _bad("lowest_grade", "distinct", "must be a grade name not in grades")
    validity = pack["validity_months"]
    _keys(validity, {"good", "bad"}, {"good", "bad"}, "validity_months.")
    for key in ("good", "bad"):
        v = validity[key]
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise _bad(f"validity_months.{key}", "months", "must be a whole number of months ≥ 1")
    points = pack["points"]
    _keys(points, set(CREDIT_POINTS), set(CREDIT_POINTS), "points.")
    for key, sign in CREDIT_POINTS.items():
        value = _number(points[key], f"points.{key}")
        if value * sign < 0:
            raise _bad(f"points.{key}", "sign", "must be a deduction (≤ 0)" if sign < 0 else "must be an addition (≥ 0)")
    caps = pack["caps"]
    if not isinstance(caps, dict):
        raise _bad("caps", "mapping", "must map an item to its cap per period")
    for key, cap in caps.items():
        if key not in CREDIT_POINTS:
            raise _bad(f"caps.{key}", "known_item", "is not a credit item")
        _number(cap, f"caps.{key}", minimum=0)
    if pack["cap_period"] not in ("month", "quarter", "year"):
        raise _bad("cap_period", "choice", "must be month, quarter or year")
    if not isinstance(pack["assessment_fail_grades"], list):
        raise _bad("assessment_fail_grades", "list", "must list the assessment grades that count as failing")
    for i, v in enumerate(pack["vetoes"] if isinstance(pack["vetoes"], list) else [None]):
        if v not in VETO_ITEMS:
            raise _bad(f"vetoes.{i}", "choice", f"must be one of {', '.join(sorted(VETO_ITEMS))}")
    _keys(pack["blacklist"], BLACKLIST_KEYS, BLACKLIST_KEYS, "blacklist.")
    if pack["blacklist"]["grade"] is not None and pack["blacklist"]["grade"] not in [*grades, pack["lowest_grade"]]:
        raise _bad("blacklist.grade", "known_grade", "must be one of the grades, or null")
    for key in ("vetoes", "dishonesty"):
        if not isinstance(pack["blacklist"][key], bool):
            raise _bad(f"blacklist.{key}", "boolean", "must be true or false")
    _keys(pack["repair"], REPAIR_KEYS, REPAIR_KEYS, "repair.")
    for key in REPAIR_KEYS:
        if not isinstance(pack["repair"][key], bool):
            raise _bad(f"repair.{key}", "boolean", "must be true or false")
    return pack


def load_pack(name_or_path: str | Path) -> dict:
    """Read and validate a pack: a file name in ``domain/packs/schemes`` (with or without .json) or a path."""
    path = Path(name_or_path)
    if not path.suffix:
        path = PACK_DIR / f"{name_or_path}.json"
    elif not path.exists() and (PACK_DIR / path.name).exists():
        path = PACK_DIR / path.name
    try:
        pack = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _bad("pack", "exists", f"no pack file {path}") from None
    except json.JSONDecodeError as error:
        raise _bad("pack", "json", f"{path.name} is not valid JSON: {error}") from None
    kind = pack.get("kind") if isinstance(pack, dict) else None
    if kind == "credit_rules":
        return validate_credit(pack)
    return validate_scheme(pack)


def scheme_kwargs(pack: dict) -> dict:
    """The keyword arguments of ``Ledger.adopt_scheme`` for a validated scheme pack."""
    validate_scheme(pack)
    return {
        "departments": list(pack["departments"]), "weights": dict(pack["weights"]),
        "method": pack["method"], "parameters": dict(pack["parameters"]),
        "min_departments": pack["min_departments"], "standardisation": pack["standardisation"],
        "guardrail": pack.get("guardrail"), "appeal": pack.get("appeal"),
        "pack": {"id": pack["id"], "version": pack["version"], "sha256": pack_digest(pack)},
    }

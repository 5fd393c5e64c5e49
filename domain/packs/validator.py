"""Validation of a jurisdiction's policy pack (政策包), standard library only.

A bad pack is refused with a :class:`~domain.errors.ValidationError` whose
``field`` is the dotted key path and whose message says what is wrong, e.g.
``subsidy.rates.professional: must be a decimal string ≥ 0``. Money and
fractions are decimal *strings* in JSON (never floats), so a pack means the
same amount on every machine. The schema is documented in ``README.md`` next
to the pack files.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from domain.errors import ValidationError
from domain.vocab import Category, Mode, PayerLevel

SCHEMA = 1
_DECIMAL_RE = re.compile(r"\d+(\.\d+)?")
MODES = {m.value for m in Mode}
CATEGORIES = {c.value for c in Category}
PAYERS = {p.value for p in PayerLevel}
GRADES = ("excellent", "model", "standard", "fail")
TERM_STARTS = ("agreement", "renovation")
PERIODS = ("month", "quarter")

_TOP = {"schema", "pack_id", "version", "effective_from", "title", "seed", "notes", "jurisdiction",
        "assessment_sheet", "exit", "subsidy", "co_funding", "fee_relief", "maintenance_fund",
        "rating_scheme", "credit_rules"}


def _fail(path: str, rule: str, message: str) -> None:
    raise ValidationError(path, rule, message)


def _obj(value: Any, path: str, required: set[str], optional: set[str] = frozenset()) -> dict:
    if not isinstance(value, dict):
        _fail(path, "object", "must be an object")
    for key in sorted(required):
        if key not in value:
            _fail(f"{path}.{key}" if path else key, "required", "is required")
    for key in value:
        if key not in required and key not in optional:
            _fail(f"{path}.{key}" if path else key, "unknown_key", "is not a key of this section")
    return value


def decimal_str(value: Any, path: str, *, maximum: Decimal | None = None) -> Decimal:
    """A non-negative decimal written as a JSON string ("0.30"), optionally ≤ maximum."""
    if not isinstance(value, str) or not _DECIMAL_RE.fullmatch(value):
        bound = f" and ≤ {maximum}" if maximum is not None else ""
        _fail(path, "decimal", f"must be a decimal string ≥ 0{bound}")
    number = Decimal(value)
    if maximum is not None and number > maximum:
        _fail(path, "maximum", f"must be ≤ {maximum}")
    return number


def _int(value: Any, path: str, *, minimum: int = 0, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        _fail(path, "integer", "must be a whole number")
    if value < minimum or (maximum is not None and value > maximum):
        top = f" and ≤ {maximum}" if maximum is not None else ""
        _fail(path, "range", f"must be ≥ {minimum}{top}")
    return value


def _number(value: Any, path: str, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or (positive and value == 0):
        _fail(path, "number", "must be a number > 0" if positive else "must be a number ≥ 0")
    return value


def _text(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        _fail(path, "text", "must be a non-empty string")
    return value


def _date(value: Any, path: str) -> date:
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    _fail(path, "date", "must be a date string YYYY-MM-DD")


def _choice(value: Any, path: str, allowed) -> str:
    if value not in allowed:
        _fail(path, "choice", f"must be one of {', '.join(sorted(allowed))}")
    return value


def _choices(value: Any, path: str, allowed) -> list:
    if not isinstance(value, list) or not value:
        _fail(path, "list", "must be a non-empty list")
    for i, item in enumerate(value):
        _choice(item, f"{path}[{i}]", allowed)
    return value


def _shares(value: Any, path: str, allowed: set[str], *, sum_to_one: bool) -> dict:
    if not isinstance(value, dict) or not value:
        _fail(path, "object", "must be a non-empty object")
    total = Decimal(0)
    for key, share in value.items():
        if allowed:
            _choice(key, f"{path}.{key}", allowed)
        total += decimal_str(share, f"{path}.{key}", maximum=Decimal(1))
    if sum_to_one and total != 1:
        _fail(path, "sum_to_one", f"shares must sum to exactly 1, they sum to {total}")
    return value


def _complaints(value: Any, path: str) -> None:
    _obj(value, path, {"allowed", "cut_each"})
    _int(value["allowed"], f"{path}.allowed")
    decimal_str(value["cut_each"], f"{path}.cut_each", maximum=Decimal(1))


def _sheet(value: Any, path: str) -> None:
    _obj(value, path, {"sections", "veto_items"}, {"grades"})
    if not isinstance(value["sections"], dict) or not value["sections"]:
        _fail(f"{path}.sections", "object", "must be a non-empty object of section → maximum points")
    for key, points in value["sections"].items():
        _number(points, f"{path}.sections.{key}", positive=True)
    if not isinstance(value["veto_items"], list) or not all(isinstance(v, str) for v in value["veto_items"]):
        _fail(f"{path}.veto_items", "list", "must be a list of item codes")
    grades = value.get("grades", [[90, "excellent"], [80, "model"], [70, "standard"], [0, "fail"]])
    if not isinstance(grades, list) or not grades:
        _fail(f"{path}.grades", "list", "must be a non-empty list of [floor, grade]")
    floors = []
    for i, pair in enumerate(grades):
        if not (isinstance(pair, list) and len(pair) == 2):
            _fail(f"{path}.grades[{i}]", "pair", "must be [floor, grade]")
        floors.append(_number(pair[0], f"{path}.grades[{i}][0]"))
        _choice(pair[1], f"{path}.grades[{i}][1]", GRADES)
    if floors != sorted(floors, reverse=True) or floors[-1] != 0:
        _fail(f"{path}.grades", "descending", "floors must descend and the last must be 0")


def _subsidy(value: Any, path: str) -> None:
    if not isinstance(value, dict) or value.get("enabled") is not True:
        _obj(value, path, {"enabled", "disabled_reason"})
        if value["enabled"] is not False:
            _fail(f"{path}.enabled", "boolean", "must be true or false")
        _obj(value["disabled_reason"], f"{path}.disabled_reason", {"key", "zh"})
        return
    _obj(value, path, {"enabled", "period", "payers", "scope", "rates"},
         {"excluded_modes", "agreement_required_modes", "assessment", "satisfaction", "term", "complaints"})
    _choice(value["period"], f"{path}.period", PERIODS)
    _shares(value["payers"], f"{path}.payers", PAYERS, sum_to_one=True)
    scope = _obj(value["scope"], f"{path}.scope", {"requires_renovation"}, {"built_on_or_before", "categories"})
    if not isinstance(scope["requires_renovation"], bool):
        _fail(f"{path}.scope.requires_renovation", "boolean", "must be true or false")
    if scope.get("built_on_or_before") is not None:
        _int(scope["built_on_or_before"], f"{path}.scope.built_on_or_before", minimum=1900)
    if scope.get("categories") is not None:
        _choices(scope["categories"], f"{path}.scope.categories", CATEGORIES)
    if not isinstance(value["rates"], dict) or not value["rates"]:
        _fail(f"{path}.rates", "object", "must be a non-empty object of mode → rate")
    for mode, rate in value["rates"].items():
        _choice(mode, f"{path}.rates.{mode}", MODES)
        if isinstance(rate, dict):
            _obj(rate, f"{path}.rates.{mode}", {"renovated", "not_renovated"})
            for key in ("renovated", "not_renovated"):
                decimal_str(rate[key], f"{path}.rates.{mode}.{key}")
        else:
            decimal_str(rate, f"{path}.rates.{mode}")
    for mode, reason in value.get("excluded_modes", {}).items():
        _choice(mode, f"{path}.excluded_modes.{mode}", MODES - set(value["rates"]))
        _text(reason, f"{path}.excluded_modes.{mode}")
    if "agreement_required_modes" in value:
        modes = value["agreement_required_modes"]
        if not isinstance(modes, list):
            _fail(f"{path}.agreement_required_modes", "list", "must be a list of modes")
        for i, mode in enumerate(modes):
            _choice(mode, f"{path}.agreement_required_modes[{i}]", MODES)
    if value.get("assessment") is not None:
        bands = _obj(value["assessment"], f"{path}.assessment", {"bands"})["bands"]
        _obj(bands, f"{path}.assessment.bands", set(GRADES))
        for grade in GRADES:
            decimal_str(bands[grade], f"{path}.assessment.bands.{grade}", maximum=Decimal(1))
    if value.get("satisfaction") is not None:
        sat = _obj(value["satisfaction"], f"{path}.satisfaction", {"min_share", "min_valid_share"})
        decimal_str(sat["min_share"], f"{path}.satisfaction.min_share", maximum=Decimal(1))
        decimal_str(sat["min_valid_share"], f"{path}.satisfaction.min_valid_share", maximum=Decimal(1))
    if value.get("term") is not None:
        term = _obj(value["term"], f"{path}.term", {"start"}, {"cap_years", "taper"})
        _choice(term["start"], f"{path}.term.start", TERM_STARTS)
        if term.get("cap_years") is not None:
            _int(term["cap_years"], f"{path}.term.cap_years", minimum=1)
        if term.get("taper") is not None:
            if not isinstance(term["taper"], list) or not term["taper"]:
                _fail(f"{path}.term.taper", "list", "must be a non-empty list of yearly factors")
            for i, factor in enumerate(term["taper"]):
                decimal_str(factor, f"{path}.term.taper[{i}]", maximum=Decimal(1))
    if value.get("complaints") is not None:
        _complaints(value["complaints"], f"{path}.complaints")


def _co_funding(value: Any, path: str, district: str | None) -> None:
    _obj(value, path, {"payer", "base_payer", "transition_from", "transition_years", "shares", "evaluation"},
         {"complaints"})
    _choice(value["payer"], f"{path}.payer", PAYERS)
    _choice(value["base_payer"], f"{path}.base_payer", PAYERS - {value["payer"]})
    _date(value["transition_from"], f"{path}.transition_from")
    _int(value["transition_years"], f"{path}.transition_years", minimum=1)
    _shares(value["shares"], f"{path}.shares", set(), sum_to_one=False)
    if district not in value["shares"]:
        _fail("jurisdiction.district", "co_funded_district",
              f"must be one of the co-funded districts: {', '.join(sorted(value['shares']))}")
    ev = _obj(value["evaluation"], f"{path}.evaluation", {"evaluator", "substandard_below", "substandard_cut"})
    _choice(ev["evaluator"], f"{path}.evaluation.evaluator", {"third_party", "residents_committee", "party_committee"})
    _number(ev["substandard_below"], f"{path}.evaluation.substandard_below")
    decimal_str(ev["substandard_cut"], f"{path}.evaluation.substandard_cut", maximum=Decimal(1))
    if value.get("complaints") is not None:
        _complaints(value["complaints"], f"{path}.complaints")


def validate_subsidy(content: dict) -> None:
    """Check only a pack's ``subsidy`` and ``co_funding`` sections (what the subsidy read model
    needs from an adoption whose other keys it does not read)."""
    _subsidy(content.get("subsidy"), "subsidy")
    if content.get("co_funding") is not None:
        _co_funding(content["co_funding"], "co_funding", (content.get("jurisdiction") or {}).get("district"))


def validate_pack(content: Any) -> dict:
    """Check a whole pack; return it unchanged, or raise naming the first bad key."""
    pack = _obj(content, "", {"schema", "pack_id", "version", "effective_from", "title", "seed",
                              "jurisdiction", "assessment_sheet", "exit", "subsidy"}, _TOP)
    if pack["schema"] != SCHEMA:
        _fail("schema", "version", f"must be {SCHEMA}")
    if not isinstance(pack["pack_id"], str) or not re.fullmatch(r"[a-z0-9][a-z0-9_\-]{0,63}", pack["pack_id"]):
        _fail("pack_id", "code_format", "must be 1-64 lowercase letters, digits, '-' or '_'")
    if not isinstance(pack["version"], str) or not 0 < len(pack["version"].strip()) <= 20:
        _fail("version", "text", "must be a string of 1-20 characters")
    _date(pack["effective_from"], "effective_from")
    _text(pack["title"], "title")
    _text(pack["seed"], "seed")
    if "notes" in pack and not (isinstance(pack["notes"], list) and all(isinstance(n, str) for n in pack["notes"])):
        _fail("notes", "list", "must be a list of strings")
    jurisdiction = _obj(pack["jurisdiction"], "jurisdiction", {"name"}, {"district"})
    _text(jurisdiction["name"], "jurisdiction.name")
    _sheet(pack["assessment_sheet"], "assessment_sheet")
    exit_rules = _obj(pack["exit"], "exit", {"notice_months", "handover_days"})
    _int(exit_rules["notice_months"], "exit.notice_months")
    _int(exit_rules["handover_days"], "exit.handover_days")
    _subsidy(pack["subsidy"], "subsidy")
    if pack.get("co_funding") is not None:
        _co_funding(pack["co_funding"], "co_funding", jurisdiction.get("district"))
    if pack.get("fee_relief") is not None:
        relief = _obj(pack["fee_relief"], "fee_relief", {"kinds"})
        _choices(relief["kinds"], "fee_relief.kinds", {"dibao", "tekun"})
    if pack.get("maintenance_fund") is not None:
        fund = _obj(pack["maintenance_fund"], "maintenance_fund", {"top_up_below"}, {"built_on_or_before"})
        decimal_str(fund["top_up_below"], "maintenance_fund.top_up_below", maximum=Decimal(1))
        if fund.get("built_on_or_before") is not None:
            _int(fund["built_on_or_before"], "maintenance_fund.built_on_or_before", minimum=1900)
    for key in ("rating_scheme", "credit_rules"):
        if key == "credit_rules" and isinstance(pack.get(key), dict):
            _inline_credit_rules(pack[key])
        elif key in pack and not (isinstance(pack[key], str) and re.fullmatch(r"[a-z0-9_\-]+", pack[key])):
            _fail(key, "code_format", "must name a scheme file in domain/packs/schemes")
    return pack


def _inline_credit_rules(rules: dict) -> None:
    """Credit rules carried inside the pack (as ``adopt_pack`` records them), checked as their own file is."""
    from domain.scheme_pack import validate_credit  # the credit-rules validator lives with the scheme packs

    try:
        validate_credit(rules)
    except ValidationError as error:
        raise ValidationError(f"credit_rules.{error.field}", error.rule, error.message) from None

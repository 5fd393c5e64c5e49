"""Policy packs: every shipped pack validates and carries the numbers of POLICIES.md; a bad pack
is refused naming the key and the problem; the subsidy code holds no policy number of its own."""

from __future__ import annotations

import ast
import copy
import json
from pathlib import Path

import pytest

import projections
from domain.errors import ValidationError
from domain.packs import PolicyPack, available_packs, load_pack, parse_pack_text, validate_pack
from tests.unit.subsidies.helpers import DELETE, pack


def test_one_valid_pack_per_seed_jurisdiction():
    assert available_packs() == ["baodi", "jinnan", "puyang", "shijingshan", "yancheng"]
    for name in available_packs():
        p = load_pack(name)
        assert p.pack_id == name and len(p.sha256) == 64
        assert p.content["assessment_sheet"]["sections"]["cleaning"] == 30  # the key Ledger.sheet_in_force reads
        assert p.content["exit"] == {"notice_months": 3, "handover_days": 15}


def test_the_seed_numbers_live_in_the_packs():
    y = load_pack("yancheng").content
    assert y["subsidy"]["rates"] == {"professional": "0.1", "trusteeship": {"renovated": "0.1", "not_renovated": "0.3"},
                                     "self_governance": {"renovated": "0.1", "not_renovated": "0.3"}}
    assert y["subsidy"]["scope"]["built_on_or_before"] == 1998
    assert y["co_funding"]["shares"] == {"tinghu": "0.5", "yandu": "0.2"}
    assert y["co_funding"]["transition_years"] == 3
    s = load_pack("shijingshan").content["subsidy"]
    assert s["rates"]["professional"] == "0.30" and s["term"]["cap_years"] == 5
    assert s["satisfaction"] == {"min_share": "0.80", "min_valid_share": "0.30"}
    assert load_pack("puyang").content["maintenance_fund"]["top_up_below"] == "0.30"
    assert load_pack("baodi").content["subsidy"]["term"]["taper"] == ["1", "0.8", "0.6", "0.4", "0.2", "0"]
    assert load_pack("jinnan").content["subsidy"]["assessment"]["bands"] == {
        "excellent": "1.00", "model": "0.90", "standard": "0.70", "fail": "0"}


def test_every_default_is_declared_in_the_packs_notes():
    for name in available_packs():
        notes = load_pack(name).content["notes"]
        assert any(n.startswith("[default]") for n in notes) and any(n.startswith("[seed") for n in notes)


BAD = [
    ({"subsidy.rates.professional": "-0.1"}, "subsidy.rates.professional", "must be a decimal string ≥ 0"),
    ({"subsidy.rates.professional": 0.1}, "subsidy.rates.professional", "must be a decimal string ≥ 0"),
    ({"subsidy.rates.trusteeship": {"renovated": "0.1"}}, "subsidy.rates.trusteeship.not_renovated", "is required"),
    ({"subsidy.rates.villa": "0.1"}, "subsidy.rates.villa", "must be one of"),
    ({"subsidy.payers": {"district": "0.6", "town": "0.6"}}, "subsidy.payers", "must sum to exactly 1"),
    ({"subsidy.period": "week"}, "subsidy.period", "must be one of month, quarter"),
    ({"subsidy.scope.built_on_or_before": "1998"}, "subsidy.scope.built_on_or_before", "whole number"),
    ({"subsidy.colour": "red"}, "subsidy.colour", "is not a key of this section"),
    ({"subsidy.scope": DELETE}, "subsidy.scope", "is required"),
    ({"effective_from": "2018-13-01"}, "effective_from", "YYYY-MM-DD"),
    ({"co_funding.shares.tinghu": "1.5"}, "co_funding.shares.tinghu", "≤ 1"),
    ({"jurisdiction.district": "dafeng"}, "jurisdiction.district", "co-funded districts"),
    ({"co_funding.transition_years": 0}, "co_funding.transition_years", "must be ≥ 1"),
    ({"assessment_sheet.grades": [[70, "standard"], [90, "excellent"], [0, "fail"]]}, "assessment_sheet.grades",
     "descend"),
    ({"exit.notice_months": -1}, "exit.notice_months", "must be ≥ 0"),
    ({"schema": 2}, "schema", "must be 1"),
    ({"pack_id": "Yan Cheng"}, "pack_id", "lowercase"),
]


@pytest.mark.parametrize("changes,field,words", BAD, ids=[b[1] for b in BAD])
def test_a_bad_pack_is_refused_naming_the_key_and_the_problem(changes, field, words):
    with pytest.raises(ValidationError) as info:
        validate_pack(pack("yancheng", **changes))
    assert info.value.field == field
    assert words in info.value.message
    assert str(info.value).startswith(f"{field}: ")


def test_bands_and_taper_factors_are_shares_at_most_one():
    with pytest.raises(ValidationError, match=r"subsidy.assessment.bands.model: must be ≤ 1"):
        validate_pack(pack("jinnan", **{"subsidy.assessment.bands.model": "1.2"}))
    with pytest.raises(ValidationError, match=r"subsidy.term.taper\[2\]"):
        validate_pack(pack("baodi", **{"subsidy.term.taper": ["1", "0.8", "x"]}))


def test_a_disabled_subsidy_needs_its_reason():
    with pytest.raises(ValidationError, match="subsidy.disabled_reason: is required"):
        validate_pack(pack("puyang", **{"subsidy.disabled_reason": DELETE}))


def test_broken_json_and_duplicate_keys_are_refused():
    with pytest.raises(ValidationError, match=r"file: is not valid JSON \(line 1"):
        parse_pack_text("{")
    text = json.dumps(pack("jinnan"), ensure_ascii=False).replace('"title":', '"version": "x", "title":', 1)
    with pytest.raises(ValidationError, match="version: appears twice"):
        parse_pack_text(text)


def test_a_pack_file_round_trips_through_its_path(tmp_path):
    path = tmp_path / "draft.json"
    path.write_text(json.dumps(pack("jinnan", version="2025.1"), ensure_ascii=False), encoding="utf-8")
    assert load_pack(path).version == "2025.1"
    with pytest.raises(ValidationError, match="pack: no pack file"):
        load_pack("atlantis")


def test_a_pack_object_is_revalidated_before_adoption():
    from domain.packs import adopt_pack

    bad = PolicyPack("jinnan", "x", load_pack("jinnan").effective_from,
                     pack("jinnan", **{"subsidy.rates.professional": "abc"}))
    with pytest.raises(ValidationError, match="subsidy.rates.professional"):
        adopt_pack(object(), bad, stamp=None)


RULE_MODULES = ("subsidy_rules", "subsidy_model", "subsidy_award", "subsidy_book", "subsidy_inputs", "subsidy_periods", "subsidy_read")
SUBSIDY_MODULES = [Path(projections.__file__).parent / f"{name}.py" for name in RULE_MODULES]
# Calendar and arithmetic only: months in a quarter/half/year, percent, decimal precision, a cache size.
ALLOWED_NUMBERS = {0, 1, 2, 3, 4, 6, 12, 60, 100, 4096}  # (and indexes)


def test_the_subsidy_code_holds_no_policy_number():
    """Rates, shares, thresholds and years come from the pack: no other numeric literal in the code."""
    for path in SUBSIDY_MODULES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
                assert node.value in ALLOWED_NUMBERS, f"{path.name}:{node.lineno} literal {node.value!r}"
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("Decimal", "Fraction") and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    assert arg.value in {"0", "0.00", "0.1", "1"}, f"{path.name}:{node.lineno} Decimal({arg.value!r})"

"""Scheme and credit-rule packs are data files; the validator refuses a bad one naming the key."""

from __future__ import annotations

import copy
import json

import pytest

from domain.errors import ValidationError
from domain.scheme_pack import PACK_DIR, load_pack, scheme_kwargs, validate_credit, validate_scheme
from domain.vocab import DEPARTMENTS
from tests.unit.domain import builders as b

SCHEMES = ("jinnan_default", "cms_quota", "kmeans_guardrail")


@pytest.mark.parametrize("name", SCHEMES)
def test_every_shipped_scheme_pack_is_valid_and_adoptable(name):
    pack = load_pack(name)
    ledger = b.new_ledger()
    ledger.adopt_scheme(code=f"c-{name}", stamp=b.stamp(), **scheme_kwargs(pack))


def test_the_jinnan_default_has_six_equal_departments_thresholds_and_a_minimum_of_four():
    pack = load_pack("jinnan_default")
    assert pack["departments"] == list(DEPARTMENTS)
    assert set(pack["weights"].values()) == {1}
    assert pack["method"] == "thresholds" and pack["parameters"]["thresholds"] == [90, 80, 70, 60]
    assert pack["min_departments"] == 4


def test_the_variants_are_cms_quota_and_exact_kmeans_with_a_five_point_guardrail():
    quota, kmeans = load_pack("cms_quota"), load_pack("kmeans_guardrail")
    assert quota["method"] == "quota" and quota["parameters"]["shares"][0] == 0.1
    assert kmeans["method"] == "kmeans" and kmeans["guardrail"] == 5


def test_the_default_credit_rules_are_the_policies_defaults():
    rules = load_pack("credit_default")
    assert rules["base"] == 100 and rules["grades"] == {"A": 90, "B": 75, "C": 60}
    assert rules["points"]["inspection_failed"] == -2 and rules["caps"]["complaint_substantiated"] == 10
    assert rules["validity_months"] == {"good": 12, "bad": 24}


def test_scheme_kwargs_record_which_pack_and_version_a_cycle_came_from():
    kwargs = scheme_kwargs(load_pack("cms_quota"))
    assert kwargs["pack"]["id"] == "cms_quota" and kwargs["pack"]["version"] == "2024.1"
    assert len(kwargs["pack"]["sha256"]) == 64


def _scheme(**changes):
    pack = copy.deepcopy(load_pack("jinnan_default"))
    for path, value in changes.items():
        *parents, last = path.split("__")
        target = pack
        for key in parents:
            target = target[key]
        if value is KeyError:
            del target[last]
        else:
            target[last] = value
    return pack


BAD_SCHEMES = [
    ({"method": "median"}, "method"),
    ({"weights__fire_rescue": -1}, "weights.fire_rescue"),
    ({"weights__fire_rescue": KeyError}, "weights.fire_rescue"),
    ({"departments": ["housing_bureau", "police"]}, "departments.1"),
    ({"min_departments": 7}, "min_departments"),
    ({"parameters__thresholds": [90, 80, 85, 60]}, "parameters.thresholds.2"),
    ({"parameters": {"thresholds": [90], "shares": [1]}}, "parameters.shares"),
    ({"standardisation": "zscore"}, "standardisation"),
    ({"cycle_months": 3}, "cycle_months"),
    ({"appeal__working_days": 0}, "appeal.working_days"),
    ({"appeal__holidays": ["2025-02-30"]}, "appeal.holidays.0"),
    ({"colour": "red"}, "colour"),
    ({"kind": "credit_rules"}, "kind"),
    ({"guardrail": "5"}, "guardrail"),
]


@pytest.mark.parametrize(("changes", "field"), BAD_SCHEMES, ids=[f for _, f in BAD_SCHEMES])
def test_a_bad_scheme_pack_is_refused_naming_the_key(changes, field):
    with pytest.raises(ValidationError) as info:
        validate_scheme(_scheme(**changes))
    assert info.value.field == field, str(info.value)


def test_quota_shares_must_sum_to_one():
    pack = copy.deepcopy(load_pack("cms_quota"))
    pack["parameters"]["shares"] = [0.5, 0.4]
    with pytest.raises(ValidationError, match="sum to 1") as info:
        validate_scheme(pack)
    assert info.value.field == "parameters.shares"


@pytest.mark.parametrize(("path", "value", "field"), [
    (("points", "inspection_failed"), 2, "points.inspection_failed"),
    (("points", "stars_5"), -5, "points.stars_5"),
    (("grades",), {"A": 60, "B": 75}, "grades.B"),
    (("vetoes",), ["late_report"], "vetoes.0"),
    (("repair", "lifts_vetoes"), "yes", "repair.lifts_vetoes"),
    (("validity_months", "bad"), 0, "validity_months.bad"),
    (("caps", "unknown_item"), 3, "caps.unknown_item"),
])
def test_a_bad_credit_pack_is_refused_naming_the_key(path, value, field):
    pack = copy.deepcopy(load_pack("credit_default"))
    target = pack
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(ValidationError) as info:
        validate_credit(pack)
    assert info.value.field == field, str(info.value)


def test_a_pack_file_that_is_not_json_is_refused_with_its_name(tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text("{ not json", encoding="utf-8")
    with pytest.raises(ValidationError, match="broken.json"):
        load_pack(bad)


def test_the_pack_directory_holds_only_valid_packs():
    for path in sorted(PACK_DIR.glob("*.json")):
        load_pack(path)
        assert json.loads(path.read_text(encoding="utf-8"))["id"] == path.stem

"""The explanation page's conditions in words (api.web.pages._subsidy_words): every condition the
subsidy rules can write, under every shipped pack, reads in English under ``?lang=en``; in Chinese
it stays the stored sentence, with codes (categories, veto items) in words. Display only: the
stored Check is not touched."""

from __future__ import annotations

import re
from datetime import date

import pytest

from api.web.pages._subsidy_words import CHECK_DETAILS, check_detail, check_name
from domain.packs import load_pack
from tests.unit.subsidies.helpers import award, due

CJK = re.compile(r"[\u4e00-\u9fff（）；，：、]")
PACKS = ("yancheng", "jinnan", "shijingshan", "baodi", "puyang")
INPUTS = (
    {}, {"grade": "fail", "total": 50}, {"grade": "excellent", "total": 95, "survey": (240, 100, 90), "complaints": 3},
    {"grade": "standard", "total": 70, "vetoes": ("gate_staff_absent", "facility_damage_unreported")},
    {"survey": (240, 10, 5), "complaints": 30}, {"survey": (240, 200, 100), "term_start": date(2010, 1, 1)},
    {"term_start": date(2016, 1, 1)}, {"term_start": date(2019, 8, 1), "served": False},
    {"category": "commercial", "build_year": 2015}, {"mode": "property_unit"},
)


def every_check() -> list:
    checks = []
    for pack in PACKS:
        for period in ("2019-03", "2019-Q3", "2020", "2025-Q3"):
            for kw in INPUTS:
                checks += due(pack, period, **kw).checks
        if pack == "yancheng":  # the one shipped pack with a city award in lieu of subsidy
            for year in (2017, 2019):
                for kw in ({}, {"evaluation": None}, {"evaluation": (70, True), "complaints": 5},
                           {"evaluation": (50, False)}):
                    checks += award(pack, year, "1000.00", **kw).checks + award(pack, year, "0", **kw).checks
    return list({(c.key, c.zh, c.detail): c for c in checks}.values())


CHECKS = every_check()


def test_the_rules_write_every_kind_of_condition_the_words_know() -> None:
    written = {c.key for c in CHECKS}
    assert set(CHECK_DETAILS) <= written
    assert {"scope_build_year", "transition"} <= written  # no words needed: numbers and signs only


def pack_texts() -> list[str]:
    """Sentences a pack writes itself (a policy's words on an excluded mode): quoted as the pack has them."""
    return [text for pack in PACKS for text in load_pack(pack).content["subsidy"].get("excluded_modes", {}).values()]


@pytest.mark.parametrize("c", CHECKS, ids=lambda c: f"{c.key}:{c.detail[:30]}")
def test_every_condition_reads_in_english(c) -> None:
    name, detail = check_name(c.zh, "en"), check_detail(c.key, c.detail, "en")
    for quoted in pack_texts():
        detail = detail.replace(quoted, "")
    assert not CJK.search(name) and not CJK.search(detail), (name, detail)


@pytest.mark.parametrize("c", CHECKS, ids=lambda c: f"{c.key}:{c.detail[:30]}")
def test_in_chinese_a_condition_is_the_stored_sentence_with_codes_in_words(c) -> None:
    assert check_name(c.zh, "zh") == c.zh
    detail = check_detail(c.key, c.detail, "zh")
    if c.key not in ("scope_category", "veto", "months"):
        assert detail == c.detail
    assert not re.search(r"[a-z]_[a-z]", detail), detail  # no code such as renovated_old or gate_staff_absent


def test_examples() -> None:
    assert check_name("区级实际拨付", "en") == "Actually paid by the district level"
    assert check_detail("assessment", "78 分，达标，70 %", "en") == "78 points, Meets standard, share 70 %"
    assert check_detail("scope_category", "other_old ∈ ['commercial', 'renovated_old']", "zh") == \
        "其余老旧小区 ∈ {备案商品住宅、已改造旧楼区}"
    assert check_detail("veto", "gate_staff_absent、facility_damage_unreported", "zh") == \
        "门岗睡岗、长时间脱岗；设施严重损坏未报修"
    assert check_detail("months", "1/3（2025-08：无有效的服务协议；2025-09：无有效的服务协议）", "en") == \
        "1/3 (2025-08: no service agreement in force; 2025-09: no service agreement in force)"
    assert check_detail("term", "第 [1, 2] 年，上限 5 年；退坡系数 100 %、80 %", "en") == \
        "term year 1, 2 (at most 5); taper 100 %, 80 %"
    assert check_detail("unknown", "某条件", "en") == "某条件"  # a detail no template knows stays as it is

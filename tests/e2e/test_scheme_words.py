"""A rating scheme in words on the cycle page and the scheme-pack drop-down: the method's
parameters read as shares, thresholds or k (no JSON, no float noise), the standardisation
as a word, a cycle not yet opened says so once, and in English the packs have English labels.
Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from domain.scheme_pack import load_pack, scheme_kwargs
from tests.e2e.helpers import HB, closing_client, ok, post

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def web(database_url: str) -> Iterator[TestClient]:
    """One cycle per scheme pack, adopted and not opened."""
    with closing_client(database_url) as client:
        for pack in ("cms_quota", "jinnan_default", "kmeans_guardrail"):
            ok(post(client, "/cycles", {"code": pack.upper(), **scheme_kwargs(load_pack(pack)),
                                        "occurred_on": "2024-01-05"}, HB))
        yield client


def scheme_block(client: TestClient, code: str, lang: str = "zh") -> str:
    html = client.get(f"/ratings/{code}?lang={lang}", headers=HB).text
    return html.split('<dl class="facts">', 1)[1].split("</dl>", 1)[0]


def test_the_cycle_page_reads_the_scheme_method_as_shares_thresholds_or_k(web) -> None:
    quota = scheme_block(web, "CMS_QUOTA")
    assert "按排名定额：10% / 23.33% / 23.33% / 23.33% / 20%" in quota
    assert "shares" not in quota and "0.2333" not in quota and "{" not in quota
    assert "固定分数线：5★ ≥ 90 / 4★ ≥ 80 / 3★ ≥ 70 / 2★ ≥ 60" in scheme_block(web, "JINNAN_DEFAULT")
    assert "一维k均值聚类（精确）：k = 5" in scheme_block(web, "KMEANS_GUARDRAIL")
    assert "Quota by rank: 10% / 23.33% / 23.33% / 23.33% / 20%" in scheme_block(web, "CMS_QUOTA", "en")


def test_the_standardisation_is_a_word_and_an_unopened_period_says_not_started_once(web) -> None:
    zh = scheme_block(web, "CMS_QUOTA")
    assert "<dd>原始分</dd>" in zh and ">raw<" not in zh
    assert "— — —" not in zh and zh.count("未开始") == 1
    en = scheme_block(web, "CMS_QUOTA", "en")
    assert "<dd>Raw scores</dd>" in en and "<dd>Not started</dd>" in en


def test_the_scheme_pack_drop_down_is_english_in_english(web) -> None:
    page = web.get("/ratings?lang=en", headers=HB).text
    options = re.findall(r'<option value="(\w+)"[^>]*>([^<]+)</option>', page)
    packs = dict(options)
    assert {"cms_quota", "jinnan_default", "kmeans_guardrail"} <= set(packs)
    assert not any(CJK.search(label) for label in packs.values()), packs
    assert packs["cms_quota"].startswith("Quota by rank: 10% / 23.33%")
    zh = web.get("/ratings?lang=zh", headers=HB).text
    assert "津南区物业服务星级评定（默认方案）" in zh

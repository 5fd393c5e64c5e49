"""A rating scheme in words on the cycle page and the scheme-pack drop-down: the method's
parameters read as shares, thresholds or k (no JSON, no float noise), the standardisation
as a word, a cycle not yet opened says so once, and in English the packs have English labels;
each pack's option fits the select and is described in full under it.
Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from domain.scheme_pack import load_pack, scheme_kwargs
from tests.e2e.helpers import HB, closing_client, ok, post

CJK = re.compile(r"[\u4e00-\u9fff]")
STYLE = (Path(__file__).parents[2] / "api" / "web" / "static" / "style.css").read_text(encoding="utf-8")


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
    assert packs["cms_quota"] == "Quota by rank (cms_quota)"
    about = descriptions(page, "adopt-pack")
    assert about["Quota by rank (cms_quota)"] == \
        "Quota by rank: 10% / 23.33% / 23.33% / 23.33% / 20% (cms_quota 2024.1)"
    assert not any(CJK.search(text) for text in about.values()), about
    zh = web.get("/ratings?lang=zh", headers=HB).text
    assert "津南区物业服务星级评定（默认方案）</option>" in zh


FORM_REM = float(re.search(r"\.form \{ max-width: ([\d.]+)rem; \}", STYLE).group(1))
SELECT_CHROME_EM = 3  # the select's padding (.5rem a side), border and drop-down arrow


def width_em(text: str) -> float:
    """Rendered width, conservatively: a CJK or full-width character 1em, an ASCII letter or sign .6em."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.6 for ch in html.unescape(text))


def descriptions(page: str, select_id: str) -> dict[str, str]:
    """The list under a select: option label → its description."""
    block = page.split(f'<ul class="choices-about muted small" id="{select_id}-about">', 1)[1].split("</ul>", 1)[0]
    items = re.findall(r"<li><strong>([^<]+)</strong>(?:：|: )([^<]+)</li>", block)
    return {html.unescape(k): html.unescape(v) for k, v in items}


@pytest.mark.parametrize("path,select_id", [("/ratings", "adopt-pack"), ("/cycles/new", "pack")])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_scheme_pack_option_fits_its_select_and_is_described_below_it(web, path, select_id, lang) -> None:
    page = web.get(f"{path}?lang={lang}", headers=HB).text
    select = page.split(f'<select id="{select_id}"', 1)[1].split("</select>", 1)[0]
    labels = re.findall(r'<option value="\w+"[^>]*>([^<]+)</option>', select)
    assert len(labels) == 3
    # the select is as wide as the form (width: 100%): no option is cut off in it
    assert all(width_em(label) <= FORM_REM - SELECT_CHROME_EM for label in labels), \
        [(label, width_em(label)) for label in labels]
    assert f'aria-describedby="{select_id}-hint {select_id}-about"' in select
    about = descriptions(page, select_id)
    assert list(about) == [html.unescape(label) for label in labels]  # each option, in the select's order
    said = " ".join(about.values())
    assert all(f"{pack} 2024.1" in said for pack in ("cms_quota", "jinnan_default", "kmeans_guardrail"))
    assert "10% / 23.33% / 23.33% / 23.33% / 20%" in said and "5★ ≥ 90 / 4★ ≥ 80 / 3★ ≥ 70 / 2★ ≥ 60" in said
    if lang == "zh":  # a title too wide for the select is shortened in it and given whole below
        cms = "按排名定额评星（CMS 养老机构比例：10% / 23.33% / 23.33% / 23.33% / 20%）（cms_quota 2024.1）"
        assert about["按排名定额评星"] == cms
    else:
        assert "± 5 from the last cycle" in about["Exact 1-D k-means (kmeans_guardrail)"]


def test_a_refused_adoption_keeps_the_descriptions(web) -> None:
    page = web.post("/cycles/new?lang=en", data={"code": "", "pack": "cms_quota", "occurred_on": "2024-01-05"},
                    headers=HB)
    assert page.status_code == 422 and len(descriptions(page.text, "pack")) == 3

"""The subsidy pages in words a person reads: a community category in the reasons is a word
(其余老旧小区), not the ledger's code (other_old); in English the reasons, modes and grades
are English. The read models keep their Chinese bytes: only the pages translate.
Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from domain.demo import generate
from projections.audit.service import AuditService
from tests.e2e.helpers import FINANCE, closing_client, ok

CODES = ("commercial", "resettlement", "renovated_old", "other_old")


@pytest.fixture
def district(database_url: str, tmp_path) -> Iterator[TestClient]:
    with closing_client(database_url, signing_key_path=tmp_path / "signing.key") as client:
        AuditService.from_settings(client.app.state.settings).keygen()
        generate(client.app.state.ledger, communities=12, years=1)
        yield client


def reasons(html: str) -> list[str]:
    return re.findall(r'<td class="small wrap">([^<]+)</td>', html)


def test_subsidy_reasons_name_the_community_category_in_words_and_translate_to_english(district) -> None:
    o = ok(district.get("/api/v1/subsidies?period=2025-Q3", headers=FINANCE), 200)
    stored = [line["reason"] for line in o["lines"] if "小区类别（" in line["reason"]]
    assert stored and any(code in r for r in stored for code in CODES)  # the API keeps the stored text

    zh = district.get("/subsidies?period=2025-Q3", headers=FINANCE).text
    shown = [r for r in reasons(zh) if "小区类别（" in r]
    assert len(shown) == len(stored)
    assert not any(code in r for r in shown for code in CODES)
    assert any(w in r for r in shown for w in ("备案商品住宅", "还迁", "已改造旧楼区", "其余老旧小区"))

    en = district.get("/subsidies?period=2025-Q3&lang=en", headers=FINANCE).text
    english = reasons(en)
    assert english and not any(re.search(r"[\u4e00-\u9fff]", r) for r in english), english
    assert any("community category (" in r for r in english)
    assert "<td>专业化</td>" not in en and "<td>达标</td>" not in en and "<td>示范</td>" not in en
    assert "<td>Professional</td>" in en


def test_a_community_explanation_gives_its_reasons_in_english(district) -> None:
    o = ok(district.get("/api/v1/subsidies?period=2025-Q3", headers=FINANCE), 200)
    zero = next(line for line in o["lines"] if line["reason"])
    en = district.get(f"/subsidies/communities/{zero['community_code']}?period=2025-Q3&lang=en", headers=FINANCE).text
    why = en.split("Why nothing or less is due", 1)[1].split("</p>", 1)[0]
    assert not re.search(r"[\u4e00-\u9fff]", why), why


def checks_table(html: str) -> list[list[str]]:
    """Each condition row of an explanation page: its cells as text (tags dropped)."""
    rows = re.findall(r'<tr class="(?:ok|failed)">(.*?)</tr>', html, flags=re.S)
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, flags=re.S)]
            for row in rows]


def test_a_community_explanation_names_and_details_its_conditions_in_english(district) -> None:
    o = ok(district.get("/api/v1/subsidies?period=2025-Q3", headers=FINANCE), 200)
    codes = [line["community_code"] for line in o["lines"]]
    english, chinese = [], []
    for code in codes:
        x = ok(district.get(f"/api/v1/subsidies/communities/{code}?period=2025-Q3", headers=FINANCE), 200)
        stored = [c for d in x["dues"] for c in d["checks"]]
        assert all(re.search(r"[\u4e00-\u9fff]", c["name"]) for c in stored)  # the API keeps the stored text
        en = checks_table(district.get(f"/subsidies/communities/{code}?period=2025-Q3&lang=en", headers=FINANCE).text)
        zh = checks_table(district.get(f"/subsidies/communities/{code}?period=2025-Q3&lang=zh", headers=FINANCE).text)
        assert len(en) == len(zh) == len(stored)
        english += en
        chinese += zh
    names = {row[0].split()[0] for row in chinese}
    assert {"建成年份", "小区类别", "计补月数"} <= names
    assert not any(code in row[2] for row in chinese for code in CODES)  # categories in words in Chinese too
    assert any("已改造旧楼区" in row[2] for row in chinese)
    assert english and not any(re.search(r"[\u4e00-\u9fff（）；，]", " ".join(row)) for row in english), english
    shown = " ".join(row[0] for row in english)
    assert "Year built" in shown and "Community category" in shown and "Months counted" in shown
    assert any("points" in row[2] for row in english)  # the assessment: 78 points, Standard, share 70 %
    assert any("Renovated old" in row[2] for row in english)

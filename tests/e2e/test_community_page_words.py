"""The community page's record list in words a person reads: an evaluation's period names
its evaluator (第三方 2024), not the ledger's key (third_party:2024), in Chinese and English.
Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.e2e.helpers import AUDITOR, STREET_USER, as_role, closing_client, ok, post, setup_registry


@pytest.fixture
def web(database_url: str) -> Iterator[TestClient]:
    with closing_client(database_url) as client:
        setup_registry(client)
        yield client


def evaluate(client: TestClient, evaluator: str, headers: dict) -> None:
    ok(post(client, "/communities/C-001/evaluations", {"evaluator": evaluator, "period": "2024", "score": 88,
                                                       "passed": True, "occurred_on": "2024-12-20"}, headers))


def records_table(html: str) -> str:
    return html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


def test_an_evaluations_period_names_the_evaluator_in_chinese_and_english(web) -> None:
    evaluate(web, "third_party", STREET_USER)
    evaluate(web, "residents_committee", as_role("residents_committee", "C-001", "rc-1"))
    zh = records_table(web.get("/communities/C-001", headers=AUDITOR).text)
    assert "第三方 2024" in zh and "居委会 2024" in zh
    assert "third_party" not in zh and "residents_committee" not in zh
    en = records_table(web.get("/communities/C-001?lang=en", headers=AUDITOR).text)
    assert "Third party 2024" in en and "Residents&#39; committee 2024" in en
    assert "third_party" not in en

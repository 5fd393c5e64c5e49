"""The audit page's export and verify-bundle commands have placeholders in the page's language:
审计包.zip and 公布的验证公钥 in Chinese, English words in English. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.e2e.helpers import AUDITOR, closing_client


@pytest.fixture
def web(database_url: str) -> Iterator[TestClient]:
    with closing_client(database_url) as client:
        yield client


def commands(html: str) -> str:
    return next(block for block in re.findall(r"<pre>(.*?)</pre>", html, re.S) if "taizhang audit export" in block)


def test_the_bundle_commands_have_english_placeholders_in_english(web) -> None:
    english = commands(web.get("/audit?lang=en", headers=AUDITOR).text)
    assert not re.search(r"[\u4e00-\u9fff]", english), english
    assert "taizhang audit export audit-bundle.zip --prove 1" in english
    assert "taizhang audit verify-bundle audit-bundle.zip --key &#39;&lt;published verification key&gt;&#39;" in english


def test_the_bundle_commands_have_chinese_placeholders_in_chinese(web) -> None:
    chinese = commands(web.get("/audit?lang=zh", headers=AUDITOR).text)
    assert "taizhang audit export 审计包.zip --prove 1" in chinese
    assert "verify-bundle 审计包.zip --key &#39;&lt;公布的验证公钥&gt;&#39;" in chinese

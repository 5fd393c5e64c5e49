"""The subsidy pages (civil affairs, finance, auditor) and the dashboard's figures, on a
small demo district (20 communities, one year) whose rating cycle is then published."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from openpyxl import load_workbook

from api.web.pages._subsidy_words import check_detail, reason_text
from domain.base import Stamp
from domain.demo import actors, generate
from domain.demo.publish import last_complete_quarter
from projections.subsidy_export import HEADERS
from tests.e2e.helpers import AUDITOR, FINANCE, HB, STREET_USER, as_role, make_client, ok
from tests.e2e.test_pages_ratings import close_client

CIVIL = as_role("civil_affairs", "区民政局", "ca-1")


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> TestClient:
    from projections.audit.service import AuditService

    folder = tmp_path_factory.mktemp("subsidies")
    client = make_client(f"sqlite:///{folder / 'demo.db'}", signing_key_path=folder / "signing.key")
    AuditService.from_settings(client.app.state.settings).keygen()
    ledger = client.app.state.ledger
    summary = generate(ledger, communities=20, years=1)
    day = summary.period_end + timedelta(days=8)
    ledger.compute_result(summary.cycle_code, stamp=Stamp(day, actors.HOUSING_BUREAU))
    ledger.cycle_command("publish", summary.cycle_code, stamp=Stamp(day, actors.HOUSING_BUREAU))
    client.summary = summary
    yield client
    close_client(client)


def money(text: str) -> Decimal:
    return Decimal(text)


def test_the_subsidy_page_shows_the_latest_complete_period_by_street_and_community(district) -> None:
    page = district.get("/subsidies", headers=FINANCE)
    assert page.status_code == 200
    o = ok(district.get("/api/v1/subsidies", headers=FINANCE), 200)
    # the last quarter whose end the ledger's business dates have reached
    assert o["period"] == last_complete_quarter(date.fromisoformat(o["horizon"]))
    assert f"<option value=\"{o['period']}\" selected>" in page.text
    for word in ("补贴", "按街道汇总", "小区清单", "应发（元）", "已发（元）", "未发（元）", "下载 Excel", "下载 CSV", "合计"):
        assert word in page.text
    assert len(o["lines"]) == 20 and sum(s["communities"] for s in o["streets"]) == 20
    assert sum(money(s["due"]) for s in o["streets"]) == money(o["total"]["due"]) > 0
    for line in o["lines"]:
        assert f"/subsidies/communities/{line['community_code']}?period={o['period']}" in page.text
        assert money(line["due"]) - money(line["paid"]) <= money(line["outstanding"])
    assert f"{money(o['total']['due']):,.2f}" in page.text


def test_an_earlier_quarter_shows_what_was_paid(district) -> None:
    o = ok(district.get("/api/v1/subsidies?period=2025-Q3", headers=CIVIL), 200)
    assert money(o["total"]["paid"]) > 0  # paid in the next quarter, after the assessment
    assert "2025-Q3" in district.get("/subsidies?period=2025-Q3", headers=AUDITOR).text
    periods = ok(district.get("/api/v1/subsidies/periods", headers=AUDITOR), 200)["periods"]
    assert periods[-1] == "2025-Q4" and "2025-Q1" in periods


def test_a_community_explanation_lists_every_condition_and_its_outcome(district) -> None:
    o = ok(district.get("/api/v1/subsidies?period=2025-Q3", headers=FINANCE), 200)
    paid = next(l for l in o["lines"] if money(l["due"]) > 0)
    zero = next(l for l in o["lines"] if money(l["due"]) == 0 and l["reason"])
    x = ok(district.get(f"/api/v1/subsidies/communities/{paid['community_code']}?period=2025-Q3", headers=FINANCE), 200)
    due = x["dues"][0]
    assert due["checks"] and all(c["passed"] for c in due["checks"]) and due["pack_version"]
    assert sum(money(v) for v in due["parts"].values()) == money(due["amount"]) == money(paid["due"])
    page = district.get(f"/subsidies/communities/{paid['community_code']}?period=2025-Q3", headers=FINANCE).text
    for word in ("补贴说明", "条件", "结果", "满足", "按支付层级", "拨付记录", "政策包采纳于台账位置"):
        assert word in page
    for check in due["checks"]:  # codes (a category, a veto item) in words, as in the reasons below
        assert check["name"] in page and str(escape(check_detail(check["key"], check["detail"], "zh"))) in page
    refused = district.get(f"/subsidies/communities/{zero['community_code']}?period=2025-Q3", headers=FINANCE).text
    why = ok(district.get(f"/api/v1/subsidies/communities/{zero['community_code']}?period=2025-Q3",
                          headers=FINANCE), 200)["dues"][0]["reasons"]
    assert "不满足" in refused and "不予补贴或扣减的原因" in refused and why
    # the page names a category in words where the stored text has its code (api.web.pages._subsidy_words)
    assert all(str(escape(reason_text(r["text"], "zh"))) in refused and r["text"] in zero["reason"] for r in why)


def test_the_excel_download_is_a_valid_workbook_of_the_period(district) -> None:
    response = district.get("/subsidies/export?period=2025-Q3&format=xlsx", headers=FINANCE)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment") and "2025-Q3.xlsx" in disposition
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == HEADERS and rows[-1][0] == "合计" and len(rows) == 1 + 20 + 1
    expected = ok(district.get("/api/v1/subsidies?period=2025-Q3", headers=FINANCE), 200)["total"]
    assert Decimal(str(rows[-1][7])).quantize(Decimal("0.01")) == money(expected["due"])
    assert book.sheetnames[1:] == ["按支付层级", "说明"]


def test_the_csv_download_opens_in_excel_as_chinese(district) -> None:
    response = district.get("/api/v1/subsidies/export?period=2025-Q3&format=csv", headers=AUDITOR)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())  # the BOM Excel needs
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert tuple(rows[0]) == HEADERS and rows[-1][0] == "合计" and len(rows) == 22


def test_subsidies_are_for_civil_affairs_finance_and_the_auditor(district) -> None:
    assert district.get("/subsidies", headers=HB).status_code == 403
    assert district.get("/subsidies/export?period=2025-Q3", headers=STREET_USER).status_code == 403
    assert district.get("/api/v1/subsidies", headers=HB).json()["error"]["rule"] == "page_role"
    anonymous = district.get("/subsidies", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")


def test_a_bad_period_or_format_is_named(district) -> None:
    bad = district.get("/api/v1/subsidies?period=2025-Q5", headers=FINANCE)
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "period"
    assert "期间格式应为" in district.get("/subsidies?period=Q5", headers=FINANCE).text
    wrong = district.get("/subsidies/export?period=2025-Q3&format=pdf", headers=FINANCE)
    assert wrong.status_code == 422 and "xlsx 或 csv" in wrong.text


def test_the_dashboard_shows_stars_blacklist_and_subsidy_figures_from_the_read_models(district) -> None:
    page = district.get("/", headers=FINANCE).text
    stars = ok(district.get("/api/v1/public/stars"), 200)["cycle"]
    assert stars["code"] == district.summary.cycle_code
    assert "最新公布星级分布" in page and "今日黑名单企业" in page and "应发补贴（元）" in page
    for level, n in stars["distribution"].items():
        if int(level) > 0:
            assert f'aria-label="{level} 星">{"★" * int(level)}</span> {n}' in page
    listed = len({e["uscc"] for e in ok(district.get("/api/v1/public/blacklist"), 200)["entries"]})
    assert f"今日黑名单企业</a></dt><dd>{listed}</dd>" in page
    total = ok(district.get("/api/v1/subsidies", headers=FINANCE), 200)["total"]
    assert f"{money(total['due']):,.2f}" in page
    assert "应发补贴" not in district.get("/", headers=HB).text  # not a subsidy reader

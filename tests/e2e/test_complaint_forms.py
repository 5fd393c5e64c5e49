"""The complaint forms (/complaints/new, /complaints/resolve): Chinese, the API's commands
and rules, the complainant sealed as through the API, every refused value next to its field
with nothing written, one record per double submission, the API's roles. Each test runs on
SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from api.clock import ledger_today
from tests.e2e.forms_support import (
    add_community, check_refused_field, check_refused_fields, form_key, position, registry_client,
)
from tests.e2e.helpers import AUDITOR, FINANCE, HB, OTHER_STREET, STREET, STREET_USER, USCC, as_role, ok
from tests.unit.audit.support import Tamperer

RC_USER = as_role("residents_committee", STREET, "rc-1")
FOREIGN = as_role("street", OTHER_STREET, "st-9")
TOMORROW = (ledger_today() + timedelta(days=1)).isoformat()


def complaint(**values: str) -> dict:
    return {"community": "C-001", "code": "TS-1", "category": "环境卫生", "channel": "hotline_12345",
            "description": "楼道垃圾未及时清运", "complainant_name": "王小明", "complainant_phone": "13800000001",
            "provider_uscc": "", "occurred_on": "2024-03-01", "document": "", **values}


def resolution(**values: str) -> dict:
    return {"complaint": "TS-1", "substantiated": "yes", "resolution": "已责令物业限期整改",
            "occurred_on": "2024-03-05", "document": "", **values}


@pytest.fixture
def web(database_url):
    with registry_client(database_url) as client:
        yield client


def file(client, **values: str) -> None:
    response = client.post("/complaints/new", data=complaint(**values), headers=STREET_USER, follow_redirects=False)
    assert response.status_code == 303, response.text[-1500:]


def test_the_complaint_forms_render_in_chinese(web) -> None:
    html = web.get("/complaints/new?community=C-001", headers=RC_USER).text
    for words in ("投诉登记", "幸福里", "投诉编号（工单号）", "投诉类别", "投诉渠道", "12345热线", "来访", "投诉内容",
                  "投诉人姓名", "联系电话", "按人加密保存", "受理日期", "提交"):
        assert words in html, words
    assert form_key(html) and f'value="{ledger_today().isoformat()}"' in html
    file(web)
    html = web.get("/complaints/resolve?community=C-001", headers=RC_USER).text
    for words in ("投诉办结", "是否属实", "属实", "不属实", "办结情况", "办结日期"):
        assert words in html, words
    assert '<option value="TS-1">C-001 · 2024-03-01 · 环境卫生</option>' in html  # the open complaints to pick
    assert 'action="/complaints/resolve?community=C-001"' in html
    assert "File a complaint" in web.get("/complaints/new?lang=en", headers=RC_USER).text


def test_a_filed_complaint_is_recorded_once_sealed_and_shown_on_the_community_page_and_through_the_api(
        web, database_url) -> None:
    key = form_key(web.get("/complaints/new?community=C-001", headers=STREET_USER).text)
    before = position(web)
    response = web.post("/complaints/new", data=complaint(form_key=key), headers=STREET_USER, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/communities/C-001?recorded={before + 1}&kind=complaint"
    after = position(web)
    again = web.post("/complaints/new", data=complaint(form_key=key), headers=STREET_USER, follow_redirects=False)
    assert again.status_code == 303 and position(web) == after
    page = web.get(response.headers["location"], headers=STREET_USER).text
    assert f"已登记投诉，账本位置：{before + 1}" in page
    assert "<td>TS-1</td><td>2024-03-01</td><td>环境卫生</td><td>12345热线</td>" in page and "未办结" in page
    assert 'href="/complaints/resolve?community=C-001&amp;complaint=TS-1"' in page  # resolve it from here
    assert "王小明" not in page and "13800000001" not in page  # personal data is never listed
    found = ok(web.get("/api/v1/complaints/TS-1", headers=AUDITOR), 200)
    assert (found["community_code"], found["filed_on"], found["resolved"]) == ("C-001", "2024-03-01", False)
    # Sealed by the vault as through the API: only tokens in the log, which the vault opens.
    tamper = Tamperer(database_url)
    try:
        stored = [bytes(r[0]) for r in tamper.run(f"SELECT state FROM {tamper.table}")]
    finally:
        tamper.dispose()
    assert not any("王小明".encode() in s or b"13800000001" in s for s in stored)
    vault = web.app.state.ledger.vault
    filed = next(s for s in stored if b'"complainant_name"' in s)
    state = json.loads(filed)
    assert vault.open(state["complainant_name"]) == "王小明" and vault.open(state["complainant_phone"]) == "13800000001"


def test_a_resolution_is_recorded_once_and_shown_on_the_community_page_and_through_the_api(web) -> None:
    file(web)
    key = form_key(web.get("/complaints/resolve?community=C-001&complaint=TS-1", headers=RC_USER).text)
    before = position(web)
    response = web.post("/complaints/resolve?community=C-001", data=resolution(form_key=key), headers=RC_USER,
                        follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/communities/C-001?recorded={before + 1}&kind=resolution"
    after = position(web)
    again = web.post("/complaints/resolve", data=resolution(form_key=key), headers=RC_USER, follow_redirects=False)
    assert again.status_code == 303 and position(web) == after
    page = web.get(response.headers["location"], headers=RC_USER).text
    assert f"已记录投诉办结，账本位置：{before + 1}" in page and "已办结（属实） 2024-03-05" in page
    assert ok(web.get("/api/v1/complaints/TS-1", headers=AUDITOR), 200)["resolved"] is True
    assert '<option value="TS-1">' not in web.get("/complaints/resolve", headers=RC_USER).text  # no longer open


def test_each_refused_complaint_value_is_named_next_to_its_field_in_chinese_and_nothing_is_written(web) -> None:
    file(web, code="TS-0")
    cases = [
        ("community", "", "此项必填", 422, "小区编码"), ("community", "NOPE", "不存在", 404, "小区编码"),
        ("code", "", "此项必填", 422, "投诉编号（工单号）"),
        ("code", "工单 1", "编码只能包含字母、数字", 422, "投诉编号（工单号）"),
        ("code", "TS-0", "已登记，不能重复登记", 409, "投诉编号（工单号）"),
        ("category", "", "此项必填", 422, "投诉类别"), ("category", "类" * 41, "不能超过 40 个字符", 422, "投诉类别"),
        ("channel", "carrier_pigeon", "不是可选值", 422, "投诉渠道"),
        ("provider_uscc", "123", "统一社会信用代码应为 18 位", 422, "被投诉企业统一社会信用代码（可选）"),
        ("provider_uscc", USCC[:-1] + ("0" if USCC[-1] != "0" else "1"), "校验位不正确", 422,
         "被投诉企业统一社会信用代码（可选）"),
        ("complainant_phone", "1" * 41, "不能超过 40 个字符", 422, "联系电话（可选）"),
        ("occurred_on", TOMORROW, "日期不能晚于今天", 422, "受理日期"),
        ("occurred_on", "昨天", "日期格式应为 YYYY-MM-DD", 422, "受理日期"),
    ]
    check_refused_fields(web, "/complaints/new", complaint, STREET_USER, cases)


def test_each_refused_resolution_value_is_named_next_to_its_field_in_chinese_and_nothing_is_written(web) -> None:
    file(web)
    file(web, code="TS-2")
    web.post("/complaints/resolve", data=resolution(complaint="TS-2", form_key="done"), headers=RC_USER)
    cases = [
        ("complaint", "", "此项必填", 422, "投诉编号（工单号）"), ("complaint", "NOPE", "不存在", 404, "投诉编号（工单号）"),
        ("complaint", "TS-2", "该投诉已办结", 409, "投诉编号（工单号）"),
        ("substantiated", "", "此项必填", 422, "是否属实"), ("resolution", "", "此项必填", 422, "办结情况"),
        ("occurred_on", "2024-02-29", "不能早于受理日期（2024-03-01）", 422, "办结日期"),
        ("occurred_on", TOMORROW, "日期不能晚于今天", 422, "办结日期"),
    ]
    check_refused_fields(web, "/complaints/resolve", resolution, RC_USER, cases)


def test_roles_the_api_refuses_are_refused_by_the_complaint_forms(web) -> None:
    file(web)
    add_community(web, "C-009", street=OTHER_STREET)
    before = position(web)
    for path in ("/complaints/new", "/complaints/resolve"):
        assert web.get(path, headers=AUDITOR).status_code == 403
        assert web.get(path, headers=FINANCE).status_code == 403
    assert web.get("/complaints/new", headers=HB).status_code == 200  # the bureau files complaints too (API rule)
    assert web.post("/complaints/new", data=complaint(code="TS-5", form_key="a1"), headers=AUDITOR).status_code == 403
    foreign = web.post("/complaints/new", data=complaint(code="TS-5", form_key="a2"), headers=FOREIGN)
    assert foreign.status_code == 403 and "您只能为本街道的小区录入" in foreign.text
    foreign = web.post("/complaints/resolve", data=resolution(form_key="a3"), headers=FOREIGN)
    assert foreign.status_code == 403 and "您只能为本街道的小区录入" in foreign.text
    assert position(web) == before
    assert '<option value="TS-1">' not in web.get("/complaints/resolve", headers=FOREIGN).text  # not theirs

"""The satisfaction survey and fee collection forms (/surveys/new, /fees/new): Chinese,
the API's commands and rules, every refused value next to its field with nothing written,
one record per double submission, the API's roles. Each test runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from api.clock import ledger_today
from tests.e2e.forms_support import (
    add_community, check_refused_field, check_refused_fields, field_error, form_key, position, registry_client,
)
from tests.e2e.helpers import AUDITOR, HB, OTHER_STREET, STREET, STREET_USER, as_role, ok

RC_USER = as_role("residents_committee", STREET, "rc-1")
TOMORROW = (ledger_today() + timedelta(days=1)).isoformat()


def survey(**values: str) -> dict:
    return {"community": "C-001", "period": "2024", "households": "240", "valid_responses": "120",
            "satisfied": "102", "occurred_on": "2024-12-20", "document": "", **values}


def fees(**values: str) -> dict:
    return {"community": "C-001", "month": "2024-03", "households_billed": "230", "households_paid": "207",
            "amount_billed": "6000.00", "amount_collected": "5400.00", "occurred_on": "2024-03-31", "document": "",
            **values}


@pytest.fixture
def web(database_url):
    with registry_client(database_url) as client:
        yield client


def test_the_survey_and_fee_forms_render_in_chinese_for_the_community_asked(web) -> None:
    html = web.get("/surveys/new?community=C-001", headers=STREET_USER).text
    for words in ("录入满意度调查", "幸福里", "小区编码", "调查期间", "总户数", "有效问卷数", "满意问卷数", "调查日期",
                  "文书编号", "提交"):
        assert words in html, words
    assert 'name="community" value="C-001"' in html and 'name="households" value="240"' in html
    assert f'name="occurred_on" value="{ledger_today().isoformat()}"' in html and form_key(html)
    html = web.get("/fees/new?community=C-001", headers=RC_USER).text
    for words in ("录入物业费收缴", "收缴月份", "应缴户数", "实缴户数", "应收金额（元）", "实收金额（元）", "收缴日期"):
        assert words in html, words
    assert f'name="month" value="{ledger_today():%Y-%m}"' in html
    assert "Record a satisfaction survey" in web.get("/surveys/new?lang=en", headers=STREET_USER).text


def test_a_valid_survey_is_recorded_once_and_shown_on_the_community_page_and_through_the_api(web) -> None:
    key = form_key(web.get("/surveys/new?community=C-001", headers=STREET_USER).text)
    before = position(web)
    response = web.post("/surveys/new", data=survey(form_key=key), headers=STREET_USER, follow_redirects=False)
    assert response.status_code == 303  # confirmed with the position of the event recorded
    assert response.headers["location"] == f"/communities/C-001?recorded={before + 1}&kind=survey"
    after = position(web)
    again = web.post("/surveys/new", data=survey(form_key=key), headers=STREET_USER, follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == response.headers["location"]
    assert position(web) == after
    page = web.get(response.headers["location"], headers=STREET_USER).text
    assert f"已记录满意度调查，账本位置：{before + 1}" in page and "<td>满意度调查</td><td>2024</td>" in page
    records = ok(web.get("/api/v1/communities/C-001", headers=AUDITOR), 200)["records"]
    assert [(r["kind"], r["period"]) for r in records] == [("SatisfactionSurveyed", "2024")]


def test_a_valid_fee_collection_is_recorded_once_and_shown_on_the_community_page_and_through_the_api(web) -> None:
    key = form_key(web.get("/fees/new?community=C-001", headers=RC_USER).text)
    before = position(web)
    response = web.post("/fees/new", data=fees(form_key=key), headers=RC_USER, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/communities/C-001?recorded={before + 1}&kind=fees"
    after = position(web)
    assert web.post("/fees/new", data=fees(form_key=key), headers=RC_USER, follow_redirects=False).status_code == 303
    assert position(web) == after
    page = web.get(response.headers["location"], headers=RC_USER).text
    assert f"已记录物业费收缴，账本位置：{before + 1}" in page and "<td>物业费收缴</td><td>2024-03</td>" in page
    records = ok(web.get("/api/v1/communities/C-001", headers=AUDITOR), 200)["records"]
    assert [(r["kind"], r["period"]) for r in records] == [("FeesCollected", "2024-03")]


def test_each_refused_survey_value_is_named_next_to_its_field_in_chinese_and_nothing_is_written(web) -> None:
    web.post("/surveys/new", data=survey(period="2023", form_key="k0"), headers=STREET_USER)
    cases = [
        ("community", "", "此项必填", 422, "小区编码"), ("community", "NOPE", "不存在", 404, "小区编码"),
        ("period", "", "此项必填", 422, "调查期间"), ("period", "2023", "该期间已有记录", 409, "调查期间"),
        ("households", "0", "不能小于 1", 422, "总户数"), ("households", "两百", "应为整数", 422, "总户数"),
        ("valid_responses", "241", "不能超过户数", 422, "有效问卷数"),
        ("valid_responses", "-1", "不能小于 0", 422, "有效问卷数"),
        ("satisfied", "121", "满意问卷数不能超过有效问卷数", 422, "满意问卷数"),
        ("occurred_on", "2024-02-30", "日期格式应为 YYYY-MM-DD", 422, "调查日期"),
        ("occurred_on", TOMORROW, "日期不能晚于今天", 422, "调查日期"),
        ("document", "文" * 201, "不能超过 200 个字符", 422, "文书编号（可选）"),
    ]
    check_refused_fields(web, "/surveys/new", survey, STREET_USER, cases)


def test_each_refused_fee_value_is_named_next_to_its_field_in_chinese_and_nothing_is_written(web) -> None:
    cases = [
        ("month", "2024-13", "月份格式应为 YYYY-MM", 422, "收缴月份（YYYY-MM）"),
        ("households_billed", "241", "不能超过小区的户数", 422, "应缴户数"),
        ("households_paid", "", "此项必填", 422, "实缴户数"),
        ("households_paid", "231", "不能超过应缴户数", 422, "实缴户数"),
        ("amount_billed", "6000.005", "金额最多保留两位小数", 422, "应收金额（元）"),
        ("amount_billed", "六千", "金额应为十进制数字", 422, "应收金额（元）"),
        ("amount_collected", "-1", "不能小于 0", 422, "实收金额（元）"),
        ("amount_collected", "6000.01", "不能超过应收金额", 422, "实收金额（元）"),
        ("occurred_on", TOMORROW, "日期不能晚于今天", 422, "收缴日期"),
    ]
    check_refused_fields(web, "/fees/new", fees, RC_USER, cases)


def test_several_refused_values_are_all_shown_at_once(web) -> None:
    response = web.post("/fees/new", data=fees(month="3月", households_paid="x", form_key="m1"), headers=RC_USER)
    assert response.status_code == 422
    assert field_error(response.text, "month").startswith("月份格式") and field_error(response.text, "households_paid")


def test_a_form_key_used_for_another_community_is_refused_rather_than_confirmed(web) -> None:
    add_community(web)
    assert web.post("/surveys/new", data=survey(form_key="same"), headers=STREET_USER,
                    follow_redirects=False).status_code == 303
    check_refused_field(web, "/surveys/new", survey(community="C-002", form_key="same"), STREET_USER,
                        "_form", "重复提交的表单与原表单不一致", 409)


def test_roles_the_api_refuses_are_refused_by_the_forms(web) -> None:
    for path, values in (("/surveys/new", survey), ("/fees/new", fees)):
        before = position(web)
        assert web.get(path, headers=HB).status_code == 403  # the bureau may not record surveys or fees
        assert web.post(path, data=values(form_key="r1"), headers=HB).status_code == 403
        foreign = web.post(path, data=values(form_key="r2"), headers=as_role("street", OTHER_STREET, "st-9"))
        assert foreign.status_code == 403 and "您只能为本街道的小区录入" in foreign.text
        assert position(web) == before
        anonymous = web.get(path, follow_redirects=False)
        assert anonymous.status_code == 303 and anonymous.headers["location"] == f"/login?next={path}"


def test_the_community_page_and_the_dashboard_link_to_the_forms_a_role_may_use(web) -> None:
    page = web.get("/communities/C-001", headers=STREET_USER).text
    for href in ("/inspections/new?community=C-001", "/complaints/new?community=C-001",
                 "/complaints/resolve?community=C-001", "/surveys/new?community=C-001", "/fees/new?community=C-001"):
        assert f'href="{href}"' in page, href
    bureau = web.get("/communities/C-001", headers=HB).text
    assert 'href="/complaints/new?community=C-001"' in bureau and "/surveys/new" not in bureau
    assert "/complaints/new" not in web.get("/communities/C-001", headers=as_role("street", OTHER_STREET)).text
    home = web.get("/", headers=RC_USER).text
    assert all(f'href="{p}"' in home for p in ("/inspections/new", "/surveys/new", "/fees/new", "/complaints/new"))
    assert "/fees/new" not in web.get("/", headers=AUDITOR).text

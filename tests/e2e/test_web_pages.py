"""The server-rendered pages: Chinese by default, English on request, forms that
show a refused value next to its field."""

from __future__ import annotations

import re

from tests.e2e.helpers import AUDITOR, FINANCE, HB, PARTY, STREET_USER, as_role, ok, setup_registry, setup_request


def page(response, status: int = 200) -> str:
    assert response.status_code == status, response.text
    return response.text


def form_key(html: str) -> str:
    return re.search(r'name="form_key" value="([0-9a-f]+)"', html).group(1)


def inspection(**values: str) -> dict:
    return {"community": "C-001", "month": "2024-03", "occurred_on": "2024-03-15", "item_gate_duty": "pass",
            "item_patrol": "pass", "item_cleaning": "fail", "item_parking": "pass", "document": "", **values}


def test_the_dashboard_is_in_chinese_with_the_navigation_and_counts(client) -> None:
    setup_registry(client)
    html = page(client.get("/", headers=AUDITOR))  # the auditor may open every page, so sees every link
    assert '<html lang="zh-CN">' in html
    for word in ("首页", "物业企业", "小区", "星级评定", "审批", "黑名单", "补贴", "审计", "账本最新位置"):
        assert word in html
    assert re.search(r"<dt>事件数</dt><dd>2</dd>", html)


def test_lang_en_switches_to_english_and_is_remembered(client) -> None:
    response = client.get("/?lang=en", headers=HB)
    assert '<html lang="en">' in response.text and "Dashboard" in response.text
    assert response.cookies.get("taizhang_lang") == "en"
    assert "Providers" in client.get("/", headers=HB).text  # the cookie keeps English
    assert "物业企业" in client.get("/?lang=zh", headers=HB).text


def test_the_inspection_form_renders_in_chinese(client) -> None:
    html = page(client.get("/inspections/new", headers=STREET_USER))
    for word in ("录入每月巡查", "小区编码", "巡查月份", "门岗值勤", "巡视管理", "楼内外保洁", "车辆停放管理",
                 "合格", "提交"):
        assert word in html
    assert form_key(html)


def test_a_bad_month_is_shown_next_to_its_field_in_chinese_and_nothing_is_written(client) -> None:
    setup_registry(client)
    before = client.app.state.ledger.max_position()
    response = client.post("/inspections/new", data=inspection(month="2024-13", form_key="a1"), headers=STREET_USER)
    assert response.status_code == 422
    assert re.search(r'<p class="field-error" id="month-error">月份格式应为 YYYY-MM', response.text)
    assert 'aria-describedby="month-error"' in response.text
    assert 'value="2024-13"' in response.text  # the user's input is kept
    assert client.app.state.ledger.max_position() == before


def test_an_unknown_community_is_shown_next_to_the_community_field(client) -> None:
    response = client.post("/inspections/new", data=inspection(community="NOPE", form_key="a2"), headers=STREET_USER)
    assert response.status_code == 404
    assert re.search(r'id="community-error">不存在', response.text)


def test_a_valid_inspection_is_recorded_once_and_shown_on_the_community_page(client) -> None:
    setup_registry(client)
    key = form_key(client.get("/inspections/new", headers=STREET_USER).text)
    response = client.post("/inspections/new", data=inspection(form_key=key), headers=STREET_USER,
                           follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/communities/C-001?recorded=")
    position = client.app.state.ledger.max_position()
    again = client.post("/inspections/new", data=inspection(form_key=key), headers=STREET_USER,
                        follow_redirects=False)
    assert again.status_code == 303 and client.app.state.ledger.max_position() == position
    page = client.get(response.headers["location"], headers=STREET_USER).text
    assert "已记录巡查" in page and "每月巡查" in page and "2024-03" in page
    community = ok(client.get("/api/v1/communities/C-001", headers=AUDITOR), 200)
    assert community["records"][0]["period"] == "2024-03"


def test_another_streets_community_is_refused_on_the_form(client) -> None:
    setup_registry(client)
    response = client.post("/inspections/new", data=inspection(form_key="a3"),
                           headers=as_role("street", "辛庄镇"))
    assert response.status_code == 403 and "您只能为本街道的小区录入" in response.text


def test_the_inspection_form_is_refused_to_other_roles_and_the_anonymous_are_sent_to_log_in(client) -> None:
    assert client.get("/inspections/new", headers=HB).status_code == 403
    response = client.get("/inspections/new", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/inspections/new"


def test_dev_login_sets_a_cookie_identity(client) -> None:
    identity = {"name": "st-9", "role": "street", "org": "双港镇", "next": "/inspections/new"}
    response = client.post("/login", data=identity, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/inspections/new"
    assert "录入每月巡查" in client.get("/inspections/new").text
    assert "st-9" in client.get("/").text
    client.post("/logout")
    assert client.get("/inspections/new", follow_redirects=False).status_code == 303


def test_the_navigation_pages_are_written_no_placeholder_is_left(client) -> None:
    # (They were "尚未发布" placeholders until the result pages replaced them; see test_pages_*.py.)
    for path, role in (("/ratings", HB), ("/blacklist", HB), ("/subsidies", FINANCE), ("/audit", AUDITOR)):
        response = client.get(path, headers=role)
        assert response.status_code == 200 and "尚未发布" not in response.text


def test_provider_community_and_approvals_pages(client) -> None:
    setup_request(client)
    from tests.e2e.helpers import USCC
    assert "津南安居物业有限公司" in page(client.get(f"/providers/{USCC}", headers=AUDITOR))
    assert "幸福里" in page(client.get("/communities", headers=AUDITOR))
    inbox = page(client.get("/approvals", headers=PARTY))
    assert "E-001" in inbox and "幸福里" in inbox
    assert "E-001" not in client.get("/approvals", headers=as_role("party_committee", "辛庄镇")).text
    missing = client.get("/communities/NOPE", headers=AUDITOR)
    assert missing.status_code == 404 and "出错了" in missing.text


def test_an_inspection_dated_after_today_is_refused_next_to_its_date_and_nothing_is_written(client) -> None:
    setup_registry(client)
    before = client.app.state.ledger.max_position()
    response = client.post("/inspections/new", data=inspection(occurred_on="2999-01-01", form_key="a4"),
                           headers=STREET_USER)
    assert response.status_code == 422
    assert re.search(r'id="occurred_on-error">[^<]*不能晚于今天', response.text), response.text
    assert client.app.state.ledger.max_position() == before

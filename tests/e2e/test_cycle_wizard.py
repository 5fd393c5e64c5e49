"""The rating-cycle wizard (评定向导) on /ratings/{code}: the housing bureau walks a cycle from
open to republication with the browser's forms; the API's commands, schemas and roles, refused
values named next to their field with nothing written, one record per double submission.
Each test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from api.clock import ledger_today
from tests.e2e.forms_support import check_refused_fields, field_error, form_key, position
from tests.e2e.helpers import AUDITOR, HB, PROVIDER_BODY, USCC, as_role, closing_client, ok, post, setup_registry, uscc

CA = as_role("civil_affairs", "区民政局", "ca-1")
SECOND = uscc(2)
TODAY = ledger_today()
TOMORROW = (TODAY + timedelta(days=1)).isoformat()
CYCLE = "/ratings/RC-2024"


@pytest.fixture
def web(database_url: str, tmp_path) -> Iterator[TestClient]:
    """Two providers and a cycle RC-2024 (scheme adopted: housing bureau and civil affairs score)."""
    from projections.audit.service import AuditService

    with closing_client(database_url, signing_key_path=tmp_path / "signing.key") as client:
        AuditService.from_settings(client.app.state.settings).keygen()  # publications are signed
        setup_registry(client)
        ok(post(client, "/providers", {**PROVIDER_BODY, "uscc": SECOND, "name": "第二物业"}, HB))
        ok(post(client, "/cycles", {"code": "RC-2024", "departments": ["housing_bureau", "civil_affairs"],
                                    "weights": {"housing_bureau": 1, "civil_affairs": 1}, "method": "thresholds",
                                    "parameters": {"thresholds": [90, 80, 70, 60]}, "min_departments": 2,
                                    "occurred_on": "2024-01-05"}, HB))
        yield client


def status(client: TestClient) -> dict:
    return ok(client.get("/api/v1/cycles/RC-2024", headers=AUDITOR), 200)


def step(client: TestClient, path: str, **values: str) -> str:
    """Open the step's form, submit it as the housing bureau; the confirmation's URL."""
    key = form_key(client.get(f"{CYCLE}/{path}", headers=HB).text)
    response = client.post(f"{CYCLE}/{path}", data={"form_key": key, **values}, headers=HB, follow_redirects=False)
    assert response.status_code == 303, (path, response.status_code, response.text[-1500:])
    return response.headers["location"]


def scores(client: TestClient) -> None:
    for subject, hb_score, ca_score in ((USCC, 95, 91), (SECOND, 72, 70)):
        for headers, department, score in ((HB, "housing_bureau", hb_score), (CA, "civil_affairs", ca_score)):
            ok(post(client, "/cycles/RC-2024/scores", {"subject_kind": "provider", "subject": subject,
                                                       "department": department, "score": score,
                                                       "occurred_on": "2024-12-01"}, headers))


def published(client: TestClient) -> None:
    """Through the wizard: opened, scored (by the departments, through the API), closed, computed, published."""
    step(client, "open", period_start="2024-01-01", period_end="2024-12-31", occurred_on="2024-01-06")
    scores(client)
    step(client, "close", occurred_on="2025-01-05")
    step(client, "result", occurred_on="2025-01-06")
    step(client, "publication", occurred_on=TODAY.isoformat())


def test_the_cycle_page_shows_the_steps_and_the_open_form_in_chinese_to_the_housing_bureau(web) -> None:
    html = web.get(CYCLE, headers=HB).text
    for words in ("评定向导", "方案", "开始评定", "评分", "截止", "计算结果", "公布", "复核", "评定期间起", "评定期间止"):
        assert words in html, words
    assert 'aria-current="step">开始评定' in html and f'action="{CYCLE}/open"' in html
    assert 'name="period_start" value="' in html and form_key(html)
    assert "Rating cycle wizard" in web.get(f"{CYCLE}?lang=en", headers=HB).text


def test_housing_bureau_walks_a_cycle_from_open_to_a_decided_objection_and_republication(web) -> None:
    before = position(web)
    location = step(web, "open", period_start="2024-01-01", period_end="2024-12-31", occurred_on="2024-01-06")
    assert location == f"{CYCLE}?recorded={before + 1}&kind=cycle_open"
    assert f"已开始评定，账本位置：{before + 1}" in web.get(location, headers=HB).text
    assert status(web)["status"] == "open"
    scores(web)
    html = web.get(CYCLE, headers=HB).text
    assert "已收到 4 条部门评分" in html and f'action="{CYCLE}/close"' in html
    step(web, "close", occurred_on="2025-01-05")
    assert status(web)["status"] == "closed"
    step(web, "result", occurred_on="2025-01-06")
    assert status(web)["status"] == "computed" and status(web)["digest"]
    step(web, "publication", occurred_on=TODAY.isoformat())
    assert (status(web)["status"], status(web)["publications"]) == ("published", 1)
    step(web, "objections", provider_uscc=SECOND, reason="城管评分漏报", occurred_on=TODAY.isoformat())
    assert status(web)["objections_pending"] == 1
    html = web.get(CYCLE, headers=HB).text
    assert "待决定的复核申请" in html and "objection-decisions?objection=" in html
    version = status(web)["version"]  # an objection's number is the cycle version that filed it
    step(web, "objection-decisions", objection_version=str(version), upheld="yes", reason="核实属实",
         department="civil_affairs", score="95", stars="", occurred_on=TODAY.isoformat())
    assert status(web)["objections_pending"] == 0
    assert f'action="{CYCLE}/republication"' in web.get(CYCLE, headers=HB).text
    step(web, "republication", occurred_on=TODAY.isoformat())
    assert status(web)["publications"] == 2


def test_housing_bureau_publishes_a_computed_cycle_from_the_page_and_a_double_submit_records_once(web) -> None:
    step(web, "open", period_start="2024-01-01", period_end="2024-12-31", occurred_on="2024-01-06")
    scores(web)
    step(web, "close", occurred_on="2025-01-05")
    step(web, "result", occurred_on="2025-01-06")
    html = web.get(CYCLE, headers=HB).text
    assert f'action="{CYCLE}/publication"' in html and "公布结果" in html
    data = {"form_key": form_key(html), "occurred_on": TODAY.isoformat()}
    first = web.post(f"{CYCLE}/publication", data=data, headers=HB, follow_redirects=False)
    after = position(web)
    again = web.post(f"{CYCLE}/publication", data=data, headers=HB, follow_redirects=False)
    assert first.status_code == again.status_code == 303 and again.headers["location"] == first.headers["location"]
    assert position(web) == after and status(web)["publications"] == 1


def test_each_refused_wizard_value_is_named_next_to_its_field_in_chinese_and_nothing_is_written(web) -> None:
    def opening(**values: str) -> dict:
        return {"period_start": "2024-01-01", "period_end": "2024-12-31", "occurred_on": "2024-01-06", **values}

    check_refused_fields(web, f"{CYCLE}/open", opening, HB, [
        ("period_start", "", "此项必填", 422, "评定期间起"),
        ("period_end", "2023-12-31", "评定期间止不能早于评定期间起", 422, "评定期间止"),
        ("occurred_on", TOMORROW, "日期不能晚于今天", 422, "开始日期"),
    ])
    assert status(web)["status"] == "scheme"
    published(web)

    def objection(**values: str) -> dict:
        return {"provider_uscc": SECOND, "reason": "评分有误", "occurred_on": TODAY.isoformat(), **values}

    check_refused_fields(web, f"{CYCLE}/objections", objection, HB, [
        ("provider_uscc", "91120112MA0000099X", "统一社会信用代码", 422, "申请企业统一社会信用代码"),
        ("provider_uscc", uscc(9), "不在本周期的评定结果中", 422, "申请企业统一社会信用代码"),
        ("reason", "", "此项必填", 422, "申请理由"),
    ])
    assert status(web)["objections_pending"] == 0


def test_a_step_out_of_order_is_a_readable_chinese_message_and_not_a_500(web) -> None:
    before = position(web)
    response = web.post(f"{CYCLE}/close", data={"form_key": "k1", "occurred_on": TODAY.isoformat()}, headers=HB)
    assert response.status_code == 409 and "该周期不在评分阶段" in field_error(response.text, "_form")
    response = web.post(f"{CYCLE}/publication", data={"form_key": "k2"}, headers=HB)
    assert response.status_code == 409 and "须先计算结果才能公布" in field_error(response.text, "_form")
    response = web.post("/ratings/NOPE/close", data={"form_key": "k3"}, headers=HB)
    assert response.status_code == 404 and "不存在" in field_error(response.text, "_form")
    assert position(web) == before


def test_a_decision_naming_both_remedies_or_none_is_refused_next_to_the_department(web) -> None:
    published(web)
    step(web, "objections", provider_uscc=SECOND, reason="评分有误", occurred_on=TODAY.isoformat())
    version = str(status(web)["version"])
    before = position(web)
    response = web.post(f"{CYCLE}/objection-decisions", headers=HB, data={
        "form_key": "d1", "objection_version": version, "upheld": "yes", "reason": "属实",
        "occurred_on": TODAY.isoformat()})
    assert response.status_code == 422 and "二者选一" in field_error(response.text, "department")
    response = web.post(f"{CYCLE}/objection-decisions", headers=HB, data={
        "form_key": "d2", "objection_version": version, "reason": "属实", "occurred_on": TODAY.isoformat()})
    assert response.status_code == 422 and field_error(response.text, "upheld")
    assert position(web) == before and status(web)["objections_pending"] == 1


def test_a_role_without_the_command_sees_no_step_form_and_is_refused_403_on_post(web) -> None:
    html = web.get(CYCLE, headers=AUDITOR).text
    assert "评定向导" in html and f'action="{CYCLE}/open"' not in html and "您的角色不能推进此步骤" in html
    before = position(web)
    response = web.post(f"{CYCLE}/open", headers=AUDITOR, data={
        "form_key": "a1", "period_start": "2024-01-01", "period_end": "2024-12-31"})
    assert response.status_code == 403 and "无权" in response.text
    assert web.get(f"{CYCLE}/open", headers=AUDITOR).status_code == 403
    assert position(web) == before and status(web)["status"] == "scheme"


def test_housing_bureau_adopts_a_scheme_pack_from_the_ratings_page_and_lands_on_the_new_cycle(web) -> None:
    html = web.get("/ratings", headers=HB).text
    assert "采用评定方案" in html and 'action="/cycles/new"' in html and "津南区物业服务星级评定" in html
    before = position(web)
    data = {"form_key": form_key(html), "code": "2025", "pack": "jinnan_default", "occurred_on": TODAY.isoformat()}
    response = web.post("/cycles/new", data=data, headers=HB, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/ratings/2025?recorded={before + 1}&kind=cycle_adopt"
    after = position(web)
    again = web.post("/cycles/new", data=data, headers=HB, follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == response.headers["location"]
    assert position(web) == after  # the double submit recorded once
    page = web.get(response.headers["location"], headers=HB).text
    assert f"已采用评定方案，账本位置：{before + 1}" in page and 'action="/ratings/2025/open"' in page
    cycle = ok(web.get("/api/v1/cycles/2025", headers=AUDITOR), 200)
    assert cycle["status"] == "scheme" and len(cycle["departments"]) > 1


def test_a_refused_scheme_pack_or_cycle_code_is_named_next_to_its_field(web) -> None:
    def adopting(**values: str) -> dict:
        return {"code": "2025", "pack": "jinnan_default", "occurred_on": TODAY.isoformat(), **values}

    check_refused_fields(web, "/cycles/new", adopting, HB, [
        ("pack", "credit_default", "请选择一个评定方案包", 422, "评定方案包"),
        ("code", "", "此项必填", 422, "评定周期编码"),
        ("code", "RC-2024", "已登记", 409, "评定周期编码"),
        ("occurred_on", TOMORROW, "日期不能晚于今天", 422, "采用日期"),
    ])
    assert 'action="/cycles/new"' not in web.get("/ratings", headers=AUDITOR).text
    assert web.post("/cycles/new", data=adopting(form_key="x"), headers=AUDITOR).status_code == 403


def test_after_the_objection_window_the_wizard_says_so_and_offers_no_objection_form(web) -> None:
    step(web, "open", period_start="2024-01-01", period_end="2024-12-31", occurred_on="2024-01-06")
    scores(web)
    step(web, "close", occurred_on="2025-01-05")
    step(web, "result", occurred_on="2025-01-06")
    step(web, "publication", occurred_on="2025-01-07")
    html = web.get(CYCLE, headers=HB).text
    assert "复核申请期限已于 2025-01-21 届满" in html and f'action="{CYCLE}/objections"' not in html
    assert 'aria-current="step"' not in html and "您的角色不能推进此步骤" not in html


def _department_options(html: str) -> list[str]:
    select = html.split('name="department"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="([^"]*)"', select)


def test_the_decision_form_offers_only_the_departments_of_the_cycles_scheme(web) -> None:
    published(web)
    step(web, "objections", provider_uscc=SECOND, reason="评分有误", occurred_on=TODAY.isoformat())
    for page in (CYCLE, f"{CYCLE}/objection-decisions"):
        html = web.get(page, headers=HB).text
        assert _department_options(html) == ["", "housing_bureau", "civil_affairs"], page
        assert "消防救援" not in html, page


def test_a_pending_objection_names_the_provider_not_only_its_uscc(web) -> None:
    published(web)
    step(web, "objections", provider_uscc=SECOND, reason="评分有误", occurred_on=TODAY.isoformat())
    html = web.get(CYCLE, headers=HB).text
    pending = html.split('class="pending-objections"', 1)[1].split("</ul>", 1)[0]
    assert "第二物业" in pending and SECOND in pending
    decide = web.get(f"{CYCLE}/objection-decisions", headers=HB).text
    chosen = decide.split('name="objection_version"', 1)[1].split("</select>", 1)[0]
    assert "第二物业" in chosen


def test_a_cycle_computed_without_scores_says_it_has_no_results_instead_of_an_empty_table(web) -> None:
    step(web, "open", period_start="2024-01-01", period_end="2024-12-31", occurred_on="2024-01-06")
    step(web, "close", occurred_on="2025-01-05")
    step(web, "result", occurred_on="2025-01-06")
    assert status(web)["status"] == "computed"
    html = web.get(CYCLE, headers=HB).text.split("评定结果</h2>", 1)[1]
    assert "没有评定结果" in html and "<tbody>" not in html.split("</main>")[0]
    assert "No provider was rated" in web.get(f"{CYCLE}?lang=en", headers=HB).text

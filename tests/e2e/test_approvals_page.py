"""The approvals inbox (/approvals): the party committee of the community's street
sees each pending request with the provider's blacklist position and decides it
from the page; everyone else reads it or is refused."""

from __future__ import annotations

import re

from tests.e2e.helpers import (
    AUDITOR, ENTRY_BODY, HB, OTHER_STREET, PARTY, STREET_USER, USCC, as_role, ok, post, setup_registry, setup_request,
)


def page(response, status: int = 200) -> str:
    assert response.status_code == status, response.text
    return response.text


def entry_form_key(html: str, code: str = "E-001") -> str:
    form = html.split(f'action="/approvals/{code}/entry-decision"', 1)[1]
    return re.search(r'name="form_key" value="([0-9a-f]+)"', form).group(1)


def decide(client, values: dict, code: str = "E-001", headers: dict = PARTY, path: str = "entry-decision"):
    return client.post(f"/approvals/{code}/{path}", data=values, headers=headers, follow_redirects=False)


def blacklist_provider(client) -> None:
    # A dishonesty term running past today: the inbox and the decision look at today's list.
    ok(post(client, f"/providers/{USCC}/dishonesty-declarations",
            {"term_start": "2024-01-01", "term_end": "2099-12-31", "reason": "拒不退出", "occurred_on": "2024-01-02"},
            HB))


def engagement(client) -> dict:
    return ok(client.get("/api/v1/engagements/E-001", headers=AUDITOR), 200)


def test_a_pending_request_shows_what_was_filed_and_a_clean_blacklist_position(client) -> None:
    setup_request(client)
    html = page(client.get("/approvals", headers=PARTY))
    for text in ("E-001", "津南安居物业有限公司", USCC, "幸福里", "双港镇", "专业化物业服务", "门岗值勤", "车辆停放管理",
                 "0.50", "24", "12000.0", "未列入黑名单", "同意", "不同意", "理由"):
        assert text in html, text
    assert "特别批准理由" not in html  # only for a blacklisted provider
    assert re.search(r"台账位置 #\d+ 时的黑名单", html)


def test_approving_a_clean_request_records_it_and_confirms_the_blacklist_position(client) -> None:
    setup_request(client)
    key = entry_form_key(page(client.get("/approvals", headers=PARTY)))
    response = decide(client, {"approved": "yes", "reason": "居民同意", "form_key": key})
    assert response.status_code == 303 and response.headers["location"].startswith("/approvals?decided=E-001&at=")
    assert engagement(client)["status"] == "approved"
    html = page(client.get(response.headers["location"], headers=PARTY))
    assert "已记录：同意 E-001 进驻" in html
    assert re.search(r"本决定依据台账位置 #\d+ 时的黑名单：该企业未列入黑名单", html)
    assert 'action="/approvals/E-001/entry-decision"' not in html  # no longer pending
    position = client.app.state.ledger.max_position()
    assert decide(client, {"approved": "yes", "reason": "居民同意", "form_key": key}).status_code == 303
    assert client.app.state.ledger.max_position() == position  # a double submit records once


def test_refusing_a_request_records_the_refusal(client) -> None:
    setup_request(client)
    response = decide(client, {"approved": "no", "reason": "收费标准过高", "form_key": "k-refuse"})
    assert response.status_code == 303
    assert engagement(client)["status"] == "refused"
    assert "已记录：不同意 E-001 进驻" in page(client.get(response.headers["location"], headers=PARTY))


def test_a_decision_without_reason_is_refused_next_to_the_field_in_chinese(client) -> None:
    setup_request(client)
    before = client.app.state.ledger.max_position()
    response = decide(client, {"approved": "yes", "reason": " ", "form_key": "k-empty"})
    assert response.status_code == 422
    assert re.search(r'<p class="field-error" id="E-001-reason-error">此项必填', response.text)
    assert client.app.state.ledger.max_position() == before


def test_a_blacklisted_provider_shows_why_and_approval_without_override_writes_nothing(client) -> None:
    setup_registry(client)
    blacklist_provider(client)
    ok(post(client, "/engagements", ENTRY_BODY, STREET_USER))
    html = page(client.get("/approvals", headers=PARTY))
    assert "已列入黑名单" in html and "住房建设委失信认定" in html and "2024-01-01" in html and "2100-01-01" in html
    assert "特别批准理由" in html
    before = client.app.state.ledger.max_position()
    response = decide(client, {"approved": "yes", "reason": "居民同意", "override_reason": "", "form_key": "k-bl"})
    assert response.status_code == 409
    assert re.search(r'id="E-001-override_reason-error">该企业在黑名单上；同意进驻须填写特别批准理由', response.text)
    assert 'value="k-bl"' in response.text and "居民同意" in response.text  # the input is kept
    assert client.app.state.ledger.max_position() == before
    assert engagement(client)["status"] == "requested"


def test_a_blacklisted_provider_is_approved_with_an_override_shown_on_the_engagement_page(client) -> None:
    setup_registry(client)
    blacklist_provider(client)
    ok(post(client, "/engagements", ENTRY_BODY, STREET_USER))
    override = "应急接管，区住建委同意"
    response = decide(client, {"approved": "yes", "reason": "居民同意", "override_reason": override, "form_key": "k-ov"})
    assert response.status_code == 303
    confirmation = page(client.get(response.headers["location"], headers=PARTY))
    assert re.search(r"本决定依据台账位置 #\d+ 时的黑名单：该企业已列入黑名单", confirmation)
    assert "特别批准理由：" + override in confirmation
    assert (engagement(client)["status"], engagement(client)["override_reason"]) == ("approved", override)
    detail = page(client.get("/engagements/E-001", headers=AUDITOR))
    assert override in detail and "已批准" in detail and "进驻审批" in detail and "已列入黑名单" in detail


def test_a_party_committee_of_another_street_gets_403_and_nothing_is_written(client) -> None:
    setup_request(client)
    before = client.app.state.ledger.max_position()
    other = as_role("party_committee", OTHER_STREET, "pc-2")
    assert "E-001" not in page(client.get("/approvals", headers=other))
    response = decide(client, {"approved": "yes", "reason": "居民同意", "form_key": "k-other"}, headers=other)
    assert response.status_code == 403
    assert client.app.state.ledger.max_position() == before


def test_other_roles_read_the_inbox_without_forms_and_may_not_decide(client) -> None:
    setup_request(client)
    html = page(client.get("/approvals", headers=STREET_USER))
    assert "E-001" in html and "entry-decision" not in html and "只有本街道的社区党组织可以作出决定" in html
    refused = decide(client, {"approved": "yes", "reason": "x", "form_key": "k-st"}, headers=STREET_USER)
    assert refused.status_code == 403
    assert engagement(client)["status"] == "requested"


def test_a_pending_exit_notice_is_decided_from_the_inbox(client) -> None:
    setup_request(client)
    ok(post(client, "/engagements/E-001/entry-decision",
            {"approved": True, "reason": "同意", "occurred_on": "2024-01-05"}, PARTY))
    ok(post(client, "/engagements/E-001/agreement", {"start": "2024-02-01", "end": "2026-01-31",
                                                    "occurred_on": "2024-01-20"}, STREET_USER))
    ok(post(client, "/engagements/E-001/exit-notice", {"by": "community_termination", "reason": "业主大会决定解聘",
                                                       "exit_date": "2025-06-30", "occurred_on": "2025-03-01"},
            STREET_USER))
    html = page(client.get("/approvals", headers=PARTY))
    assert "业主/社区解聘" in html and "业主大会决定解聘" in html and 'action="/approvals/E-001/exit-decision"' in html
    refused = decide(client, {"reason": "同意", "form_key": "k-exit0"}, path="exit-decision")
    assert refused.status_code == 422 and 'id="E-001-approved-error">此项必填' in refused.text
    response = decide(client, {"approved": "yes", "reason": "按业主大会决定", "form_key": "k-exit"},
                      path="exit-decision")
    assert response.status_code == 303
    assert engagement(client)["status"] == "exit_approved"
    assert "已记录：同意 E-001 退出" in page(client.get(response.headers["location"], headers=PARTY))


def test_the_inbox_switches_to_english(client) -> None:
    setup_request(client)
    html = page(client.get("/approvals?lang=en", headers=PARTY))
    assert "Approvals inbox" in html and "Not on the blacklist as of today" in html and "Approve" in html

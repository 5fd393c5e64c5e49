"""Business dates are never in the future; a configured tokens file turns dev auth off;
a street scores only its own communities."""

from __future__ import annotations

from datetime import timedelta

from api.clock import ledger_today
from tests.e2e.helpers import (
    COMMUNITY_BODY, HB, OTHER_STREET, PROVIDER_BODY, as_role, make_client, ok, post, setup_registry,
)


def test_a_business_date_after_today_is_422_naming_occurred_on_and_writes_nothing(client) -> None:
    tomorrow = (ledger_today() + timedelta(days=1)).isoformat()
    response = post(client, "/providers", {**PROVIDER_BODY, "occurred_on": tomorrow}, HB)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "occurred_on"
    assert client.get(f"/api/v1/providers/{PROVIDER_BODY['uscc']}", headers=HB).status_code == 404


def test_the_dev_header_is_refused_once_a_tokens_file_is_configured(sqlite_url, tmp_path) -> None:
    tokens = tmp_path / "tokens.toml"
    tokens.write_text("", encoding="utf-8")
    with make_client(sqlite_url, auth_tokens_file=tokens) as client:
        response = post(client, "/providers", PROVIDER_BODY, HB)
        assert response.status_code == 401


def test_a_street_may_not_score_another_streets_community(client) -> None:
    setup_registry(client)
    ok(post(client, "/cycles", {"code": "RC-1", "departments": ["street_party"], "weights": {"street_party": 1},
                                "method": "thresholds", "parameters": {"thresholds": [90, 80, 70, 60]},
                                "min_departments": 1, "occurred_on": "2024-01-05"}, HB))
    ok(post(client, "/cycles/RC-1/open", {"period_start": "2024-01-01", "period_end": "2024-12-31",
                                          "occurred_on": "2024-01-06"}, HB))
    foreign = as_role("street", OTHER_STREET, "st-9")
    response = post(client, "/cycles/RC-1/scores", {"subject_kind": "community", "subject": COMMUNITY_BODY["code"],
                                                    "department": "street_party", "score": 80}, foreign)
    assert response.status_code == 403
    assert response.json()["error"]["rule"] == "own_street"

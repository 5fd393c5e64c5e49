"""A star-rating cycle over HTTP: scheme → scores from each department → close →
result computed from the ledger → publication → objection and its decision."""

from __future__ import annotations

from tests.e2e.helpers import HB, PROVIDER_BODY, as_role, ok, post, setup_registry, uscc

CA = as_role("civil_affairs", "区民政局", "ca-1")


def test_a_cycle_from_scheme_to_a_decided_objection(client) -> None:
    setup_registry(client)
    second = uscc(2)
    ok(post(client, "/providers", {**PROVIDER_BODY, "uscc": second, "name": "第二物业"}, HB))
    ok(post(client, "/cycles", {"code": "RC-2024", "departments": ["housing_bureau", "civil_affairs"],
                                "weights": {"housing_bureau": 1, "civil_affairs": 1}, "method": "thresholds",
                                "parameters": {"thresholds": [90, 80, 70, 60]},
                                "min_departments": 2, "occurred_on": "2024-01-05"}, HB))
    ok(post(client, "/cycles/RC-2024/open", {"period_start": "2024-01-01", "period_end": "2024-12-31",
                                             "occurred_on": "2024-01-06"}, HB))
    for subject, hb_score, ca_score in ((PROVIDER_BODY["uscc"], 95, 91), (second, 72, 70)):
        for headers, department, score in ((HB, "housing_bureau", hb_score), (CA, "civil_affairs", ca_score)):
            ok(post(client, "/cycles/RC-2024/scores", {"subject_kind": "provider", "subject": subject,
                                                       "department": department, "score": score,
                                                       "occurred_on": "2024-12-01"}, headers))
    ok(post(client, "/cycles/RC-2024/close", {"occurred_on": "2025-01-05"}, HB))
    computed = ok(post(client, "/cycles/RC-2024/result", {"occurred_on": "2025-01-06"}, HB))
    published = ok(post(client, "/cycles/RC-2024/publication", {"occurred_on": "2025-01-07"}, HB,
                        **{"If-Match": f'"{computed["aggregate"]["version"]}"'}))
    assert published["receipt"]["tree_size"] >= published["positions"][-1]

    cycle = ok(client.get("/api/v1/cycles/RC-2024", headers=HB), 200)
    assert (cycle["status"], cycle["publications"]) == ("published", 1)
    assert cycle["digest"] and cycle["position"] and len(cycle["cut_points"]) == 4

    filed = ok(post(client, "/cycles/RC-2024/objections", {"provider_uscc": second, "reason": "评分有误",
                                                          "occurred_on": "2025-01-10"}, HB))
    version = filed["aggregate"]["version"]
    assert ok(client.get("/api/v1/cycles/RC-2024", headers=HB), 200)["objections_pending"] == 1
    ok(post(client, "/cycles/RC-2024/objection-decisions",
            {"objection_version": version, "upheld": False, "reason": "评分无误", "occurred_on": "2025-01-15"}, HB))
    assert ok(client.get("/api/v1/cycles/RC-2024", headers=HB), 200)["objections_pending"] == 0


def test_a_scheme_without_its_thresholds_is_422_naming_the_parameter(client) -> None:
    setup_registry(client)
    response = post(client, "/cycles", {"code": "RC-0", "departments": ["housing_bureau"],
                                        "weights": {"housing_bureau": 1}, "method": "thresholds",
                                        "min_departments": 1}, HB)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "parameters.thresholds"


def test_scores_for_an_unopened_cycle_are_409(client) -> None:
    setup_registry(client)
    ok(post(client, "/cycles", {"code": "RC-1", "departments": ["housing_bureau"], "weights": {"housing_bureau": 1},
                                "method": "thresholds", "parameters": {"thresholds": [90, 80, 70, 60]},
                                "min_departments": 1}, HB))
    response = post(client, "/cycles/RC-1/scores", {"subject_kind": "provider", "subject": PROVIDER_BODY["uscc"],
                                                    "department": "housing_bureau", "score": 80}, HB)
    assert response.status_code == 409 and response.json()["error"]["rule"] == "cycle_open"

"""Refusals over HTTP: every 4xx names the field and the rule, and writes nothing."""

from __future__ import annotations

from tests.e2e.helpers import (
    AUDITOR, COMMUNITY_BODY, ENTRY_BODY, FINANCE, HB, PARTY, PROVIDER_BODY, STREET_USER, as_role, ok, post,
    setup_registry, setup_request,
)


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.text
    return response.json()["error"]


def written(client) -> int:
    return client.app.state.ledger.max_position()


PAYMENT = {"period": "2024-Q1", "payer_level": "district", "voucher_no": "JN-1", "occurred_on": "2024-04-10"}


def test_a_bad_check_character_is_422_naming_uscc(client) -> None:
    bad = PROVIDER_BODY["uscc"][:17] + ("0" if PROVIDER_BODY["uscc"][17] != "0" else "1")
    error = error_of(post(client, "/providers", {**PROVIDER_BODY, "uscc": bad}, HB), 422)
    assert (error["code"], error["field"], error["rule"]) == ("invalid", "uscc", "uscc_check_character")
    assert written(client) == 0


def test_a_malformed_uscc_in_the_path_is_422_naming_uscc(client) -> None:
    error = error_of(client.get("/api/v1/providers/NOT-A-CODE", headers=HB), 422)
    assert (error["field"], error["rule"]) == ("uscc", "uscc_format")


def test_a_float_amount_is_422_naming_the_field(client) -> None:
    setup_registry(client)
    before = written(client)
    error = error_of(post(client, "/communities/C-001/subsidy-payments", {**PAYMENT, "amount": 3600.5}, FINANCE), 422)
    assert (error["field"], error["rule"]) == ("amount", "decimal")
    assert written(client) == before


def test_an_amount_with_three_decimals_is_422_naming_the_field(client) -> None:
    setup_registry(client)
    error = error_of(post(client, "/communities/C-001/subsidy-payments", {**PAYMENT, "amount": "3600.001"},
                          FINANCE), 422)
    assert (error["field"], error["rule"]) == ("amount", "fen")


def test_nested_fields_and_unknown_fields_are_named(client) -> None:
    setup_registry(client)
    body = {"quarter": "2024-Q1", "points": {"cleaning": "lots"}, "occurred_on": "2024-04-01"}
    error = error_of(post(client, "/communities/C-001/assessments", body, HB), 422)
    assert error["field"] == "points.cleaning"
    error = error_of(post(client, "/providers", {**PROVIDER_BODY, "nmae": "x"}, HB), 422)
    assert (error["field"], error["rule"]) == ("nmae", "unknown_field")


def test_a_missing_field_is_422_required(client) -> None:
    body = {k: v for k, v in PROVIDER_BODY.items() if k != "name"}
    error = error_of(post(client, "/providers", body, HB), 422)
    assert (error["field"], error["rule"]) == ("name", "required")


def test_a_domain_rule_on_a_section_maximum_names_the_section(client) -> None:
    setup_registry(client)
    points = {"overall_management": 16, "cleaning": 27, "gate_patrol": 22, "parking": 9, "community_order": 9,
              "fee_collection": 8}
    error = error_of(post(client, "/communities/C-001/assessments",
                          {"quarter": "2024-Q1", "points": points, "occurred_on": "2024-04-01"}, HB), 422)
    assert (error["field"], error["rule"]) == ("points.overall_management", "maximum")


def test_an_unknown_community_is_404(client) -> None:
    setup_registry(client)
    error = error_of(post(client, "/communities/NOPE/inspections",
                          {"month": "2024-03", "items": {"gate_duty": True}}, STREET_USER), 404)
    assert (error["code"], error["field"], error["rule"]) == ("not_found", "code", "exists")
    error = error_of(post(client, "/engagements", {**ENTRY_BODY, "community_code": "NOPE"}, HB), 404)
    assert error["field"] == "community_code"
    error_of(client.get("/api/v1/communities/NOPE", headers=AUDITOR), 404)


def test_a_second_entry_decision_is_409(client) -> None:
    setup_request(client)
    decision = {"approved": True, "reason": "同意", "occurred_on": "2024-01-10"}
    ok(post(client, "/engagements/E-001/entry-decision", decision, PARTY))
    error = error_of(post(client, "/engagements/E-001/entry-decision", {**decision, "approved": False}, PARTY), 409)
    assert (error["code"], error["rule"]) == ("rule_violation", "one_decision")


def test_a_replayed_idempotency_key_returns_the_original_result_with_200(client) -> None:
    setup_registry(client)
    body = {"month": "2024-03", "items": {"gate_duty": True}, "occurred_on": "2024-03-15"}
    first = post(client, "/communities/C-001/inspections", body, STREET_USER, **{"Idempotency-Key": "insp-1"})
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    position = written(client)
    again = post(client, "/communities/C-001/inspections", body, STREET_USER, **{"Idempotency-Key": "insp-1"})
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["positions"] == first.json()["positions"] and again.json()["replayed"] is True
    assert written(client) == position
    # Without the key, the same body is a second record of the month: refused.
    assert post(client, "/communities/C-001/inspections", body, STREET_USER).status_code == 409


def test_an_idempotency_key_reused_for_another_command_is_409(client) -> None:
    setup_registry(client)
    ok(post(client, "/communities/C-001/inspections", {"month": "2024-03", "items": {"gate_duty": True}},
            STREET_USER, **{"Idempotency-Key": "k"}))
    error = error_of(post(client, "/communities/C-001/surveys",
                          {"period": "2024", "households": 240, "valid_responses": 100, "satisfied": 90},
                          STREET_USER, **{"Idempotency-Key": "k"}), 409)
    assert (error["field"], error["rule"]) == ("Idempotency-Key", "same_command")


def test_if_match_with_a_stale_version_is_409_and_writes_nothing(client) -> None:
    setup_registry(client)
    read = client.get("/api/v1/communities/C-001", headers=STREET_USER)
    etag = read.headers["ETag"]
    assert etag == '"1"'
    body = {"month": "2024-03", "items": {"gate_duty": True}}
    done = ok(post(client, "/communities/C-001/inspections", body, STREET_USER, **{"If-Match": etag}))
    assert done["aggregate"]["version"] == 2
    before = written(client)
    error = error_of(post(client, "/communities/C-001/inspections", {**body, "month": "2024-04"}, STREET_USER,
                          **{"If-Match": etag}), 409)
    assert (error["code"], error["field"], error["rule"]) == ("conflict", "expected_version", "optimistic_concurrency")
    assert written(client) == before
    ok(post(client, "/communities/C-001/inspections", {**body, "month": "2024-04"}, STREET_USER,
            **{"If-Match": '"2"'}))


def test_a_malformed_if_match_is_422(client) -> None:
    setup_registry(client)
    error = error_of(post(client, "/communities/C-001/inspections", {"month": "2024-03", "items": {"a": True}},
                          STREET_USER, **{"If-Match": "yesterday"}), 422)
    assert error["field"] == "If-Match"


def test_a_role_the_command_is_not_open_to_is_403(client) -> None:
    error = error_of(post(client, "/providers", PROVIDER_BODY, STREET_USER), 403)
    assert (error["code"], error["field"], error["rule"]) == ("forbidden", "role", "role_permission")
    setup_request(client)
    # Only the party committee decides an entry; the auditor reads but never writes.
    error_of(post(client, "/engagements/E-001/entry-decision", {"approved": True, "reason": "x"}, HB), 403)
    error_of(post(client, "/communities/C-001/inspections", {"month": "2024-03", "items": {"a": True}}, AUDITOR), 403)
    assert ok(client.get("/api/v1/engagements/E-001", headers=AUDITOR), 200)["status"] == "requested"


def test_the_role_is_checked_before_the_body(client) -> None:
    error = error_of(post(client, "/providers", {"garbage": 1}, FINANCE), 403)
    assert error["rule"] == "role_permission"


def test_a_party_committee_decides_only_for_its_own_street(client) -> None:
    setup_request(client)
    other = as_role("party_committee", "辛庄镇", "pc-2")
    error = error_of(post(client, "/engagements/E-001/entry-decision", {"approved": True, "reason": "x"}, other), 403)
    assert error["rule"] == "own_street"
    error = error_of(post(client, "/communities", {**COMMUNITY_BODY, "code": "C-2"},
                          as_role("street", "辛庄镇")), 403)
    assert error["rule"] == "own_street"


def test_a_department_scores_only_for_itself(client) -> None:
    setup_registry(client)
    scheme = {"code": "RC-2024", "departments": ["housing_bureau", "fire_rescue"],
              "weights": {"housing_bureau": 1, "fire_rescue": 1}, "method": "thresholds",
              "parameters": {"thresholds": [90, 80, 70, 60]}, "min_departments": 1}
    ok(post(client, "/cycles", scheme, HB))
    ok(post(client, "/cycles/RC-2024/open", {"period_start": "2024-01-01", "period_end": "2024-12-31"}, HB))
    score = {"subject_kind": "provider", "subject": PROVIDER_BODY["uscc"], "department": "fire_rescue", "score": 88}
    ok(post(client, "/cycles/RC-2024/scores", score, as_role("department", "fire_rescue")))
    error = error_of(post(client, "/cycles/RC-2024/scores", {**score, "department": "housing_bureau"},
                          as_role("department", "fire_rescue")), 403)
    assert error["rule"] == "own_department"


def test_the_anonymous_public_may_not_write_or_read_aggregates(client) -> None:
    error = error_of(client.post("/api/v1/providers", json=PROVIDER_BODY), 401)
    assert error["code"] == "unauthenticated"
    error_of(client.get(f"/api/v1/providers/{PROVIDER_BODY['uscc']}"), 401)
    error_of(client.get("/api/v1/ledger", headers=as_role("public", "", "citizen")), 403)
    assert client.get("/api/v1/health").status_code == 200


def test_the_dev_header_is_refused_when_dev_auth_is_off(sqlite_url) -> None:
    from tests.e2e.helpers import make_client
    client = make_client(sqlite_url, dev_auth=False)
    error = error_of(client.post("/api/v1/providers", json=PROVIDER_BODY, headers=HB), 401)
    assert (error["field"], error["rule"]) == ("X-Taizhang-User", "dev_auth_disabled")


def test_bearer_tokens_from_the_tokens_file(sqlite_url, tmp_path) -> None:
    from api.auth import hash_token
    from tests.e2e.helpers import make_client
    tokens = tmp_path / "tokens.toml"
    tokens.write_text('[[users]]\nuser = "li.hua"\nrole = "housing_bureau"\norg = "区住房建设委"\n'
                      f'token_sha256 = "{hash_token("s3cret-token")}"\n', encoding="utf-8")
    client = make_client(sqlite_url, dev_auth=False, auth_tokens_file=tokens)
    ok(client.post("/api/v1/providers", json=PROVIDER_BODY, headers={"Authorization": "Bearer s3cret-token"}))
    me = ok(client.get("/api/v1/me", headers={"Authorization": "Bearer s3cret-token"}), 200)
    assert (me["user"], me["role"], me["via"]) == ("li.hua", "housing_bureau", "token")
    assert "register_provider" in me["commands"]
    error = error_of(client.get("/api/v1/me", headers={"Authorization": "Bearer wrong"}), 401)
    assert error["rule"] == "valid_token"

"""A provider's whole engagement with a community, over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from domain.vocab import HANDOVER_ITEMS
from tests.e2e.helpers import (
    AUDITOR, ENTRY_BODY, FINANCE, HB, PARTY, STREET_USER, USCC, as_role, make_client, ok, post, setup_registry,
)


def run_lifecycle(client) -> None:
    setup_registry(client)
    requested = ok(post(client, "/engagements", ENTRY_BODY, STREET_USER, **{"Idempotency-Key": "entry-1"}))
    assert requested["aggregate"] == {**requested["aggregate"], "kind": "engagement", "code": "E-001", "version": 1}
    # The integrity log is written in the command's transaction: the receipt names the tree holding it.
    receipt = requested["receipt"]
    assert receipt["log_mode"] == "transaction" and receipt["tree_size"] >= requested["positions"][-1]
    assert len(receipt["leaf_index"]) == len(requested["positions"])

    decided = ok(post(client, "/engagements/E-001/entry-decision",
                      {"approved": True, "reason": "信用良好", "occurred_on": "2024-01-10"}, PARTY,
                      **{"If-Match": '"1"'}))
    assert decided["positions"] and decided["positions"][0] > requested["positions"][0]
    ok(post(client, "/engagements/E-001/agreement",
            {"start": "2024-02-01", "end": "2026-01-31", "occurred_on": "2024-01-20"}, STREET_USER))
    community = ok(client.get("/api/v1/communities/C-001", headers=AUDITOR), 200)
    assert community["current_engagement"] == "E-001" and community["current_provider"] == USCC

    # A year of records against the community while the provider serves it.
    ok(post(client, "/communities/C-001/inspections",
            {"month": "2024-03", "items": {"gate_duty": True, "cleaning": False}, "occurred_on": "2024-03-15"},
            STREET_USER))
    ok(post(client, "/communities/C-001/fees",
            {"month": "2024-03", "households_billed": 240, "households_paid": 200, "amount_billed": "14400.00",
             "amount_collected": "12000.00", "occurred_on": "2024-03-31"}, STREET_USER))
    ok(post(client, "/communities/C-001/subsidy-payments",
            {"period": "2024-Q1", "payer_level": "district", "amount": "3600.00", "voucher_no": "JN-2024-001",
             "occurred_on": "2024-04-10"}, FINANCE))
    ok(post(client, "/complaints",
            {"code": "TS-1", "community_code": "C-001", "category": "cleaning", "channel": "hotline_12345",
             "occurred_on": "2024-05-01"}, STREET_USER))
    complaint = ok(post(client, "/complaints/TS-1/resolution",
                        {"substantiated": True, "resolution": "已整改", "occurred_on": "2024-05-03"}, STREET_USER))
    assert complaint["aggregate"]["version"] == 2

    # Exit: notice, the party committee's decision, five handover items, end.
    ok(post(client, "/engagements/E-001/exit-notice",
            {"by": "provider_non_renewal", "reason": "到期不续约", "exit_date": "2026-01-31",
             "occurred_on": "2025-09-01"}, STREET_USER))
    ok(post(client, "/engagements/E-001/exit-decision",
            {"approved": True, "reason": "同意退出", "occurred_on": "2025-09-10"}, PARTY))
    for item in HANDOVER_ITEMS:
        ok(post(client, "/engagements/E-001/handover-items",
                {"item": item, "accepted": True, "note": "", "occurred_on": "2026-02-05"},
                as_role("residents_committee", "双港镇", "rc-1")))
    ended = ok(post(client, "/engagements/E-001/end", {"ended_on": "2026-02-10", "occurred_on": "2026-02-10"},
                    STREET_USER))
    assert len(ended["positions"]) == 2  # the engagement's and the community's events, one transaction

    engagement = ok(client.get("/api/v1/engagements/E-001", headers=AUDITOR), 200)
    assert engagement["status"] == "ended"
    assert engagement["handover"] == {item: True for item in HANDOVER_ITEMS}
    community = ok(client.get("/api/v1/communities/C-001", headers=AUDITOR), 200)
    assert community["current_engagement"] is None
    assert [r["kind"] for r in community["records"]] == ["InspectionRecorded", "FeesCollected"]

    status = ok(client.get("/api/v1/ledger", headers=HB), 200)
    assert status["providers"] == 1 and status["communities"] == 1
    assert status["engagements_active"] == 0 and status["complaints_open"] == 0
    assert status["last_position"] == ok(client.get("/api/v1/health"), 200)["position"]


def test_full_engagement_lifecycle_over_http_on_sqlite(client) -> None:
    run_lifecycle(client)


@pytest.mark.postgres
def test_full_engagement_lifecycle_over_http_on_postgresql(postgres_url) -> None:
    client = make_client(postgres_url)
    try:
        run_lifecycle(client)
    finally:
        client.app.state.ledger.close()


def test_the_actor_of_every_event_is_the_authenticated_user(client) -> None:
    setup_registry(client)
    ledger = client.app.state.ledger
    events = ledger.recorder.select_notifications(1, 10)
    actors = [ledger.mapper.to_domain_event(n).actor for n in events]
    assert actors == [{"user": "hb-1", "role": "housing_bureau", "org": "区住房建设委"},
                      {"user": "st-1", "role": "street", "org": "双港镇"}]


def test_source_document_and_business_date_are_recorded(client) -> None:
    body = {**ENTRY_BODY, "source": {"document": "津南党组〔2024〕3号", "sha256": "ab" * 32}}
    setup_registry(client)
    ok(post(client, "/engagements", body, STREET_USER))
    ledger = client.app.state.ledger
    event = ledger.mapper.to_domain_event(ledger.recorder.select_notifications(ledger.max_position(), 1)[0])
    assert event.source == {"document": "津南党组〔2024〕3号", "sha256": "ab" * 32}
    assert event.occurred_on.isoformat() == "2024-01-03"


def test_an_entry_decision_rests_on_the_blacklist_and_needs_an_override_for_a_listed_provider(client) -> None:
    setup_registry(client)
    ok(post(client, "/providers/" + USCC + "/dishonesty-declarations",
            {"term_start": "2024-01-01", "term_end": "2025-12-31", "reason": "拒不退出", "occurred_on": "2024-01-02"},
            HB))
    ok(post(client, "/engagements", ENTRY_BODY, STREET_USER))
    decision = {"approved": True, "reason": "居民同意", "occurred_on": "2024-02-01"}
    refused = post(client, "/engagements/E-001/entry-decision", decision, PARTY)
    assert refused.status_code == 409
    assert (refused.json()["error"]["field"], refused.json()["error"]["rule"]) == ("provider_uscc", "blacklisted")
    override = {**decision, "override_reason": "应急接管，区住建委同意"}
    ok(post(client, "/engagements/E-001/entry-decision", override, PARTY))
    engagement = ok(client.get("/api/v1/engagements/E-001", headers=AUDITOR), 200)
    assert (engagement["status"], engagement["override_reason"]) == ("approved", "应急接管，区住建委同意")

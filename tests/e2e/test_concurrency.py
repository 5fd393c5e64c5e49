"""Concurrent requests: every command is applied once or refused with 409, never half-written."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.e2e.helpers import AUDITOR, PARTY, STREET_USER, ok, post, setup_request


def test_concurrent_records_on_one_community_are_each_saved_or_refused_with_409(client) -> None:
    setup_request(client)

    def record(month: int):
        return post(client, "/communities/C-001/inspections",
                    {"month": f"2024-{month:02d}", "items": {"gate_duty": True}}, STREET_USER)

    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = list(pool.map(record, range(1, 13)))
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {201, 409}, [r.text for r in responses if r.status_code not in (201, 409)]
    refused = [r.json()["error"] for r in responses if r.status_code == 409]
    assert all(e["code"] == "conflict" for e in refused)
    community = ok(client.get("/api/v1/communities/C-001", headers=AUDITOR), 200)
    assert len(community["records"]) == statuses.count(201)
    assert community["version"] == 1 + statuses.count(201)


def test_concurrent_entry_decisions_decide_once(client) -> None:
    setup_request(client)

    def decide(i: int):
        return post(client, "/engagements/E-001/entry-decision",
                    {"approved": i % 2 == 0, "reason": f"决定 {i}"}, PARTY)

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = [r.status_code for r in pool.map(decide, range(8))]
    assert statuses.count(201) == 1 and set(statuses) <= {201, 409}
    assert ok(client.get("/api/v1/engagements/E-001", headers=AUDITOR), 200)["status"] in ("approved", "refused")

"""The lists the API serves: kept by the app in-process or by a projection worker, they agree."""

from __future__ import annotations

from tests.e2e.helpers import (
    COMMUNITY_BODY, ENTRY_BODY, HB, PROVIDER_BODY, STREET_USER, make_client, ok, post, setup_request, uscc,
)


def lists(client) -> dict:
    return {path: ok(client.get(f"/api/v1/{path}", headers=HB), 200)
            for path in ("providers", "communities", "engagements?status=requested")}


def test_read_model_lists_match_the_in_process_catalogue_once_projected(sqlite_url) -> None:
    from projections.service import catch_up

    memory = make_client(sqlite_url)
    setup_request(memory)
    ok(post(memory, "/providers", {**PROVIDER_BODY, "uscc": uscc(2), "name": "第二物业"}, HB))
    ok(post(memory, "/communities", {**COMMUNITY_BODY, "code": "C-002", "name": "第二小区"}, STREET_USER))
    ok(post(memory, "/complaints", {"code": "TS-1", "community_code": "C-001", "category": "cleaning",
                                    "channel": "hotline_12345", "occurred_on": "2024-02-01"}, STREET_USER,
            **{"Idempotency-Key": "complaint-1"}))

    # Read before the in-process client reads anything: its runner writes the same tables.
    read_models = make_client(sqlite_url, catalogue="read_models")
    assert ok(read_models.get("/api/v1/providers", headers=HB), 200) == []  # nothing projected yet
    catch_up(sqlite_url, ["registry", "complaints"])

    expected, counts = lists(memory), ok(memory.get("/api/v1/ledger", headers=HB), 200)
    assert counts["events"] == counts["last_position"] - 1  # the idempotency record is not history
    assert (counts["providers"], counts["communities"], counts["entry_requests_pending"],
            counts["complaints_open"]) == (2, 2, 1, 1)
    assert lists(read_models) == expected
    projected = ok(read_models.get("/api/v1/ledger", headers=HB), 200)
    assert projected == counts
    pending = expected["engagements?status=requested"]
    assert [e["code"] for e in pending] == [ENTRY_BODY["code"]]

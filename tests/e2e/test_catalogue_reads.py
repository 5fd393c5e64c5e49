"""Lists and counts come from the read models, and a read after a successful command shows it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.e2e.helpers import (
    COMMUNITY_BODY, ENTRY_BODY, HB, PARTY, PROVIDER_BODY, STREET_USER, USCC, closing_client, ok, post, uscc,
)


def get(client, path: str):
    return ok(client.get(f"/api/v1/{path}", headers=HB), 200)


def statuses(client) -> dict[str, str]:
    return {e["code"]: e["status"] for e in get(client, "engagements")}


def test_every_list_and_count_shows_the_command_just_answered(database_url) -> None:
    with closing_client(database_url) as client:
        assert get(client, "providers") == [] and get(client, "ledger")["providers"] == 0

        ok(post(client, "/providers", PROVIDER_BODY, HB))
        assert [p["uscc"] for p in get(client, "providers")] == [USCC]
        ok(post(client, "/communities", COMMUNITY_BODY, STREET_USER))
        assert [c["code"] for c in get(client, "communities")] == ["C-001"]
        ok(post(client, "/engagements", ENTRY_BODY, STREET_USER))
        assert statuses(client) == {"E-001": "requested"}
        assert get(client, "ledger")["entry_requests_pending"] == 1

        ok(post(client, "/engagements/E-001/entry-decision", {"approved": True, "reason": "信用良好"}, PARTY))
        assert statuses(client) == {"E-001": "approved"}
        ok(post(client, "/engagements/E-001/agreement", {"start": "2024-02-01", "end": "2026-01-31"}, STREET_USER))
        assert get(client, "communities")[0]["current_engagement"] == "E-001"
        ok(post(client, "/complaints", {"code": "TS-1", "community_code": "C-001", "category": "cleaning",
                                        "channel": "hotline_12345"}, STREET_USER))
        counts = get(client, "ledger")
        assert (counts["engagements_active"], counts["entry_requests_pending"], counts["complaints_open"]) == (1, 0, 1)
        ok(post(client, "/complaints/TS-1/resolution", {"substantiated": True, "resolution": "已整改"}, STREET_USER))
        assert get(client, "ledger")["complaints_open"] == 0


def test_each_writer_reads_its_own_write_while_others_write(database_url) -> None:
    with closing_client(database_url) as client:

        def register_then_list(n: int) -> bool:
            code = uscc(100 + n)
            ok(post(client, "/providers", {**PROVIDER_BODY, "uscc": code, "name": f"物业{n}"}, HB))
            return code in {p["uscc"] for p in get(client, "providers")}

        with ThreadPoolExecutor(max_workers=4) as pool:
            assert all(pool.map(register_then_list, range(12)))
        assert get(client, "ledger")["providers"] == 12


def test_lists_stay_exact_when_another_process_projected_in_between(database_url) -> None:
    from projections.service import catch_up

    with closing_client(database_url) as client:
        ok(post(client, "/providers", PROVIDER_BODY, HB))
        assert len(get(client, "providers")) == 1  # the app's runner is open now
        ok(post(client, "/providers", {**PROVIDER_BODY, "uscc": uscc(2), "name": "第二物业"}, HB))
        catch_up(database_url)  # `taizhang project` moves the same tables on
        ok(post(client, "/providers", {**PROVIDER_BODY, "uscc": uscc(3), "name": "第三物业"}, HB))
        assert [p["uscc"] for p in get(client, "providers")] == [USCC, uscc(2), uscc(3)]
        assert get(client, "ledger")["providers"] == 3
        assert LAG not in client.get("/?lang=en", headers=HB).text


LAG = "Lists and counts come from the read models, as of ledger position"


def test_with_a_worker_lists_lag_until_it_catches_up_and_the_dashboard_says_so(sqlite_url) -> None:
    from projections.service import catch_up

    with closing_client(sqlite_url, catalogue="read_models") as client:
        ok(post(client, "/providers", PROVIDER_BODY, HB))
        catch_up(sqlite_url)
        ok(post(client, "/providers", {**PROVIDER_BODY, "uscc": uscc(2), "name": "第二物业"}, HB))
        assert get(client, "ledger")["providers"] == 1
        assert LAG in client.get("/?lang=en", headers=HB).text
        catch_up(sqlite_url)
        assert get(client, "ledger")["providers"] == 2
        assert LAG not in client.get("/?lang=en", headers=HB).text


@pytest.mark.parametrize("path", ["providers", "communities", "engagements", "ledger"])
def test_an_in_memory_ledger_has_no_read_models_to_list_from(path) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.settings import Settings
    from api.wiring import wire
    from domain.ledger import Ledger

    app = create_app(Settings(database_url="memory://", _env_file=None), ledger=wire(Ledger("memory://")))
    response = TestClient(app).get(f"/api/v1/{path}", headers=HB)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "unavailable" and "memory://" in response.json()["error"]["message"]


def test_the_ledger_event_count_stays_exact_as_the_log_grows(database_url) -> None:
    """The count is remembered up to the read models' position and only the rows after it are counted
    again: after every write it still equals a full count of the log's domain events."""
    from sqlalchemy import text

    from projections.db import engine_for, events_table

    def full_count() -> int:
        engine = engine_for(database_url)
        with engine.connect() as conn:
            n = conn.execute(text(f"SELECT count(*) FROM {events_table(database_url)} "
                                  "WHERE topic NOT LIKE '%IdempotencyRecord%'")).scalar_one()
        engine.dispose()
        return n

    with closing_client(database_url) as client:
        for n in range(4):
            ok(post(client, "/providers", {**PROVIDER_BODY, "uscc": uscc(200 + n), "name": f"物业{n}"}, HB,
                    **{"Idempotency-Key": f"provider-{n}"}))
            counts = get(client, "ledger")
            assert counts["events"] == full_count() == n + 1
            assert counts["last_position"] == 2 * (n + 1)  # each with its idempotency record, not counted

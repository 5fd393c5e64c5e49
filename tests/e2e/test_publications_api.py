"""Publishing the blacklist and subsidy lists over HTTP, each with a signed checkpoint that an
outsider can verify (the note with the public key, the root against the Merkle log), and
the star-rating publication signing one too."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from api.settings import Settings
from domain.packs import load_pack
from domain.publication import publication_digest
from projections.audit.checkpoint import open_checkpoint
from projections.audit.service import AuditService
from tests.e2e.helpers import (
    AUDITOR, FINANCE, HB, PARTY, PROVIDER_BODY, STREET_USER, USCC, as_role, make_client, ok, post, setup_request, uscc,
)

CA = as_role("civil_affairs", "区民政局", "ca-1")
ORIGIN = Settings(_env_file=None).checkpoint_origin
BLACKLIST = {"as_of": "2024-03-01", "occurred_on": "2024-03-01"}
SUBSIDY = {"period": "2024-02", "pack_id": "yancheng", "occurred_on": "2024-03-10"}


def audit(database_url: str) -> AuditService:
    """The audit service an outsider would run on the same database (not the app's own)."""
    return AuditService.from_settings(Settings(database_url=database_url, _env_file=None))


def verifier_key() -> str:
    key = Settings(_env_file=None).signing_key_path  # the test's tmp directory (tests/conftest.py)
    return Path(f"{key}.pub").read_text().strip()


def declare_dishonest(client) -> None:
    ok(post(client, f"/providers/{USCC}/dishonesty-declarations",
            {"term_start": "2024-02-01", "term_end": "2024-12-31", "reason": "拒不交接", "occurred_on": "2024-02-01"},
            HB))


def setup_subsidies(client) -> None:
    """A community served under an agreement, the Yancheng pack (0.1 元/m²·月), facts up to March."""
    setup_request(client)
    ok(post(client, "/engagements/E-001/entry-decision",
            {"approved": True, "reason": "同意", "occurred_on": "2024-01-04"}, PARTY))
    ok(post(client, "/engagements/E-001/agreement", {"start": "2024-01-05", "end": "2025-12-31",
                                                     "occurred_on": "2024-01-05"}, STREET_USER))
    content = load_pack("yancheng").content
    ok(post(client, "/policy/adoptions", {"pack_id": "yancheng", "version": content["version"],
                                          "effective_from": "2024-01-01", "content": content,
                                          "occurred_on": "2024-01-01"}, HB))
    ok(post(client, "/communities/C-001/inspections", {"month": "2024-03", "items": {"gate_duty": True},
                                                       "occurred_on": "2024-03-05"}, STREET_USER))


def assert_checkpoint_verifies(database_url: str, published: dict, rows: list) -> None:
    pub, note = published["publication"], published["checkpoint_note"]
    checkpoint = open_checkpoint(note, verifier_key(), ORIGIN)  # signed with the ledger's key
    assert (checkpoint.size, base64.b64encode(checkpoint.root).decode()) == (
        pub["checkpoint_size"], pub["checkpoint_root"])
    assert audit(database_url).log.root(checkpoint.size) == checkpoint.root  # the Merkle log agrees
    covered = int(next(e.split()[1] for e in checkpoint.extensions if e.startswith("position ")))
    assert pub["position"] <= covered < pub["event_position"]  # covers the inputs, made before the event
    name = f"{pub['kind']}:{pub['key']}:{pub['number']}"
    assert f"digest {name} {pub['digest']}" in checkpoint.extensions  # the note signs what was published
    assert publication_digest(pub["kind"], pub["key"], rows) == pub["digest"]  # …and it is these rows' digest


# --- the blacklist ------------------------------------------------------------------------------------
def test_the_blacklist_is_published_with_a_checkpoint_that_verifies(client, sqlite_url) -> None:
    setup_request(client)
    declare_dishonest(client)
    response = post(client, "/publications/blacklist", BLACKLIST, HB)
    published = ok(response)
    assert response.headers["Location"] == "/api/v1/publications/blacklist/2024-03-01"
    assert published["command"] == "publish_blacklist" and published["aggregate"]["kind"] == "publication"
    pub = published["publication"]
    assert (pub["kind"], pub["key"], pub["number"], pub["rows"], pub["published_on"]) == (
        "blacklist", "2024-03-01", 1, 1, "2024-03-01")
    assert pub["event_position"] == published["positions"][-1]

    shown = ok(client.get("/api/v1/publications/blacklist/2024-03-01", headers=AUDITOR), 200)
    assert [row[:2] for row in shown["rows"]] == [[USCC, "dishonesty"]]
    assert shown["publication"] == pub and shown["checkpoint_note"] == published["checkpoint_note"]
    assert_checkpoint_verifies(sqlite_url, published, shown["rows"])


def test_publishing_an_unchanged_blacklist_again_is_409_naming_the_digest(client) -> None:
    setup_request(client)
    ok(post(client, "/publications/blacklist", BLACKLIST, HB))
    before = ok(client.get("/api/v1/health"), 200)
    again = post(client, "/publications/blacklist", BLACKLIST, HB)
    assert again.status_code == 409
    assert (again.json()["error"]["field"], again.json()["error"]["rule"]) == ("digest", "changes_result")
    assert ok(client.get("/api/v1/health"), 200) == before  # nothing written, no checkpoint signed

    declare_dishonest(client)  # the list changes: a second publication, the first stays
    second = ok(post(client, "/publications/blacklist", {**BLACKLIST, "occurred_on": "2024-03-02"}, HB))
    assert second["publication"]["number"] == 2
    listed = ok(client.get("/api/v1/publications?kind=blacklist", headers=HB), 200)
    assert [(p["number"], p["rows"]) for p in listed] == [(1, 0), (2, 1)]
    first = ok(client.get("/api/v1/publications/blacklist/2024-03-01?number=1", headers=HB), 200)
    assert first["rows"] == [] and first["publication"]["number"] == 1 and len(first["publications"]) == 2


@pytest.mark.postgres
def test_the_blacklist_is_published_and_listed_on_postgresql(postgres_url) -> None:
    audit(postgres_url).keygen()
    client = make_client(postgres_url)
    try:
        setup_request(client)
        declare_dishonest(client)
        published = ok(post(client, "/publications/blacklist", BLACKLIST, HB))
        listed = ok(client.get("/api/v1/publications"), 200)
        assert [p["event_position"] for p in listed] == [published["publication"]["event_position"]]
        rows = ok(client.get("/api/v1/publications/blacklist/2024-03-01", headers=AUDITOR), 200)["rows"]
        assert_checkpoint_verifies(postgres_url, published, rows)
    finally:
        client.app.state.ledger.close()


# --- subsidy lists --------------------------------------------------------------------------------------
def test_a_subsidy_list_is_published_with_a_checkpoint_that_verifies(client, sqlite_url) -> None:
    setup_subsidies(client)
    published = ok(post(client, "/publications/subsidy-lists", SUBSIDY, FINANCE))
    pub = published["publication"]
    assert (pub["kind"], pub["key"], pub["number"]) == ("subsidy_list", "yancheng:2024-02", 1)
    shown = ok(client.get("/api/v1/publications/subsidy_list/yancheng:2024-02", headers=CA), 200)
    assert shown["detail"] == {"pack_id": "yancheng", "period": "2024-02",
                               "pack_version": load_pack("yancheng").content["version"]}
    [row] = shown["rows"]
    assert (row[1], row[8], row[10]) == ("C-001", "1200.00", "1200.00")  # 12,000 m² × 0.1 元, nothing paid yet
    assert_checkpoint_verifies(sqlite_url, published, shown["rows"])

    refused = post(client, "/publications/subsidy-lists", SUBSIDY, CA)
    assert refused.status_code == 409 and refused.json()["error"]["field"] == "digest"
    ok(post(client, "/communities/C-001/subsidy-payments", {"period": "2024-02", "payer_level": "district",
                                                           "amount": "1200.00", "voucher_no": "PZ-1",
                                                           "occurred_on": "2024-03-12"}, FINANCE))
    second = ok(post(client, "/publications/subsidy-lists", {**SUBSIDY, "occurred_on": "2024-03-15"}, CA))
    assert second["publication"]["number"] == 2
    rows = ok(client.get("/api/v1/publications/subsidy_list/yancheng:2024-02", headers=AUDITOR), 200)["rows"]
    assert (rows[0][9], rows[0][10]) == ("1200.00", "0.00")
    assert_checkpoint_verifies(sqlite_url, second, rows)


def test_a_period_not_yet_complete_is_refused_naming_the_period(client) -> None:
    setup_subsidies(client)  # facts reach 2024-03-05
    response = post(client, "/publications/subsidy-lists", {**SUBSIDY, "period": "2024-03"}, CA)
    # A rule of time, not a malformed request: 409 like every other business-rule refusal.
    assert response.status_code == 409
    assert (response.json()["error"]["field"], response.json()["error"]["rule"]) == ("period", "complete")
    malformed = post(client, "/publications/subsidy-lists", {**SUBSIDY, "period": "2024-Q5"}, CA)
    assert malformed.status_code == 422 and malformed.json()["error"]["field"] == "period"
    unknown = post(client, "/publications/subsidy-lists", {**SUBSIDY, "pack_id": "baodi"}, CA)
    assert unknown.status_code == 409 and unknown.json()["error"]["field"] == "pack_id"
    assert ok(client.get("/api/v1/publications", headers=AUDITOR), 200) == []


# --- commands: roles, idempotency, the signing key -------------------------------------------------------
@pytest.mark.parametrize(("path", "body", "headers", "status"), [
    ("/publications/blacklist", BLACKLIST, FINANCE, 403),
    ("/publications/blacklist", BLACKLIST, STREET_USER, 403),
    ("/publications/blacklist", BLACKLIST, {}, 401),
    ("/publications/subsidy-lists", SUBSIDY, HB, 403),
    ("/publications/subsidy-lists", SUBSIDY, AUDITOR, 403),
])
def test_only_the_roles_that_publish_a_list_may_publish_it(client, path, body, headers, status) -> None:
    response = post(client, path, body, headers)
    assert response.status_code == status
    assert response.json()["error"]["field"] in ("role", "Authorization")


def test_a_retried_publication_replays_the_first_result(client) -> None:
    setup_request(client)
    key = {"Idempotency-Key": "bl-2024-03-01"}
    first = ok(post(client, "/publications/blacklist", BLACKLIST, HB, **key))
    declare_dishonest(client)
    ok(post(client, "/publications/blacklist", {**BLACKLIST, "occurred_on": "2024-03-02"}, HB))  # number 2
    retry = post(client, "/publications/blacklist", BLACKLIST, HB, **key)
    assert retry.status_code == 200 and retry.headers["Idempotent-Replayed"] == "true"
    replayed = retry.json()
    assert replayed["replayed"] and replayed["positions"] == first["positions"]
    assert replayed["publication"] == first["publication"]  # publication 1, not the latest
    other = post(client, "/publications/blacklist", {**BLACKLIST, "as_of": "2024-04-01"}, HB, **key)
    assert other.status_code == 409 and other.json()["error"]["field"] == "Idempotency-Key"
    stale = post(client, "/publications/blacklist", BLACKLIST, HB, **{"If-Match": '"2"'})
    assert stale.status_code == 422 and stale.json()["error"]["field"] == "If-Match"


def test_without_a_signing_key_a_publication_is_409_naming_it_and_nothing_is_written(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'unsigned.db'}"  # no keygen: the key path in tmp holds nothing
    client = make_client(url)
    try:
        setup_request(client)
        before = ok(client.get("/api/v1/health"), 200)
        response = post(client, "/publications/blacklist", BLACKLIST, HB)
        assert response.status_code == 409
        assert (response.json()["error"]["field"], response.json()["error"]["rule"]) == ("signing_key", "required")
        assert ok(client.get("/api/v1/health"), 200) == before
        assert ok(client.get("/api/v1/publications", headers=HB), 200) == []
    finally:
        client.app.state.ledger.close()


# --- reading -------------------------------------------------------------------------------------------
def test_the_public_reads_the_summaries_and_officials_the_rows(client) -> None:
    setup_request(client)
    declare_dishonest(client)
    ok(post(client, "/publications/blacklist", BLACKLIST, HB))
    summary = ok(client.get("/api/v1/publications"), 200)  # anonymous
    assert [(p["kind"], p["key"], p["number"]) for p in summary] == [("blacklist", "2024-03-01", 1)]
    assert summary[0]["checkpoint_size"] and summary[0]["checkpoint_root"] and len(summary[0]["digest"]) == 64
    for headers in ({}, STREET_USER, PARTY):
        shown = ok(client.get("/api/v1/publications/blacklist/2024-03-01", headers=headers), 200)
        assert shown["rows"] is None and shown["publication"]["rows"] == 1 and shown["checkpoint_note"]
    for headers in (AUDITOR, HB, CA, FINANCE):
        assert len(ok(client.get("/api/v1/publications/blacklist/2024-03-01", headers=headers), 200)["rows"]) == 1
    missing = client.get("/api/v1/publications/blacklist/2024-04-01")
    assert missing.status_code == 404 and missing.json()["error"]["field"] == "key"
    bad = client.get("/api/v1/publications/blacklist/March")
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "key"
    assert client.get("/api/v1/publications/ratings/2024").status_code == 422  # cycles publish under /cycles


# --- star ratings --------------------------------------------------------------------------------------
def test_the_cycle_publication_signs_a_checkpoint_of_its_inputs(client, sqlite_url) -> None:
    ok(post(client, "/providers", PROVIDER_BODY, HB))
    ok(post(client, "/providers", {**PROVIDER_BODY, "uscc": uscc(2), "name": "第二物业"}, HB))
    ok(post(client, "/cycles", {"code": "RC-2024", "departments": ["housing_bureau"],
                                "weights": {"housing_bureau": 1}, "method": "thresholds",
                                "parameters": {"thresholds": [90, 80, 70, 60]}, "min_departments": 1,
                                "occurred_on": "2024-01-05"}, HB))
    ok(post(client, "/cycles/RC-2024/open", {"period_start": "2024-01-01", "period_end": "2024-12-31",
                                             "occurred_on": "2024-01-06"}, HB))
    for subject, score in ((USCC, 93), (uscc(2), 71)):
        ok(post(client, "/cycles/RC-2024/scores", {"subject_kind": "provider", "subject": subject,
                                                   "department": "housing_bureau", "score": score,
                                                   "occurred_on": "2024-12-01"}, HB))
    ok(post(client, "/cycles/RC-2024/close", {"occurred_on": "2025-01-05"}, HB))
    ok(post(client, "/cycles/RC-2024/result", {"occurred_on": "2025-01-06"}, HB))
    published = ok(post(client, "/cycles/RC-2024/publication", {"occurred_on": "2025-01-07"}, HB))

    ledger = client.app.state.ledger
    [event] = [n for n in ledger.recorder.select_notifications(1, 1000)
               if n.topic.endswith("RatingCycle.Published")]
    assert event.id == published["positions"][-1]
    state = json.loads(event.state)
    service = audit(sqlite_url)
    [signed] = [cp for cp in service.notary.all() if "ratings:RC-2024:1" in cp.digests]
    checkpoint = open_checkpoint(signed.note, verifier_key(), ORIGIN)
    assert (checkpoint.size, base64.b64encode(checkpoint.root).decode()) == (
        state["checkpoint_size"], state["checkpoint_root"])
    assert service.log.root(checkpoint.size) == checkpoint.root
    assert f"digest ratings:RC-2024:1 {state['digest']}" in checkpoint.extensions
    assert state["position"] <= signed.position < event.id  # the result's inputs, before the publication

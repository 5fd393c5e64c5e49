"""The audit page (auditor, housing bureau): integrity status, signed checkpoints, inclusion
proofs that verify, verification on request only, and how to export a bundle."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from projections.audit.service import AuditService
from projections.audit.verify import verify_inclusion
from tests.e2e.helpers import AUDITOR, FINANCE, HB, STREET_USER, make_client, ok, setup_request
from tests.e2e.test_pages_ratings import close_client


@pytest.fixture
def audited(tmp_path) -> Iterator[TestClient]:
    client = make_client(f"sqlite:///{tmp_path / 'audit.db'}", signing_key_path=tmp_path / "signing.key")
    setup_request(client)
    yield client
    close_client(client)


def service(client: TestClient) -> AuditService:
    return AuditService.from_settings(client.app.state.settings)


def test_the_audit_page_shows_the_log_status_and_says_how_to_start(audited) -> None:
    page = audited.get("/audit", headers=AUDITOR)
    assert page.status_code == 200
    position = audited.app.state.ledger.max_position()
    for word in ("审计：完整性日志", "树大小", "根哈希", "账本最新位置", "未入日志的事件", "核验整个日志", "包含证明",
                 "导出审计包", "taizhang audit export", "taizhang audit verify-bundle"):
        assert word in page.text
    assert f"<dd>{position}</dd>" in page.text  # every event is in the log (written in its own transaction)
    assert "尚无检查点" in page.text and "taizhang audit keygen" in page.text
    assert "核验通过" not in page.text  # verification runs on request, not on every page load


def test_checkpoints_are_listed_with_their_signed_note(audited) -> None:
    audit = service(audited)
    audit.keygen()
    checkpoint = audit.make_checkpoint("on demand: e2e")
    page = audited.get("/audit", headers=HB).text
    assert "签名检查点" in page and "on demand: e2e" in page
    first_line = checkpoint.note.split("\n", 1)[0]
    assert f"<pre>{first_line}\n{checkpoint.size}\n" in page
    listed = ok(audited.get("/api/v1/audit/checkpoints", headers=AUDITOR), 200)
    assert listed[0]["note"] == checkpoint.note and listed[0]["size"] == checkpoint.size
    status = ok(audited.get("/api/v1/audit/status", headers=AUDITOR), 200)
    assert status["latest_checkpoint"]["size"] == status["tree_size"] == audited.app.state.ledger.max_position()


def test_an_inclusion_proof_is_shown_as_json_and_verifies_against_the_signed_root(audited) -> None:
    audit = service(audited)
    audit.keygen()
    audit.make_checkpoint("proofs")
    page = audited.get("/audit?position=2", headers=AUDITOR).text
    assert "第 #2 号事件在树大小" in page and '<pre class="json">' in page and "&#34;kind&#34;: &#34;inclusion&#34;" in page
    proof = ok(audited.get("/api/v1/audit/inclusion?position=2", headers=AUDITOR), 200)
    decode = base64.b64decode
    assert verify_inclusion(decode(proof["leaf_hash"]), proof["leaf_index"], proof["tree_size"],
                            [decode(p) for p in proof["proof"]], decode(proof["root"]))
    assert proof["checkpoint"].startswith(audited.app.state.settings.checkpoint_origin)


def test_a_proof_that_cannot_be_made_is_explained_next_to_the_field(audited) -> None:
    none_yet = audited.get("/audit?position=2", headers=AUDITOR).text
    assert 'id="position-error"' in none_yet and "没有这个签名检查点" in none_yet
    audit = service(audited)
    audit.keygen()
    audit.make_checkpoint("proofs")
    beyond = audited.get("/api/v1/audit/inclusion?position=9999", headers=AUDITOR)
    assert beyond.status_code == 422 and beyond.json()["error"]["field"] == "position"
    assert "无法为该位置生成证明" in audited.get("/audit?position=9999", headers=AUDITOR).text
    assert "应为整数" in audited.get("/audit?position=abc", headers=AUDITOR).text


def test_verification_runs_when_asked_and_reports_the_events_and_checkpoints(audited) -> None:
    audit = service(audited)
    audit.keygen()
    audit.make_checkpoint("before verify")
    page = audited.post("/audit/verify", headers=AUDITOR)
    events = audited.app.state.ledger.max_position()
    assert page.status_code == 200 and f"核验通过：{events} 个事件，1 个检查点" in page.text
    again = audited.get("/audit/verify?lang=en", headers=AUDITOR, follow_redirects=False)  # reload or switch
    assert again.status_code == 303 and again.headers["location"] == "/audit?lang=en"
    report = ok(audited.post("/api/v1/audit/verify", headers=HB), 200)
    assert report["ok"] and report["events"] == events and report["findings"] == []


def test_the_audit_pages_are_for_the_auditor_and_the_bureau(audited) -> None:
    for headers in (STREET_USER, FINANCE):
        assert audited.get("/audit", headers=headers).status_code == 403
        assert audited.post("/audit/verify", headers=headers).status_code == 403
        assert audited.get("/api/v1/audit/status", headers=headers).status_code == 403
    anonymous = audited.get("/audit", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/login?next=/audit"
    assert audited.post("/api/v1/audit/verify").status_code == 401

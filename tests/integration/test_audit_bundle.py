"""Export → verify-bundle offline: an intact bundle passes (directory and zip,
with the bundle's own verifier and nothing of the project importable); a
tampered one fails naming the position."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import pytest

from projections.audit.checkpoint import generate_key
from projections.audit.offline import verify_bundle
from tests.unit.audit.support import audit_service, fill
from tests.unit.domain import builders as b


@pytest.fixture
def exported(database_url, tmp_path):
    service = audit_service(database_url, tmp_path)
    ledger = service.ledger()
    fill(ledger, providers=3)
    service.make_checkpoint("first")
    for i in range(4):
        b.provider(ledger, b.uscc(200 + i))
    service.make_checkpoint("second")
    b.provider(ledger, b.uscc(300))  # export signs a third checkpoint covering this one
    path = tmp_path / "bundle"
    manifest = service.export(path)
    return service, path, manifest


def _rewrite_events(path, change) -> None:
    lines = (path / "events.jsonl").read_text(encoding="utf-8").splitlines()
    (path / "events.jsonl").write_text("\n".join(change(lines)) + "\n", encoding="utf-8")


def test_an_intact_bundle_verifies_with_the_published_key(exported):
    service, path, manifest = exported
    report = verify_bundle(path, service.notary.verifier_key())
    assert report["ok"], report
    assert report["events"] == manifest["events"] == service.log.max_position()
    assert report["checkpoints"] == 3 and report["key_pinned"] and not report["warnings"]
    proofs = [json.loads(line) for line in (path / "proofs.jsonl").read_text().splitlines()]
    assert {p["kind"] for p in proofs} == {"inclusion", "consistency"}


def test_a_zip_bundle_verifies_with_only_its_own_verifier(exported, tmp_path):
    service, path, _ = exported
    zipped = tmp_path / "bundle.zip"
    service.export(zipped)
    assert verify_bundle(zipped, service.notary.verifier_key())["ok"]
    with zipfile.ZipFile(zipped) as z:
        z.extractall(tmp_path / "unzipped")
    # the shipped verifier, with the project, SQLAlchemy and eventsourcing made unimportable
    script = ("import sys, runpy; [sys.modules.__setitem__(m, None) for m in "
              "('projections', 'domain', 'sqlalchemy', 'eventsourcing', 'api')]; "
              f"sys.path.insert(0, {str(tmp_path / 'unzipped' / 'verifier')!r}); "
              f"sys.argv = ['offline.py', {str(zipped)!r}, {service.notary.verifier_key()!r}]; "
              "runpy.run_path(sys.path[0] + '/offline.py', run_name='__main__')")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ok"]


def test_a_changed_event_in_the_bundle_is_named(exported):
    service, path, _ = exported

    def change(lines):
        event = json.loads(lines[5])
        assert '"u-1"' in event["state"]
        event["state"] = event["state"].replace("\"u-1\"", "\"u-2\"")
        lines[5] = json.dumps(event, ensure_ascii=False)
        return lines

    _rewrite_events(path, change)
    report = verify_bundle(path, service.notary.verifier_key())
    assert not report["ok"]
    assert report["first_bad_position"] == 6
    assert report["findings"][0]["kind"] == "altered"
    assert report["findings"][0]["event"]["topic"]


def test_a_removed_event_in_the_bundle_is_named(exported):
    service, path, _ = exported
    _rewrite_events(path, lambda lines: lines[:3] + lines[4:])
    report = verify_bundle(path, service.notary.verifier_key())
    assert report["first_bad_position"] == 4
    assert report["findings"][0]["kind"] == "missing"


def test_a_rehashed_forgery_in_the_bundle_is_bounded_by_the_checkpoints(exported):
    """Changing an event *and* its recorded leaf hash: only the signed roots catch it."""
    from projections.audit.verify import event_leaf_hash
    import base64

    service, path, _ = exported
    first_size = service.notary.all()[0].size

    def change(lines):
        e = json.loads(lines[first_size + 1])
        assert '"u-1"' in e["state"]
        e["state"] = e["state"].replace("\"u-1\"", "\"u-2\"")
        h = event_leaf_hash(e["position"], e["originator_id"], e["originator_version"], e["topic"],
                            e["state"].encode())
        e["leaf_hash"] = base64.b64encode(h).decode()
        lines[first_size + 1] = json.dumps(e, ensure_ascii=False)
        return lines

    _rewrite_events(path, change)
    report = verify_bundle(path, service.notary.verifier_key())
    assert not report["ok"]
    assert {f["kind"] for f in report["findings"]} >= {"checkpoint"}
    # the first checkpoint still matches: the forgery is after it
    assert report["first_bad_position"] == first_size + 1


def test_a_bundle_checked_with_another_key_fails(exported):
    _, path, _ = exported
    _, other = generate_key("taizhang.test/audit")
    report = verify_bundle(path, other)
    assert not report["ok"] and all(f["kind"] == "checkpoint" for f in report["findings"][:3])


def test_a_bundle_whose_own_key_was_swapped_fails_against_the_published_key(exported):
    service, path, _ = exported
    _, other = generate_key("taizhang.test/audit")
    (path / "public.key").write_text(other + "\n")
    assert not verify_bundle(path)["ok"]  # notes were signed by the real key
    assert verify_bundle(path, service.notary.verifier_key())["ok"]


def test_export_refuses_to_overwrite(exported):
    service, path, _ = exported
    with pytest.raises(FileExistsError):
        service.export(path)

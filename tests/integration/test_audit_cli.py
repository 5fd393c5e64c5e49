"""`taizhang audit …` end to end on a real database: JSON out, exit codes that a script can trust."""

from __future__ import annotations

import base64
import json

import pytest
import typer
from typer.testing import CliRunner

from api.cli_audit import register
from projections.audit.checkpoint import open_checkpoint
from projections.audit.verify import event_leaf_hash, verify_consistency, verify_inclusion
from tests.unit.audit.support import ORIGIN, Tamperer, audit_service, fill
from tests.unit.domain import builders as b


@pytest.fixture
def cli(database_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TAIZHANG_DATABASE_URL", database_url)
    monkeypatch.setenv("TAIZHANG_SIGNING_KEY_PATH", str(tmp_path / "signing.key"))
    monkeypatch.setenv("TAIZHANG_CHECKPOINT_ORIGIN", ORIGIN)
    app = typer.Typer()
    register(app)
    runner = CliRunner()

    def run(*args: str, code: int = 0):
        result = runner.invoke(app, ["audit", *args])
        assert result.exit_code == code, (result.stdout, result.stderr if hasattr(result, "stderr") else "")
        try:
            return json.loads(result.stdout)
        except json.JSONDecodeError:
            return result.stdout

    service = audit_service(database_url, tmp_path, keygen=False)
    fill(service.ledger(), providers=4)
    return run, service


def test_keygen_writes_a_key_once_and_refuses_to_overwrite(cli, tmp_path):
    run, _ = cli
    out = run("keygen")
    assert out["verifier_key"].startswith(ORIGIN + "+")
    assert (tmp_path / "signing.key").stat().st_mode & 0o777 == 0o600
    run("keygen", code=2)
    assert (tmp_path / "signing.key.pub").read_text().strip() == out["verifier_key"]


def test_checkpoint_then_inclusion_and_consistency_proofs_verify_independently(cli):
    run, service = cli
    vkey = run("keygen")["verifier_key"]
    first = run("checkpoint", "--reason", "on demand")
    b.provider(service.ledger(), b.uscc(900))
    second = run("checkpoint")
    signed = open_checkpoint(second["note"], vkey, ORIGIN)
    proof = run("prove", "--position", "5")
    e = proof["event"]
    leaf = event_leaf_hash(e["position"], e["originator_id"], e["originator_version"], e["topic"],
                           e["state"].encode())
    assert verify_inclusion(leaf, proof["leaf_index"], signed.size, [base64.b64decode(p) for p in proof["proof"]],
                            signed.root)
    proof = run("prove", "--from", str(first["size"]), "--to", str(second["size"]))
    old = open_checkpoint(proof["old_checkpoint"], vkey, ORIGIN)
    assert verify_consistency(old.size, signed.size, old.root, signed.root,
                              [base64.b64decode(p) for p in proof["proof"]])
    older = run("prove", "--position", "3", "--checkpoint", str(first["size"]))
    assert older["tree_size"] == first["size"]


def test_prove_rejects_unknown_positions_and_bad_argument_mixes(cli):
    run, _ = cli
    run("keygen")
    run("checkpoint")
    run("prove", "--position", "999", code=1)
    run("prove", "--position", "1", "--from", "1", code=2)
    run("prove", code=2)


def test_verify_exits_1_and_names_the_first_bad_position(cli, database_url):
    run, _ = cli
    run("keygen")
    run("checkpoint")
    assert run("verify")["ok"]
    tamper = Tamperer(database_url)
    tamper.flip_byte(4)
    tamper.dispose()
    out = run("verify", code=1)
    assert out["first_bad_position"] == 4


def test_export_and_verify_bundle(cli, tmp_path):
    run, _ = cli
    vkey = run("keygen")["verifier_key"]
    manifest = run("export", str(tmp_path / "b.zip"))
    assert manifest["checkpoints"] == 1  # export signed one
    assert run("verify-bundle", str(tmp_path / "b.zip"), "--key", vkey)["ok"]
    run("verify-bundle", str(tmp_path / "nothing"), code=2)


def test_forget_erases_the_person_and_verify_still_passes(cli):
    run, service = cli
    run("keygen")
    run("checkpoint")
    out = run("forget", "13800000001")
    assert len(out["person_id"]) == 32 and out["erased_at"]
    assert run("verify")["ok"]
    run("forget", "13800000001", code=2)  # already forgotten


def test_status_reports_unlogged_events_and_catch_up_adopts_them(cli, database_url):
    from domain.ledger import Ledger

    run, _ = cli
    b.provider(Ledger(database_url), b.uscc(901))
    assert run("status")["unlogged"] == 1
    assert run("catch-up") == {"adopted": 1}
    assert run("status")["unlogged"] == 0


@pytest.mark.slow  # builds every read model three times
def test_replay_from_the_database_and_from_a_bundle(cli, tmp_path):
    run, _ = cli
    vkey = run("keygen")["verifier_key"]
    cp = run("checkpoint", "--digests", "--reason", "publication")
    assert cp["digests"]
    assert run("replay")["result"] == "match"
    run("export", str(tmp_path / "b"))
    out = run("replay", "--bundle", str(tmp_path / "b"), "--key", vkey, "--checkpoint", str(cp["size"]))
    assert out["result"] == "match" and out["recorded"] == sorted(cp["digests"])

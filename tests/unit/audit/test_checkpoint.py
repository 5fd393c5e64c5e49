"""Signed-note checkpoints.

Interop vectors from golang/mod sumdb/note/note_test.go
@ 02c991387e35f9e4c0a9b7ce137717055f8d716d (TestSign, TestOpen,
TestNewVerifier, TestNewSigner); Ed25519 is deterministic, so our signer must
reproduce Go's signature byte for byte.  Checkpoint layout from
C2SP tlog-checkpoint.md @ 2793893976c835db049c194d8f2c4f946dcb70ba.
"""

from __future__ import annotations

import base64
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from projections.audit.checkpoint import (
    Checkpoint,
    CheckpointError,
    _parse_key,
    generate_key,
    open_checkpoint,
    open_note,
    parse_checkpoint,
    sign_checkpoint,
    sign_note,
    verifier_key_for,
)

PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
PETER_SIG = "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
ENOCH_SIG = "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"
ROOT = bytes(range(32))


# --- Go sumdb/note interop ---------------------------------------------------

def test_sign_matches_go_byte_for_byte() -> None:
    assert sign_note(TEXT, PETER_SKEY) == TEXT + "\n" + PETER_SIG


def test_verifier_key_derived_from_go_signer_key() -> None:
    assert verifier_key_for(PETER_SKEY) == PETER_VKEY


def test_open_go_note_ignores_other_keys() -> None:
    note = TEXT + "\n" + PETER_SIG + ENOCH_SIG
    assert open_note(note, PETER_VKEY) == TEXT
    assert open_note(note, ENOCH_VKEY) == TEXT
    with pytest.raises(CheckpointError, match="no signature by key PeterNeumann"):
        open_note(TEXT + "\n" + ENOCH_SIG, PETER_VKEY)


def test_open_rejects_corrupt_signature_from_known_key() -> None:
    bad = TEXT + "\n" + PETER_SIG[:60] + "ABCD" + PETER_SIG[60:]
    with pytest.raises(CheckpointError, match="invalid signature for key PeterNeumann"):
        open_note(bad, PETER_VKEY)
    flipped = PETER_SIG.replace("x08go/ZJ", "x08go/ZK")
    with pytest.raises(CheckpointError, match="invalid signature"):
        open_note(TEXT + "\n" + flipped, PETER_VKEY)


@pytest.mark.parametrize(
    "msg",
    [
        TEXT,
        TEXT + "\n",
        TEXT + "\n" + PETER_SIG[:-1],
        "\x01" + TEXT + "\n" + PETER_SIG,
        b"\xff" + (TEXT + "\n" + PETER_SIG).encode(),
        TEXT + "\n" + "— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
        TEXT + "\n" + PETER_SIG + "Unexpected line.\n",
        TEXT + "\n" + PETER_SIG * 101,
    ],
)
def test_open_rejects_go_malformed_notes(msg) -> None:
    with pytest.raises(CheckpointError):
        open_note(msg, PETER_VKEY)


def _manglings(key: str):
    b = key
    for i in range(len(b) + 1):
        for j in range(i + 1, len(b) + 1):
            if (i, j) != (0, len(b)):
                yield b[i:j]
    for i in range(len(b)):
        yield b[:i] + chr(ord(b[i]) + 1) + b[i + 1 :]


@pytest.mark.parametrize(("key", "private"), [(PETER_VKEY, False), (PETER_SKEY, True)])
def test_mangled_keys_are_rejected(key: str, private: bool) -> None:
    _parse_key(key, private)
    for bad in _manglings(key):
        with pytest.raises(CheckpointError):
            _parse_key(bad, private)
            pytest.fail(f"accepted mangled key {bad!r}")


@pytest.mark.parametrize(
    "vkey",
    [
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",  # wrong length
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # unknown algorithm
    ],
)
def test_go_bad_verifier_keys(vkey: str) -> None:
    with pytest.raises(CheckpointError):
        open_note(TEXT + "\n" + PETER_SIG, vkey)


# --- checkpoints -------------------------------------------------------------

def test_generated_keys_have_note_encoding() -> None:
    skey, vkey = generate_key("taizhang.example/log")
    assert re.fullmatch(r"PRIVATE\+KEY\+taizhang\.example/log\+[0-9a-f]{8}\+[A-Za-z0-9+/]{43}[A-Za-z0-9+/=]", skey)
    assert re.fullmatch(r"taizhang\.example/log\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}", vkey)
    assert base64.b64decode(vkey.split("+", 2)[2])[0] == 1
    assert verifier_key_for(skey) == vkey
    assert generate_key("taizhang.example/log") != (skey, vkey)
    with pytest.raises(CheckpointError):
        generate_key("has space")


def test_checkpoint_layout_and_round_trip() -> None:
    skey, vkey = generate_key("taizhang.example/log")
    note = sign_checkpoint("taizhang.example/log", 42, ROOT, skey, extensions=["ext one"])
    body, sig = note.split("\n\n")
    assert body.split("\n") == ["taizhang.example/log", "42", base64.b64encode(ROOT).decode(), "ext one"]
    assert sig.startswith("\u2014 taizhang.example/log ") and sig.endswith("\n") and sig.count("\n") == 1
    assert len(base64.b64decode(sig.split(" ")[2])) == 4 + 64
    cp = open_checkpoint(note, vkey, origin="taizhang.example/log")
    assert cp == Checkpoint("taizhang.example/log", 42, ROOT, ("ext one",))
    assert open_checkpoint(note.encode(), vkey) == cp


def test_c2sp_example_body_parses() -> None:
    cp = parse_checkpoint("example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")
    assert (cp.origin, cp.size, len(cp.root), cp.extensions) == ("example.com/behind-the-sofa", 20852163, 32, ())


def test_checkpoint_signed_by_another_key_is_rejected() -> None:
    skey, _ = generate_key("taizhang.example/log")
    _, other_vkey = generate_key("taizhang.example/log")  # same name, other key
    note = sign_checkpoint("taizhang.example/log", 1, ROOT, skey)
    with pytest.raises(CheckpointError, match="no signature by key"):
        open_checkpoint(note, other_vkey)
    with pytest.raises(CheckpointError, match="no signature by key"):
        open_checkpoint(note, PETER_VKEY)


@pytest.mark.parametrize(
    ("old", "new"),
    [("\n42\n", "\n43\n"), ("log\n", "loh\n"), ("AAECAw", "AAECBA"), ("42\n", "42\nextra line\n")],
)
def test_tampered_checkpoint_body_is_rejected(old: str, new: str) -> None:
    skey, vkey = generate_key("taizhang.example/log")
    note = sign_checkpoint("taizhang.example/log", 42, ROOT, skey)
    assert old in note
    with pytest.raises(CheckpointError, match="invalid signature"):
        open_checkpoint(note.replace(old, new, 1), vkey)


def test_origin_pin() -> None:
    skey, vkey = generate_key("k")
    note = sign_checkpoint("other.example/log", 1, ROOT, skey)
    with pytest.raises(CheckpointError, match="origin"):
        open_checkpoint(note, vkey, origin="taizhang.example/log")


@pytest.mark.parametrize(
    "body",
    [
        "o\n42\n",  # no root line
        "o\n042\n" + base64.b64encode(ROOT).decode() + "\n",  # leading zero
        "o\n-1\n" + base64.b64encode(ROOT).decode() + "\n",
        "o\n4 2\n" + base64.b64encode(ROOT).decode() + "\n",
        "o\n42\n" + base64.b64encode(ROOT[:31]).decode() + "\n",  # short root
        "o\n42\n" + base64.b64encode(ROOT).decode().rstrip("=") + "\n",  # unpadded
        "o\n42\n" + base64.urlsafe_b64encode(bytes([251] * 32)).decode() + "\n",  # URL alphabet
        "o\n42\n" + base64.b64encode(ROOT).decode() + "\n\next\n",  # empty extension line
        "\n42\n" + base64.b64encode(ROOT).decode() + "\n",  # empty origin
        "o\n18446744073709551616\n" + base64.b64encode(ROOT).decode() + "\n",  # 2**64
    ],
)
def test_validly_signed_but_malformed_checkpoints_are_rejected(body: str) -> None:
    skey, vkey = generate_key("k")
    with pytest.raises(CheckpointError, match="malformed|base64"):
        open_checkpoint(sign_note(body, skey), vkey)


@pytest.mark.parametrize(
    ("origin", "size", "root", "ext"),
    [("", 1, ROOT, ()), ("a\nb", 1, ROOT, ()), ("o", -1, ROOT, ()), ("o", 2**64, ROOT, ()), ("o", 1, ROOT[:31], ()),
     ("o", 1, ROOT, ("",)), ("o", 1, ROOT, ("a\nb",)), ("o\x07", 1, ROOT, ())],
)
def test_sign_refuses_malformed_checkpoints(origin, size, root, ext) -> None:
    skey, _ = generate_key("k")
    with pytest.raises(CheckpointError):
        sign_checkpoint(origin, size, root, skey, ext)


_line = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=30)
_KEYS = generate_key("taizhang.example/log")


@given(_line, st.integers(0, 2**63 - 1), st.binary(min_size=32, max_size=32), st.lists(_line, max_size=3))
def test_checkpoint_round_trip(origin, size, root, ext) -> None:
    note = sign_checkpoint(origin, size, root, _KEYS[0], ext)
    assert open_checkpoint(note, _KEYS[1]) == Checkpoint(origin, size, root, tuple(ext))

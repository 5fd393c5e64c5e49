"""The canonical leaf encoding of a stored event (leaf format 1), and the
offline verifier's dependency rule: standard library and cryptography only."""

from __future__ import annotations

import ast
import hashlib
import struct
import sys
import uuid
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from projections.audit.verify import ProofError, event_leaf_data, event_leaf_hash

OID = uuid.UUID("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")
AUDIT = Path(__file__).resolve().parents[3] / "projections" / "audit"


def test_layout_is_version_position_id_version_and_length_prefixed_fields():
    data = event_leaf_data(7, OID, 3, "domain.x:X.Y", b'{"a":1}')
    assert data == (b"\x01" + struct.pack(">Q", 7) + OID.bytes + struct.pack(">Q", 3)
                    + struct.pack(">I", 12) + b"domain.x:X.Y" + struct.pack(">I", 7) + b'{"a":1}')
    assert event_leaf_hash(7, OID, 3, "domain.x:X.Y", b'{"a":1}') == hashlib.sha256(b"\x00" + data).digest()


def test_golden_leaf_hash_pins_the_format():
    # Any change here changes every leaf of every ledger: it must come with a new LEAF_FORMAT.
    assert event_leaf_hash(1, OID, 1, "t", b"s").hex() == hashlib.sha256(
        bytes.fromhex("00" "01" "0000000000000001" "0f1e2d3c4b5a69788796a5b4c3d2e1f0" "0000000000000001"
                      "00000001" "74" "00000001" "73")).hexdigest()


def test_uuid_forms_of_both_recorders_give_the_same_leaf():
    forms = (OID, OID.hex, str(OID), OID.bytes)  # PostgreSQL uuid, SQLite hex text
    assert len({event_leaf_hash(1, f, 1, "t", b"s") for f in forms}) == 1


def test_non_uuid_originator_and_out_of_range_numbers_are_refused():
    with pytest.raises(ProofError, match="not a UUID"):
        event_leaf_data(1, "not-a-uuid", 1, "t", b"")
    with pytest.raises(ProofError):
        event_leaf_data(2**64, OID, 1, "t", b"")
    with pytest.raises(ProofError):
        event_leaf_data(1, OID, -1, "t", b"")


events = st.tuples(st.integers(0, 2**64 - 1), st.uuids(), st.integers(0, 2**64 - 1), st.text(max_size=30),
                   st.binary(max_size=60))


@given(events, events)
def test_different_events_never_share_an_encoding(a, b):
    if a != b:
        assert event_leaf_data(*a) != event_leaf_data(*b)


@given(events, st.binary(min_size=1, max_size=5))
def test_moving_bytes_between_topic_and_state_changes_the_leaf(e, extra):
    pos, oid, ver, topic, state = e
    assert event_leaf_data(pos, oid, ver, topic + extra.hex(), state) != \
        event_leaf_data(pos, oid, ver, topic, extra.hex().encode() + state)


OFFLINE = ("verify.py", "checkpoint.py", "offline.py")
ALLOWED = set(sys.stdlib_module_names) | {"cryptography", "projections", "checkpoint", "verify"}


@pytest.mark.parametrize("name", OFFLINE)
def test_offline_verifier_imports_only_stdlib_cryptography_and_itself(name):
    tree = ast.parse((AUDIT / name).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            mods = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            mods = [node.module or ""]
        else:
            continue
        for mod in mods:
            assert mod.split(".")[0] in ALLOWED, f"{name} imports {mod}"
            if mod.startswith("projections"):
                assert mod in {"projections.audit.verify", "projections.audit.checkpoint"}, mod

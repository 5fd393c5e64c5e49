"""Offline proof verification, RFC 9162 §2.1.3.2 and §2.1.4.2.

Standard library only, so an auditor can run it on an exported bundle with
nothing installed but Python.  Every function either returns True or raises
``ProofError`` with the reason (never returns False), so a CLI can print why a
proof was rejected and a caller cannot mistake a falsy result for success by
forgetting to check it.

Strictness beyond the RFC text, on purpose: every hash must be exactly 32
bytes; a proof with a missing or extra element is rejected (the RFC loop
detects both via ``sn``); the empty tree is only consistent with
SHA-256("") as its root; sizes and indices must be non-negative ints.

The canonical bytes of a stored event (what a leaf hashes) are defined at the
end of this module: ``event_leaf_data`` / ``event_leaf_hash``, leaf format 1.
"""

from __future__ import annotations

import hashlib
import struct
import uuid
from collections.abc import Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()


class ProofError(ValueError):
    """A Merkle proof did not verify; the message says why."""


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _check_int(name: str, value: object) -> int:
    # bool is an int subclass; True as a tree size is a caller bug, not a size.
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ProofError(f"{name} must be a non-negative integer, got {value!r}")
    return value


def _check_hash(name: str, value: object) -> bytes:
    if not isinstance(value, (bytes, bytearray)) or len(value) != HASH_SIZE:
        raise ProofError(f"{name} must be {HASH_SIZE} bytes")
    return bytes(value)


def _check_path(proof: Sequence[bytes]) -> list[bytes]:
    if isinstance(proof, (bytes, bytearray, str)):
        raise ProofError("proof must be a sequence of hashes, not one string")
    return [_check_hash(f"proof[{i}]", p) for i, p in enumerate(proof)]


def root_from_inclusion_proof(leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes]) -> bytes:
    """RFC 9162 §2.1.3.2 steps 1-5: the root the proof implies."""
    index, size = _check_int("index", index), _check_int("size", size)
    r = _check_hash("leaf hash", leaf_hash)
    path = _check_path(proof)
    if index >= size:
        raise ProofError(f"leaf index {index} is not below tree size {size}")
    fn, sn = index, size - 1
    for p in path:
        if sn == 0:
            raise ProofError("inclusion proof has too many elements")
        if fn & 1 or fn == sn:
            r = _node(p, r)
            if not fn & 1:  # skip levels where our node has no right sibling
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = _node(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("inclusion proof has too few elements")
    return r


def verify_inclusion(leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> bool:
    """Check that ``leaf_hash`` is leaf ``index`` of the tree (size, root)."""
    root = _check_hash("root", root)
    if root_from_inclusion_proof(leaf_hash, index, size, proof) != root:
        raise ProofError("inclusion proof does not lead to the given root")
    return True


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Check that tree (new_size, new_root) extends (old_size, old_root)."""
    first, second = _check_int("old size", old_size), _check_int("new size", new_size)
    first_hash, second_hash = _check_hash("old root", old_root), _check_hash("new root", new_root)
    path = _check_path(proof)
    if first > second:
        raise ProofError(f"old size {first} is larger than new size {second}")
    if first == 0 or first == second:
        # Trivial cases the RFC algorithm does not cover; proof must be empty.
        if path:
            raise ProofError("consistency proof must be empty for this pair of sizes")
        if first == 0 and first_hash != EMPTY_ROOT:
            raise ProofError("old root of an empty tree must be SHA-256('')")
        if first == second and first_hash != second_hash:
            raise ProofError("same tree size but different roots")
        return True
    if not path:  # step 1
        raise ProofError("consistency proof is empty")
    if first & (first - 1) == 0:  # step 2: old tree is a perfect subtree
        path = [first_hash, *path]
    fn, sn = first - 1, second - 1  # step 3
    while fn & 1:  # step 4
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]  # step 5
    for c in path[1:]:  # step 6
        if sn == 0:
            raise ProofError("consistency proof has too many elements")
        if fn & 1 or fn == sn:
            fr = _node(c, fr)
            sr = _node(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = _node(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:  # step 7
        raise ProofError("consistency proof has too few elements")
    if fr != first_hash:
        raise ProofError("consistency proof does not lead to the old root")
    if sr != second_hash:
        raise ProofError("consistency proof does not lead to the new root")
    return True


# --- the ledger's leaves: canonical bytes of one stored event -------------------
#
# Leaf format 1.  A leaf is RFC 9162's SHA-256(0x00 || data) over
#
#     data = 0x01                             format version
#          || u64be(position)                 ledger position = notification id
#          || originator_id                   the aggregate's UUID, 16 raw bytes
#          || u64be(originator_version)
#          || u32be(len(topic)) || topic      UTF-8
#          || u32be(len(state)) || state      the stored bytes, exactly as recorded
#
# Every field is fixed-width or length-prefixed, so no two different events
# share an encoding.  The position is part of the leaf on purpose: all "as of
# position N" claims (projections, approvals that cite the blacklist position,
# checkpoints) then rest on authenticated positions, and a renumbering of the
# event table (a dump restored with other ids, a VACUUM that moves rowids)
# shows up as tampering instead of silently shifting history.  PostgreSQL may
# leave gaps in notification ids (rolled-back sequence values): a gap is no
# event and has no leaf, so leaf index and position can differ; the position in
# the leaf says which is which.  The state is hashed as stored (JSON written by
# eventsourcing's transcoder), never re-serialised: what is proved is the row.

LEAF_FORMAT = 1


def _uuid_bytes(originator_id: object) -> bytes:
    if isinstance(originator_id, str) and len(originator_id) == 32:  # SQLite recorder: 32 hex digits
        try:
            return bytes.fromhex(originator_id)
        except ValueError:
            pass
    if isinstance(originator_id, (bytes, bytearray)) and len(originator_id) == 16:
        return bytes(originator_id)
    if isinstance(originator_id, uuid.UUID):  # PostgreSQL recorder: uuid
        return originator_id.bytes
    try:
        return uuid.UUID(str(originator_id)).bytes
    except ValueError:
        raise ProofError(f"originator id {originator_id!r} is not a UUID") from None


_HEAD = struct.Struct(">BQ16sQI")  # format, position, originator id, version, len(topic)
_LEAF_HEAD = struct.Struct(">BBQ16sQI")  # 0x00 (RFC 9162 leaf prefix) + _HEAD
_LEN = struct.Struct(">I")


def _parts(position: int, originator_id: object, originator_version: int, topic: str, state: bytes,
           head: struct.Struct, *prefix: int) -> tuple:
    topic_b = topic.encode("utf-8")
    try:  # struct refuses negative numbers and anything wider than its field
        return (head.pack(*prefix, LEAF_FORMAT, position, _uuid_bytes(originator_id), originator_version,
                          len(topic_b)), topic_b, _LEN.pack(len(state)), state)
    except struct.error:
        raise ProofError("position and version must fit in 64 bits, topic and state in 4 GiB") from None


def event_leaf_data(position: int, originator_id: object, originator_version: int,
                    topic: str, state: bytes) -> bytes:
    """Canonical bytes of one stored event (leaf format 1, see above)."""
    return b"".join(_parts(position, originator_id, originator_version, topic, state, _HEAD))


def event_leaf_hash(position: int, originator_id: object, originator_version: int,
                    topic: str, state: bytes) -> bytes:
    """RFC 9162 leaf hash of one stored event: SHA-256(0x00 || event_leaf_data(...))."""
    return hashlib.sha256(b"".join(_parts(position, originator_id, originator_version, topic, state,
                                          _LEAF_HEAD, 0))).digest()

"""Inclusion and consistency proofs as JSON, checked before they are handed out.

A proof that does not verify against the stored events and the signed root
is refused with the reason (a tampered event, a damaged log), never printed.
"""

from __future__ import annotations

import base64
from typing import Any
from uuid import UUID

from projections.audit.log import IntegrityLog, b64
from projections.audit.notary import SignedCheckpoint
from projections.audit.sql import EventRow
from projections.audit.verify import ProofError, event_leaf_hash, verify_consistency, verify_inclusion


def event_json(row: EventRow, leaf_index: int | None, leaf_hash: bytes | None) -> dict[str, Any]:
    """One stored event as a bundle line: exact bytes, readable when they are UTF-8."""
    position, originator_id, version, topic, state = row
    out: dict[str, Any] = {"position": position, "leaf_index": leaf_index,
                           "originator_id": str(UUID(str(originator_id))), "originator_version": version,
                           "topic": topic}
    try:
        out["state"] = bytes(state).decode("utf-8")
    except UnicodeDecodeError:
        out["state_b64"] = b64(bytes(state))
    out["leaf_hash"] = b64(leaf_hash) if leaf_hash is not None else None
    return out


def inclusion(log: IntegrityLog, position: int, size: int, checkpoint: SignedCheckpoint | None = None
              ) -> dict[str, Any]:
    """Proof that the event at ``position`` is in the tree of ``size`` leaves."""
    index = log.leaf_index(position)
    if index is None:
        raise ProofError(f"position {position} is not in the integrity log")
    if index >= size:
        raise ProofError(f"position {position} is leaf {index}, not in a tree of size {size}")
    row = log.event(position)
    if row is None:
        raise ProofError(f"position {position}: the logged event is missing from the event table")
    leaf = event_leaf_hash(*row)
    root = checkpoint.root if checkpoint else log.root(size)
    path = log.merkle.inclusion_proof(index, size)
    try:
        verify_inclusion(leaf, index, size, path, root)
    except ProofError as error:
        raise ProofError(f"position {position} does not verify against the root of size {size} ({error}): "
                         "run `taizhang audit verify`") from None
    return {"kind": "inclusion", "position": position, "leaf_index": index, "tree_size": size,
            "leaf_hash": b64(leaf), "root": b64(root), "proof": [b64(p) for p in path],
            "event": event_json(row, index, leaf), "checkpoint": checkpoint.note if checkpoint else None}


def consistency(log: IntegrityLog, old: int, new: int, old_cp: SignedCheckpoint | None = None,
                new_cp: SignedCheckpoint | None = None) -> dict[str, Any]:
    """Proof that the tree of ``new`` leaves extends the tree of ``old`` leaves."""
    if not 0 <= old <= new:
        raise ProofError(f"need 0 <= from <= to, got {old}, {new}")
    old_root = old_cp.root if old_cp else log.root(old)
    new_root = new_cp.root if new_cp else log.root(new)
    path = log.merkle.consistency_proof(old, new)
    try:
        verify_consistency(old, new, old_root, new_root, path)
    except ProofError as error:
        raise ProofError(f"the log of size {new} does not extend the one of size {old} ({error})") from None
    return {"kind": "consistency", "old_size": old, "new_size": new, "old_root": b64(old_root),
            "new_root": b64(new_root), "proof": [b64(p) for p in path],
            "old_checkpoint": old_cp.note if old_cp else None, "new_checkpoint": new_cp.note if new_cp else None}


def decode(values: list[str]) -> list[bytes]:
    return [base64.b64decode(v) for v in values]

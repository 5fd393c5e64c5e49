"""Check an exported audit bundle offline: standard library + ``cryptography`` only.

Bundle (a directory, or the same files in a .zip):

    manifest.json       format, origin, leaf format, tree size, last position, export time
    public.key          the signed-note verifier key of the ledger
    events.jsonl        one stored event per line, in notification order:
                        {"position", "leaf_index", "originator_id", "originator_version",
                         "topic", "state" (UTF-8 text) or "state_b64", "leaf_hash" (base64)}
    checkpoints.jsonl   {"id", "size", "position", "created_at", "reason", "digests", "note"}
    proofs.jsonl        {"kind": "inclusion", "position", "leaf_index", "tree_size", "proof"}
                        {"kind": "consistency", "old_size", "new_size", "proof"}
    verifier/           a copy of this module, verify.py and checkpoint.py

What is trusted: the verifier key (pass the one the bureau published with
``key=``; the bundle's own copy only proves self-consistency) and nothing
else.  Every checkpoint note must carry a valid signature; the tree is
recomputed from the events (leaf format: ``verify.event_leaf_data``) and its
root at each checkpoint size compared with the signed root; proofs are
checked against the signed roots.  An event whose bytes no longer give its
recorded leaf hash is named exactly; a bundle whose leaf hashes were rewritten
too is bounded by the checkpoints (the first one that fails).

Run standalone:  python verifier/offline.py BUNDLE [VERIFIER_KEY]
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import sys
import zipfile
from pathlib import Path
from typing import Any, Iterator

try:
    from projections.audit.checkpoint import CheckpointError, open_checkpoint
    from projections.audit.verify import ProofError, event_leaf_hash, verify_consistency, verify_inclusion
except ImportError:  # run from a bundle's verifier/ directory
    from checkpoint import CheckpointError, open_checkpoint  # type: ignore[no-redef]
    from verify import ProofError, event_leaf_hash, verify_consistency, verify_inclusion  # type: ignore[no-redef]

FORMAT = "taizhang-audit-bundle/1"


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


class Bundle:
    """Read access to a bundle directory or zip."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.zip = zipfile.ZipFile(self.path) if self.path.is_file() else None

    def exists(self, name: str) -> bool:
        return name in self.zip.namelist() if self.zip else (self.path / name).exists()

    def lines(self, name: str) -> Iterator[str]:
        if not self.exists(name):
            return
        raw = self.zip.open(name) if self.zip else open(self.path / name, "rb")
        with io.TextIOWrapper(raw, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    yield line

    def text(self, name: str) -> str:
        return "".join(self.lines(name))


def _state_bytes(event: dict) -> bytes:
    if "state_b64" in event:
        return base64.b64decode(event["state_b64"], validate=True)
    return event["state"].encode("utf-8")


def verify_bundle(path: str | Path, key: str | None = None) -> dict[str, Any]:
    """Check a bundle; returns a report dict with ``ok`` and ``first_bad_position``."""
    bundle = Bundle(path)
    findings: list[dict] = []
    warnings: list[str] = []

    def bad(kind: str, message: str, position: int | None = None, event: dict | None = None) -> None:
        if len(findings) < 100:
            findings.append({"kind": kind, "message": message, "position": position, "event": event})

    manifest = json.loads(bundle.text("manifest.json") or "{}")
    if manifest.get("format") != FORMAT:
        bad("manifest", f"not a {FORMAT} bundle")
        return _report(findings, warnings, 0, 0, key is not None)
    vkey = key or bundle.text("public.key").strip()
    if key is None:
        warnings.append("verifier key taken from the bundle: compare it with the key the bureau published")
    origin = manifest.get("origin")

    # 1. checkpoints: signatures first, everything else is measured against them.
    signed: list[tuple[int, bytes, dict]] = []
    for line in bundle.lines("checkpoints.jsonl"):
        cp = json.loads(line)
        try:
            parsed = open_checkpoint(cp["note"], vkey, origin)
        except (CheckpointError, KeyError) as error:
            bad("checkpoint", f"checkpoint #{cp.get('id')}: {error}")
            continue
        if parsed.size != cp.get("size"):
            bad("checkpoint", f"checkpoint #{cp.get('id')}: size field differs from the signed note")
        signed.append((parsed.size, parsed.root, cp))
    signed.sort(key=lambda s: s[0])
    wanted = {s for s, _, _ in signed}
    proofs = [json.loads(line) for line in bundle.lines("proofs.jsonl")]
    wanted_leaves = {p["position"] for p in proofs if p.get("kind") == "inclusion"}

    # 2. events: recompute every leaf, the tree, and the roots at checkpoint sizes.
    roots: dict[int, bytes] = {}
    leaf_at: dict[int, tuple[int, bytes]] = {}  # position -> (leaf index, recomputed hash)
    first_leaf_position: list[int] = []  # position of leaf i, for naming ranges
    stack: list[tuple[int, bytes]] = []  # (height, hash) right frontier
    n, previous, offset = 0, 0, 0
    for line in bundle.lines("events.jsonl"):
        e = json.loads(line)
        pos = e["position"]
        who = {"aggregate_id": e["originator_id"], "version": e["originator_version"], "topic": e["topic"]}
        if pos <= previous:
            bad("order", f"position {pos} after {previous}: events out of order or repeated", pos, who)
        recorded = e.get("leaf_index")
        if recorded is None:  # exported from a position the log never saw
            bad("inserted", f"position {pos}: event is not in the integrity log", pos, who)
            offset -= 1
        elif recorded - n != offset:  # report where the shift starts, not every line after it
            missing = recorded - n > offset  # a logged event after `previous` is gone: name the first slot
            bad("missing" if missing else "inserted",
                f"position {pos}: recorded as leaf {recorded}, is leaf {n} in the bundle (an event between "
                f"positions {previous} and {pos} is missing, or one before was added)",
                previous + 1 if missing else pos, None if missing else who)
            offset = recorded - n
        try:
            h = event_leaf_hash(pos, e["originator_id"], e["originator_version"], e["topic"], _state_bytes(e))
        except (ProofError, ValueError, KeyError) as error:
            bad("altered", f"position {pos}: malformed event ({error})", pos, who)
            h = b"\x00" * 32
        if e.get("leaf_hash") is not None and base64.b64decode(e["leaf_hash"]) != h:
            bad("altered", f"position {pos}: event bytes differ from its recorded leaf hash", pos, who)
        if pos in wanted_leaves:
            leaf_at[pos] = (n, h)
        first_leaf_position.append(pos)
        height, node = 0, h
        while stack and stack[-1][0] == height:  # merge completed perfect subtrees
            node = _node(stack.pop()[1], node)
            height += 1
        stack.append((height, node))
        n, previous = n + 1, pos
        if n in wanted:
            acc = stack[-1][1]
            for _, left in reversed(stack[:-1]):
                acc = _node(left, acc)
            roots[n] = acc

    # 3. checkpoint roots against the recomputed tree.
    exact = [f["position"] for f in findings if f["kind"] in ("altered", "missing", "inserted", "order")]
    good = 0
    for size, root, cp in signed:
        if size > n:
            bad("checkpoint", f"checkpoint #{cp.get('id')} (size {size}) is larger than the {n} events")
        elif size == 0 and root != hashlib.sha256(b"").digest():
            bad("checkpoint", f"checkpoint #{cp.get('id')} (size 0): the empty tree's root must be SHA-256('')")
        elif size and roots.get(size) != root:
            lo = first_leaf_position[good] if good < len(first_leaf_position) else None
            bad("checkpoint", f"checkpoint #{cp.get('id')} (size {size}): the events do not give the signed root; "
                              f"the first bad event is among leaves [{good}, {size})", lo)
        else:
            good = size
    covered = signed[-1][0] if signed else 0
    if n > covered:
        warnings.append(f"{n - covered} events after the last checkpoint are not covered by a signature")

    # 4. proofs, against the signed roots.
    by_size = {size: root for size, root, _ in signed}
    for p in proofs:
        try:
            if p.get("kind") == "inclusion":
                index, h = leaf_at[p["position"]]
                if index != p["leaf_index"]:
                    raise ProofError(f"position {p['position']} is leaf {index}, not {p['leaf_index']}")
                verify_inclusion(h, index, p["tree_size"], [base64.b64decode(x) for x in p["proof"]],
                                 by_size[p["tree_size"]])
            elif p.get("kind") == "consistency":
                verify_consistency(p["old_size"], p["new_size"], by_size[p["old_size"]], by_size[p["new_size"]],
                                   [base64.b64decode(x) for x in p["proof"]])
        except (ProofError, KeyError, ValueError) as error:
            bad("proof", f"{p.get('kind')} proof {json.dumps({k: v for k, v in p.items() if k != 'proof'})}: "
                         f"{error or 'refers to an unknown leaf or checkpoint'}", p.get("position"))
    report = _report(findings, warnings, n, len(signed), key is not None)
    report["first_bad_position"] = min(exact) if exact else report["first_bad_position"]
    return report


def _report(findings: list[dict], warnings: list[str], events: int, checkpoints: int, pinned: bool) -> dict:
    positions = [f["position"] for f in findings if f["position"] is not None]
    return {"ok": not findings, "first_bad_position": min(positions) if positions else None, "events": events,
            "checkpoints": checkpoints, "key_pinned": pinned, "findings": findings, "warnings": warnings}


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: python offline.py BUNDLE [VERIFIER_KEY]")
    result = verify_bundle(sys.argv[1], sys.argv[2] if len(sys.argv) == 3 else None)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    sys.exit(0 if result["ok"] else 1)

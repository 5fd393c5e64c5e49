"""``taizhang audit replay --bundle PATH``: recompute publications from an exported
bundle, without the bureau's database.

The bundle is verified offline first (``offline.verify_bundle``, against the
published key when given).  Its events up to the chosen checkpoint's position
are loaded into a scratch SQLite event store (eventsourcing's ``stored_events``
layout, rowid = ledger position), every read model is built as of that position
(``projections.service.build_as_of``), and the digests signed in the checkpoint
note and every star-rating publication are compared, as ``replay`` does on the
live database.  The auditor needs the taizhang code of the version that
published (projections are code), never the bureau's database or its key.
"""

from __future__ import annotations

import base64
import json
import shutil
import sqlite3
import tempfile
import uuid
from pathlib import Path
from typing import Any

from projections.audit.checkpoint import open_checkpoint
from projections.audit.log import IntegrityLog
from projections.audit.offline import Bundle, verify_bundle
from projections.audit.publication_replay import checkpoint_check
from projections.audit.replay import _build, _projections, compare_publications, prefix_roots


def _signed(note_text: str, key: str, origin: str) -> tuple[int, int, dict[str, str], bytes]:
    """(size, position, digests, root) from a checkpoint note whose signature verifies."""
    cp = open_checkpoint(note_text, key, origin)
    fields = [e.split(" ") for e in cp.extensions]
    position = next((int(f[1]) for f in fields if f[0] == "position" and len(f) == 2), None)
    if position is None:
        raise ValueError(f"checkpoint of size {cp.size} has no signed position line")
    return cp.size, position, {f[1]: f[2] for f in fields if f[0] == "digest" and len(f) == 3}, cp.root


def load_events(bundle: Bundle, path: Path, upto: int) -> int:
    """Write the bundle's events with position <= ``upto`` into a new SQLite event store."""
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE stored_events (originator_id TEXT, originator_version INTEGER, topic TEXT, "
               "state BLOB, PRIMARY KEY (originator_id, originator_version))")
    rows = []
    for line in bundle.lines("events.jsonl"):
        e = json.loads(line)
        if e["position"] > upto:
            break
        state = base64.b64decode(e["state_b64"]) if "state_b64" in e else e["state"].encode("utf-8")
        rows.append((e["position"], uuid.UUID(e["originator_id"]).hex, e["originator_version"], e["topic"], state))
    db.executemany("INSERT INTO stored_events (rowid, originator_id, originator_version, topic, state) "
                   "VALUES (?, ?, ?, ?, ?)", rows)
    db.commit()
    db.close()
    return len(rows)


def replay_bundle(path: str | Path, key: str | None = None, size: int | None = None,
                  keep: bool = False) -> dict[str, Any]:
    bundle = Bundle(path)
    manifest = json.loads(bundle.text("manifest.json") or "{}")
    vkey = key or bundle.text("public.key").strip()
    notes = [json.loads(line)["note"] for line in bundle.lines("checkpoints.jsonl")]
    signed = sorted((_signed(n, vkey, manifest.get("origin")) for n in notes), key=lambda s: s[0])
    chosen = [s for s in signed if size is None or s[0] == size]
    if not chosen:
        raise ValueError(f"checkpoint: the bundle has no checkpoint of size {size}" if size is not None
                         else "checkpoint: the bundle has no checkpoint")
    cp_size, position, digests, _ = chosen[-1]
    out: dict[str, Any] = {"checkpoint": {"size": cp_size, "position": position}, "key_pinned": key is not None}
    report = verify_bundle(path, key)
    bad = report["first_bad_position"]
    if not report["ok"] and (bad is None or bad <= position):
        return {**out, "result": "events altered", "first_bad_position": bad, "findings": report["findings"][:5]}
    scratch = Path(tempfile.mkdtemp(prefix="taizhang-bundle-"))
    try:
        url = f"sqlite:///{scratch / 'ledger.db'}"
        out["events"] = load_events(bundle, scratch / "ledger.db", position)
        names, missing = _projections()
        built, found = _build(url, position, names)
        out["read_models"] = {n: found[n]["digest"] for n in sorted(found)}
        out["not_available"] = missing
        log = IntegrityLog(url)
        notes = [(s[0], s[3]) for s in signed if s[0] <= cp_size]  # publications' checkpoints: signed notes…
        _, _, roots = prefix_roots(log, position, tuple(size for size, _ in notes))  # …whose roots the events give
        result = compare_publications(log, built, position, digests, {}, found, source_url=url,
                                      check=checkpoint_check(notes, roots))
        log.engine.dispose()
        return {**out, **result}
    finally:
        if keep:
            out["kept"] = str(scratch)
        else:
            shutil.rmtree(scratch, ignore_errors=True)

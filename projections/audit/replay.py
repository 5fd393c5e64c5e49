"""``taizhang audit replay``: recompute every read model as of a signed checkpoint.

1. The checkpoint's signature is checked with the pinned key, and the events
   up to its position are re-hashed: their root must be the signed root
   (otherwise the history itself was altered: stop and say where).
2. Every read model is built twice, independently, into disposable databases
   as of the checkpoint's ledger position (``projections.service.build_as_of``).
3. Their digests are compared with each other (a projection that is not a
   pure function of the log shows up here, with its first differing row) and
   with the digests signed in the checkpoint (``digest <name> <hex>`` lines,
   recorded at publication or by ``taizhang audit checkpoint --digests``).

Publications (star ratings, blacklist, subsidy lists) are checked by
``publication_replay``: every one the checkpoint covers is recomputed as of its
own position, and the checkpoint it carries is checked against the log; the
ones published right after the checkpoint, with it, have their digests signed
in its note (``digest ratings:<cycle>:<n> <hex>``…) and are recomputed as of
it. "match" means the rebuilt read models and publications give those bytes again.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from domain.store import parse_database_url
from projections.audit.checkpoint import CheckpointError
from projections.audit.log import b64
from projections.audit.notary import SignedCheckpoint
from projections.audit.publication_replay import (CheckpointCheck, all_publications, checkpoint_check, roots_at,
                                                  signed_publications, split_recorded)
from projections.audit.snapshot import read_snapshot, stream
from projections.audit.verify import event_leaf_hash
from projections.db import engine_for


def _projections() -> tuple[list[str], list[str]]:
    """(importable read models, registered ones whose module is not there yet)."""
    from projections.registry import PROJECTIONS, projection_class

    ready, missing = [], []
    for name in PROJECTIONS:
        try:
            projection_class(name)
            ready.append(name)
        except ImportError:
            missing.append(name)
    return ready, missing


def _build(database_url: str, position: int, names: list[str]) -> tuple[str, dict[str, dict]]:
    from projections.service import build_as_of, digests

    built = build_as_of(database_url, position=position, names=names)
    return built.target_url, digests(built.target_url, names)


def drop(url: str) -> None:
    """Remove a disposable as-of database (SQLite file or PostgreSQL schema)."""
    config = parse_database_url(url)
    if config.kind == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(config.sqlite_path + suffix).unlink(missing_ok=True)
    elif config.kind == "postgresql" and config.schema.startswith("asof_"):
        engine = engine_for(url)
        with engine.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{config.schema}" CASCADE')
        engine.dispose()


def checkpoint_with_digests(service: Any, reason: str) -> SignedCheckpoint:
    """A checkpoint whose note signs the digest of every read model built as of it."""
    service.log.catch_up()
    size, position = service.log.state()
    names, _ = _projections()
    url, found = _build(service.database_url, position, names)
    try:
        return service.notary.make_checkpoint(reason, _recordable(found), size=size)
    finally:
        drop(url)


def _recordable(found: dict[str, dict]) -> dict[str, dict]:
    return {name: {"digest": d["digest"], "tables": d["tables"]} for name, d in found.items()}


def prefix_roots(log: Any, position: int, sizes: tuple[int, ...] = ()) -> tuple[bytes, int, dict[int, bytes]]:
    """Root and count of the events up to ``position``, and the roots at ``sizes``, recomputed
    from the event table (not from the stored tree)."""
    def leaves():
        with read_snapshot(log) as conn:
            sql = (f"SELECT {log.d.position}, originator_id, originator_version, topic, state FROM {log.d.events} "
                   f"WHERE {log.d.position} <= {int(position)} ORDER BY {log.d.position}")
            for p, o, v, t, s in stream(conn, log, "prefix", sql):
                yield event_leaf_hash(int(p), o, int(v), t, bytes(s))
    return roots_at(leaves(), sizes)


def prefix_root(service: Any, position: int) -> tuple[bytes, int]:
    root, count, _ = prefix_roots(service.log, position)
    return root, count


def _signed_notes(service: Any, upto_size: int) -> list[tuple[int, bytes]]:
    """(size, root) of the stored checkpoints up to ``upto_size`` whose note verifies with the pinned key."""
    key, out = service.notary.verifier_key(), []
    for cp in service.notary.all():
        if cp.size <= upto_size:
            try:
                service.notary.open(cp, key)
            except CheckpointError:
                continue
            out.append((cp.size, cp.root))
    return out


def replay_checkpoint(service: Any, size: int | None = None, keep: bool = False) -> dict[str, Any]:
    cp = service.checkpoint(size)
    out: dict[str, Any] = {"checkpoint": {"id": cp.id, "size": cp.size, "position": cp.position,
                                          "reason": cp.reason, "created_at": cp.created_at}}
    notes = _signed_notes(service, cp.size)
    root, count, roots = prefix_roots(service.log, cp.position, tuple(size for size, _ in notes))
    if (root, count) != (cp.root, cp.size):
        report = service.verify()
        return {**out, "result": "events altered", "signed_root": b64(cp.root), "events_root": b64(root),
                "first_bad_position": report.first_bad_position,
                "findings": [f.__dict__ for f in report.findings[:5]]}
    names, missing = _projections()
    url_a, first = _build(service.database_url, cp.position, names)
    url_b, second = _build(service.database_url, cp.position, names)
    try:
        out["read_models"] = {n: first[n]["digest"] for n in sorted(first)}
        out["not_available"] = missing
        differences = [_first_difference(n, url_a, url_b) for n in sorted(first)
                       if first[n]["digest"] != second.get(n, {}).get("digest")]
        if differences:
            return {**out, "result": "builds differ", "differences": differences}
        recorded = service.notary.signed_digests(cp)  # the signed lines; table detail from the column
        return {**out, **compare_publications(service.log, url_a, cp.position, recorded, cp.digests, first,
                                               source_url=service.database_url,
                                               check=checkpoint_check(notes, roots))}
    finally:
        if not keep:
            drop(url_a)
            drop(url_b)
        else:
            out["kept"] = [url_a, url_b]


def compare_publications(log: Any, built_url: str, position: int, recorded: dict[str, str], details: dict,
                         rebuilt: dict[str, dict], *, source_url: str | None = None,
                         check: CheckpointCheck | None = None) -> dict[str, Any]:
    """Signed read-model digests and every publication (star ratings, blacklist, subsidy lists)
    against a build as of ``position`` (``source_url``: the events; ``check``: a publication's checkpoint)."""
    recorded, signed_pubs = split_recorded(recorded)
    check = check or checkpoint_check([], {})
    out: dict[str, Any] = {"publications": all_publications(log, built_url, position, check)}
    if signed_pubs:
        out["publications"] += signed_publications(source_url or log.database_url, position, signed_pubs)
    mismatches: list[dict] = [p for p in out["publications"] if p.get("result", "match") != "match"]
    for name, signed in sorted(recorded.items()):
        if name not in rebuilt:
            mismatches.append({"kind": "read_model", "read_model": name, "recorded": signed, "rebuilt": None,
                               "detail": "read model not available in this version"})
        elif rebuilt[name]["digest"] != signed:
            mismatches.append({"kind": "read_model", "read_model": name, "recorded": signed,
                               "rebuilt": rebuilt[name]["digest"],
                               "tables": _table_differences(details.get(name), signed, rebuilt[name])})
    out["recorded"] = sorted(recorded) + sorted(signed_pubs)
    if not recorded and not signed_pubs:
        out["note"] = "no digests were signed with this checkpoint: the rebuilds were compared"
    return {**out, "result": "match" if not mismatches else "mismatch", "mismatches": mismatches}


def _table_differences(recorded: Any, signed_digest: str, rebuilt: dict) -> list[dict]:
    if not isinstance(recorded, dict) or "tables" not in recorded or signed_digest != recorded.get("digest"):
        return []
    tables = recorded["tables"]
    outer = hashlib.sha256("".join(f"{n}:{t['digest']}\n" for n, t in sorted(tables.items())).encode()).hexdigest()
    if outer != recorded["digest"]:
        return [{"table": None, "detail": "recorded table digests do not add up to the signed digest"}]
    return [{"table": n, "recorded_rows": t.get("rows"), "rebuilt_rows": rebuilt["tables"].get(n, {}).get("rows")}
            for n, t in sorted(tables.items()) if rebuilt["tables"].get(n, {}).get("digest") != t["digest"]]


def _first_difference(name: str, url_a: str, url_b: str) -> dict[str, Any]:
    """The first row (in primary-key order) where two builds of one read model differ."""
    from projections.registry import projection_class

    cls = projection_class(name)
    engines = [engine_for(url_a), engine_for(url_b)]
    try:
        for table in sorted(cls.tables(), key=lambda t: t.name):
            pk = [c for c in table.columns if c.primary_key]
            sides = []
            for engine in engines:
                with engine.connect() as conn:
                    sides.append([tuple(r) for r in conn.execute(select(table).order_by(*pk))])
            for i, (ra, rb) in enumerate(zip(*sides)):
                if ra != rb:
                    return {"read_model": name, "table": table.name, "row": i,
                            "first": json.loads(json.dumps(ra, default=str)),
                            "second": json.loads(json.dumps(rb, default=str))}
            if len(sides[0]) != len(sides[1]):
                return {"read_model": name, "table": table.name, "rows": [len(s) for s in sides]}
        return {"read_model": name, "detail": "digests differ but rows are equal"}
    finally:
        for engine in engines:
            engine.dispose()

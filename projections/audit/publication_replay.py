"""Replaying publications: every star-rating, blacklist and subsidy-list publication a
checkpoint covers, recomputed from the log as of its own position, and the signed
checkpoint each one carries checked against the log.

Two ways a publication is covered by a checkpoint of position C:

* its event is at or before C: the ``publications`` read model, built as of C,
  recomputed it as of the position it was computed from (``projections.publications``);
  its recorded checkpoint (size, root) must be a signed note that verifies with
  the pinned key, and the log's root at that size (recomputed from the events)
  must be that root;
* it was published right after C, with C as its own checkpoint: its digest is
  signed in C's note (``digest <kind>:<key>:<number> <hex>``) and is recomputed
  as of C here.

An entry's ``result`` is "match", or "mismatch" with the first differing row
(or why it could not be recomputed).
"""

from __future__ import annotations

import base64
import json
from typing import Any, Callable, Iterable

from sqlalchemy import select, text

from projections.audit.merkle import fold, node_hash
from projections.db import engine_for

KIND_NAMES = {"ratings": "rating_publication", "blacklist": "blacklist_publication",
              "subsidy_list": "subsidy_list_publication"}
PUBLICATION_KINDS = tuple(KIND_NAMES)
CheckpointCheck = Callable[[int, str], dict]  # (size, base64 root) -> {"signed", "log_root_matches"}


def roots_at(leaf_hashes: Iterable[bytes], sizes: Iterable[int]) -> tuple[bytes, int, dict[int, bytes]]:
    """(root of all leaves, their count, {size: root of the first ``size`` leaves}) in one pass."""
    wanted = set(sizes)
    stack: list[bytes] = []
    found: dict[int, bytes] = {}
    n = 0
    for h in leaf_hashes:
        n += 1
        m = n
        while m & 1 == 0:
            h = node_hash(stack.pop(), h)
            m >>= 1
        stack.append(h)
        if n in wanted:
            found[n] = fold(stack)
    return fold(stack), n, found


def split_recorded(recorded: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """A note's digests: (read-model digests, publication digests named ``kind:key:number``)."""
    models, pubs = {}, {}
    for name, digest in recorded.items():
        (pubs if name.split(":", 1)[0] in PUBLICATION_KINDS and name.count(":") >= 2 else models)[name] = digest
    return models, pubs


def _b64(root: bytes | None) -> str | None:
    return None if root is None else base64.b64encode(root).decode("ascii")


def checkpoint_check(notes: list[tuple[int, bytes]], log_roots: dict[int, bytes]) -> CheckpointCheck:
    """``notes``: (size, root) of every checkpoint whose signature verified with the pinned key."""
    signed = {(size, _b64(root)) for size, root in notes}

    def check(size: int, root: str) -> dict:
        return {"size": size, "root": root, "signed": (size, root) in signed,
                "log_root_matches": _b64(log_roots.get(size)) == root}
    return check


def _entry(p: dict, check: CheckpointCheck) -> dict[str, Any]:
    cp = None if p["checkpoint_size"] is None else check(p["checkpoint_size"], p["checkpoint_root"])
    ok = p["verified"] and (cp is None or (cp["signed"] and cp["log_root_matches"]))
    entry = {"kind": KIND_NAMES[p["kind"]], "key": p["key"], "number": p["number"],
             "published_digest": p["digest"], "recomputed_digest": p["recomputed_digest"] or None,
             "verified": bool(p["verified"]), "computed_from": p["position"], "event_position": p["event_position"],
             "rows": p["rows"], "checkpoint": cp, "result": "match" if ok else "mismatch"}
    if not p["verified"]:
        entry["first_differing_row"] = p["first_difference"]
    if cp is None:
        entry["note"] = "published without a signed checkpoint"
    return entry


def covered_publications(built_url: str, position: int, check: CheckpointCheck) -> list[dict]:
    """Publications whose event is at or before ``position``, from the read model built as of it."""
    try:
        from projections.publications import read_publications
    except ImportError:  # pragma: no cover - the read model ships with this module
        return []
    engine = engine_for(built_url)
    try:
        with engine.connect() as conn:
            return [_entry(p, check) for p in read_publications(conn, position)]
    finally:
        engine.dispose()


def signed_publications(source_url: str, position: int, digests: dict[str, str]) -> list[dict]:
    """Publications whose digest a checkpoint note signs (they were published right after it),
    recomputed as of the note's position."""
    if not digests:
        return []
    from projections.publication_calc import source_reader
    from projections.publications import Recomputer
    from projections.source import EventSource

    source = EventSource(source_url)
    try:
        again = Recomputer(source_reader(source), source.get)
        out = []
        for name, digest in sorted(digests.items()):
            kind, rest = name.split(":", 1)
            key, _, number = rest.rpartition(":")
            entry: dict[str, Any] = {"kind": KIND_NAMES.get(kind, kind), "key": key, "number": int(number),
                                     "signed_in_checkpoint": True, "published_digest": digest}
            try:
                recomputed = again.signed(kind, key, int(number), position)
            except Exception as error:  # a signed name the log cannot give: say why, never "match"
                entry.update(recomputed_digest=None, verified=False, result="mismatch",
                             first_differing_row={"error": f"{type(error).__name__}: {error}"})
            else:
                ok = recomputed == digest
                entry.update(recomputed_digest=recomputed, verified=ok, result="match" if ok else "mismatch")
            out.append(entry)
        return out
    finally:
        source.close()


def all_publications(log: Any, built_url: str, position: int, check: CheckpointCheck) -> list[dict[str, Any]]:
    """The star-rating publications (ratings read model), each with the checkpoint it carries, then the
    blacklist and subsidy-list ones (publications read model), in ledger order."""
    covered = covered_publications(built_url, position, check)
    by_key = {(p["key"], p["number"]): p for p in covered if p["kind"] == "rating_publication"}
    ratings = _rating_publications(log, built_url, position)
    for entry in ratings:
        entry["key"] = entry["cycle"]
        mine = by_key.get((entry["cycle"], entry["number"]))
        entry["checkpoint"] = mine["checkpoint"] if mine else None
        cp = entry["checkpoint"]
        cp_ok = cp is None or (cp["signed"] and cp["log_root_matches"])
        entry["result"] = "match" if entry["verified"] and cp_ok else "mismatch"
    others = [p for p in covered if p["kind"] != "rating_publication"]
    return sorted(ratings + others, key=lambda p: p["event_position"])


def _rating_publications(log: Any, target_url: str, position: int) -> list[dict[str, Any]]:
    """Every star-rating publication up to the checkpoint: its published digest against the
    one recomputed from the log (the ratings read model recomputes it); for one that does not
    match, the first provider whose published row differs from the recomputed one."""
    try:
        from projections.ratings import publications, results
    except ImportError:
        return []
    engine = engine_for(target_url)
    try:
        with engine.connect() as conn:
            pubs = conn.execute(select(publications).order_by(publications.c.cycle_code, publications.c.number)).all()
            out = []
            for p in pubs:
                entry = {"kind": "rating_publication", "cycle": p.cycle_code, "number": p.number,
                         "published_digest": p.digest, "recomputed_digest": p.recomputed_digest,
                         "verified": bool(p.verified), "event_position": p.event_position}
                if not p.verified:
                    rebuilt = {r.uscc: [r.composite, r.stars] for r in conn.execute(
                        select(results).where(results.c.cycle_code == p.cycle_code))}
                    entry["first_differing_row"] = _first_rating_row(log, p.cycle_code, p.number, position,
                                                                     rebuilt)
                out.append(entry)
            return out
    finally:
        engine.dispose()


def _first_rating_row(log: Any, code: str, number: int, position: int, rebuilt: dict) -> dict | None:
    """Published rows = the ResultComputed event's rows, updated by each republication up to ``number``."""
    from domain.base import aggregate_id

    oid = aggregate_id("rating_cycle", code)
    oid_value = str(oid) if log.d.pg else oid.hex
    with log.engine.connect() as conn:
        rows = conn.execute(select_events_of(log), {"o": oid_value, "p": position}).all()
    published: dict = {}
    seen = 0
    for topic, state in rows:
        data = json.loads(bytes(state))
        if topic.endswith(".ResultComputed"):
            published = dict(data["results"])
        elif topic.endswith(".Published") or topic.endswith(".Republished"):
            seen += 1
            published.update(data.get("changed", {}))
            if seen == number:
                break
    for uscc in sorted(set(published) | set(rebuilt)):
        if published.get(uscc) != rebuilt.get(uscc):
            return {"uscc": uscc, "published": published.get(uscc), "recomputed": rebuilt.get(uscc)}
    return None


def select_events_of(log: Any):
    return text(f"SELECT topic, state FROM {log.d.events} WHERE originator_id = :o AND {log.d.position} <= :p "
                f"ORDER BY originator_version")

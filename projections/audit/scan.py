"""``taizhang audit verify``: recompute the tree from the stored events and compare.

Three comparisons, in one read snapshot:

1. events against the stored leaves, in notification order: an event whose
   leaf hash differs (altered, or swapped with another), a logged position
   with no event (deleted), an event at a position the log never saw
   (inserted into the logged range), events beyond the log (unlogged: forged,
   or written by a ledger without the integrity recorder);
2. the stored interior nodes against the hashes of the stored leaves;
3. every stored checkpoint: its signature (with the pinned verifier key),
   and its root against the tree recomputed from the events.

The first bad position is exact for (1); for a log rewritten consistently
with altered events, (3) bounds it to the leaves after the last checkpoint
that still matches.
"""

from __future__ import annotations

import gc
import hashlib
from array import array
from collections import deque
from collections.abc import Iterator
from itertools import islice

from projections.audit.checkpoint import CheckpointError
from projections.audit.log import IntegrityLog, b64
from projections.audit.merkle import fold, perfect_cover, root_from_leaf_hashes
from projections.audit.notary import Notary
from projections.audit.report import EVENT_KINDS, Finding, VerifyReport, identity
from projections.audit.snapshot import read_snapshot, stream
from projections.audit.verify import ProofError, event_leaf_hash

__all__ = ["EVENT_KINDS", "Finding", "VerifyReport", "verify_database"]

def _parents(level: bytearray) -> bytearray:
    out, mv, sha = bytearray(), memoryview(level), hashlib.sha256
    for off in range(0, len(level) - 63, 64):
        h = sha(b"\x01")
        h.update(mv[off:off + 64])
        out += h.digest()
    return out


def verify_database(log: IntegrityLog, notary: Notary | None = None, vkey: str | None = None) -> VerifyReport:
    # Millions of short-lived row tuples, no reference cycles: the cyclic GC would only
    # rescan the buffers again and again.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _verify(log, notary, vkey)
    finally:
        if enabled:
            gc.enable()


def _verify(log: IntegrityLog, notary: Notary | None, vkey: str | None) -> VerifyReport:
    report = VerifyReport()
    log.setup()
    d = log.d
    with read_snapshot(log) as conn:
        cur = conn.cursor()
        cur.execute(f"SELECT size, last_position FROM {d.table('merkle_state')} WHERE id = 1")
        report.tree_size, report.last_position = (int(x) for x in cur.fetchone())
        events = stream(conn, log, "ev", f"SELECT {d.position}, originator_id, originator_version, topic, state "
                                          f"FROM {d.events} ORDER BY {d.position}") if log._events_table_exists() \
            else iter(())
        leaves = stream(conn, log, "lf", f"SELECT l.idx, l.position, l.adopted, n.hash FROM {d.table('merkle_leaves')} l "
                                          f"LEFT JOIN {d.table('merkle_nodes')} n ON n.level = 0 AND n.idx = l.idx "
                                          "ORDER BY l.idx")
        stored, recomputed, positions = _compare_events(report, events, leaves)
        nodes = stream(conn, log, "nd", f"SELECT level, idx, hash FROM {d.table('merkle_nodes')} "
                                         "WHERE level > 0 ORDER BY level, idx")
        levels = _compare_nodes(report, stored, nodes, positions)
    if notary is not None:
        _compare_checkpoints(report, notary, vkey, levels, recomputed, positions)
    return report


class _Buffer:
    """Rows of a stream, refilled a batch at a time (for the chunked fast path)."""

    def __init__(self, rows: Iterator[tuple], size: int = 20000) -> None:
        self.rows, self.size, self.buf = rows, size, deque()

    def fill(self) -> int:
        while len(self.buf) < self.size:
            batch = list(islice(self.rows, self.size))
            if not batch:
                break
            self.buf.extend(batch)
        return len(self.buf)

    def take(self, k: int) -> list[tuple]:
        return [self.buf.popleft() for _ in range(k)]


def _compare_events(report: VerifyReport, events: Iterator[tuple], leaves: Iterator[tuple]
                    ) -> tuple[bytearray, bytearray, array]:
    """Events against leaves.  Fast path: a chunk where positions and indices line up and
    the joined hashes are equal; anything else is settled one leaf at a time."""
    stored, recomputed, positions = bytearray(), bytearray(), array("q")
    ev, lf, expected = _Buffer(events), _Buffer(leaves), 0
    while lf.fill():
        k = min(ev.fill(), len(lf.buf))
        if k:
            evs, lfs = list(islice(ev.buf, k)), list(islice(lf.buf, k))
            if (lfs[0][0] == expected and lfs[-1][0] == expected + k - 1
                    and [e[0] for e in evs] == [x[1] for x in lfs] and all(x[3] is not None for x in lfs)):
                hashes = b"".join([event_leaf_hash(*e) for e in evs])
                logged = b"".join([bytes(x[3]) for x in lfs])
                if hashes == logged:
                    ev.take(k), lf.take(k)
                    stored += logged
                    recomputed += hashes
                    positions.extend(x[1] for x in lfs)
                    report.events += k
                    adopted = [x[1] for x in lfs if x[2]]
                    report.adopted += len(adopted)
                    report.adopted_positions += adopted[:20 - len(report.adopted_positions)]
                    expected += k
                    continue
        expected = _one_leaf(report, ev, lf.buf.popleft(), expected, stored, recomputed, positions)
    while ev.fill():
        e = ev.buf.popleft()
        report.events += 1
        report.add(Finding("unlogged", f"position {e[0]}: event beyond the integrity log (written without "
                                       "the integrity recorder, or forged)", e[0], None, identity(*e[1:4])))
    if len(positions) != report.tree_size:
        report.add(Finding("log_damaged", f"log state says size {report.tree_size}, {len(positions)} leaves stored"))
    return stored, recomputed, positions


def _one_leaf(report: VerifyReport, ev: _Buffer, leaf: tuple, expected: int, stored: bytearray,
              recomputed: bytearray, positions: array) -> int:
    idx, lpos, adopted, lhash = leaf
    if adopted:
        report.adopted += 1
        if len(report.adopted_positions) < 20:
            report.adopted_positions.append(lpos)
    if idx != expected or lhash is None:
        report.add(Finding("log_damaged", f"leaf {expected}: leaf row or leaf hash missing in the log",
                           lpos, expected))
        expected = idx
    stored += bytes(lhash) if lhash is not None else bytes(32)
    positions.append(lpos)
    while ev.fill() and ev.buf[0][0] < lpos:  # an event the log never saw, inside the logged range
        e = ev.buf.popleft()
        report.events += 1
        recomputed += event_leaf_hash(*e)
        report.add(Finding("inserted", f"position {e[0]}: event not in the integrity log (inserted)",
                           e[0], None, identity(*e[1:4])))
    if not ev.buf or ev.buf[0][0] > lpos:
        report.add(Finding("missing", f"position {lpos}: logged event (leaf {idx}) is missing", lpos, idx))
        return expected + 1
    e = ev.buf.popleft()
    report.events += 1
    h = event_leaf_hash(*e)
    recomputed += h
    if lhash is None or h != bytes(lhash):
        report.add(Finding("altered", f"position {lpos}: event differs from the logged leaf {idx}",
                           lpos, idx, identity(*e[1:4])))
    return expected + 1


def _covered(positions: array, level: int, idx: int) -> int | None:
    first = idx << level
    return positions[first] if first < len(positions) else None


def _compare_nodes(report: VerifyReport, stored: bytearray, nodes: Iterator[tuple], positions: array
                   ) -> list[bytearray]:
    """Interior nodes against the hashes of the stored leaves; returns every level (for roots)."""
    levels = [stored]
    expected, level, idx = _parents(stored), 1, 0

    def finish() -> None:
        nonlocal expected, level, idx
        if idx < len(expected) // 32:
            report.add(Finding("node", f"node ({level}, {idx}) missing", _covered(positions, level, idx)))
        levels.append(expected)
        expected, level, idx = _parents(expected), level + 1, 0

    for lv, ix, h in nodes:
        while lv > level:
            finish()
        if ix > idx:
            report.add(Finding("node", f"node ({level}, {idx}) missing", _covered(positions, level, idx)))
        if ix >= len(expected) // 32:
            report.add(Finding("node", f"node ({lv}, {ix}) should not exist (its subtree is incomplete)"))
        elif expected[ix * 32:ix * 32 + 32] != bytes(h):
            report.add(Finding("node", f"node ({lv}, {ix}) differs from the hash of its children",
                               _covered(positions, lv, ix)))
        idx = ix + 1
    while expected:
        finish()
    return levels


def _root(levels: list[bytearray], size: int) -> bytes:
    return fold([bytes(levels[lv][ix * 32:ix * 32 + 32]) for lv, ix in perfect_cover(0, size)])


def _compare_checkpoints(report: VerifyReport, notary: Notary, vkey: str | None, levels: list[bytearray],
                         recomputed: bytearray, positions: array) -> None:
    report.key_pinned = vkey is not None
    same = recomputed == levels[0]
    first_bad_leaf = next((f.leaf_index for f in report.findings if f.kind in ("altered", "missing")
                           and f.leaf_index is not None), None)
    good = 0  # size of the last checkpoint that matched
    for cp in sorted(notary.all(), key=lambda c: c.size):
        report.checkpoints += 1
        label = f"checkpoint #{cp.id} (size {cp.size}, {cp.reason})"
        try:
            notary.open(cp, vkey)
        except CheckpointError as error:
            report.add(Finding("checkpoint", f"{label}: {error}"))
            continue
        if cp.size > len(levels[0]):
            report.add(Finding("checkpoint", f"{label}: larger than the log ({len(levels[0])} leaves)"))
            continue
        if _root(levels, cp.size) != cp.root:
            where = _covered(positions, 0, good)
            report.add(Finding("checkpoint", f"{label}: the stored log no longer matches the signed root; "
                                             f"the first bad leaf is in [{good}, {cp.size})", where))
            continue
        events_root = _root(levels, cp.size) if same else _events_root(recomputed, cp.size)
        if events_root != cp.root:
            at = first_bad_leaf if first_bad_leaf is not None and first_bad_leaf < cp.size else good
            report.add(Finding("checkpoint", f"{label}: the events no longer give the signed root "
                                             f"{b64(cp.root)}", _covered(positions, 0, at), at))
            continue
        good = cp.size


def _events_root(recomputed: bytearray, size: int) -> bytes:
    if len(recomputed) < size * 32:
        return b""
    try:
        mv = memoryview(recomputed)
        return root_from_leaf_hashes(bytes(mv[i * 32:i * 32 + 32]) for i in range(size))
    except (ValueError, ProofError):
        return b""

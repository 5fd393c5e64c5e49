"""Benchmark: the integrity log — verify rate vs raw SHA-256, proofs at 1 M and 10 M leaves.

1. Synthesise N stored events (default 1,000,000) straight into a scratch SQLite
   database with sqlite3 (eventsourcing's ``stored_events`` layout; realistic
   ~300-byte JSON states: timestamp, business date, actor, source, fields).
2. Build the integrity log with ``IntegrityLog.catch_up`` (the real append path).
3. ``verify``: ``verify_database`` (events vs leaves, every stored node, one signed
   checkpoint) -> events/s; against raw SHA-256 over the same bytes (the canonical
   leaf data of each event, already in memory) -> the ratio.
4. Proofs at N leaves from the real SQL node store (SQLAlchemy, one query per proof).
5. Proofs at 10 M leaves: leaf hashes SHA-256(0x00 || i) and every perfect level
   computed with hashlib into one bytearray per level, served by an in-memory
   NodeStore (``--big-sqlite`` bulk-inserts the same levels into SQLite instead).
6. Write overhead of logging in the events' transaction: events saved 3 per
   transaction (a command) and 1000 per transaction (``Ledger.batch``) through
   eventsourcing's plain SQLite recorder vs the integrity recorder.

Usage::

    .venv/bin/python benchmarks/audit.py [--events N] [--big M] [--big-sqlite] [--dir DIR]

The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sqlite3
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from projections.audit.log import IntegrityLog  # noqa: E402
from projections.audit.merkle import MerkleLog, perfect_cover  # noqa: E402
from projections.audit.notary import Notary, keygen  # noqa: E402
from projections.audit.scan import verify_database  # noqa: E402
from projections.audit.sql import Dialect  # noqa: E402
from projections.audit.verify import event_leaf_data, verify_inclusion  # noqa: E402

TOPICS = ["domain.community:Community.InspectionRecorded", "domain.community:Community.FeesCollected",
          "domain.complaint:Complaint.Filed", "domain.provider:Provider.Registered",
          "domain.community:Community.SatisfactionSurveyed", "domain.rating_cycle:RatingCycle.ScoreSubmitted"]
STREETS = ["双港镇", "辛庄镇", "咸水沽镇", "八里台镇", "北闸口镇", "小站镇", "葛沽镇", "双桥河镇"]


def events(n: int, seed: int = 7):
    """(originator_id hex, version, topic, state bytes) with ~300-byte JSON states."""
    rng = random.Random(seed)
    aggregates = [uuid.UUID(int=rng.getrandbits(128)).hex for _ in range(max(1, n // 25))]
    versions = [0] * len(aggregates)
    for i in range(n):
        a = rng.randrange(len(aggregates))
        versions[a] += 1
        day = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"
        state = {"timestamp": {"_type_": "datetime_iso", "_data_": f"{day}T08:{i % 60:02d}:{i % 59:02d}.{i % 999983:06d}+00:00"},
                 "occurred_on": {"_type_": "date_iso", "_data_": day},
                 "actor": {"user": f"u-{rng.randrange(400)}", "role": "street", "org": rng.choice(STREETS)},
                 "source": {"document": f"津南住建〔2024〕{i % 997}号", "sha256": None} if i % 5 == 0 else None,
                 "month": day[:7], "items": {"cleaning": rng.random() < .9, "gate_patrol": rng.random() < .9,
                                             "parking": rng.random() < .8}, "note": "楼道堆物，已整改"}
        yield aggregates[a], versions[a], TOPICS[i % len(TOPICS)], json.dumps(
            state, ensure_ascii=False, separators=(",", ":")).encode()


def synthesise(path: Path, n: int) -> float:
    t = time.perf_counter()
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("CREATE TABLE stored_events (originator_id TEXT, originator_version INTEGER, topic TEXT, "
               "state BLOB, PRIMARY KEY (originator_id, originator_version))")
    batch = []
    for row in events(n):
        batch.append(row)
        if len(batch) == 50000:
            db.executemany("INSERT INTO stored_events VALUES (?, ?, ?, ?)", batch)
            batch = []
    db.executemany("INSERT INTO stored_events VALUES (?, ?, ?, ?)", batch)
    db.commit()
    db.close()
    return time.perf_counter() - t


def sha256_rate(n: int) -> tuple[float, int]:
    """Raw SHA-256 over each event's canonical leaf bytes (built outside the timer)."""
    hashing, total_bytes, chunk, sha = 0.0, 0, [], hashlib.sha256
    for position, row in enumerate(events(n), start=1):
        chunk.append(event_leaf_data(position, *row))
        if len(chunk) == 100000 or position == n:
            total_bytes += sum(map(len, chunk))
            t = time.perf_counter()
            for data in chunk:
                sha(data).digest()
            hashing += time.perf_counter() - t
            chunk = []
    return n / hashing, total_bytes // n


class LevelStore:
    """In-memory NodeStore: one bytearray of 32-byte hashes per level."""

    def __init__(self, levels: list[bytearray]) -> None:
        self.levels = levels

    def get(self, level: int, index: int) -> bytes:
        return bytes(self.levels[level][index * 32:index * 32 + 32])

    def get_many(self, ids):
        return [self.get(lv, ix) for lv, ix in ids]

    def put_many(self, items):
        raise NotImplementedError

    def leaf_count(self) -> int:
        return len(self.levels[0]) // 32


def build_levels(n: int) -> list[bytearray]:
    sha, level = hashlib.sha256, bytearray()
    for i in range(n):
        level += sha(b"\x00" + i.to_bytes(8, "big")).digest()
    levels = [level]
    while len(levels[-1]) >= 64:
        prev, mv, nxt = levels[-1], memoryview(levels[-1]), bytearray()
        for off in range(0, len(prev) - 63, 64):
            h = sha(b"\x01")
            h.update(mv[off:off + 64])
            nxt += h.digest()
        levels.append(nxt)
    return levels


def sqlite_store(path: Path, levels: list[bytearray]) -> IntegrityLog:
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    for statement in Dialect("sqlite").ddl():
        db.execute(statement)
    for lv, data in enumerate(levels):
        mv = memoryview(data)
        db.executemany("INSERT INTO merkle_nodes VALUES (?, ?, ?)",
                       ((lv, i, bytes(mv[i * 32:i * 32 + 32])) for i in range(len(data) // 32)))
    db.execute("UPDATE merkle_state SET size = ?, last_position = ?", (len(levels[0]) // 32, len(levels[0]) // 32))
    db.commit()
    db.close()
    return IntegrityLog(f"sqlite:///{path}")


def proofs(merkle: MerkleLog, size: int, count: int, seed: int = 3) -> dict:
    rng = random.Random(seed)
    idx = [rng.randrange(size) for _ in range(count)]
    t = time.perf_counter()
    paths = [merkle.inclusion_proof(i, size) for i in idx]
    per_proof = (time.perf_counter() - t) / count
    root = merkle.root(size)
    leaf = merkle.store.get(0, idx[0])
    t = time.perf_counter()
    for _ in range(count):
        verify_inclusion(leaf, idx[0], size, paths[0], root)
    verify_us = (time.perf_counter() - t) / count * 1e6
    olds = [rng.randrange(1, size) for _ in range(count)]
    t = time.perf_counter()
    cons = [merkle.consistency_proof(o, size) for o in olds]
    cons_ms = (time.perf_counter() - t) / count * 1000
    return {"inclusion_bytes": round(sum(32 * len(p) for p in paths) / count, 1), "inclusion_ms": per_proof * 1000,
            "inclusion_verify_us": verify_us, "consistency_bytes": round(sum(32 * len(c) for c in cons) / count, 1),
            "consistency_ms": cons_ms}


def write_overhead(folder: Path, n: int, per_commit: int = 3, tag: str = "") -> dict:
    from eventsourcing.persistence import StoredEvent
    from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore

    from projections.audit.recorder import SQLiteIntegrityRecorder

    out = {}
    rows = [StoredEvent(uuid.UUID(o), v, t, s) for o, v, t, s in events(n, seed=11)]
    for name, cls in (("plain", SQLiteApplicationRecorder), ("integrity", SQLiteIntegrityRecorder)):
        recorder = cls(SQLiteDatastore(str(folder / f"write{tag}-{name}.db")))
        recorder.create_table()
        t = time.perf_counter()
        for i in range(0, n, per_commit):
            recorder.insert_events(rows[i:i + per_commit])
        out[f"write{tag}_eps_{name}"] = n / (time.perf_counter() - t)
    out[f"write{tag}_ratio"] = out[f"write{tag}_eps_integrity"] / out[f"write{tag}_eps_plain"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--big", type=int, default=10_000_000, help="leaves of the big proof test (0: skip)")
    parser.add_argument("--big-sqlite", action="store_true", help="serve the big tree from SQLite, not memory")
    parser.add_argument("--proofs", type=int, default=500)
    parser.add_argument("--writes", type=int, default=30000)
    parser.add_argument("--dir", type=Path, default=None, help="scratch directory (default: a temporary one)")
    args = parser.parse_args()
    scratch = tempfile.TemporaryDirectory(dir=args.dir)
    folder, n = Path(scratch.name), args.events
    result: dict = {"events": n}

    print(f"synthesising {n:,} events …", flush=True)
    result["synthesise_s"] = synthesise(folder / "ledger.db", n)
    url = f"sqlite:///{folder / 'ledger.db'}"
    log = IntegrityLog(url)
    t = time.perf_counter()
    assert log.catch_up(chunk=50000) == n
    result["catch_up_eps"] = n / (time.perf_counter() - t)
    keygen(folder / "key", "bench.example/audit")
    notary = Notary(log, folder / "key", "bench.example/audit")
    notary.make_checkpoint("benchmark")
    print(f"verifying {n:,} events …", flush=True)
    t = time.perf_counter()
    report = verify_database(log, notary, notary.verifier_key())
    result["verify_s"] = time.perf_counter() - t
    assert report.ok and report.events == n, report.as_dict()
    result["verify_eps"] = n / result["verify_s"]
    result["sha256_eps"], result["leaf_bytes_avg"] = sha256_rate(n)
    result["ratio"] = result["verify_eps"] / result["sha256_eps"]
    p = proofs(log.merkle, n, args.proofs)
    result.update({"proof_bytes_1m": p["inclusion_bytes"], "proof_ms_1m": p["inclusion_ms"],
                   "consistency_bytes_1m": p["consistency_bytes"], "consistency_ms_1m": p["consistency_ms"],
                   "proof_verify_us": p["inclusion_verify_us"]})
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in result.items()}), flush=True)
    if args.big:
        print(f"building a {args.big:,}-leaf tree with hashlib …", flush=True)
        t = time.perf_counter()
        levels = build_levels(args.big)
        result["build_10m_s"] = time.perf_counter() - t
        if args.big_sqlite:
            t = time.perf_counter()
            big = sqlite_store(folder / "big.db", levels).merkle
            result["load_10m_sqlite_s"] = time.perf_counter() - t
        else:
            big = MerkleLog(LevelStore(levels))
        p = proofs(big, args.big, args.proofs)
        result.update({"big_leaves": args.big, "big_store": "sqlite" if args.big_sqlite else "memory",
                       "proof_bytes_10m": p["inclusion_bytes"], "proof_ms_10m": p["inclusion_ms"],
                       "consistency_bytes_10m": p["consistency_bytes"], "consistency_ms_10m": p["consistency_ms"]})
        assert len(perfect_cover(0, args.big)) == bin(args.big).count("1")
        del levels, big
    if args.writes:
        result.update(write_overhead(folder, args.writes))  # a command: 3 events per transaction
        result.update(write_overhead(folder, 20 * args.writes, 1000, "_bulk"))  # Ledger.batch(): 1000 per flush
    scratch.cleanup()
    print(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in result.items()}))


if __name__ == "__main__":
    main()

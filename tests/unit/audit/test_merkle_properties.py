"""Property tests: the incremental log agrees with a literal transcription of
RFC 9162 §2.1 (MTH, PATH, PROOF), every proof verifies, and proofs, roots and
appends read O(log n) stored nodes."""

from __future__ import annotations

import hashlib
import math
import random

from hypothesis import given
from hypothesis import strategies as st

from projections.audit.merkle import (
    MemoryNodeStore,
    MerkleLog,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_from_leaf_hashes,
)
from projections.audit.verify import verify_consistency, verify_inclusion


# --- RFC 9162 §2.1, recursive and literal, as the oracle -------------------

def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(d: list[bytes]) -> bytes:  # §2.1.1
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return leaf_hash(d[0])
    k = _k(len(d))
    return node_hash(mth(d[:k]), mth(d[k:]))


def path(m: int, d: list[bytes]) -> list[bytes]:  # §2.1.3.1
    if len(d) == 1:
        return []
    k = _k(len(d))
    if m < k:
        return path(m, d[:k]) + [mth(d[k:])]
    return path(m - k, d[k:]) + [mth(d[:k])]


def subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:  # §2.1.4.1
    n = len(d)
    if m == n:
        return [] if b else [mth(d)]
    k = _k(n)
    if m <= k:
        return subproof(m, d[:k], b) + [mth(d[k:])]
    return subproof(m - k, d[k:], False) + [mth(d[:k])]


# --- a store that counts what it is asked for -------------------------------

class CountingStore(MemoryNodeStore):
    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def get(self, level: int, index: int) -> bytes:
        self.reads += 1
        return super().get(level, index)

    def get_many(self, ids):
        self.reads += len(ids)
        return super().get_many(ids)


def _bound(n: int) -> int:
    return 2 * math.ceil(math.log2(max(n, 2))) + 2


leaves_st = st.lists(st.binary(max_size=8), min_size=1, max_size=300)


@st.composite
def tree_and_points(draw):
    leaves = draw(leaves_st)
    size = draw(st.integers(1, len(leaves)))
    index = draw(st.integers(0, size - 1))
    old = draw(st.integers(0, size))
    return leaves, size, index, old


def _build(leaves: list[bytes], chunks: list[int] | None = None) -> MerkleLog:
    log = MerkleLog(CountingStore())
    if chunks is None:
        for x in leaves:
            log.append(x)
    else:  # batch appends of varying sizes, each through a fresh MerkleLog
        pos = 0
        for c in chunks:
            MerkleLog(log.store).append_leaf_hashes(leaf_hash(x) for x in leaves[pos : pos + c])
            pos += c
        MerkleLog(log.store).append_leaf_hashes(leaf_hash(x) for x in leaves[pos:])
    return log


@given(tree_and_points())
def test_proofs_match_rfc_and_verify(case) -> None:
    leaves, size, index, old = case
    log = _build(leaves)
    root = log.root(size)
    assert root == mth(leaves[:size]) == root_from_leaf_hashes(leaf_hash(x) for x in leaves[:size])

    proof = log.inclusion_proof(index, size)
    assert proof == path(index, leaves[:size])
    assert verify_inclusion(leaf_hash(leaves[index]), index, size, proof, root)

    cproof = log.consistency_proof(old, size)
    assert cproof == ([] if old in (0, size) else subproof(old, leaves[:size], True))
    assert verify_consistency(old, size, log.root(old), root, cproof)

    # The storage-agnostic functions give the same answers from a plain getter.
    assert inclusion_proof(index, size, log.store.get) == proof
    assert consistency_proof(old, size, log.store.get) == cproof


@given(leaves_st, st.lists(st.integers(0, 40), max_size=10))
def test_batches_and_restarts_build_the_same_store(leaves, chunks) -> None:
    one_by_one = _build(leaves)
    batched = _build(leaves, chunks)  # every batch via a new MerkleLog: no carried state
    assert batched.store.nodes == one_by_one.store.nodes
    assert batched.size == one_by_one.size == len(leaves)
    assert batched.root() == mth(leaves)


@given(tree_and_points())
def test_store_reads_are_logarithmic(case) -> None:
    leaves, size, index, old = case
    store = _build(leaves).store
    n = len(leaves)

    def reads(fn) -> int:
        store.reads = 0
        fn(MerkleLog(store))  # fresh log: no frontier cache helps
        return store.reads

    assert reads(lambda log: log.root(size)) <= _bound(size)
    assert reads(lambda log: log.inclusion_proof(index, size)) <= _bound(size)
    assert reads(lambda log: log.consistency_proof(old, size)) <= _bound(size)
    assert reads(lambda log: log.append(b"next")) <= _bound(n)
    assert reads(lambda log: inclusion_proof(index, size, store.get)) <= _bound(size)


def test_append_after_warm_cache_reads_nothing() -> None:
    store = CountingStore()
    log = MerkleLog(store)
    log.append(b"0")
    store.reads = 0
    for i in range(1, 1000):
        assert log.append(b"%d" % i) == i
        log.root()
    assert store.reads == 0


def test_cache_notices_another_writer() -> None:
    store = MemoryNodeStore()
    a, b = MerkleLog(store), MerkleLog(store)
    a.append(b"x")
    b.append(b"y")  # a's frontier cache is now stale
    a.append(b"z")
    assert a.root() == b.root() == mth([b"x", b"y", b"z"])


def test_reads_stay_logarithmic_at_larger_sizes() -> None:
    store = CountingStore()
    MerkleLog(store).append_leaf_hashes(leaf_hash(b"%d" % i) for i in range(5000))
    rng = random.Random(9162)
    for _ in range(200):
        size = rng.randint(1, 5000)
        index, old = rng.randrange(size), rng.randint(0, size)
        for fn in (lambda log: log.inclusion_proof(index, size),
                   lambda log: log.consistency_proof(old, size), lambda log: log.root(size)):
            store.reads = 0
            fn(MerkleLog(store))
            assert store.reads <= _bound(size)

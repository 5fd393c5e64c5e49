"""RFC 9162 (Certificate Transparency v2) Merkle tree over the event log.

Hashing is RFC 9162 §2.1.1: leaf = SHA-256(0x00 || data), node =
SHA-256(0x01 || left || right), MTH({}) = SHA-256("").  Proofs are the
RFC 9162 §2.1.3.1 PATH and §2.1.4.1 PROOF/SUBPROOF, computed iteratively.

Storage layout: only *perfect* subtrees are stored, as (level, index) -> hash,
where node (l, i) is the root of leaves [i * 2**l, (i + 1) * 2**l).  Level 0
holds the leaf hashes.  Appending leaf n stores (0, n) plus each perfect parent
it completes, so an append writes O(log n) rows and never rewrites one (the
table is append-only, like the log).  Any subtree hash a proof needs is a
right fold over O(log n) perfect nodes, so proofs and roots of *any* prefix
read O(log n) rows.  The "right frontier" of a tree of size n is just the
perfect nodes named by the set bits of n, all of them stored, so nothing but
a cache lives in memory: a restarted process recomputes it from the store.

Why hand-written: the auditor's offline verifier may depend on the standard
library and ``cryptography`` only.  The one maintained PyPI package with
inclusion/consistency proofs (pymerkle) models storage as a list of leaves,
recomputes subtree roots from leaves (O(n) reads without its cachetools
cache) and pulls in an extra dependency; the algorithms themselves are short
and are pinned by the transparency-dev/merkle reference vectors in the tests.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

NodeId = tuple[int, int]  # (level, index)
GetNode = Callable[[int, int], bytes]


def leaf_hash(data: bytes) -> bytes:
    """RFC 9162 §2.1.1: MTH({d0}) = SHA-256(0x00 || d0)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 9162 §2.1.1: interior node = SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """Largest power of two strictly smaller than n (n >= 2), the RFC's k."""
    return 1 << ((n - 1).bit_length() - 1)


def perfect_cover(begin: int, end: int) -> list[NodeId]:
    """Perfect subtrees covering [begin, end), biggest first.

    Only valid for the ranges the RFC recursion produces: begin is a multiple
    of the smallest power of two >= (end - begin).  Then MTH(D[begin:end]) is
    the right fold of these nodes (the RFC always splits off a perfect left
    part of size k).
    """
    ids: list[NodeId] = []
    pos = begin
    for level in range((end - begin).bit_length() - 1, -1, -1):
        if (end - begin) >> level & 1:
            ids.append((level, pos >> level))
            pos += 1 << level
    return ids


def fold(hashes: Sequence[bytes]) -> bytes:
    """Combine a perfect cover (biggest first) into one subtree hash."""
    if not hashes:
        return EMPTY_ROOT
    acc = hashes[-1]
    for h in reversed(hashes[:-1]):
        acc = node_hash(h, acc)
    return acc


def root_from_leaf_hashes(hashes: Iterable[bytes]) -> bytes:
    """MTH of a whole list of leaf hashes, streaming with a log-size stack."""
    stack: list[bytes] = []  # the right frontier; stack[i] is perfect
    n = 0
    for h in hashes:
        n += 1
        m = n
        while m & 1 == 0:  # each trailing zero of n = one completed pair
            h = node_hash(stack.pop(), h)
            m >>= 1
        stack.append(h)
    return fold(stack)


def inclusion_plan(index: int, size: int) -> list[list[NodeId]]:
    """Node ids for RFC 9162 §2.1.3.1 PATH(index, D[size]), leaf-side first.

    Each entry is folded into one proof element.  Only the first step to the
    left can hit a non-perfect right sibling, so the total is O(log n) ids.
    """
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} not in tree of size {size}")
    plan: list[list[NodeId]] = []
    begin, end = 0, size
    while end - begin > 1:
        k = _split(end - begin)
        if index < begin + k:  # PATH(m, D[0:k]) : MTH(D[k:n])
            plan.append(perfect_cover(begin + k, end))
            end = begin + k
        else:  # PATH(m - k, D[k:n]) : MTH(D[0:k])
            plan.append(perfect_cover(begin, begin + k))
            begin += k
    return plan[::-1]


def consistency_plan(old: int, new: int) -> list[list[NodeId]]:
    """Node ids for RFC 9162 §2.1.4.1 PROOF(old, D[new]), leaf-side first."""
    if not 0 <= old <= new:
        raise ValueError(f"need 0 <= old <= new, got {old}, {new}")
    if old == 0 or old == new:
        return []  # empty tree / same tree: nothing to prove
    plan: list[list[NodeId]] = []
    begin, end, whole = 0, new, True  # whole = the RFC's SUBPROOF flag b
    while old != end:
        k = _split(end - begin)
        if old - begin <= k:  # SUBPROOF(m, D[0:k], b) : MTH(D[k:n])
            plan.append(perfect_cover(begin + k, end))
            end = begin + k
        else:  # SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])
            plan.append(perfect_cover(begin, begin + k))
            begin += k
            whole = False
    if not whole:  # SUBPROOF(m, D[m], false) = {MTH(D[m])}
        plan.append(perfect_cover(begin, end))
    return plan[::-1]


def _resolve(plan: list[list[NodeId]], get_many: Callable[[list[NodeId]], list[bytes]]) -> list[bytes]:
    flat = [nid for ids in plan for nid in ids]
    fetched = dict(zip(flat, get_many(flat)))  # one round trip for SQL stores
    return [fold([fetched[nid] for nid in ids]) for ids in plan]


def inclusion_proof(index: int, size: int, get_node: GetNode) -> list[bytes]:
    """RFC 9162 §2.1.3.1 inclusion proof from stored perfect-subtree nodes."""
    return _resolve(inclusion_plan(index, size), lambda ids: [get_node(*i) for i in ids])


def consistency_proof(old_size: int, new_size: int, get_node: GetNode) -> list[bytes]:
    """RFC 9162 §2.1.4.1 consistency proof from stored perfect-subtree nodes."""
    return _resolve(consistency_plan(old_size, new_size), lambda ids: [get_node(*i) for i in ids])


class NodeStore(Protocol):
    """Append-only map (level, index) -> 32-byte hash of perfect subtrees.

    ``leaf_count`` is the number of level-0 rows, i.e. the tree size; the store
    must apply ``put_many`` atomically (one transaction) so that it never shows
    a leaf without the parents that leaf completed.
    """

    def get(self, level: int, index: int) -> bytes: ...  # KeyError if absent
    def get_many(self, ids: Sequence[NodeId]) -> list[bytes]: ...  # same order
    def put_many(self, items: Iterable[tuple[int, int, bytes]]) -> None: ...
    def leaf_count(self) -> int: ...


class MemoryNodeStore:
    """Dict-backed NodeStore for tests and the offline verifier."""

    def __init__(self) -> None:
        self.nodes: dict[NodeId, bytes] = {}
        self._leaves = 0

    def get(self, level: int, index: int) -> bytes:
        return self.nodes[(level, index)]

    def get_many(self, ids: Sequence[NodeId]) -> list[bytes]:
        return [self.nodes[i] for i in ids]

    def put_many(self, items: Iterable[tuple[int, int, bytes]]) -> None:
        staged = {}
        for level, index, h in items:
            if (level, index) in self.nodes or (level, index) in staged:
                raise ValueError(f"node ({level}, {index}) already stored")  # append-only
            staged[(level, index)] = h
        self.nodes.update(staged)
        self._leaves += sum(1 for level, _ in staged if level == 0)

    def leaf_count(self) -> int:
        return self._leaves


class MerkleLog:
    """Append-only RFC 9162 log over a NodeStore (the store is the truth)."""

    def __init__(self, store: NodeStore) -> None:
        self.store = store
        self._frontier: tuple[int, list[bytes]] | None = None  # cache only

    @property
    def size(self) -> int:
        return self.store.leaf_count()

    def _load_frontier(self, n: int) -> list[bytes]:
        if self._frontier is not None and self._frontier[0] == n:
            return list(self._frontier[1])
        return self.store.get_many(perfect_cover(0, n))  # another writer moved on

    def append(self, data: bytes) -> int:
        """Append one leaf (its bytes are hashed here); return its index."""
        return self.append_leaf_hashes([leaf_hash(data)])

    def append_leaf_hashes(self, hashes: Iterable[bytes]) -> int:
        """Append leaf hashes in one put_many; return the first new index."""
        first = n = self.store.leaf_count()
        frontier = self._load_frontier(n)
        rows: list[tuple[int, int, bytes]] = []
        for h in hashes:
            if len(h) != HASH_SIZE:
                raise ValueError("leaf hash must be 32 bytes")
            level, index = 0, n
            rows.append((0, n, h))
            while index & 1:  # this node completes a perfect pair: store parent
                h = node_hash(frontier.pop(), h)
                level, index = level + 1, index >> 1
                rows.append((level, index, h))
            frontier.append(h)
            n += 1
        if rows:
            self.store.put_many(rows)
        self._frontier = (n, frontier)
        return first

    def get_leaf_hash(self, index: int) -> bytes:
        return self.store.get(0, index)

    def _check_size(self, size: int) -> None:
        if not 0 <= size <= self.size:
            raise ValueError(f"tree size {size} not in [0, {self.size}]")

    def root(self, size: int | None = None) -> bytes:
        """MTH of the first ``size`` leaves (default: all), O(log n) reads."""
        size = self.size if size is None else size
        self._check_size(size)
        if self._frontier is not None and self._frontier[0] == size:
            return fold(self._frontier[1])
        return fold(self.store.get_many(perfect_cover(0, size)))

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        size = self.size if size is None else size
        self._check_size(size)
        return _resolve(inclusion_plan(index, size), self.store.get_many)

    def consistency_proof(self, old: int, new: int | None = None) -> list[bytes]:
        new = self.size if new is None else new
        self._check_size(new)
        return _resolve(consistency_plan(old, new), self.store.get_many)

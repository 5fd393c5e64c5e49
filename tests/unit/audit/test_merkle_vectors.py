"""RFC 9162 Merkle tree: reference test vectors and adversarial proofs.

Vectors are copied from transparency-dev/merkle (Apache-2.0), the Go
reference implementation of RFC 6962/9162 Merkle trees used by Trillian:

* testonly/constants.go @ 582a6ad190b6848f1d26f8bf08ddef29955d9db1
  (LeafInputs, NodeHashes, RootHashes)
* proof/verify_test.go @ 02194e9afb6c1d95b5381350007963aa70fff472
  (inclusionProofs, consistencyProofs; the Go leaf numbers there are 1-based,
  converted to 0-based indices here; corruptInclusionProof and
  corruptConsistencyProof probes are ported below)
* proof/proof_test.go @ 02a3e2029520f515596d5238c54fb0ac9e19bff4
  (TestInclusion / TestConsistency: which stored node ids a proof reads)
"""

from __future__ import annotations

import hashlib

import pytest

from projections.audit.merkle import (
    EMPTY_ROOT,
    MemoryNodeStore,
    MerkleLog,
    consistency_plan,
    inclusion_plan,
    leaf_hash,
    root_from_leaf_hashes,
)
from projections.audit.verify import ProofError, verify_consistency, verify_inclusion

h = bytes.fromhex

LEAVES = [h(x) for x in ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                         "606162636465666768696a6b6c6d6e6f"]]
# RootHashes(): index = tree size.
ROOTS = [h(x) for x in [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]]
# NodeHashes(): [level][index] for every perfect subtree of the 8-leaf tree.
NODES = [[h(x) for x in level] for level in [
    ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
     "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
     "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
     "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
     "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
     "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
     "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
     "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1"],
    ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
     "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
     "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
     "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"],
    ["d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
     "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"],
    ["5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"],
]]
# inclusionProofs (Go leaf numbers minus one): (index, size, proof)
INCLUSION = [
    (0, 1, []),
    (0, 8, [h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")]),
    (5, 8, [h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
            h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")]),
    (2, 3, [h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")]),
    (1, 5, [h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")]),
]
# consistencyProofs: (size1, size2, proof)
CONSISTENCY = [
    (1, 1, []),
    (1, 8, [h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")]),
    (6, 8, [h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")]),
    (2, 5, [h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")]),
    (6, 7, [h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            h("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")]),
]
SOME_HASH = h("abacaba000000000000000000000000000000000000000000060061e00123456")


@pytest.fixture(scope="module")
def log() -> MerkleLog:
    log = MerkleLog(MemoryNodeStore())
    for leaf in LEAVES:
        log.append(leaf)
    return log


def test_empty_tree_root() -> None:
    assert EMPTY_ROOT == ROOTS[0] == hashlib.sha256(b"").digest()
    assert MerkleLog(MemoryNodeStore()).root() == ROOTS[0]
    assert root_from_leaf_hashes([]) == ROOTS[0]


@pytest.mark.parametrize("size", range(9))
def test_roots_of_every_prefix(log: MerkleLog, size: int) -> None:
    assert log.root(size) == ROOTS[size]
    assert root_from_leaf_hashes(leaf_hash(x) for x in LEAVES[:size]) == ROOTS[size]


def test_store_holds_exactly_the_reference_perfect_subtrees(log: MerkleLog) -> None:
    want = {(lvl, i): v for lvl, level in enumerate(NODES) for i, v in enumerate(level)}
    assert log.store.nodes == want  # type: ignore[attr-defined]


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION)
def test_reference_inclusion_proofs(log: MerkleLog, index: int, size: int, proof: list[bytes]) -> None:
    assert log.inclusion_proof(index, size) == proof
    assert verify_inclusion(leaf_hash(LEAVES[index]), index, size, proof, ROOTS[size])


@pytest.mark.parametrize(("old", "new", "proof"), CONSISTENCY)
def test_reference_consistency_proofs(log: MerkleLog, old: int, new: int, proof: list[bytes]) -> None:
    assert log.consistency_proof(old, new) == proof
    assert verify_consistency(old, new, ROOTS[old], ROOTS[new], proof)


def _go_nodes(ids: list[tuple[int, int]], begin: int = 0, end: int = 0) -> list[list[tuple[int, int]]]:
    """proof_test.go's Nodes{IDs, begin, end}: IDs[begin:end] are rehashed
    (lowest level first) into one element; ours lists them biggest first."""
    out = [[i] for i in ids[:begin]]
    if end > begin:
        out.append(list(reversed(ids[begin:end])))
    return out + [[i] for i in ids[max(begin, end):]]


INCLUSION_PLANS = [  # TestInclusion: (size, index, Nodes)
    (1, 0, _go_nodes([])), (2, 0, _go_nodes([(0, 1)])), (2, 1, _go_nodes([(0, 0)])),
    (3, 1, _go_nodes([(0, 0), (0, 2)])),
    (7, 0, _go_nodes([(0, 1), (1, 1), (0, 6), (1, 2)], 2, 4)),
    (7, 1, _go_nodes([(0, 0), (1, 1), (0, 6), (1, 2)], 2, 4)),
    (7, 2, _go_nodes([(0, 3), (1, 0), (0, 6), (1, 2)], 2, 4)),
    (7, 3, _go_nodes([(0, 2), (1, 0), (0, 6), (1, 2)], 2, 4)),
    (7, 4, _go_nodes([(0, 5), (0, 6), (2, 0)])), (7, 5, _go_nodes([(0, 4), (0, 6), (2, 0)])),
    (7, 6, _go_nodes([(1, 2), (2, 0)])),
    (4, 2, _go_nodes([(0, 3), (1, 0)])), (5, 3, _go_nodes([(0, 2), (1, 0), (0, 4)])),
    (6, 3, _go_nodes([(0, 2), (1, 0), (1, 2)])), (6, 4, _go_nodes([(0, 5), (2, 0)])),
    (15, 10, _go_nodes([(0, 11), (1, 4), (0, 14), (1, 6), (3, 0)], 2, 4)),
    (31, 24, _go_nodes([(0, 25), (1, 13), (0, 30), (1, 14), (3, 2), (4, 0)], 2, 4)),
    (95, 81, _go_nodes([(0, 80), (1, 41), (2, 21), (0, 94), (1, 46), (2, 22), (4, 4), (6, 0)], 3, 6)),
]
CONSISTENCY_PLANS = [  # TestConsistency: (size1, size2, Nodes)
    (1, 2, _go_nodes([(0, 1)])), (1, 4, _go_nodes([(0, 1), (1, 1)])),
    (1, 6, _go_nodes([(0, 1), (1, 1), (1, 2)])), (2, 3, _go_nodes([(0, 2)])),
    (2, 8, _go_nodes([(1, 1), (2, 1)])),
    (3, 7, _go_nodes([(0, 2), (0, 3), (1, 0), (0, 6), (1, 2)], 3, 5)),
    (4, 7, _go_nodes([(0, 6), (1, 2)], 0, 2)),
    (5, 7, _go_nodes([(0, 4), (0, 5), (0, 6), (2, 0)])), (6, 7, _go_nodes([(1, 2), (0, 6), (2, 0)])),
    (7, 8, _go_nodes([(0, 6), (0, 7), (1, 2), (2, 0)])),
    *[(n, n, []) for n in (1, 2, 3, 4, 5, 7, 8)],
    (2, 4, _go_nodes([(1, 1)])), (3, 5, _go_nodes([(0, 2), (0, 3), (1, 0), (0, 4)])),
    (3, 6, _go_nodes([(0, 2), (0, 3), (1, 0), (1, 2)])), (4, 6, _go_nodes([(1, 2)])),
    (1, 7, _go_nodes([(0, 1), (1, 1), (0, 6), (1, 2)], 2, 4)),
    (10, 15, _go_nodes([(1, 4), (1, 5), (0, 14), (1, 6), (3, 0)], 2, 4)),
    (24, 31, _go_nodes([(3, 2), (0, 30), (1, 14), (2, 6), (4, 0)], 1, 4)),
    (81, 95, _go_nodes([(0, 80), (0, 81), (1, 41), (2, 21), (0, 94), (1, 46), (2, 22), (4, 4), (6, 0)], 4, 7)),
]


@pytest.mark.parametrize(("size", "index", "want"), INCLUSION_PLANS)
def test_inclusion_reads_the_reference_nodes(size: int, index: int, want: list) -> None:
    assert inclusion_plan(index, size) == want


@pytest.mark.parametrize(("old", "new", "want"), CONSISTENCY_PLANS)
def test_consistency_reads_the_reference_nodes(old: int, new: int, want: list) -> None:
    assert consistency_plan(old, new) == want


@pytest.mark.parametrize(("size", "index"), [(0, 0), (0, 1), (1, 2), (0, 3), (7, 8), (7, 7), (3, -1)])
def test_inclusion_plan_rejects_bad_params(size: int, index: int) -> None:
    with pytest.raises(ValueError):
        inclusion_plan(index, size)


@pytest.mark.parametrize(("old", "new"), [(5, 0), (9, 8), (-1, 3)])
def test_consistency_plan_rejects_bad_params(old: int, new: int) -> None:
    with pytest.raises(ValueError):
        consistency_plan(old, new)


def test_log_refuses_proofs_beyond_its_size(log: MerkleLog) -> None:
    for call in (lambda: log.root(9), lambda: log.inclusion_proof(0, 9), lambda: log.consistency_proof(1, 9)):
        with pytest.raises(ValueError):
            call()


# --- adversarial: ported corruptInclusionProof / corruptConsistencyProof ---

def _inclusion_probes(index, size, proof, root, leaf):
    probes = {
        "index - 1": (leaf, index - 1, size, proof, root),
        "index + 1": (leaf, index + 1, size, proof, root),
        "index ^ 2": (leaf, index ^ 2, size, proof, root),
        "size * 2": (leaf, index, size * 2, proof, root),
        "size // 2": (leaf, index, size // 2, proof, root),
        "wrong leaf": (b"WrongLeaf", index, size, proof, root),
        "leaf of another index": (leaf_hash(b"another"), index, size, proof, root),
        "empty root": (leaf, index, size, proof, EMPTY_ROOT),
        "random root": (leaf, index, size, proof, SOME_HASH),
        "trailing garbage": (leaf, index, size, [*proof, b""], root),
        "trailing root": (leaf, index, size, [*proof, root], root),
        "preceding garbage": (leaf, index, size, [b"", *proof], root),
        "preceding root": (leaf, index, size, [root, *proof], root),
    }
    for i in range(len(proof)):
        bad = list(proof)
        bad[i] = bytes([bad[i][0] ^ 8]) + bad[i][1:]
        probes[f"flipped bit in proof[{i}]"] = (leaf, index, size, bad, root)
    if proof:
        probes["truncated"] = (leaf, index, size, proof[:-1], root)
    if len(proof) > 1:
        probes["inserted"] = (leaf, index, size, [proof[0], SOME_HASH, *proof[1:]], root)
    return probes


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION)
def test_corrupted_inclusion_proofs_are_rejected(index: int, size: int, proof: list[bytes]) -> None:
    for desc, args in _inclusion_probes(index, size, proof, ROOTS[size], leaf_hash(LEAVES[index])).items():
        with pytest.raises(ProofError):
            verify_inclusion(*args)
            pytest.fail(f"accepted: {desc}")


def test_proof_for_another_leaf_is_rejected(log: MerkleLog) -> None:
    proof = log.inclusion_proof(2, 8)
    for other in (0, 1, 3, 7):
        with pytest.raises(ProofError):
            verify_inclusion(leaf_hash(LEAVES[other]), 2, 8, proof, ROOTS[8])
        with pytest.raises(ProofError):
            verify_inclusion(leaf_hash(LEAVES[2]), other, 8, proof, ROOTS[8])


@pytest.mark.parametrize(("old", "new", "proof"), [c for c in CONSISTENCY if c[2]])
def test_corrupted_consistency_proofs_are_rejected(old: int, new: int, proof: list[bytes]) -> None:
    r1, r2 = ROOTS[old], ROOTS[new]
    probes = {
        "old - 1": (old - 1, new, r1, r2, proof), "old + 1": (old + 1, new, r1, r2, proof),
        "old ^ 2": (old ^ 2, new, r1, r2, proof), "new * 2": (old, new * 2, r1, r2, proof),
        "new // 2": (old, new // 2, r1, r2, proof), "wrong old root": (old, new, SOME_HASH, r2, proof),
        "wrong new root": (old, new, r1, SOME_HASH, proof), "swapped": (old, new, r2, r1, proof),
        "empty": (old, new, r1, r2, []), "trailing garbage": (old, new, r1, r2, [*proof, b""]),
        "trailing r1": (old, new, r1, r2, [*proof, r1]), "trailing r2": (old, new, r1, r2, [*proof, r2]),
        "preceding r1": (old, new, r1, r2, [r1, *proof]), "preceding r2": (old, new, r1, r2, [r2, *proof]),
        "preceding p0": (old, new, r1, r2, [proof[0], *proof]), "truncated": (old, new, r1, r2, proof[:-1]),
    }
    for i in range(len(proof)):
        bad = list(proof)
        bad[i] = bytes([bad[i][0] ^ 16]) + bad[i][1:]
        probes[f"flipped bit in proof[{i}]"] = (old, new, r1, r2, bad)
    for desc, args in probes.items():
        with pytest.raises(ProofError):
            verify_consistency(*args)
            pytest.fail(f"accepted: {desc}")


@pytest.mark.parametrize(
    ("old", "new", "r1", "r2", "proof", "ok"),
    [
        (0, 0, EMPTY_ROOT, EMPTY_ROOT, [], True),
        (0, 5, EMPTY_ROOT, ROOTS[5], [], True),
        (0, 5, SOME_HASH, ROOTS[5], [], False),  # stricter than Go: size 0 means the empty root
        (0, 5, EMPTY_ROOT, ROOTS[5], [EMPTY_ROOT], False),
        (3, 3, ROOTS[3], ROOTS[3], [], True),
        (3, 3, ROOTS[3], ROOTS[4], [], False),  # same size, different roots: a fork
        (3, 3, ROOTS[3], ROOTS[3], [EMPTY_ROOT], False),
        (4, 3, ROOTS[4], ROOTS[3], [], False),  # time travel
        (1, 2, ROOTS[1], ROOTS[2], [], False),
        (True, 2, ROOTS[1], ROOTS[2], [NODES[0][1]], False),  # bool is not a size
    ],
)
def test_consistency_edge_cases(old, new, r1, r2, proof, ok) -> None:
    if ok:
        assert verify_consistency(old, new, r1, r2, proof)
    else:
        with pytest.raises(ProofError):
            verify_consistency(old, new, r1, r2, proof)


def test_consistency_between_unrelated_trees_is_rejected() -> None:
    a, b = MerkleLog(MemoryNodeStore()), MerkleLog(MemoryNodeStore())
    for i in range(13):
        a.append(b"a%d" % i)
        b.append(b"b%d" % i)
    with pytest.raises(ProofError, match="old root"):
        verify_consistency(5, 13, b.root(5), a.root(13), a.consistency_proof(5, 13))
    with pytest.raises(ProofError, match="new root"):
        verify_consistency(5, 13, a.root(5), b.root(13), a.consistency_proof(5, 13))


@pytest.mark.parametrize(("index", "size"), [(0, 0), (1, 0), (2, 1), (1, 1)])
def test_inclusion_index_must_be_below_size(index: int, size: int) -> None:
    with pytest.raises(ProofError):
        verify_inclusion(SOME_HASH, index, size, [], EMPTY_ROOT)


def test_single_leaf_tree() -> None:
    # TestVerifyInclusionSingleEntry: root == leaf hash, empty proof, and no
    # short/empty hash accepted on either side.
    lh = leaf_hash(b"data")
    assert verify_inclusion(lh, 0, 1, [], lh)
    for leaf, root in [(lh, b""), (b"", lh), (b"", b"")]:
        with pytest.raises(ProofError):
            verify_inclusion(leaf, 0, 1, [], root)

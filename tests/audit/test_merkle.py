"""RFC 6962 Merkle tree: published vectors, properties over many sizes, and pymerkle agreement.

The vectors are the Certificate Transparency reference data (the same inputs and outputs used by
transparency-dev/merkle and RFC 6962 implementations everywhere): a log no other implementation
agrees with proves nothing to a partner agency.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pymerkle import InmemoryTree

from tanseeq.audit import (
    EMPTY_ROOT,
    Frontier,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    subtree_root,
    verify_consistency,
    verify_inclusion,
)

CT_DATA = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
CT_LEAVES = [leaf_hash(d) for d in CT_DATA]
CT_ROOTS = [  # index = tree size
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# (leaf index, tree size, audit path)
CT_INCLUSION = [
    (0, 1, []),
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
# (old size, new size, proof)
CT_CONSISTENCY = [
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]

MAX_N = 300
LEAVES = [leaf_hash(i.to_bytes(4, "big")) for i in range(MAX_N)]
ROOTS = [root(LEAVES[:n]) for n in range(MAX_N + 1)]


def _flip(h: bytes, bit: int = 0) -> bytes:
    return bytes([h[0] ^ (1 << bit)]) + h[1:]


# --- published vectors ---------------------------------------------------------------------


def test_empty_root_is_sha256_of_nothing() -> None:
    assert root([]) == EMPTY_ROOT
    assert EMPTY_ROOT.hex() == CT_ROOTS[0]


def test_prefixes_are_rfc6962() -> None:
    # leaf = SHA-256(0x00 || data): the size-1 root is the hash of a lone 0x00 byte.
    assert leaf_hash(b"").hex() == CT_ROOTS[1]
    assert node_hash(CT_LEAVES[0], CT_LEAVES[1]).hex() == CT_ROOTS[2]


@pytest.mark.parametrize("size", range(len(CT_ROOTS)))
def test_roots_match_reference(size: int) -> None:
    assert root(CT_LEAVES[:size]).hex() == CT_ROOTS[size]
    assert Frontier.from_leaves(CT_LEAVES[:size]).root().hex() == CT_ROOTS[size]


@pytest.mark.parametrize(("index", "size", "path"), CT_INCLUSION)
def test_inclusion_matches_reference(index: int, size: int, path: list[str]) -> None:
    proof = inclusion_proof(CT_LEAVES, index, size)
    assert [p.hex() for p in proof] == path
    assert verify_inclusion(CT_LEAVES[index], index, size, proof, bytes.fromhex(CT_ROOTS[size]))


@pytest.mark.parametrize(("old", "new", "path"), CT_CONSISTENCY)
def test_consistency_matches_reference(old: int, new: int, path: list[str]) -> None:
    proof = consistency_proof(CT_LEAVES, old, new)
    assert [p.hex() for p in proof] == path
    assert verify_consistency(
        old, new, bytes.fromhex(CT_ROOTS[old]), bytes.fromhex(CT_ROOTS[new]), proof
    )


# --- edge cases of the verifiers (RFC 9162 and transparency-dev behaviour, a little stricter) ---


def test_inclusion_rejects_impossible_positions() -> None:
    some = LEAVES[0]
    for index, size in [(0, 0), (1, 0), (1, 1), (2, 1), (-1, 3)]:
        assert not verify_inclusion(some, index, size, [], some)


def test_inclusion_single_leaf_tree() -> None:
    assert verify_inclusion(LEAVES[0], 0, 1, [], LEAVES[0])
    assert not verify_inclusion(LEAVES[0], 0, 1, [], LEAVES[1])
    assert not verify_inclusion(b"", 0, 1, [], b"")  # wrong hash size is never valid


def test_consistency_edges() -> None:
    r1, r2 = ROOTS[1], ROOTS[2]
    assert verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])
    assert verify_consistency(0, 5, EMPTY_ROOT, ROOTS[5], [])
    assert not verify_consistency(0, 5, r1, ROOTS[5], [])  # stricter: size 0 has one root
    assert verify_consistency(1, 1, r1, r1, [])
    assert not verify_consistency(1, 1, r1, r2, [])
    assert not verify_consistency(1, 1, r1, r1, [EMPTY_ROOT])  # equal sizes, proof must be empty
    assert not verify_consistency(2, 1, r2, r1, [])  # time travel
    assert not verify_consistency(1, 2, r1, r2, [])  # a real step needs a proof


def test_proof_generation_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError):
        inclusion_proof(LEAVES, 5, 5)
    with pytest.raises(ValueError):
        inclusion_proof(LEAVES[:3], 0, 10)  # fewer leaves than the tree size
    with pytest.raises(ValueError):
        consistency_proof(LEAVES, 6, 5)
    with pytest.raises(ValueError):
        inclusion_proof(lambda s, e: LEAVES[s : e - 1], 0, 10)  # a short read from the store


def test_tree_size_is_bound_by_the_signed_head_not_by_the_proof() -> None:
    # Documented RFC 9162 property: the proof for leaf 0 of a 3-leaf tree also "verifies" as
    # size 4 against the same root. This is why a head signs (size, root) together and
    # callers must take both from it.
    proof = inclusion_proof(LEAVES, 0, 3)
    assert verify_inclusion(LEAVES[0], 0, 4, proof, ROOTS[3])
    assert not verify_inclusion(LEAVES[0], 0, 4, inclusion_proof(LEAVES, 0, 4), ROOTS[3])


# --- every size and position, exhaustively for small trees ----------------------------------


@pytest.mark.parametrize("n", range(1, 65))
def test_every_inclusion_and_consistency_small_trees(n: int) -> None:
    for i in range(n):
        proof = inclusion_proof(LEAVES, i, n)
        assert verify_inclusion(LEAVES[i], i, n, proof, ROOTS[n])
        # Any other position is refused, so a proof cannot be replayed for another entry.
        assert not any(
            verify_inclusion(LEAVES[i], j, n, proof, ROOTS[n]) for j in range(n) if j != i
        )
    for m in range(0, n + 1):
        proof = consistency_proof(LEAVES, m, n)
        assert verify_consistency(m, n, ROOTS[m], ROOTS[n], proof)
        assert not any(
            verify_consistency(k, n, ROOTS[m], ROOTS[n], proof) for k in range(n + 1) if k != m
        )


# --- hypothesis: sizes up to a few hundred, any corruption fails ----------------------------

sizes = st.integers(min_value=1, max_value=MAX_N)


def _corruptions(proof: list[bytes], data: st.DataObject) -> list[list[bytes]]:
    out = [[*proof, ROOTS[1]], [ROOTS[1], *proof], [*proof, b""]]
    if proof:
        j = data.draw(st.integers(0, len(proof) - 1), label="element")
        bit = data.draw(st.integers(0, 7), label="bit")
        out.append([*proof[:j], _flip(proof[j], bit), *proof[j + 1 :]])
        out.append(proof[:-1])
        out.append(proof[1:])
        out.append([*proof[:j], LEAVES[j % MAX_N], *proof[j + 1 :]])
        if len(proof) > 1:
            out.append([proof[1], proof[0], *proof[2:]])
    return [c for c in out if c != proof]


@settings(max_examples=300, deadline=None)
@given(data=st.data(), n=sizes)
def test_inclusion_verifies_and_every_alteration_fails(data: st.DataObject, n: int) -> None:
    i = data.draw(st.integers(0, n - 1), label="index")
    proof = inclusion_proof(LEAVES, i, n)
    assert verify_inclusion(LEAVES[i], i, n, proof, ROOTS[n])
    for bad in _corruptions(proof, data):
        assert not verify_inclusion(LEAVES[i], i, n, bad, ROOTS[n])
    other = data.draw(st.integers(0, n - 1).filter(lambda j: j != i), label="other") if n > 1 else i
    if other != i:
        assert not verify_inclusion(LEAVES[i], other, n, proof, ROOTS[n])
        assert not verify_inclusion(LEAVES[other], i, n, proof, ROOTS[n])
    assert not verify_inclusion(LEAVES[i], i, n, proof, _flip(ROOTS[n]))
    assert not verify_inclusion(_flip(LEAVES[i]), i, n, proof, ROOTS[n])
    assert not verify_inclusion(LEAVES[i], i, n * 2, proof, ROOTS[n])


@settings(max_examples=300, deadline=None)
@given(data=st.data(), n=sizes)
def test_consistency_verifies_and_every_alteration_fails(data: st.DataObject, n: int) -> None:
    m = data.draw(st.integers(1, n), label="old size")
    proof = consistency_proof(LEAVES, m, n)
    assert verify_consistency(m, n, ROOTS[m], ROOTS[n], proof)
    if m == n:
        assert not verify_consistency(m, n, ROOTS[m], _flip(ROOTS[n]), proof)
        return
    for bad in _corruptions(proof, data):
        assert not verify_consistency(m, n, ROOTS[m], ROOTS[n], bad)
    assert not verify_consistency(m, n, _flip(ROOTS[m]), ROOTS[n], proof)
    assert not verify_consistency(m, n, ROOTS[m], _flip(ROOTS[n]), proof)
    assert not verify_consistency(m, n, ROOTS[n], ROOTS[m], proof)
    assert not verify_consistency(m + 1, n, ROOTS[m], ROOTS[n], proof)
    assert not verify_consistency(m - 1, n, ROOTS[m], ROOTS[n], proof)
    # A rewritten history: same sizes, one old leaf changed, so the roots differ.
    forged = list(LEAVES[:n])
    k = data.draw(st.integers(0, m - 1), label="forged leaf")
    forged[k] = _flip(forged[k])
    assert not verify_consistency(m, n, ROOTS[m], root(forged), consistency_proof(forged, m, n))


# --- the frontier the writer persists -------------------------------------------------------


def test_frontier_appends_match_full_recomputation() -> None:
    f = Frontier()
    assert f.root() == EMPTY_ROOT
    for n, leaf in enumerate(LEAVES, start=1):
        f = f.append(leaf)
        assert f.size == n
        assert len(f.hashes) == n.bit_count()  # O(log n) state, never the log
        assert f.root() == ROOTS[n]


def test_frontier_is_immutable_so_a_rollback_leaves_it_intact() -> None:
    f = Frontier.from_leaves(LEAVES[:5])
    g = f.append(LEAVES[5])
    assert f.size == 5 and f.root() == ROOTS[5]
    assert g.root() == ROOTS[6]


@pytest.mark.parametrize("n", [0, 1, 2, 3, 7, 8, 255, 300])
def test_frontier_json_round_trip(n: int) -> None:
    f = Frontier.from_leaves(LEAVES[:n])
    text = f.to_json()
    assert Frontier.from_json(text) == f
    assert Frontier.from_json(text).append(LEAVES[0]).root() == f.append(LEAVES[0]).root()
    assert json.loads(text)["size"] == n


@pytest.mark.parametrize(
    "text",
    [
        "",
        "[]",
        '{"size": 1}',
        '{"size": 1, "hashes": []}',  # one leaf needs one subtree root
        '{"size": 2, "hashes": ["00", "11"]}',
        '{"size": -1, "hashes": []}',
        '{"size": true, "hashes": ["' + "00" * 32 + '"]}',
        '{"size": 1, "hashes": ["zz' + "00" * 31 + '"]}',
        '{"size": 1, "hashes": ["' + "00" * 31 + '"]}',
        '{"size": 1, "hashes": "' + "00" * 32 + '"}',
    ],
)
def test_frontier_rejects_malformed_json(text: str) -> None:
    with pytest.raises(ValueError):
        Frontier.from_json(text)


# --- streaming: proofs over a store without loading the log ---------------------------------


def test_callable_source_reads_bounded_chunks_and_agrees_with_sequence() -> None:
    reads: list[tuple[int, int]] = []

    def get_leaves(start: int, end: int) -> list[bytes]:
        reads.append((start, end))
        return LEAVES[start:end]

    n = 291
    for i in (0, 1, 100, 255, 256, 290):
        assert inclusion_proof(get_leaves, i, n, chunk=16) == inclusion_proof(LEAVES, i, n)
    for m in (1, 64, 100, 290):
        assert consistency_proof(get_leaves, m, n, chunk=16) == consistency_proof(LEAVES, m, n)
    assert subtree_root(get_leaves, 0, n, chunk=16) == ROOTS[n]
    assert reads and max(end - start for start, end in reads) <= 16
    assert all(0 <= start < end <= n for start, end in reads)


# --- pymerkle cross-check ---------------------------------------------------------------------
# pymerkle's default "security" mode prefixes leaves with 0x00 and nodes with 0x01, i.e. RFC 6962
# hashing, and InmemoryTree(algorithm="sha256") then yields the same leaf hashes and roots. Its
# proofs are a different format (the leaf hash first, then the path, with a "rule" bit list);
# the inclusion path minus that first element equals ours. Its consistency proof is not the
# RFC 9162 one (it may descend to single leaves where RFC 9162 sends one subtree root, e.g.
# [L2, L3, N01] instead of [N23] for 2 -> 4), so for consistency we compare the two roots its
# proof resolves to.


def test_pymerkle_uses_the_same_prefixes() -> None:
    tree = InmemoryTree(algorithm="sha256")
    assert tree.leaf_prefix == b"\x00" and tree.node_prefix == b"\x01"
    assert tree.hash_buff(b"x") == leaf_hash(b"x")
    assert tree.hash_pair(LEAVES[0], LEAVES[1]) == node_hash(LEAVES[0], LEAVES[1])


@settings(max_examples=60, deadline=None)
@given(data=st.lists(st.binary(max_size=40), min_size=1, max_size=200), pick=st.data())
def test_agrees_with_pymerkle(data: list[bytes], pick: st.DataObject) -> None:
    tree = InmemoryTree(algorithm="sha256")
    for d in data:
        tree.append_entry(d)
    leaves = [leaf_hash(d) for d in data]
    n = len(leaves)
    assert [tree.get_leaf(i + 1) for i in range(n)] == leaves  # pymerkle counts from one
    for size in {1, n // 2 or 1, n}:
        assert tree.get_root(size) == root(leaves[:size])

    i = pick.draw(st.integers(0, n - 1), label="index")
    theirs = tree.prove_inclusion(i + 1, n)
    assert theirs.path[0] == leaves[i]
    assert theirs.path[1:] == inclusion_proof(leaves, i, n)

    m = pick.draw(st.integers(1, n), label="old size")
    theirs_c = tree.prove_consistency(m, n)
    ours = consistency_proof(leaves, m, n)
    assert theirs_c.retrieve_prior_state() == root(leaves[:m])
    assert theirs_c.compute_root() == root(leaves)
    if m < n:
        assert verify_consistency(m, n, root(leaves[:m]), root(leaves), ours)

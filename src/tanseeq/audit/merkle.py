"""RFC 6962 / RFC 9162 Merkle tree over audit-log leaf hashes.

Why a Merkle tree and not a plain hash chain: a chain lets a verifier detect an edited entry,
but only a Merkle tree gives the two short proofs partner agencies need to *witness* our log
without holding it: an inclusion proof (this entry is in the tree you signed off on) and a
consistency proof (the tree of size n you hold is a prefix of today's tree of size m, so nothing
before n was rewritten or dropped). Both are O(log n) hashes.

Hashing follows RFC 6962 section 2.1 exactly, so any CT/transparency-dev tooling can check our
proofs: ``leaf = SHA-256(0x00 || entry)``, ``node = SHA-256(0x01 || left || right)``, and the
empty tree's root is ``SHA-256("")``. The distinct prefixes stop a leaf from being passed off as
an interior node (second-preimage attack).

Every function here takes *leaf hashes* (already ``leaf_hash(entry_bytes)``), because those are
what the store keeps in ``audit_log.leaf_hash``. Proof generation reads them through a
``LeafSource``: either a ``Sequence[bytes]`` or a callable ``get_leaves(start, end)`` returning
the hashes of leaves ``start <= seq < end``. It asks for bounded chunks only, so proving over a
log of millions of entries never holds it all in memory (memory is O(chunk + log n); time is
O(n) hashes, because interior nodes are not stored).

``Frontier`` is what the writer persists next to the log: the roots of the maximal perfect
subtrees (at most log2(n)+1 hashes). Appending one leaf and getting the new root is O(log n)
and never reads the log, so the audit write stays cheap inside the business transaction.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "Frontier",
    "LeafSource",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "root",
    "subtree_root",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"

# Large enough that per-call overhead in the store (one SELECT per chunk) is negligible,
# small enough (128 KiB of hashes) to be harmless in memory.
DEFAULT_CHUNK = 4096

LeafSource = Sequence[bytes] | Callable[[int, int], Sequence[bytes]]


def leaf_hash(data: bytes) -> bytes:
    """RFC 6962 leaf hash: SHA-256(0x00 || data)."""
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 6962 interior node hash: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def _largest_power_of_two_below(n: int) -> int:
    """The split point k of RFC 6962: the largest power of two with k < n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def _check_hash(value: bytes, what: str) -> None:
    if not isinstance(value, bytes) or len(value) != HASH_SIZE:
        raise ValueError(f"{what} must be {HASH_SIZE} bytes")


@dataclass(frozen=True, slots=True)
class Frontier:
    """The compact state of a tree: roots of its maximal perfect subtrees, largest first.

    For size n the subtree sizes are the set bits of n from high to low, so ``len(hashes)`` is
    always ``n.bit_count()``. Immutable on purpose: ``append`` returns a new frontier, so a
    rolled-back transaction cannot leave a half-updated frontier behind in memory.
    """

    size: int = 0
    hashes: tuple[bytes, ...] = ()

    def __post_init__(self) -> None:
        if self.size < 0:
            raise ValueError("frontier size must be >= 0")
        if len(self.hashes) != self.size.bit_count():
            raise ValueError(
                f"a frontier of size {self.size} holds {self.size.bit_count()} hashes, "
                f"not {len(self.hashes)}"
            )
        for h in self.hashes:
            _check_hash(h, "frontier hash")

    @classmethod
    def from_leaves(cls, leaf_hashes: Iterable[bytes]) -> Frontier:
        """Build the frontier of a whole log by streaming its leaf hashes once."""
        return cls().extend(leaf_hashes)

    def append(self, leaf: bytes) -> Frontier:
        """The frontier after appending one leaf hash; O(log n) node hashes."""
        _check_hash(leaf, "leaf hash")
        stack = list(self.hashes)
        carry = leaf
        n = self.size
        # Each trailing 1-bit of n is a perfect subtree of the same size as the one being
        # carried in, so they merge, exactly like binary addition of 1.
        while n & 1:
            carry = node_hash(stack.pop(), carry)
            n >>= 1
        stack.append(carry)
        return Frontier(self.size + 1, tuple(stack))

    def extend(self, leaf_hashes: Iterable[bytes]) -> Frontier:
        """The frontier after appending many leaf hashes in order."""
        stack = list(self.hashes)
        size = self.size
        for leaf in leaf_hashes:
            _check_hash(leaf, "leaf hash")
            carry = leaf
            n = size
            while n & 1:
                carry = node_hash(stack.pop(), carry)
                n >>= 1
            stack.append(carry)
            size += 1
        return Frontier(size, tuple(stack))

    def root(self) -> bytes:
        """RFC 6962 MTH of the tree: fold the subtree roots from the right."""
        if not self.hashes:
            return EMPTY_ROOT
        acc = self.hashes[-1]
        for h in reversed(self.hashes[:-1]):
            acc = node_hash(h, acc)
        return acc

    def to_json(self) -> str:
        """Compact JSON ``{"size": n, "hashes": [hex, ...]}`` for the store's frontier row."""
        return json.dumps(
            {"size": self.size, "hashes": [h.hex() for h in self.hashes]},
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> Frontier:
        """Inverse of ``to_json``; raises ``ValueError`` on anything malformed."""
        try:
            data = json.loads(text)
            size = data["size"]
            raw = data["hashes"]
            if not isinstance(size, int) or isinstance(size, bool) or not isinstance(raw, list):
                raise TypeError("size must be an int and hashes a list")
            hashes = tuple(bytes.fromhex(h) for h in raw)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"malformed frontier JSON: {exc}") from exc
        return cls(size, hashes)


def root(leaf_hashes: Iterable[bytes]) -> bytes:
    """RFC 6962 Merkle Tree Hash of a list of leaf hashes, for any n (0 gives SHA-256(''))."""
    return Frontier.from_leaves(leaf_hashes).root()


def _fetcher(leaves: LeafSource) -> Callable[[int, int], Sequence[bytes]]:
    if callable(leaves):
        get = leaves

        def checked(start: int, end: int) -> Sequence[bytes]:
            got = get(start, end)
            if len(got) != end - start:
                raise ValueError(
                    f"get_leaves({start}, {end}) returned {len(got)} hashes, expected {end - start}"
                )
            return got

        return checked
    seq = leaves

    def sliced(start: int, end: int) -> Sequence[bytes]:
        if end > len(seq):
            raise ValueError(f"tree size {end} exceeds the {len(seq)} leaves given")
        return seq[start:end]

    return sliced


def _range_root(
    fetch: Callable[[int, int], Sequence[bytes]], start: int, end: int, chunk: int
) -> bytes:
    # The frontier fold of any run of leaves equals the RFC 6962 MTH of that run, whatever
    # its alignment, so a subtree root can be streamed chunk by chunk.
    frontier = Frontier()
    pos = start
    while pos < end:
        stop = min(end, pos + chunk)
        frontier = frontier.extend(fetch(pos, stop))
        pos = stop
    return frontier.root()


def subtree_root(leaves: LeafSource, start: int, end: int, *, chunk: int = DEFAULT_CHUNK) -> bytes:
    """MTH of leaves ``start <= i < end`` (``root`` of a prefix when ``start == 0``)."""
    if not 0 <= start <= end:
        raise ValueError("need 0 <= start <= end")
    return _range_root(_fetcher(leaves), start, end, chunk)


def inclusion_proof(
    leaves: LeafSource, index: int, tree_size: int, *, chunk: int = DEFAULT_CHUNK
) -> list[bytes]:
    """RFC 9162 section 2.1.3.1 audit path of leaf ``index`` in the tree of ``tree_size``.

    Hashes are ordered from the leaf's sibling upwards, as RFC 9162 and transparency-dev expect.
    """
    if not 0 <= index < tree_size:
        raise ValueError(f"index {index} is not in a tree of size {tree_size}")
    fetch = _fetcher(leaves)
    path: list[bytes] = []
    lo, hi = 0, tree_size
    # Walk down from the root; each step records the root of the half not containing the
    # leaf. The recursion appends those on the way back up, so we reverse at the end.
    while hi - lo > 1:
        k = _largest_power_of_two_below(hi - lo)
        if index - lo < k:
            path.append(_range_root(fetch, lo + k, hi, chunk))
            hi = lo + k
        else:
            path.append(_range_root(fetch, lo, lo + k, chunk))
            lo = lo + k
    path.reverse()
    return path


def consistency_proof(
    leaves: LeafSource, old_size: int, new_size: int, *, chunk: int = DEFAULT_CHUNK
) -> list[bytes]:
    """RFC 9162 section 2.1.4.1 proof that the tree of ``old_size`` is a prefix of ``new_size``.

    Empty when ``old_size`` is 0 or equals ``new_size`` (nothing to prove).
    """
    if not 0 <= old_size <= new_size:
        raise ValueError(f"need 0 <= old_size <= new_size, got {old_size}, {new_size}")
    if old_size in (0, new_size):
        return []
    fetch = _fetcher(leaves)
    proof: list[bytes] = []
    # SUBPROOF(m, D[lo:hi], b), unrolled. ``complete`` is the flag b: true while the old tree
    # is still the whole left part of the current range, so its root need not be sent.
    lo, hi, m, complete = 0, new_size, old_size, True
    while m != hi - lo:
        k = _largest_power_of_two_below(hi - lo)
        if m <= k:
            proof.append(_range_root(fetch, lo + k, hi, chunk))
            hi = lo + k
        else:
            proof.append(_range_root(fetch, lo, lo + k, chunk))
            lo, m, complete = lo + k, m - k, False
    if not complete:
        proof.append(_range_root(fetch, lo, hi, chunk))
    proof.reverse()
    return proof


def _is_hash(value: object) -> bool:
    return isinstance(value, bytes) and len(value) == HASH_SIZE


def verify_inclusion(
    leaf: bytes, index: int, tree_size: int, proof: Sequence[bytes], root_hash: bytes
) -> bool:
    """RFC 9162 section 2.1.3.2: does ``proof`` place ``leaf`` at ``index`` under ``root_hash``?

    Returns False (never raises) for any malformed input, so callers cannot mistake an
    exception path for success. Take ``tree_size`` from the signed head together with
    ``root_hash``: the proof itself does not bind the size (a proof for leaf 0 of a 3-leaf
    tree also passes as size 4 against the same root).
    """
    if not (_is_hash(leaf) and _is_hash(root_hash) and all(_is_hash(p) for p in proof)):
        return False
    if not 0 <= index < tree_size:
        return False
    fn, sn = index, tree_size - 1
    r = leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and hmac.compare_digest(r, root_hash)


def verify_consistency(
    old_size: int,
    new_size: int,
    old_root: bytes,
    new_root: bytes,
    proof: Sequence[bytes],
) -> bool:
    """RFC 9162 section 2.1.4.2: is the tree ``old_root`` of ``old_size`` a prefix of ``new_root``?

    Stricter than RFC 9162 at the edges: an old size of 0 requires ``old_root`` to be the empty
    root, and equal sizes require equal roots; both with an empty proof.
    """
    if not (_is_hash(old_root) and _is_hash(new_root) and all(_is_hash(p) for p in proof)):
        return False
    if not 0 <= old_size <= new_size:
        return False
    if old_size == 0:
        return not proof and hmac.compare_digest(old_root, EMPTY_ROOT)
    if old_size == new_size:
        return not proof and hmac.compare_digest(old_root, new_root)
    if not proof:
        return False
    path = list(proof)
    # When the old tree is a perfect subtree, its root is the starting point and is not sent.
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and hmac.compare_digest(fr, old_root) and hmac.compare_digest(sr, new_root)

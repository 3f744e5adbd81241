"""Full verification of the audit log against the signed tree heads we have given out.

``verify_log`` streams the log once (memory O(log n)) and stops at the first problem, naming
the entry. What it can see depends on what the attacker could rewrite:

* Someone who edits rows but not the stored ``leaf_hash`` (or the reverse) is caught at that
  row: the hash is recomputed from the entry's content (``EDITED``).
* Someone who deletes, duplicates or moves rows without renumbering ``seq`` is caught at the
  first break in 0, 1, 2, ... (``MISSING``, ``INSERTED``, ``REORDERED``).
* Someone with write access to the whole table can recompute every hash and renumber every
  ``seq``; the log is then internally consistent, and only a signed tree head from *before*
  the change can expose it: the recomputed root at that head's size differs (``REWRITTEN``),
  or the log is shorter than the head (``TRUNCATED``). Since only the head's root is known,
  the culprit is then located to a range: after the largest head that still matches, and
  before the first head that does not. Changes above every signed head's size are
  indistinguishable from ordinary appends, which is why heads must be signed often and held by
  partner agencies, out of our reach.

Matching the recomputed root at every head's size is the consistency check between heads: two
heads that both match roots of prefixes of one sequence of leaves are consistent by
construction, which is exactly what an RFC 9162 consistency proof establishes.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import zip_longest
from typing import cast

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tanseeq.audit.entry import AuditEntry
from tanseeq.audit.merkle import HASH_SIZE, Frontier, verify_consistency, verify_inclusion
from tanseeq.audit.signing import SignedTreeHead, key_id, verify_head

__all__ = [
    "Finding",
    "LogReport",
    "Problem",
    "verify_entry_inclusion",
    "verify_head_update",
    "verify_log",
]


class Problem(StrEnum):
    """What is wrong, from the operator's point of view."""

    EDITED = "edited"
    """The entry's content and its stored leaf hash disagree: one of them was altered."""
    MISSING = "missing"
    """An entry with this seq is nowhere in the log: deleted."""
    REORDERED = "reordered"
    """The entry with this seq is present but at a later position."""
    INSERTED = "inserted"
    """A second entry claims a seq that is already taken."""
    REWRITTEN = "rewritten"
    """The log is internally consistent, but its root differs from a signed head's."""
    TRUNCATED = "truncated"
    """A signed head covers more entries than the log holds."""
    BAD_SIGNATURE = "bad_signature"
    """A head's signature does not verify: forged or corrupted head."""
    UNKNOWN_KEY = "unknown_key"
    """A head is signed by a key we were not given."""
    MALFORMED = "malformed"
    """A stored leaf hash is missing or of the wrong size."""
    FRONTIER = "frontier"
    """The stored frontier does not describe the log (bug or tampering in the writer)."""


@dataclass(frozen=True, slots=True)
class Finding:
    """The first problem found.

    ``seq`` is the first bad entry. When only a range can be known (``REWRITTEN``,
    ``TRUNCATED``, ``MISSING`` runs) the bad entries lie in ``seq..last_seq`` inclusive.
    ``seq`` is None for problems of a head rather than of an entry.
    """

    problem: Problem
    seq: int | None
    message: str
    last_seq: int | None = None
    head: SignedTreeHead | None = None


@dataclass(frozen=True, slots=True)
class LogReport:
    """Outcome of ``verify_log``. ``tree_size`` and ``root_hash`` describe the verified log."""

    entries_checked: int
    heads_checked: int
    tree_size: int
    root_hash: str | None
    finding: Finding | None

    @property
    def ok(self) -> bool:
        return self.finding is None


_END = object()


def _as_hash(value: object) -> bytes | None:
    # Stores keep the leaf hash as raw bytes (BYTEA, BLOB) or as hex text; accept both.
    if isinstance(value, str):
        try:
            raw = bytes.fromhex(value)
        except ValueError:
            return None
    elif isinstance(value, bytes | bytearray | memoryview):
        raw = bytes(value)
    else:
        return None
    return raw if len(raw) == HASH_SIZE else None


def _locate_seq(rest: Iterable[object], wanted: int, position: int) -> int | None:
    # Scan what is left of the log for one seq; O(1) memory, so a reordering far apart
    # in a huge log is still classified without buffering it.
    for offset, entry in enumerate(rest, start=position):
        if isinstance(entry, AuditEntry) and entry.seq == wanted:
            return offset
    return None


def verify_log(
    entries: Iterable[AuditEntry],
    stored_leaf_hashes: Iterable[bytes | str],
    heads: Iterable[SignedTreeHead],
    public_keys: Ed25519PublicKey | Iterable[Ed25519PublicKey],
    *,
    frontier: Frontier | None = None,
) -> LogReport:
    """Check the whole log; report the first problem, or ``ok``.

    ``entries`` and ``stored_leaf_hashes`` (bytes or hex) are the ``audit_log`` rows in the
    order the store returns them (``ORDER BY seq``), paired by position; both may be lazy
    iterators, so the log is never held in memory. ``heads`` may be in any order and
    signed by any of ``public_keys`` (several keys cover key rotation). ``frontier``, if
    given, is the writer's persisted frontier and must match the log.
    """
    keys = [public_keys] if isinstance(public_keys, Ed25519PublicKey) else list(public_keys)
    by_id = {key_id(k): k for k in keys}
    ordered = sorted(heads, key=lambda h: (h.tree_size, h.timestamp))

    def report(finding: Finding | None, checked: int, matched: int, tree: Frontier) -> LogReport:
        return LogReport(
            entries_checked=checked,
            heads_checked=matched,
            tree_size=tree.size,
            root_hash=tree.root().hex() if finding is None else None,
            finding=finding,
        )

    # A forged head would make every conclusion drawn from it worthless, so heads first.
    for head in ordered:
        key = by_id.get(head.key_id)
        if key is None:
            return report(
                Finding(
                    Problem.UNKNOWN_KEY,
                    None,
                    f"head of size {head.tree_size} is signed by unknown key {head.key_id}",
                    head=head,
                ),
                0,
                0,
                Frontier(),
            )
        if not verify_head(head, key):
            return report(
                Finding(
                    Problem.BAD_SIGNATURE,
                    None,
                    f"head of size {head.tree_size} at {head.timestamp.isoformat()} "
                    "has an invalid signature",
                    head=head,
                ),
                0,
                0,
                Frontier(),
            )

    tree = Frontier()
    next_head = 0
    matched = 0
    last_good_size = 0

    def check_heads() -> Finding | None:
        nonlocal next_head, matched, last_good_size
        while next_head < len(ordered) and ordered[next_head].tree_size == tree.size:
            head = ordered[next_head]
            if not hmac.compare_digest(tree.root(), head.root):
                return Finding(
                    Problem.REWRITTEN,
                    last_good_size if tree.size else None,
                    f"the first {tree.size} entries no longer hash to the root signed at "
                    f"{head.timestamp.isoformat()}; an entry from seq {last_good_size} to "
                    f"{tree.size - 1} was changed, inserted, removed or moved, and the hashes "
                    "were recomputed",
                    last_seq=tree.size - 1 if tree.size else None,
                    head=head,
                )
            matched += 1
            last_good_size = tree.size
            next_head += 1
        return None

    finding = check_heads()
    if finding:
        return report(finding, 0, matched, tree)

    entry_iter = iter(entries)
    position = 0
    for entry, stored in zip_longest(entry_iter, stored_leaf_hashes, fillvalue=_END):
        if entry is _END or stored is _END:
            missing = "entry" if entry is _END else "stored leaf hash"
            return report(
                Finding(
                    Problem.MALFORMED,
                    position,
                    f"position {position} has a stored leaf hash or entry but no {missing}",
                ),
                position,
                matched,
                tree,
            )
        entry = cast(AuditEntry, entry)
        if entry.seq != position:
            if entry.seq < position:
                finding = Finding(
                    Problem.INSERTED,
                    entry.seq,
                    f"a second entry claims seq {entry.seq} (at position {position})",
                )
            else:
                found_at = _locate_seq(entry_iter, position, position + 1)
                if found_at is None:
                    finding = Finding(
                        Problem.MISSING,
                        position,
                        f"entry seq {position} is missing; the next entry present is seq "
                        f"{entry.seq}",
                        last_seq=entry.seq - 1,
                    )
                else:
                    finding = Finding(
                        Problem.REORDERED,
                        position,
                        f"entry seq {position} was moved to position {found_at}; "
                        f"seq {entry.seq} stands in its place",
                    )
            return report(finding, position, matched, tree)
        stored_hash = _as_hash(stored)
        if stored_hash is None:
            return report(
                Finding(
                    Problem.MALFORMED,
                    position,
                    f"stored leaf hash of seq {position} is not {HASH_SIZE} bytes",
                ),
                position,
                matched,
                tree,
            )
        recomputed = entry.leaf_hash()
        if not hmac.compare_digest(recomputed, stored_hash):
            return report(
                Finding(
                    Problem.EDITED,
                    position,
                    f"entry seq {position} does not match its stored leaf hash: its content "
                    "or its hash was altered after it was written",
                ),
                position,
                matched,
                tree,
            )
        tree = tree.append(recomputed)
        position += 1
        finding = check_heads()
        if finding:
            return report(finding, position, matched, tree)

    if next_head < len(ordered):
        head = ordered[-1]
        return report(
            Finding(
                Problem.TRUNCATED,
                tree.size,
                f"the log ends after {tree.size} entries, but a head signed at "
                f"{head.timestamp.isoformat()} covers {head.tree_size}",
                last_seq=head.tree_size - 1,
                head=head,
            ),
            position,
            matched,
            tree,
        )

    if frontier is not None and (
        frontier.size != tree.size or not hmac.compare_digest(frontier.root(), tree.root())
    ):
        return report(
            Finding(
                Problem.FRONTIER,
                None,
                f"the stored frontier (size {frontier.size}) does not match the log "
                f"(size {tree.size})",
            ),
            position,
            matched,
            tree,
        )

    return report(None, position, matched, tree)


def verify_head_update(
    old: SignedTreeHead,
    new: SignedTreeHead,
    proof: Sequence[bytes],
    public_key: Ed25519PublicKey,
) -> bool:
    """A witness's check before replacing the head it holds: both heads are ours and ``new``
    extends ``old`` (RFC 9162 consistency). A False here is evidence the log was rewritten."""
    return (
        verify_head(old, public_key)
        and verify_head(new, public_key)
        and verify_consistency(old.tree_size, new.tree_size, old.root, new.root, proof)
    )


def verify_entry_inclusion(
    entry: AuditEntry,
    proof: Sequence[bytes],
    head: SignedTreeHead,
    public_key: Ed25519PublicKey,
) -> bool:
    """The entry, as shown, is leaf ``entry.seq`` of the tree ``head`` commits to.

    The tree size comes from the signed head, never from the caller: an inclusion proof
    alone does not bind the size (RFC 9162).
    """
    return verify_head(head, public_key) and verify_inclusion(
        entry.leaf_hash(), entry.seq, head.tree_size, proof, head.root
    )

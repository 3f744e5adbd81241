"""verify_log: a clean log passes, and every tampering is caught and located.

What is and is not detectable (the tamper tests below hold both sides of this line):

* A *naive* attacker changes rows but cannot keep the stored leaf hashes and ``seq`` numbers
  consistent. Edits, deletions, moves and duplicate rows are then caught at the exact entry,
  with or without any signed head.
* A *capable* attacker with write access to the whole table rewrites content, renumbers
  ``seq`` and recomputes every leaf hash (and the frontier). The log is then internally
  consistent; only a signed tree head from before the change exposes it, because the root
  recomputed at that head's size differs, or the log is shorter than the head. The culprit is
  located to the range between the last head that matches and the first that does not.
* Nothing can expose a capable attacker's changes to entries above every witnessed head size:
  to a verifier those look like ordinary appends. Hence heads are signed often and handed to
  partner agencies, out of the operator's reach.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from tanseeq.audit import (
    AuditEntry,
    Frontier,
    Problem,
    SignedTreeHead,
    consistency_proof,
    inclusion_proof,
    root,
    sign_head,
    verify_entry_inclusion,
    verify_head_update,
    verify_log,
)

from .factories import T0, make_entry, make_log

N = 120
BASE_ENTRIES, BASE_HASHES = make_log(N)
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))


def head_at(size: int, key: Ed25519PrivateKey = KEY) -> SignedTreeHead:
    """The head the node signed when the log had ``size`` entries (before any tampering)."""
    return sign_head(key, size, root(BASE_HASHES[:size]), T0 + timedelta(seconds=size))


def check(
    entries: list[AuditEntry], hashes: list[bytes], heads: list[SignedTreeHead]
) -> Problem | None:
    report = verify_log(entries, hashes, heads, KEY.public_key())
    return None if report.finding is None else report.finding.problem


# --- clean logs -------------------------------------------------------------------------------


def test_clean_log_verifies_and_reports_its_root() -> None:
    heads = [head_at(s) for s in (0, 1, 7, 64, 100, N)]
    report = verify_log(iter(BASE_ENTRIES), iter(BASE_HASHES), heads, KEY.public_key())
    assert report.ok and report.finding is None
    assert report.entries_checked == N and report.tree_size == N
    assert report.heads_checked == len(heads)
    assert report.root_hash == root(BASE_HASHES).hex()


def test_empty_log_and_no_heads() -> None:
    report = verify_log([], [], [], [])
    assert report.ok and report.tree_size == 0
    assert verify_log([], [], [head_at(0)], KEY.public_key()).ok


def test_hex_stored_hashes_and_generators_are_accepted() -> None:
    # The store may keep leaf hashes as hex text; the log may be streamed from a cursor.
    def rows() -> Iterator[AuditEntry]:
        yield from BASE_ENTRIES

    report = verify_log(rows(), (h.hex() for h in BASE_HASHES), [head_at(N)], KEY.public_key())
    assert report.ok


def test_heads_from_a_rotated_key_verify_with_both_keys(other_key: Ed25519PrivateKey) -> None:
    heads = [head_at(50), head_at(N, other_key)]
    assert verify_log(
        BASE_ENTRIES, BASE_HASHES, heads, [KEY.public_key(), other_key.public_key()]
    ).ok
    report = verify_log(BASE_ENTRIES, BASE_HASHES, heads, KEY.public_key())
    assert report.finding is not None and report.finding.problem is Problem.UNKNOWN_KEY


def test_matching_frontier_passes_and_a_wrong_one_is_reported() -> None:
    good = Frontier.from_leaves(BASE_HASHES)
    assert verify_log(BASE_ENTRIES, BASE_HASHES, [], [], frontier=good).ok
    stale = Frontier.from_leaves(BASE_HASHES[:-1])
    report = verify_log(BASE_ENTRIES, BASE_HASHES, [], [], frontier=stale)
    assert report.finding is not None and report.finding.problem is Problem.FRONTIER


# --- heads ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "forge",
    [
        lambda h: replace(h, tree_size=h.tree_size - 1),
        lambda h: replace(h, root_hash=root(BASE_HASHES[:3]).hex()),
        lambda h: replace(h, timestamp=h.timestamp + timedelta(days=1)),
        lambda h: replace(h, signature=head_at(10).signature),
    ],
)
def test_forged_head_is_reported_before_anything_else(forge: object) -> None:
    bad = forge(head_at(40))  # type: ignore[operator]
    report = verify_log(BASE_ENTRIES, BASE_HASHES, [head_at(10), bad], KEY.public_key())
    assert report.finding is not None
    assert report.finding.problem is Problem.BAD_SIGNATURE
    assert report.finding.seq is None and report.finding.head == bad


def test_head_signed_by_unknown_key(other_key: Ed25519PrivateKey) -> None:
    report = verify_log(BASE_ENTRIES, BASE_HASHES, [head_at(5, other_key)], KEY.public_key())
    assert report.finding is not None and report.finding.problem is Problem.UNKNOWN_KEY


def test_malformed_stored_hash_and_length_mismatch() -> None:
    hashes: list[bytes] = list(BASE_HASHES)
    hashes[7] = hashes[7][:31]
    report = verify_log(BASE_ENTRIES, hashes, [], [])
    assert report.finding is not None
    assert (report.finding.problem, report.finding.seq) == (Problem.MALFORMED, 7)
    report = verify_log(BASE_ENTRIES, BASE_HASHES[:-1], [], [])
    assert report.finding is not None
    assert (report.finding.problem, report.finding.seq) == (Problem.MALFORMED, N - 1)


# --- targeted tampering, one per kind ---------------------------------------------------------


def test_edited_entry_is_named_even_without_heads() -> None:
    entries = list(BASE_ENTRIES)
    entries[33] = replace(entries[33], justification="nothing to see here")
    report = verify_log(entries, BASE_HASHES, [], [])
    assert report.finding is not None
    assert (report.finding.problem, report.finding.seq) == (Problem.EDITED, 33)
    assert report.entries_checked == 33


def test_rewritten_history_is_located_between_heads() -> None:
    entries = list(BASE_ENTRIES)
    entries[33] = replace(entries[33], outcome="ok" if entries[33].outcome != "ok" else "denied")
    hashes = [e.leaf_hash() for e in entries]
    heads = [head_at(s) for s in (10, 30, 40, 90)]
    report = verify_log(entries, hashes, heads, KEY.public_key())
    assert report.finding is not None
    assert report.finding.problem is Problem.REWRITTEN
    assert (report.finding.seq, report.finding.last_seq) == (30, 39)
    assert report.finding.head == heads[2] and report.heads_checked == 2


def test_truncation_below_a_head() -> None:
    report = verify_log(
        BASE_ENTRIES[:70], BASE_HASHES[:70], [head_at(50), head_at(80)], KEY.public_key()
    )
    assert report.finding is not None
    assert (report.finding.problem, report.finding.seq, report.finding.last_seq) == (
        Problem.TRUNCATED,
        70,
        79,
    )


def test_what_no_verifier_can_see() -> None:
    # A capable attacker rewriting above the last witnessed size is indistinguishable from an
    # honest append: this is the limit that frequent, witnessed heads keep small.
    entries = list(BASE_ENTRIES)
    entries[110] = replace(entries[110], justification="rewritten after the last head")
    hashes = [e.leaf_hash() for e in entries]
    assert verify_log(entries, hashes, [head_at(100)], KEY.public_key()).ok
    assert verify_log(BASE_ENTRIES[:105], BASE_HASHES[:105], [head_at(100)], KEY.public_key()).ok


# --- hundreds of random mutations -------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    problems: frozenset[Problem]
    seq: int | None = None  # exact first bad seq, when the verifier can know it
    within: int | None = None  # a seq that must lie inside the reported range


def _renumber(entries: list[AuditEntry]) -> tuple[list[AuditEntry], list[bytes]]:
    # The capable attacker: contiguous seq and fresh leaf hashes everywhere.
    fixed = [e.with_seq(i) for i, e in enumerate(entries)]
    return fixed, [e.leaf_hash() for e in fixed]


def _forged(seq: int) -> AuditEntry:
    return make_entry(seq, user_id="ghost", action="record.erase", justification="cover-up")


NAIVE = ["edit", "edit_hash", "delete", "swap", "duplicate"]
CAPABLE = ["c_edit", "c_delete", "c_swap", "c_insert", "truncate"]


@settings(max_examples=500, deadline=None)
@given(data=st.data(), kind=st.sampled_from(NAIVE + CAPABLE))
def test_every_random_mutation_is_detected(data: st.DataObject, kind: str) -> None:
    entries, hashes = list(BASE_ENTRIES), list(BASE_HASHES)
    k = data.draw(st.integers(0, N - 1), label="position")
    # At least one head witnessed the log before the mutation at a size covering position k;
    # other heads anywhere, as partners would hold them.
    witness = data.draw(st.integers(k + 1, N), label="witnessed size")
    extra = data.draw(st.lists(st.integers(0, N), max_size=4), label="other heads")
    heads = [head_at(s) for s in {witness, *extra}]

    if kind == "edit":
        field = data.draw(st.sampled_from(["user_id", "justification", "at", "object_ids"]))
        value: Any = {
            "user_id": "mallory",
            "justification": "edited",
            "at": entries[k].at + timedelta(seconds=1),
            "object_ids": ("rec-hidden",),
        }[field]
        entries[k] = replace(entries[k], **{field: value})
        expect = Expect(frozenset({Problem.EDITED}), seq=k)
    elif kind == "edit_hash":
        hashes[k] = bytes([hashes[k][0] ^ 1]) + hashes[k][1:]
        expect = Expect(frozenset({Problem.EDITED}), seq=k)
    elif kind == "delete":
        del entries[k], hashes[k]
        last = k == N - 1
        expect = Expect(frozenset({Problem.TRUNCATED if last else Problem.MISSING}), seq=k)
    elif kind == "swap":
        j = data.draw(st.integers(0, N - 1).filter(lambda x: x != k), label="other")
        i, j = min(k, j), max(k, j)
        entries[i], entries[j] = entries[j], entries[i]
        hashes[i], hashes[j] = hashes[j], hashes[i]
        expect = Expect(frozenset({Problem.REORDERED}), seq=i)
    elif kind == "duplicate":
        forged = _forged(k)
        entries.insert(k + 1, forged)
        hashes.insert(k + 1, forged.leaf_hash())
        expect = Expect(frozenset({Problem.INSERTED}), seq=k)
    elif kind == "c_edit":
        entries[k] = replace(entries[k], justification="rewritten", recipients=("XX-NONE",))
        entries, hashes = _renumber(entries)
        expect = Expect(frozenset({Problem.REWRITTEN}), within=k)
    elif kind == "c_delete":
        del entries[k]
        entries, hashes = _renumber(entries)
        expect = Expect(frozenset({Problem.REWRITTEN, Problem.TRUNCATED}), within=k)
    elif kind == "c_swap":
        j = data.draw(st.integers(0, N - 1).filter(lambda x: x != k), label="other")
        entries[k], entries[j] = entries[j], entries[k]
        entries, hashes = _renumber(entries)
        expect = Expect(frozenset({Problem.REWRITTEN}), within=min(k, j))
    elif kind == "c_insert":
        entries.insert(k, _forged(k))
        entries, hashes = _renumber(entries)
        expect = Expect(frozenset({Problem.REWRITTEN}), within=k)
    else:  # truncate: keep the first k entries
        entries, hashes = entries[:k], hashes[:k]
        expect = Expect(frozenset({Problem.TRUNCATED}), seq=k)

    report = verify_log(entries, hashes, heads, KEY.public_key())
    finding = report.finding
    assert finding is not None, f"{kind} at {k} went unnoticed"
    assert finding.problem in expect.problems, (kind, k, finding)
    if expect.seq is not None:
        assert finding.seq == expect.seq, (kind, k, finding)
    if expect.within is not None and finding.problem is Problem.REWRITTEN:
        assert finding.seq is not None and finding.last_seq is not None
        assert finding.seq <= expect.within <= finding.last_seq, (kind, k, finding)
    # Whatever was found, nothing before the first bad entry was blamed.
    if finding.seq is not None:
        assert report.entries_checked <= max(finding.seq, finding.last_seq or 0) + 1


# --- what partner agencies run ----------------------------------------------------------------


def test_witness_accepts_an_honest_extension_and_refuses_a_rewrite(
    other_key: Ed25519PrivateKey,
) -> None:
    old, new = head_at(40), head_at(N)
    proof = consistency_proof(BASE_HASHES, 40, N)
    assert verify_head_update(old, new, proof, KEY.public_key())
    assert not verify_head_update(old, new, proof, other_key.public_key())
    # The node rewrote entry 10 and signed a new head over the rewritten log: no proof from
    # the witness's old head to it exists.
    entries = list(BASE_ENTRIES)
    entries[10] = replace(entries[10], user_id="mallory")
    forged_hashes = [e.leaf_hash() for e in entries]
    forged = sign_head(KEY, N, root(forged_hashes), T0 + timedelta(days=1))
    assert not verify_head_update(
        old, forged, consistency_proof(forged_hashes, 40, N), KEY.public_key()
    )
    assert not verify_head_update(old, forged, proof, KEY.public_key())


def test_entry_inclusion_against_a_held_head() -> None:
    head = head_at(100)
    entry = BASE_ENTRIES[57]
    proof = inclusion_proof(BASE_HASHES, 57, 100)
    assert verify_entry_inclusion(entry, proof, head, KEY.public_key())
    assert not verify_entry_inclusion(
        replace(entry, outcome="ok" if entry.outcome != "ok" else "error"),
        proof,
        head,
        KEY.public_key(),
    )
    assert not verify_entry_inclusion(entry.with_seq(58), proof, head, KEY.public_key())
    assert not verify_entry_inclusion(entry, proof, replace(head, tree_size=101), KEY.public_key())

"""The stored log: rebuilding entries, signed heads, proofs a partner can check, access rules."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from conftest import FakeClock
from tanseeq.audit import (
    AuditEntry,
    SignedTreeHead,
    load_public_key,
    verify_consistency,
    verify_entry_inclusion,
    verify_head,
    verify_head_update,
    verify_inclusion,
)
from tanseeq.errors import Conflict, Forbidden, Invalid
from tanseeq.services import auditing
from tanseeq.services.context import OPERATOR
from world import World

from .helpers import fill, person


def _entries(world: World) -> list[AuditEntry]:
    with world.db.transaction() as session:
        return list(auditing.iter_entries(session, chunk=7))


def test_rebuilt_entries_hash_to_the_stored_leaf_hashes(world: World) -> None:
    fill(world, 5)
    entries = _entries(world)
    assert [e.seq for e in entries] == list(range(len(entries)))
    assert all(e.at.utcoffset() is not None for e in entries)
    report = auditing.verify(world.db, chunk=7)
    assert report.ok, report.finding
    assert report.tree_size == len(entries) and report.entries_checked == len(entries)


def test_key_is_created_private_with_its_public_half_beside_it(world: World) -> None:
    head = auditing.sign_head(world.db)
    data_dir = Path(world.db.settings.data_dir)
    key_file = data_dir / auditing.KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    pub = load_public_key(data_dir / auditing.PUBLIC_KEY_FILE)
    assert verify_head(head, pub)
    # A second head reuses the key instead of replacing it.
    fill(world, 1)
    assert verify_head(auditing.sign_head(world.db), pub)


def test_current_head_signs_only_when_the_log_grew(world: World, clock: FakeClock) -> None:
    owner = world.actors["owner"]
    first = auditing.current_head(world.db, owner)
    clock.advance(minutes=5)
    assert auditing.current_head(world.db, world.actors["partner"]) == first
    person(world)
    second = auditing.current_head(world.db, owner)
    assert second.tree_size == first.tree_size + 1 and second.timestamp > first.timestamp
    assert auditing.latest_head(world.db, owner) == second


def test_only_the_hub_admin_or_operator_signs_on_demand(world: World) -> None:
    for name in ("owner", "owner_admin", "compliance"):
        with pytest.raises(Forbidden):
            auditing.sign_head(world.db, world.actors[name])
    auditing.sign_head(world.db, world.actors["hub_admin"])
    auditing.sign_head(world.db, OPERATOR)


def test_proofs_verify_against_signed_heads(world: World, clock: FakeClock) -> None:
    fill(world, 3)
    old = auditing.sign_head(world.db)
    clock.advance(minutes=1)
    fill(world, 9)
    new = auditing.sign_head(world.db)
    partner = world.actors["partner"]
    pub = auditing.public_key(world.db.settings)
    assert pub is not None
    entries = _entries(world)
    for seq in (0, 1, old.tree_size - 1, old.tree_size, new.tree_size - 1):
        proof = auditing.inclusion_proof(world.db, partner, seq, new.tree_size)
        path = [bytes.fromhex(h) for h in proof.path]
        assert verify_entry_inclusion(entries[seq], path, new, pub)
        assert proof.leaf_hash == entries[seq].leaf_hash().hex()
    proof = auditing.inclusion_proof(world.db, partner, 2, old.tree_size)
    assert verify_inclusion(
        entries[2].leaf_hash(), 2, old.tree_size, [bytes.fromhex(h) for h in proof.path], old.root
    )
    cons = auditing.consistency_proof(world.db, partner, old.tree_size, new.tree_size)
    assert verify_head_update(old, new, [bytes.fromhex(h) for h in cons.path], pub)
    # A proof for the wrong sizes does not pass.
    wrong = auditing.consistency_proof(world.db, partner, old.tree_size - 1, new.tree_size)
    assert not verify_consistency(
        old.tree_size, new.tree_size, old.root, new.root, [bytes.fromhex(h) for h in wrong.path]
    )


def test_proof_arguments_are_checked(world: World) -> None:
    size = auditing.sign_head(world.db).tree_size
    owner = world.actors["owner"]
    for seq, tree_size in ((size, size), (-1, size), (0, size + 1), (0, 0)):
        with pytest.raises(Invalid):
            auditing.inclusion_proof(world.db, owner, seq, tree_size)
    for old, new in ((2, 1), (0, size + 1), (-1, 3)):
        with pytest.raises(Invalid):
            auditing.consistency_proof(world.db, owner, old, new)


def test_export_carries_the_public_key_and_a_consistency_proof(world: World) -> None:
    first = auditing.export_head(world.db)
    assert first.previous is None and first.consistency_proof is None
    fill(world, 2)
    second = auditing.export_head(world.db)
    from tanseeq.audit import public_key_from_raw

    pub = public_key_from_raw(bytes.fromhex(second.public_key_raw_hex))
    old = SignedTreeHead.from_dict(first.head)
    new = SignedTreeHead.from_dict(second.head)
    assert second.previous == first.head and second.consistency_proof is not None
    proof = [bytes.fromhex(h) for h in second.consistency_proof]
    assert verify_head_update(old, new, proof, pub)
    assert "BEGIN PUBLIC KEY" in second.public_key_pem


def test_entries_are_for_compliance_scoped_to_its_agency(world: World) -> None:
    from tanseeq.schemas import UserIn
    from tanseeq.services import users

    fill(world, 4)
    hub = auditing.list_entries(world.db, world.actors["compliance"], limit=500)
    assert {e.agency_id for e in hub.items} >= {
        world.agency_ids["MA-NCB"],
        world.agency_ids["NO-POLICE"],
    }
    assert [e.seq for e in hub.items] == sorted((e.seq for e in hub.items), reverse=True)
    users.create_user(
        world.db,
        OPERATOR,
        UserIn(username="ma-compliance", display_name="c", roles=["compliance"], agency="MA-NCB"),  # type: ignore[list-item]
    )
    from tanseeq.services.users import actor_by_username

    ma = actor_by_username(world.db, "ma-compliance")
    page = auditing.list_entries(world.db, ma, limit=500)
    assert page.items and {e.agency_id for e in page.items} == {world.agency_ids["MA-NCB"]}
    assert page.total == len(page.items)
    for name in ("owner", "owner_admin", "hub_admin", "partner"):
        with pytest.raises(Forbidden):
            auditing.list_entries(world.db, world.actors[name])
    with pytest.raises(Forbidden):
        auditing.list_entries(world.db, OPERATOR)
    # Reading the log is itself logged, with the reader.
    last = _entries(world)[-1]
    assert last.action == "audit.read" and last.user_id == ma.user_id


def test_entries_filters_and_paging(world: World) -> None:
    ids = fill(world, 3)
    c = world.actors["compliance"]
    by_object = auditing.list_entries(world.db, c, object_id=ids[1])
    assert {e.action for e in by_object.items} == {"record.create", "record.get"}
    assert all(ids[1] in e.object_ids for e in by_object.items)
    gets = auditing.list_entries(world.db, c, action="record.get", limit=2)
    assert gets.total == 3 and len(gets.items) == 2
    rest = auditing.list_entries(world.db, c, action="record.get", limit=2, offset=2)
    assert len(rest.items) == 1 and rest.items[0].seq < gets.items[-1].seq
    with pytest.raises(Invalid):
        auditing.list_entries(world.db, c, limit=0)


def test_no_head_is_signed_over_a_truncated_log(world: World) -> None:
    import sqlalchemy as sa

    fill(world, 2)
    head = auditing.sign_head(world.db)
    with world.db.transaction() as session:
        session.execute(sa.text("UPDATE audit_state SET tree_size = :n, frontier = ''"), {"n": 0})
    for sign in (
        lambda: auditing.current_head(world.db, world.actors["owner"]),
        lambda: auditing.sign_head(world.db),
        lambda: auditing.export_head(world.db),
    ):
        with pytest.raises(Conflict):
            sign()
    assert auditing.latest_head(world.db, world.actors["owner"]) == head


def test_no_head_is_exported_over_a_rewritten_log(world: World) -> None:
    import sqlalchemy as sa

    fill(world, 2)
    head = auditing.sign_head(world.db)
    # Someone replaces a covered entry's stored hash: the frontier still describes the old log,
    # so a head signed from it alone would look fine; the proof from the leaves exposes it.
    with world.db.transaction() as session:
        session.execute(
            sa.text("UPDATE audit_log SET leaf_hash = :h WHERE seq = 3"), {"h": "ab" * 32}
        )
    fill(world, 1)
    with pytest.raises(Conflict):
        auditing.export_head(world.db)
    assert auditing.latest_head(world.db, world.actors["owner"]) == head


def test_verify_reads_a_snapshot_and_does_not_wait_for_writers(world: World) -> None:
    from tanseeq.services import audit_trail

    fill(world, 2)
    auditing.sign_head(world.db)
    size = auditing.verify(world.db).tree_size
    # A writer is in the middle of an action: it holds the write lock (SQLite) or the state row
    # lock (PostgreSQL) with an appended, uncommitted entry.
    with world.db.transaction() as session:
        audit_trail.record(session, world.db, world.actors["owner"], "record.get", ["x"])
        session.flush()
        report = auditing.verify(world.db)
        assert report.ok, report.finding
        assert report.tree_size == size  # the uncommitted entry is not part of the snapshot
    assert auditing.verify(world.db).tree_size == size + 1

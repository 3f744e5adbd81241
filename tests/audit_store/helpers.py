"""Small builders shared by the audit store tests."""

from __future__ import annotations

from typing import cast

import sqlalchemy as sa

from tanseeq.schemas import RecordIn
from tanseeq.services import records
from tanseeq.store.database import Database
from tanseeq.store.tables import AuditRow, AuditState, Base
from world import World

LOG = cast(sa.Table, AuditRow.__table__)


def person(world: World, who: str = "owner", name: str = "Amina Ould Cheikh") -> str:
    return records.create(
        world.db,
        world.actors[who],
        RecordIn.model_validate({"schema": "Person", "properties": {"name": [name]}}),
    ).id


def fill(world: World, n: int) -> list[str]:
    """n records by two agencies, each read once: a log with a mix of writers and actions."""
    ids = []
    for i in range(n):
        who = "owner" if i % 2 else "partner"
        rid = person(world, who, f"Person {i} حسن")
        records.get(world.db, world.actors[who], rid, justification=f"case {i}")
        ids.append(rid)
    return ids


def content(db: Database) -> dict[str, list[str]]:
    """Every row of every table, so an update that rolled back is seen as clearly as an insert."""
    with db.transaction() as s:
        return {
            t.name: sorted(repr(tuple(r)) for r in s.execute(sa.select(t)))
            for t in Base.metadata.sorted_tables
        }


def audit_size(db: Database) -> int:
    with db.transaction() as s:
        return s.scalars(sa.select(AuditState.tree_size)).one()


def block_audit(db: Database) -> None:
    """Make the next audit append impossible: a row already holds the next ``seq``, so the
    action that tries to append fails and must roll back whole."""
    seq = audit_size(db)
    with db.transaction() as s:
        s.execute(
            LOG.insert().values(
                seq=seq,
                at=db.clock(),
                user_id="blocker",
                agency_id="blocker",
                action="test.blocker",
                object_ids=[],
                outcome="ok",
                justification=None,
                recipients=[],
                detail={},
                leaf_hash="00" * 32,
            )
        )


def unblock_audit(db: Database) -> None:
    with db.transaction() as s:
        s.execute(LOG.delete().where(LOG.c.action == "test.blocker"))

"""Two sides acting at once: one hit thread, messages numbered without clashes (both backends:
SQLite serialises writers; PostgreSQL takes the row locks the services ask for)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from api.conftest import SHARED, person
from tanseeq.schemas import HitThreadIn, MessageIn
from tanseeq.services import hit_followup, threads
from tanseeq.store.tables import Thread, ThreadMessage
from workflows.factories import hit_on
from world import World


def test_both_sides_opening_a_hit_thread_at_once_share_one(world: World) -> None:
    person(world, "owner", "Youssef Hammouchi", **SHARED)
    hit_id = hit_on(world, "partner", "Youssef Hammouchi")
    first = HitThreadIn(message=MessageIn(body="Is this your subject?"))

    def open_as(who: str) -> str:
        return hit_followup.open_thread(world.db, world.actors[who], hit_id, first).id

    with ThreadPoolExecutor(max_workers=4) as pool:
        ids = list(pool.map(open_as, ["owner", "partner"] * 4))
    assert len(set(ids)) == 1
    with world.db.transaction() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Thread)) == 1
        seqs = list(session.scalars(sa.select(ThreadMessage.seq).order_by(ThreadMessage.seq)))
    assert seqs == list(range(1, 9))
    thread = threads.get(world.db, world.actors["owner"], ids[0])
    assert len(thread.messages) == 8

"""Small builders shared by the audit store tests."""

from __future__ import annotations

from tanseeq.schemas import RecordIn
from tanseeq.services import records
from world import World


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

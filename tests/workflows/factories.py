"""Workflow objects built through the services, for the API fixtures (``objects``) and the
workflow tests: a hit of the partner on the owner's record, a thread between them."""

from __future__ import annotations

import base64
from typing import Any

import sqlalchemy as sa

from tanseeq.schemas import ThreadIn
from tanseeq.services import screening, threads
from tanseeq.store.tables import Hit, Notification
from world import World


def hit_on(world: World, searcher: str, name: str, **props: list[str]) -> str:
    """Run one /match-style search as ``searcher``; the id of the hit it stored."""
    query = {"schema": "Person", "properties": {"name": [name], **props}}
    screening.match(world.db, world.actors[searcher], {"q": query}, justification="case 2026/17")
    with world.db.transaction() as session:
        hit_id = session.scalars(
            sa.select(Hit.id)
            .where(Hit.searcher_agency_id == world.actors[searcher].agency_id)
            .order_by(Hit.at.desc(), Hit.id)
        ).first()
    assert hit_id is not None, "the search raised no hit"
    return hit_id


def thread_between(world: World, who: str, parties: list[str], **extra: Any) -> str:
    data = {
        "subject": "Request for identification",
        "parties": parties,
        "message": {"body": "Please confirm the identity of the subject."},
        **extra,
    }
    return threads.create(world.db, world.actors[who], ThreadIn.model_validate(data)).id


def workflow_objects(world: World, record_mine: str) -> dict[str, str]:
    """``hit_mine``: the partner's hit on ``record_mine`` (owned by MA-NCB); ``thread_mine``:
    a request from the owner to the partner; ``notification_partner``: the partner's notice
    of that request."""
    ids = {"hit_mine": hit_on(world, "partner", "Youssef Hammouchi")}
    ids["thread_mine"] = thread_between(world, "owner", ["NO-POLICE"])
    with world.db.transaction() as session:
        ids["notification_partner"] = session.scalars(
            sa.select(Notification.id).where(
                Notification.user_id == world.actors["partner"].user_id,
                Notification.kind == "request",
            )
        ).one()
    return ids


PDF = b"%PDF-1.4\n% a fictional statement\n%%EOF\n"


def workflow_matrix_objects(world: World) -> dict[str, str]:
    """Threads a row of the access matrix may change for good (close, add a party) and an
    attachment in a thread between the owner and the partner."""
    ids = {
        "thread_mine_closing": thread_between(world, "owner", ["NO-POLICE"]),
        "thread_mine_parties": thread_between(world, "owner", ["NO-POLICE"]),
    }
    attached = {
        "body": "The statement is attached.",
        "attachments": [
            {
                "filename": "statement.pdf",
                "media_type": "application/pdf",
                "content": base64.b64encode(PDF).decode(),
            }
        ],
    }
    thread = threads.create(
        world.db,
        world.actors["owner"],
        ThreadIn.model_validate(
            {"subject": "Statement", "parties": ["NO-POLICE"], "message": attached}
        ),
    )
    ids["attachment_mine"] = thread.messages[0].attachments[0].id
    return ids

"""``/hits/{hit_id}/…``: after a hit, the searcher and the owner talk; the owner judges.

A hit is its searcher's and its owner's business: anyone else gets 404.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from tanseeq.api.deps import ActorDep, DbDep, deliver_later
from tanseeq.api.routing import AuthenticatedRoute
from tanseeq.schemas import HitThreadIn, JudgementIn, JudgementOut, ThreadOut
from tanseeq.services import hit_followup

router = APIRouter(
    prefix="/hits",
    tags=["screening"],
    route_class=AuthenticatedRoute,
    dependencies=[Depends(deliver_later)],
)


@router.post("/{hit_id}/thread")
def hits_thread(
    db: DbDep, actor: ActorDep, hit_id: str, data: HitThreadIn | None = None
) -> ThreadOut:
    """Open the hit's thread between searcher and owner, or join it if it exists (the body,
    with an optional first message, may be left out)."""
    return hit_followup.open_thread(db, actor, hit_id, data or HitThreadIn())


@router.post("/{hit_id}/judgement")
def hits_judge(db: DbDep, actor: ActorDep, hit_id: str, data: JudgementIn) -> JudgementOut:
    """The owner's verdict (same person or not, with a reason). The same query from the same
    agency will not raise this hit again; its result shows this judgement instead."""
    return hit_followup.judge(db, actor, hit_id, data)


@router.get("/{hit_id}/judgement")
def hits_judgement(db: DbDep, actor: ActorDep, hit_id: str) -> JudgementOut:
    return hit_followup.get_judgement(db, actor, hit_id)

"""``/review``: the hub's notice review queue, check findings and decisions (compliance
officers of the hub secretariat only)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from tanseeq.api.deps import ActorDep, DbDep, LimitQuery, deliver_later
from tanseeq.api.models import OffsetQuery
from tanseeq.api.routing import AuthenticatedRoute
from tanseeq.schemas import Page, ReviewDecisionIn, ReviewItemOut
from tanseeq.services import review

# Review decisions and transitions notify the owner: queued e-mail goes out after the answer.
router = APIRouter(
    prefix="/review",
    tags=["review"],
    route_class=AuthenticatedRoute,
    dependencies=[Depends(deliver_later)],
)


@router.get("/notices")
def review_queue(
    db: DbDep, actor: ActorDep, limit: LimitQuery = None, offset: OffsetQuery = 0
) -> Page[ReviewItemOut]:
    """Submitted notices waiting for review, oldest first, each with its check findings."""
    return review.queue(db, actor, limit=limit, offset=offset)


@router.get("/notices/{notice_id}")
def review_get(db: DbDep, actor: ActorDep, notice_id: str) -> ReviewItemOut:
    """A notice under review (submitted, published or suspended) with its check findings."""
    return review.get(db, actor, notice_id)


@router.post("/notices/{notice_id}/checks")
def review_recheck(db: DbDep, actor: ActorDep, notice_id: str) -> ReviewItemOut:
    """Run the automatic checks again now."""
    return review.recheck(db, actor, notice_id)


@router.post("/notices/{notice_id}/decision")
def review_decide(
    db: DbDep, actor: ActorDep, notice_id: str, data: ReviewDecisionIn
) -> ReviewItemOut:
    """publish (flags named in ``acknowledge``), reject, return for changes, block or unblock;
    every decision but publish needs a reason. The owner agency is notified."""
    return review.decide(db, actor, notice_id, data)

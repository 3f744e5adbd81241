"""The hub's notice review: the compliance queue, the checks of a notice, and decisions.

Only compliance officers of the hub secretariat review (``Viewer.reviewer``); everyone else is
refused outright, so the queue's existence and size are nobody else's business. Decisions are
the notice lifecycle's transitions (``services.notices.transition``), named for the reviewer:
publish, reject, return (ask for changes), block and unblock (suspend and unsuspend a
published notice while a complaint is examined).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tanseeq import access
from tanseeq.domain.types import NoticeKind, NoticeStatus
from tanseeq.errors import Forbidden, invalid
from tanseeq.schemas import (
    CheckOut,
    NoticeOut,
    Page,
    ReviewDecisionIn,
    ReviewItemOut,
    TransitionIn,
)
from tanseeq.services import audit_trail, notices, review_checks
from tanseeq.services.context import Actor, not_found, require, today
from tanseeq.services.records import _page_size
from tanseeq.store.database import Database
from tanseeq.store.tables import Notice

# The reviewer's words for lifecycle actions.
ACTIONS = {
    "publish": "publish",
    "reject": "reject",
    "return": "return",
    "block": "suspend",
    "unblock": "unsuspend",
}


def _reviewer(actor: Actor, action: str) -> None:
    require(actor, action)
    if not actor.viewer().reviewer:
        raise Forbidden("notice review is for compliance officers of the hub secretariat")


def _item(notice: NoticeOut, checks: list[CheckOut]) -> ReviewItemOut:
    return ReviewItemOut(
        notice=notice,
        checks=checks,
        errors=sum(c.severity == "error" for c in checks),
        flags=sum(c.severity == "flag" for c in checks),
    )


def _reviewable(session: Session, db: Database, actor: Actor, notice_id: str) -> Notice:
    """A notice under the reviewer's eyes: what the policy shows a reviewer, diffusions aside
    (they never come to the hub). Anything else is unknown."""
    notice = session.scalars(
        access.visible_notices(actor.viewer(), today(db)).where(
            Notice.id == notice_id,
            Notice.kind != NoticeKind.DIFFUSION.value,
            Notice.status.in_([s.value for s in access.REVIEWABLE]),
        )
    ).first()
    if notice is None:
        raise not_found("notice", notice_id)
    return notice


def queue(
    db: Database, actor: Actor, *, limit: int | None = None, offset: int = 0
) -> Page[ReviewItemOut]:
    """Submitted notices, oldest submission first, each with its stored check findings."""
    _reviewer(actor, "review.read")
    limit = _page_size(db, limit)
    with db.transaction() as session:
        query = access.visible_notices(actor.viewer(), today(db)).where(
            Notice.status == NoticeStatus.SUBMITTED.value,
            Notice.kind != NoticeKind.DIFFUSION.value,
        )
        total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
        # updated_at is the submission time: a submitted notice changes only by its lifecycle.
        rows = list(
            session.scalars(
                query.order_by(Notice.updated_at, Notice.id).limit(limit).offset(offset)
            )
        )
        checks = review_checks.stored(session, [n.id for n in rows])
        audit_trail.record(
            session,
            db,
            actor,
            "review.queue",
            [n.id for n in rows],
            detail={"total": total},
        )
        items = [_item(notices.render(session, db, actor, n), checks[n.id]) for n in rows]
        return Page[ReviewItemOut](items=items, total=total, limit=limit, offset=offset)


def get(db: Database, actor: Actor, notice_id: str) -> ReviewItemOut:
    _reviewer(actor, "review.read")
    with db.transaction() as session:
        notice = _reviewable(session, db, actor, notice_id)
        audit_trail.record(session, db, actor, "review.get", [notice.id])
        checks = review_checks.stored(session, [notice.id])[notice.id]
        return _item(notices.render(session, db, actor, notice, history=True), checks)


def recheck(db: Database, actor: Actor, notice_id: str) -> ReviewItemOut:
    """Run the checks again now (the subjects or other notices may have changed)."""
    _reviewer(actor, "review.check")
    with db.transaction() as session:
        notice = _reviewable(session, db, actor, notice_id)
        findings = review_checks.run(session, db, notice)
        audit_trail.record(
            session,
            db,
            actor,
            "review.check",
            [notice.id],
            detail={"findings": [f"{f.severity.value}:{f.code}" for f in findings]},
        )
        checks = review_checks.stored(session, [notice.id])[notice.id]
        return _item(notices.render(session, db, actor, notice, history=True), checks)


def decide(db: Database, actor: Actor, notice_id: str, data: ReviewDecisionIn) -> ReviewItemOut:
    """Take a decision on a notice; every one but publish needs a reason."""
    _reviewer(actor, "review.read")
    action = ACTIONS[data.decision]
    if data.decision != "publish" and not (data.reason or "").strip():
        raise invalid("reason", f"say why ({data.decision})")
    with db.transaction() as session:
        _reviewable(session, db, actor, notice_id)  # unknown, diffusion or draft: 404 first
    out = notices.transition(
        db,
        actor,
        notice_id,
        TransitionIn(action=action, reason=data.reason),
        acknowledge=data.acknowledge if data.decision == "publish" else (),
    )
    with db.transaction() as session:
        return _item(out, review_checks.stored(session, [notice_id])[notice_id])

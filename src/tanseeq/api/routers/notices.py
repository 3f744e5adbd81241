"""``/notices``: notices and diffusions, their lifecycle, read through the sharing policy."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from tanseeq.api.deps import ActorDep, DbDep, Justification, LimitQuery, deliver_later
from tanseeq.api.models import OffsetQuery
from tanseeq.api.routing import AuthenticatedRoute
from tanseeq.domain.types import NoticeKind, NoticeStatus
from tanseeq.schemas import NoticeIn, NoticeOut, NoticeUpdate, Page, TransitionIn
from tanseeq.services import notices

# Review decisions and transitions notify the owner: queued e-mail goes out after the answer.
router = APIRouter(
    prefix="/notices",
    tags=["notices"],
    route_class=AuthenticatedRoute,
    dependencies=[Depends(deliver_later)],
)


@router.post("", status_code=201)
def notices_create(db: DbDep, actor: ActorDep, data: NoticeIn) -> NoticeOut:
    """Draft a notice about records of your agency's."""
    return notices.create(db, actor, data)


@router.get("")
def notices_list(
    db: DbDep,
    actor: ActorDep,
    kind: Annotated[NoticeKind | None, Query()] = None,
    status: Annotated[NoticeStatus | None, Query()] = None,
    limit: LimitQuery = None,
    offset: OffsetQuery = 0,
    justification: Annotated[
        str | None,
        Query(
            max_length=2000,
            description="Why you search: mandatory with `kind` or `status` (audited)",
        ),
    ] = None,
) -> Page[NoticeOut]:
    """Notices you may see; the plain list is your inbox, a filtered one a search."""
    return notices.list_notices(
        db,
        actor,
        kind=kind.value if kind else None,
        status=status.value if status else None,
        limit=limit,
        offset=offset,
        justification=justification,
    )


@router.get("/{notice_id}")
def notices_get(
    db: DbDep, actor: ActorDep, notice_id: str, justification: Justification = None
) -> NoticeOut:
    return notices.get(db, actor, notice_id, justification)


@router.patch("/{notice_id}")
def notices_update(db: DbDep, actor: ActorDep, notice_id: str, data: NoticeUpdate) -> NoticeOut:
    """Edit a draft of your agency's."""
    return notices.update(db, actor, notice_id, data)


@router.post("/{notice_id}/transitions")
def notices_transition(db: DbDep, actor: ActorDep, notice_id: str, data: TransitionIn) -> NoticeOut:
    """Move a notice through its lifecycle: submit, publish, return, suspend, unsuspend,
    withdraw or renew."""
    return notices.transition(db, actor, notice_id, data)

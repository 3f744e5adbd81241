"""``/notifications``: the caller's own inbox and e-mail preferences.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from tanseeq.api.deps import ActorDep, DbDep, LimitQuery, deliver_later
from tanseeq.api.models import OffsetQuery
from tanseeq.api.routing import AuthenticatedRoute
from tanseeq.domain.types import NotificationKind
from tanseeq.schemas import Inbox, NotificationOut, PrefsIn, PrefsOut, Ref
from tanseeq.services import notifications

router = APIRouter(
    prefix="/notifications",
    tags=["notifications"],
    route_class=AuthenticatedRoute,
    dependencies=[Depends(deliver_later)],
)


class Marked(BaseModel):
    marked: int


@router.get("")
def notifications_list(
    db: DbDep,
    actor: ActorDep,
    unread: Annotated[bool, Query(description="Only entries not yet read")] = False,
    limit: LimitQuery = None,
    offset: OffsetQuery = 0,
) -> Inbox:
    """Your inbox, newest first, with the number of unread entries."""
    return notifications.inbox(db, actor, unread=unread, limit=limit, offset=offset)


@router.post("/read-all")
def notifications_read_all(
    db: DbDep,
    actor: ActorDep,
    kind: Annotated[NotificationKind | None, Query(description="Only entries of this kind")] = None,
) -> Marked:
    """Mark every unread entry of your inbox (of one kind) read."""
    return Marked(marked=notifications.mark_all_read(db, actor, kind))


@router.post("/{notification_id}/read")
def notifications_read(db: DbDep, actor: ActorDep, notification_id: str) -> NotificationOut:
    return notifications.mark_read(db, actor, notification_id)


@router.get("/prefs")
def notifications_prefs(
    db: DbDep,
    actor: ActorDep,
    user: Annotated[Ref | None, Query(description="Agency admins: one of their users")] = None,
) -> PrefsOut:
    return notifications.get_prefs(db, actor, user)


@router.put("/prefs")
def notifications_set_prefs(db: DbDep, actor: ActorDep, data: PrefsIn) -> PrefsOut:
    """Your e-mail address and whether notifications are also sent there (agency admins: for
    their agency's users). E-mails carry a title and a link only, never contents."""
    return notifications.set_prefs(db, actor, data)

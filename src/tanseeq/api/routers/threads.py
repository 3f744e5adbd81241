"""``/threads`` and ``/attachments``: requests for assistance between party agencies.

A thread your agency is not party to answers 404, exactly like an unknown id.
"""

from __future__ import annotations

import base64
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Response

from tanseeq.api.deps import ActorDep, DbDep, Justification, LimitQuery, deliver_later
from tanseeq.api.models import OffsetQuery
from tanseeq.api.routing import AuthenticatedRoute
from tanseeq.domain.types import ThreadStatus
from tanseeq.schemas import (
    MessageIn,
    MessageOut,
    Page,
    PartyIn,
    ThreadIn,
    ThreadOut,
    ThreadStatusIn,
    ThreadSummary,
)
from tanseeq.services import threads

router = APIRouter(
    tags=["requests for assistance"],
    route_class=AuthenticatedRoute,
    dependencies=[Depends(deliver_later)],
)


@router.post("/threads", status_code=201)
def threads_create(db: DbDep, actor: ActorDep, data: ThreadIn) -> ThreadOut:
    """Open a request for assistance to one or more agencies, with its first message."""
    return threads.create(db, actor, data)


@router.get("/threads")
def threads_list(
    db: DbDep,
    actor: ActorDep,
    status: Annotated[ThreadStatus | None, Query()] = None,
    limit: LimitQuery = None,
    offset: OffsetQuery = 0,
) -> Page[ThreadSummary]:
    """Threads your agency is party to, most recently active first, with your unread count."""
    return threads.list_threads(db, actor, status=status, limit=limit, offset=offset)


@router.get("/threads/{thread_id}")
def threads_get(
    db: DbDep, actor: ActorDep, thread_id: str, justification: Justification = None
) -> ThreadOut:
    """The whole thread; opening it marks its messages read by you (read receipts)."""
    return threads.get(db, actor, thread_id, justification)


@router.post("/threads/{thread_id}/messages", status_code=201)
def threads_post(db: DbDep, actor: ActorDep, thread_id: str, data: MessageIn) -> MessageOut:
    """Reply: the other parties are notified."""
    return threads.post(db, actor, thread_id, data)


@router.post("/threads/{thread_id}/status")
def threads_status(db: DbDep, actor: ActorDep, thread_id: str, data: ThreadStatusIn) -> ThreadOut:
    """Close (or reopen) a thread your agency initiated."""
    return threads.set_status(db, actor, thread_id, data)


@router.post("/threads/{thread_id}/parties")
def threads_add_party(db: DbDep, actor: ActorDep, thread_id: str, data: PartyIn) -> ThreadOut:
    """Bring another agency in (supervisors): it reads the whole thread from then on."""
    return threads.add_party(db, actor, thread_id, data)


@router.get(
    "/attachments/{attachment_id}",
    response_class=Response,
    # Sent as the media type it was uploaded with (one of the node's attachment types).
    responses={200: {"content": {"*/*": {}}, "description": "The file, in its own media type"}},
)
def threads_attachment(db: DbDep, actor: ActorDep, attachment_id: str) -> Response:
    """Download an attachment of a thread your agency is party to; ``Repr-Digest`` carries
    its SHA-256."""
    file = threads.attachment(db, actor, attachment_id)
    digest = base64.b64encode(bytes.fromhex(file.sha256)).decode()
    return Response(
        content=file.content,
        media_type=file.media_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(file.filename)}",
            "X-Content-Type-Options": "nosniff",
            "Repr-Digest": f"sha-256=:{digest}:",
        },
    )

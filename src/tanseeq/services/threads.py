"""Requests for assistance: case threads between party agencies (SIENA's model).

Who sees a thread: the reader roles of its party agencies, nobody else. The hub secretariat is
no exception — its hub admins and compliance officers see a thread only when the hub is a
party — and a thread the caller's agency is not party to answers exactly like an unknown id.

Status: a thread is ``open`` while its initiator waits for an answer; a message from another
party makes it ``answered``; a further message from the initiator makes it ``open`` again. Only
the initiator closes it, and only the initiator reopens it; nobody posts to a closed thread.

Every message carries its own TLP and handling codes (the thread's by default). References to
records, notices and hits are checked against the author's view when written and against each
reader's view when read: what a reader may not see is shown as "unavailable", without its id.
Opening a thread is a consultation (audited, read receipts written); posting is a disclosure
to the other parties (audited with them as recipients, and they are notified).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tanseeq.domain.types import (
    TLP,
    HandlingCode,
    NotificationKind,
    Priority,
    ThreadStatus,
)
from tanseeq.errors import Conflict, FieldError, Forbidden, Invalid, invalid
from tanseeq.schemas import (
    MarkingIn,
    MessageIn,
    MessageOut,
    Page,
    PartyIn,
    ThreadIn,
    ThreadOut,
    ThreadStatusIn,
    ThreadSummary,
)
from tanseeq.services import attachments, audit_trail, notifications, sharing
from tanseeq.services import thread_views as views
from tanseeq.services.context import Actor, not_found, require, resolve_agency, today
from tanseeq.services.records import _page_size
from tanseeq.store.database import Database
from tanseeq.store.tables import (
    Agency,
    Attachment,
    MessageRef,
    Thread,
    ThreadMessage,
    ThreadParty,
)


def _agency_code(session: Session, agency_id: str) -> str:
    return session.scalar(sa.select(Agency.code).where(Agency.id == agency_id)) or agency_id


def party_thread(session: Session, actor: Actor, thread_id: str, lock: bool = False) -> Thread:
    """The thread, if the caller's agency is a party; otherwise "no thread", as for a made-up
    id. ``lock``: held until commit, so concurrent posts take message numbers in turn."""
    viewer = actor.viewer()
    query = sa.select(Thread).where(
        Thread.id == thread_id,
        sa.exists().where(
            ThreadParty.thread_id == Thread.id, ThreadParty.agency_id == viewer.agency_id
        ),
    )
    thread = session.scalars(query.with_for_update(of=Thread) if lock else query).first()
    if thread is None:
        raise not_found("thread", thread_id)
    return thread


def _check_refs(
    session: Session, db: Database, actor: Actor, message: MessageIn, loc: str
) -> list[tuple[str, str]]:
    wanted = list(dict.fromkeys((r.kind.value, r.id) for r in message.refs))
    seen = views.visible_refs(session, db, actor, wanted)
    errors = [
        FieldError(f"{loc}refs[{i}].id", f"unknown {r.kind.value} {r.id!r}")
        for i, r in enumerate(message.refs)
        if (r.kind.value, r.id) not in seen
    ]
    if errors:
        raise Invalid(f"{errors[0].loc}: {errors[0].msg}", errors)
    return wanted


# --- writing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Posted:
    message: ThreadMessage
    object_ids: list[str]  # the message, its attachments and what it references


def add_message(
    session: Session,
    db: Database,
    actor: Actor,
    thread: Thread,
    message: MessageIn,
    loc: str = "",
) -> Posted:
    """Check and store one message in the caller's transaction; moves the status on. The
    caller audits and notifies."""
    assert actor.agency_id is not None
    if thread.status == ThreadStatus.CLOSED.value:
        raise Conflict("the thread is closed; its initiator may reopen it")
    marking = message.marking or MarkingIn(
        tlp=TLP(thread.tlp),
        handling=[HandlingCode(h) for h in thread.handling],
        handling_note=thread.handling_note,
    )
    handling = sharing.check_marking(marking, f"{loc}marking")
    refs = _check_refs(session, db, actor, message, loc)
    files = [
        attachments.check(db.settings, a, f"{loc}attachments[{i}]")
        for i, a in enumerate(message.attachments)
    ]
    now = db.clock()
    last = session.scalar(
        sa.select(sa.func.max(ThreadMessage.seq)).where(ThreadMessage.thread_id == thread.id)
    )
    row = ThreadMessage(
        id=str(uuid.uuid4()),
        thread_id=thread.id,
        seq=(last or 0) + 1,
        author_user_id=actor.user_id,
        author_agency_id=actor.agency_id,
        body=message.body,
        tlp=marking.tlp.value,
        handling=handling,
        handling_note=marking.handling_note,
        at=now,
    )
    session.add(row)
    session.flush()
    session.add_all(MessageRef(message_id=row.id, kind=k, target_id=t) for k, t in refs)
    stored = [
        Attachment(
            id=str(uuid.uuid4()),
            message_id=row.id,
            filename=f.filename,
            media_type=f.media_type,
            size=len(f.content),
            sha256=f.sha256,
            content=f.content,
        )
        for f in files
    ]
    session.add_all(stored)
    if actor.agency_id != thread.initiator_id and thread.status == ThreadStatus.OPEN.value:
        thread.status = ThreadStatus.ANSWERED.value
    elif actor.agency_id == thread.initiator_id and thread.status == ThreadStatus.ANSWERED.value:
        thread.status = ThreadStatus.OPEN.value
    thread.updated_at = now
    return Posted(row, [row.id, *(a.id for a in stored), *(t for _, t in refs)])


def tell_parties(
    session: Session,
    db: Database,
    actor: Actor,
    thread: Thread,
    kind: NotificationKind,
    title: str,
    agencies: Iterable[str] | None = None,
) -> None:
    """Notify the parties other than the caller's agency (or only ``agencies``). The subject is
    shared by every party, so it may appear in the title; message bodies never do."""
    targets = views.parties(session, thread.id) if agencies is None else list(agencies)
    for agency_id in targets:
        if agency_id != actor.agency_id:
            notifications.notify(
                session,
                db,
                agency_id=agency_id,
                kind=kind,
                title=title,
                refs={"thread": thread.id},
            )


def new_thread(
    session: Session,
    db: Database,
    actor: Actor,
    *,
    subject: str,
    priority: Priority,
    parties: list[str],
    marking: MarkingIn,
    deadline: date | None,
    hit_id: str | None = None,
) -> Thread:
    """A thread between the caller's agency and ``parties`` (agency ids), no messages yet."""
    assert actor.agency_id is not None
    handling = sharing.check_marking(marking, "marking")
    if deadline is not None and deadline < today(db):
        raise invalid("deadline", "in the past")
    now = db.clock()
    thread = Thread(
        id=str(uuid.uuid4()),
        subject=subject,
        priority=priority.value,
        status=ThreadStatus.OPEN.value,
        initiator_id=actor.agency_id,
        tlp=marking.tlp.value,
        handling=handling,
        handling_note=marking.handling_note,
        deadline=deadline,
        hit_id=hit_id,
        created_by=actor.user_id,
        created_at=now,
        updated_at=now,
    )
    session.add(thread)
    session.flush()
    for agency_id in dict.fromkeys([actor.agency_id, *parties]):
        session.add(
            ThreadParty(thread_id=thread.id, agency_id=agency_id, added_at=now, added_by=None)
        )
    session.flush()
    return thread


def create(db: Database, actor: Actor, data: ThreadIn) -> ThreadOut:
    require(actor, "thread.create")
    viewer = actor.viewer()
    with db.transaction() as session:
        parties = [
            resolve_agency(session, ref, f"parties[{i}]").id for i, ref in enumerate(data.parties)
        ]
        others = [p for p in dict.fromkeys(parties) if p != viewer.agency_id]
        if not others:
            raise invalid("parties", "name at least one other agency")
        thread = new_thread(
            session,
            db,
            actor,
            subject=data.subject,
            priority=data.priority,
            parties=others,
            marking=data.marking,
            deadline=data.deadline,
        )
        posted = add_message(session, db, actor, thread, data.message, "message.")
        audit_trail.record(
            session,
            db,
            actor,
            "thread.create",
            [thread.id, *posted.object_ids],
            recipients=others,
            detail={"priority": thread.priority, "tlp": posted.message.tlp},
        )
        code = _agency_code(session, viewer.agency_id)
        tell_parties(
            session,
            db,
            actor,
            thread,
            NotificationKind.REQUEST,
            f"[{thread.priority}] request from {code}: {thread.subject}",
        )
        return views.thread_out(session, db, actor, thread, mark_read=False)


def post(db: Database, actor: Actor, thread_id: str, data: MessageIn) -> MessageOut:
    require(actor, "thread.post")
    with db.transaction() as session:
        thread = party_thread(session, actor, thread_id, lock=True)
        posted = add_message(session, db, actor, thread, data)
        others = [p for p in views.parties(session, thread.id) if p != actor.agency_id]
        audit_trail.record(
            session,
            db,
            actor,
            "thread.post",
            [thread.id, *posted.object_ids],
            recipients=others,
            detail={"tlp": posted.message.tlp, "status": thread.status},
        )
        code = _agency_code(session, actor.agency_id or "")
        tell_parties(
            session, db, actor, thread, NotificationKind.REPLY, f"{code} wrote in: {thread.subject}"
        )
        return views.messages_out(session, db, actor, [posted.message])[0]


def set_status(db: Database, actor: Actor, thread_id: str, data: ThreadStatusIn) -> ThreadOut:
    require(actor, "thread.close")
    with db.transaction() as session:
        thread = party_thread(session, actor, thread_id)
        if thread.initiator_id != actor.agency_id:
            raise Forbidden("only the initiating agency closes or reopens a thread")
        closing = data.status == ThreadStatus.CLOSED
        if data.status == ThreadStatus.ANSWERED:
            raise invalid("status", "closed, or open to reopen")
        if closing == (thread.status == ThreadStatus.CLOSED.value):
            raise Conflict(f"the thread is already {thread.status}")
        thread.status = data.status.value
        thread.updated_at = db.clock()
        audit_trail.record(
            session,
            db,
            actor,
            "thread.close" if closing else "thread.reopen",
            [thread.id],
            detail={"reason": data.reason} if data.reason else None,
        )
        return views.thread_out(session, db, actor, thread, mark_read=False)


def add_party(db: Database, actor: Actor, thread_id: str, data: PartyIn) -> ThreadOut:
    """A party's supervisor brings another agency in. It reads the whole history from then on,
    so this is a disclosure of every message: audited with the new party as recipient."""
    require(actor, "thread.add_party")
    with db.transaction() as session:
        thread = party_thread(session, actor, thread_id)
        agency = resolve_agency(session, data.agency, "agency")
        if agency.id in views.parties(session, thread.id):
            raise Conflict("that agency is already a party")
        now = db.clock()
        session.add(
            ThreadParty(
                thread_id=thread.id, agency_id=agency.id, added_at=now, added_by=actor.user_id
            )
        )
        thread.updated_at = now
        message_ids = list(
            session.scalars(sa.select(ThreadMessage.id).where(ThreadMessage.thread_id == thread.id))
        )
        audit_trail.record(
            session,
            db,
            actor,
            "thread.add_party",
            [thread.id, agency.id, *message_ids],
            recipients=[agency.id],
            detail={"reason": data.reason},
        )
        code = _agency_code(session, actor.agency_id or "")
        tell_parties(
            session,
            db,
            actor,
            thread,
            NotificationKind.REQUEST,
            f"{code} added your agency to: {thread.subject}",
            agencies=[agency.id],
        )
        return views.thread_out(session, db, actor, thread, mark_read=False)


# --- reading ------------------------------------------------------------------------------


def list_threads(
    db: Database,
    actor: Actor,
    *,
    status: ThreadStatus | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> Page[ThreadSummary]:
    """Threads the caller's agency is party to, most recently active first."""
    require(actor, "thread.read")
    viewer = actor.viewer()
    size = _page_size(db, limit)
    query = sa.select(Thread).where(
        sa.exists().where(
            ThreadParty.thread_id == Thread.id, ThreadParty.agency_id == viewer.agency_id
        )
    )
    if status is not None:
        query = query.where(Thread.status == status.value)
    with db.transaction() as session:
        total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
        rows = list(
            session.scalars(
                query.order_by(Thread.updated_at.desc(), Thread.id).limit(size).offset(offset)
            )
        )
        ids = [t.id for t in rows]
        parties: dict[str, list[str]] = {i: [] for i in ids}
        for tid, agency_id in session.execute(
            sa.select(ThreadParty.thread_id, ThreadParty.agency_id)
            .where(ThreadParty.thread_id.in_(ids))
            .order_by(ThreadParty.agency_id)
        ):
            parties[tid].append(agency_id)
        totals, unread = views.unread_counts(session, actor, ids)
        audit_trail.record(session, db, actor, "thread.list", ids)
        return Page[ThreadSummary](
            items=[
                ThreadSummary.model_validate(
                    views.summary_fields(t, today(db), parties[t.id], totals, unread)
                )
                for t in rows
            ],
            total=total,
            limit=size,
            offset=offset,
        )


def get(db: Database, actor: Actor, thread_id: str, justification: str | None = None) -> ThreadOut:
    """The whole thread; opening it marks its messages read by the caller."""
    require(actor, "thread.read")
    with db.transaction() as session:
        thread = party_thread(session, actor, thread_id)
        out = views.thread_out(session, db, actor, thread, mark_read=True)
        audit_trail.record(
            session,
            db,
            actor,
            "thread.read",
            [thread.id, *(m.id for m in out.messages)],
            justification=justification,
        )
        return out


@dataclass(frozen=True)
class Download:
    filename: str
    media_type: str
    sha256: str
    content: bytes


def attachment(db: Database, actor: Actor, attachment_id: str) -> Download:
    """An attachment of a message in a thread the caller's agency is party to."""
    require(actor, "thread.read")
    viewer = actor.viewer()
    with db.transaction() as session:
        found = session.execute(
            sa.select(Attachment, ThreadMessage.thread_id)
            .join(ThreadMessage, ThreadMessage.id == Attachment.message_id)
            .join(ThreadParty, ThreadParty.thread_id == ThreadMessage.thread_id)
            .where(Attachment.id == attachment_id, ThreadParty.agency_id == viewer.agency_id)
        ).first()
        if found is None:
            raise not_found("attachment", attachment_id)
        row, thread_id = found
        audit_trail.record(
            session,
            db,
            actor,
            "thread.attachment",
            [thread_id, row.id],
            detail={"sha256": row.sha256},
        )
        return Download(row.filename, row.media_type, row.sha256, row.content)

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

from tanseeq import access
from tanseeq.domain.types import (
    TLP,
    HandlingCode,
    NotificationKind,
    Priority,
    RefKind,
    ThreadStatus,
)
from tanseeq.errors import Conflict, FieldError, Forbidden, Invalid, invalid
from tanseeq.schemas import (
    AttachmentOut,
    JudgementOut,
    MarkingIn,
    MessageIn,
    MessageOut,
    Page,
    PartyIn,
    ReadReceiptOut,
    RefOut,
    ThreadIn,
    ThreadOut,
    ThreadStatusIn,
    ThreadSummary,
)
from tanseeq.services import attachments, audit_trail, notifications, sharing
from tanseeq.services.context import Actor, not_found, require, resolve_agency, today
from tanseeq.services.records import _page_size
from tanseeq.store.database import Database
from tanseeq.store.tables import (
    Agency,
    Attachment,
    Hit,
    HitJudgement,
    MessageRead,
    MessageRef,
    Notice,
    Record,
    Thread,
    ThreadMessage,
    ThreadParty,
)


def _agency_code(session: Session, agency_id: str) -> str:
    return session.scalar(sa.select(Agency.code).where(Agency.id == agency_id)) or agency_id


def _parties(session: Session, thread_id: str) -> list[str]:
    return sorted(
        session.scalars(sa.select(ThreadParty.agency_id).where(ThreadParty.thread_id == thread_id))
    )


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


# --- references ---------------------------------------------------------------------------


def _visible_refs(
    session: Session, db: Database, actor: Actor, wanted: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], str]:
    """Of the (kind, id) pairs, those the caller may see, with a label for each."""
    viewer = actor.viewer()
    day = today(db)
    by_kind: dict[str, set[str]] = {}
    for kind, target in wanted:
        by_kind.setdefault(kind, set()).add(target)
    out: dict[tuple[str, str], str] = {}
    if ids := by_kind.get(RefKind.RECORD.value):
        rows = session.execute(
            sa.select(Record.id, Record.caption).where(
                Record.id.in_(ids), access.record_visible(viewer, day)
            )
        )
        out.update({(RefKind.RECORD.value, i): c for i, c in rows})
    if ids := by_kind.get(RefKind.NOTICE.value):
        rows = session.execute(
            sa.select(Notice.id, Notice.title).where(
                Notice.id.in_(ids), access.notice_visible(viewer, day)
            )
        )
        out.update({(RefKind.NOTICE.value, i): t for i, t in rows})
    if ids := by_kind.get(RefKind.HIT.value):
        # A hit is the searcher's and the owner's business alone.
        rows = session.execute(
            sa.select(Hit.id, Hit.at).where(
                Hit.id.in_(ids),
                sa.or_(
                    Hit.searcher_agency_id == viewer.agency_id, Hit.owner_id == viewer.agency_id
                ),
            )
        )
        out.update({(RefKind.HIT.value, i): f"hit of {at:%Y-%m-%d %H:%M} UTC" for i, at in rows})
    return out


def _check_refs(
    session: Session, db: Database, actor: Actor, message: MessageIn, loc: str
) -> list[tuple[str, str]]:
    wanted = list(dict.fromkeys((r.kind.value, r.id) for r in message.refs))
    seen = _visible_refs(session, db, actor, wanted)
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
    targets = _parties(session, thread.id) if agencies is None else list(agencies)
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
        return thread_out(session, db, actor, thread, mark_read=False)


def post(db: Database, actor: Actor, thread_id: str, data: MessageIn) -> MessageOut:
    require(actor, "thread.post")
    with db.transaction() as session:
        thread = party_thread(session, actor, thread_id, lock=True)
        posted = add_message(session, db, actor, thread, data)
        others = [p for p in _parties(session, thread.id) if p != actor.agency_id]
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
        return _messages_out(session, db, actor, [posted.message])[0]


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
        return thread_out(session, db, actor, thread, mark_read=False)


def add_party(db: Database, actor: Actor, thread_id: str, data: PartyIn) -> ThreadOut:
    """A party's supervisor brings another agency in. It reads the whole history from then on,
    so this is a disclosure of every message: audited with the new party as recipient."""
    require(actor, "thread.add_party")
    with db.transaction() as session:
        thread = party_thread(session, actor, thread_id)
        agency = resolve_agency(session, data.agency, "agency")
        if agency.id in _parties(session, thread.id):
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
        return thread_out(session, db, actor, thread, mark_read=False)


# --- reading ------------------------------------------------------------------------------


def _unread_counts(
    session: Session, actor: Actor, thread_ids: list[str]
) -> tuple[dict[str, int], dict[str, int]]:
    """Per thread: all messages, and those the caller has not opened (own ones count as read)."""
    if not thread_ids:
        return {}, {}
    totals = dict(
        session.execute(
            sa.select(ThreadMessage.thread_id, sa.func.count())
            .where(ThreadMessage.thread_id.in_(thread_ids))
            .group_by(ThreadMessage.thread_id)
        ).all()
    )
    read = sa.exists().where(
        MessageRead.message_id == ThreadMessage.id, MessageRead.user_id == actor.user_id
    )
    mine = ThreadMessage.author_user_id == actor.user_id if actor.user_id else sa.false()
    unread = dict(
        session.execute(
            sa.select(ThreadMessage.thread_id, sa.func.count())
            .where(ThreadMessage.thread_id.in_(thread_ids), ~read, ~mine)
            .group_by(ThreadMessage.thread_id)
        ).all()
    )
    return totals, unread


def _summary_fields(
    thread: Thread,
    day: date,
    parties: list[str],
    totals: dict[str, int],
    unread: dict[str, int],
) -> dict[str, object]:
    overdue = (
        thread.deadline is not None
        and thread.deadline < day
        and thread.status != ThreadStatus.CLOSED.value
    )
    return {
        "id": thread.id,
        "subject": thread.subject,
        "priority": Priority(thread.priority),
        "status": ThreadStatus(thread.status),
        "initiator_id": thread.initiator_id,
        "parties": parties,
        "tlp": TLP(thread.tlp),
        "deadline": thread.deadline,
        "overdue": overdue,
        "hit_id": thread.hit_id,
        "created_at": thread.created_at,
        "updated_at": thread.updated_at,
        "message_count": totals.get(thread.id, 0),
        "unread": unread.get(thread.id, 0),
    }


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
        totals, unread = _unread_counts(session, actor, ids)
        audit_trail.record(session, db, actor, "thread.list", ids)
        return Page[ThreadSummary](
            items=[
                ThreadSummary.model_validate(
                    _summary_fields(t, today(db), parties[t.id], totals, unread)
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
        out = thread_out(session, db, actor, thread, mark_read=True)
        audit_trail.record(
            session,
            db,
            actor,
            "thread.read",
            [thread.id, *(m.id for m in out.messages)],
            justification=justification,
        )
        return out


def _messages_out(
    session: Session, db: Database, actor: Actor, rows: list[ThreadMessage]
) -> list[MessageOut]:
    ids = [m.id for m in rows]
    if not ids:
        return []
    refs: dict[str, list[tuple[str, str]]] = {i: [] for i in ids}
    for mid, kind, target in session.execute(
        sa.select(MessageRef.message_id, MessageRef.kind, MessageRef.target_id)
        .where(MessageRef.message_id.in_(ids))
        .order_by(MessageRef.kind, MessageRef.target_id)
    ):
        refs[mid].append((kind, target))
    seen = _visible_refs(session, db, actor, [r for rs in refs.values() for r in rs])
    files: dict[str, list[AttachmentOut]] = {i: [] for i in ids}
    for a in session.execute(
        sa.select(
            Attachment.id,
            Attachment.message_id,
            Attachment.filename,
            Attachment.media_type,
            Attachment.size,
            Attachment.sha256,
        )
        .where(Attachment.message_id.in_(ids))
        .order_by(Attachment.filename, Attachment.id)
    ):
        files[a.message_id].append(
            AttachmentOut(
                id=a.id, filename=a.filename, media_type=a.media_type, size=a.size, sha256=a.sha256
            )
        )
    receipts: dict[str, list[ReadReceiptOut]] = {i: [] for i in ids}
    own = [m.id for m in rows if m.author_agency_id == actor.agency_id]
    if own:
        for r in session.scalars(
            sa.select(MessageRead)
            .where(MessageRead.message_id.in_(own))
            .order_by(MessageRead.at, MessageRead.user_id)
        ):
            receipts[r.message_id].append(
                ReadReceiptOut(agency_id=r.agency_id, user_id=r.user_id, at=r.at)
            )
    out = []
    for m in rows:
        ref_outs = []
        for kind, target in refs[m.id]:
            label = seen.get((kind, target))
            ref_outs.append(
                RefOut(kind=RefKind(kind), id=target, available=True, label=label)
                if label is not None
                else RefOut(kind=RefKind(kind), id=None, available=False)
            )
        out.append(
            MessageOut(
                id=m.id,
                author_agency_id=m.author_agency_id,
                author_user_id=m.author_user_id,
                body=m.body,
                tlp=TLP(m.tlp),
                handling=[HandlingCode(h) for h in m.handling],
                handling_note=m.handling_note,
                at=m.at,
                refs=ref_outs,
                attachments=files[m.id],
                # The sender's agency sees who opened its messages; the others do not.
                read_by=receipts[m.id] if m.author_agency_id == actor.agency_id else None,
            )
        )
    return out


def judgement_out(j: HitJudgement) -> JudgementOut:
    return JudgementOut(
        hit_id=j.hit_id,
        owner_id=j.owner_id,
        searcher_agency_id=j.searcher_agency_id,
        verdict=j.verdict,  # type: ignore[arg-type]
        reason=j.reason,
        judged_at=j.judged_at,
    )


def _judgement_of_hit(session: Session, actor: Actor, hit_id: str) -> HitJudgement | None:
    """The owner's judgement of the thread's hit, for the searcher and the owner only: an
    agency brought into the thread later reads the messages, not the hit's business."""
    hit = session.get(Hit, hit_id)
    if hit is None or hit.fingerprint is None:
        return None
    if actor.agency_id not in (hit.searcher_agency_id, hit.owner_id):
        return None
    return session.scalars(
        sa.select(HitJudgement).where(
            HitJudgement.searcher_agency_id == hit.searcher_agency_id,
            HitJudgement.record_id == hit.record_id,
            HitJudgement.fingerprint == hit.fingerprint,
        )
    ).first()


def thread_out(
    session: Session, db: Database, actor: Actor, thread: Thread, *, mark_read: bool
) -> ThreadOut:
    rows = list(
        session.scalars(
            sa.select(ThreadMessage)
            .where(ThreadMessage.thread_id == thread.id)
            .order_by(ThreadMessage.seq)
        )
    )
    if mark_read and actor.user_id is not None and actor.agency_id is not None:
        already = set(
            session.scalars(
                sa.select(MessageRead.message_id).where(
                    MessageRead.user_id == actor.user_id,
                    MessageRead.message_id.in_([m.id for m in rows]),
                )
            )
        )
        now = db.clock()
        session.add_all(
            MessageRead(message_id=m.id, user_id=actor.user_id, agency_id=actor.agency_id, at=now)
            for m in rows
            if m.id not in already and m.author_user_id != actor.user_id
        )
        session.flush()
    totals, unread = _unread_counts(session, actor, [thread.id])
    judgement = _judgement_of_hit(session, actor, thread.hit_id) if thread.hit_id else None
    return ThreadOut.model_validate(
        {
            **_summary_fields(thread, today(db), _parties(session, thread.id), totals, unread),
            "handling": [HandlingCode(h) for h in thread.handling],
            "handling_note": thread.handling_note,
            "judgement": judgement_out(judgement) if judgement else None,
            "messages": _messages_out(session, db, actor, rows),
        }
    )


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

"""How a thread reads to one caller: summaries, messages, references, receipts, judgement.

Everything here renders for the caller's agency: a reference it may not see becomes
"unavailable" without its id; read receipts go to the author's agency only; a hit's judgement
to the hit's searcher and owner only. ``visible_refs`` is also what a writer's references are
checked against, so writing and reading apply one rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tanseeq import access
from tanseeq.domain.types import TLP, HandlingCode, Priority, RefKind, ThreadStatus
from tanseeq.schemas import (
    AttachmentOut,
    JudgementOut,
    MessageOut,
    ReadReceiptOut,
    RefOut,
    ThreadOut,
)
from tanseeq.services.context import Actor, today
from tanseeq.store.database import Database
from tanseeq.store.tables import (
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


def parties(session: Session, thread_id: str) -> list[str]:
    return sorted(
        session.scalars(sa.select(ThreadParty.agency_id).where(ThreadParty.thread_id == thread_id))
    )


def visible_refs(
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


def unread_counts(
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


def summary_fields(
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


def messages_out(
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
    seen = visible_refs(session, db, actor, [r for rs in refs.values() for r in rs])
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
    totals, unread = unread_counts(session, actor, [thread.id])
    judgement = _judgement_of_hit(session, actor, thread.hit_id) if thread.hit_id else None
    return ThreadOut.model_validate(
        {
            **summary_fields(thread, today(db), parties(session, thread.id), totals, unread),
            "handling": [HandlingCode(h) for h in thread.handling],
            "handling_note": thread.handling_note,
            "judgement": judgement_out(judgement) if judgement else None,
            "messages": messages_out(session, db, actor, rows),
        }
    )

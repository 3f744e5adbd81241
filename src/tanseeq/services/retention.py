"""Retention: data must not outlive its purpose.

Every record and published notice has a review date (``review_years``, per category or kind).
``run`` — from ``tanseeq retention run`` (cron) or the server's schedule — does three things,
each idempotent, so running it twice, or late, or after a crash, gives the same result:

  1. remind: owners of live objects whose review date is within ``retention_reminder_days``
     are notified once per object and review date (``retention_reminders`` remembers it);
  2. expire: a live object past its review date becomes ``expired``; the sharing policy already
     stops showing it to anyone but its owner the day after its review date, this makes it
     final (a notice can no longer be renewed, a record drops out of the screening index);
  3. purge: ``retention_grace_days`` after the review date the object is deleted with its
     references, shares, areas, notice links, hits and hit judgements. Only its id stays, in
     ``erasures`` (so copies such as the screening index can drop it) and in the audit log.
     Notices never published have no review date: they are purged ``review_years`` after their
     creation, plus the grace period.

Hits on a purged record are deleted, not kept as tombstones: a hit is a pointer to the
record's content and a searcher's query about it, and both purposes end with the record; the
audit log keeps who searched for what and when. Threads that cited a hit keep their messages.

Owners renew before expiry: ``renew_record`` (POST /records/{id}/renew) or the notice
``renew`` transition, each with a justification, which moves the review date on.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tanseeq import access
from tanseeq.domain import retention
from tanseeq.domain.types import NoticeStatus, NotificationKind, RecordStatus
from tanseeq.errors import Conflict, Forbidden
from tanseeq.schemas import RecordOut, RetentionReport
from tanseeq.services import audit_trail, notifications
from tanseeq.services.context import OPERATOR, Actor, not_found, require, today
from tanseeq.services.records import to_out
from tanseeq.store.database import Database, in_batches
from tanseeq.store.tables import (
    Erasure,
    Hit,
    HitJudgement,
    Notice,
    NoticeCheck,
    NoticeEvent,
    NoticeRecord,
    ObjectArea,
    Record,
    RecordRef,
    RetentionReminder,
    Share,
)

LIVE_NOTICE = (NoticeStatus.PUBLISHED.value, NoticeStatus.SUSPENDED.value)


def run(db: Database, actor: Actor = OPERATOR) -> RetentionReport:
    """One retention pass at the clock's current day, in one transaction."""
    day = today(db)
    with db.transaction() as session:
        reminded = _remind(session, db, actor, day)
        expired = _expire(session, db, actor, day)
        purged = _purge(session, db, actor, day)
    return RetentionReport(
        day=day,
        reminded=len(reminded),
        expired=len(expired),
        purged=len(purged),
        reminded_ids=reminded,
        expired_ids=expired,
        purged_ids=purged,
    )


# Notifications name the object by kind and id only: an inbox entry outlives a purge, and must
# not keep the name of a person whose record was erased.
def _tell(
    session: Session,
    db: Database,
    kind: NotificationKind,
    obj: tuple[str, str, str],  # record | notice, id, owner
    title: str,
) -> None:
    what, oid, owner = obj
    notifications.notify(session, db, agency_id=owner, kind=kind, title=title, refs={what: oid})


def _remind(session: Session, db: Database, actor: Actor, day: date) -> list[str]:
    horizon = day + timedelta(days=db.settings.retention_reminder_days)
    done = sa.orm.aliased(RetentionReminder)

    def not_yet(oid: Any, review: Any) -> sa.ColumnElement[bool]:
        return ~sa.exists().where(done.object_id == oid, done.review_date == review)

    due: list[tuple[str, str, str, date, str]] = []  # kind, id, owner, review date, label
    for rid, owner, review, schema in session.execute(
        sa.select(Record.id, Record.owner_id, Record.review_date, Record.schema).where(
            Record.status == RecordStatus.ACTIVE.value,
            Record.review_date >= day,
            Record.review_date <= horizon,
            not_yet(Record.id, Record.review_date),
        )
    ):
        due.append(("record", rid, owner, review, f"{schema} record"))
    for nid, owner, notice_review, notice_kind in session.execute(
        sa.select(Notice.id, Notice.owner_id, Notice.review_date, Notice.kind).where(
            Notice.status.in_(LIVE_NOTICE),
            Notice.review_date.is_not(None),
            Notice.review_date >= day,
            Notice.review_date <= horizon,
            not_yet(Notice.id, Notice.review_date),
        )
    ):
        if notice_review is not None:  # the query says so; this tells the type checker
            due.append(("notice", nid, owner, notice_review, f"{notice_kind} notice"))
    now = db.clock()
    for kind, oid, owner, review, label in due:
        session.add(
            RetentionReminder(
                object_id=oid, review_date=review, kind=kind, owner_id=owner, sent_at=now
            )
        )
        _tell(
            session,
            db,
            NotificationKind.RETENTION_REMINDER,
            (kind, oid, owner),
            f"A {label} of yours reaches its review date on {review}: renew it or let it expire",
        )
    ids = [d[1] for d in due]
    if ids:
        audit_trail.record(
            session,
            db,
            actor,
            "retention.remind",
            ids,
            recipients=sorted({d[2] for d in due}),
            detail={
                "records": sum(d[0] == "record" for d in due),
                "notices": sum(d[0] == "notice" for d in due),
            },
        )
    return ids


def _expire(session: Session, db: Database, actor: Actor, day: date) -> list[str]:
    now = db.clock()
    records = list(
        session.scalars(
            sa.select(Record).where(
                Record.status == RecordStatus.ACTIVE.value, Record.review_date < day
            )
        )
    )
    for r in records:
        r.status = RecordStatus.EXPIRED.value
        r.updated_at = now  # the screening index re-reads changed records and drops it
        _tell(
            session,
            db,
            NotificationKind.RETENTION_EXPIRED,
            ("record", r.id, r.owner_id),
            f"A {r.schema} record of yours expired after its review date {r.review_date}",
        )
    notices = list(
        session.scalars(
            sa.select(Notice).where(
                Notice.status.in_(LIVE_NOTICE),
                Notice.review_date.is_not(None),
                Notice.review_date < day,
            )
        )
    )
    for n in notices:
        session.add(
            NoticeEvent(
                notice_id=n.id,
                from_status=n.status,
                to_status=NoticeStatus.EXPIRED.value,
                user_id=None,
                reason=f"review date {n.review_date} passed without renewal",
                at=now,
            )
        )
        n.status = NoticeStatus.EXPIRED.value
        n.updated_at = now
        _tell(
            session,
            db,
            NotificationKind.RETENTION_EXPIRED,
            ("notice", n.id, n.owner_id),
            f"A {n.kind} notice of yours expired after its review date {n.review_date}",
        )
    ids = [r.id for r in records] + [n.id for n in notices]
    if ids:
        audit_trail.record(
            session,
            db,
            actor,
            "retention.expire",
            ids,
            detail={"records": len(records), "notices": len(notices)},
        )
    return ids


def _purgeable_notices(session: Session, db: Database, cutoff: date) -> list[Notice]:
    """Notices whose retention date (review date, or creation + years when never published)
    lies before ``cutoff``."""
    dated = sa.select(Notice).where(Notice.review_date.is_not(None), Notice.review_date < cutoff)
    out = list(session.scalars(dated))
    # Never published: the shortest retention any kind has bounds the query; each is then
    # judged by its own kind's years.
    years = [db.settings.review_years, *db.settings.review_years_by_notice_kind.values()]
    newest = datetime.combine(retention.add_years(cutoff, -min(years)), time(), UTC)
    undated = session.scalars(
        sa.select(Notice).where(Notice.review_date.is_(None), Notice.created_at < newest)
    )
    for n in undated:
        kept = retention.years_for(
            db.settings.review_years, db.settings.review_years_by_notice_kind, n.kind
        )
        if retention.add_years(n.created_at.date(), kept) < cutoff:
            out.append(n)
    return out


def _delete_common(session: Session, ids: Sequence[str]) -> None:
    session.execute(sa.delete(Share).where(Share.object_id.in_(ids)))
    session.execute(sa.delete(ObjectArea).where(ObjectArea.object_id.in_(ids)))
    session.execute(sa.delete(RetentionReminder).where(RetentionReminder.object_id.in_(ids)))


def _purge(session: Session, db: Database, actor: Actor, day: date) -> list[str]:
    cutoff = day - timedelta(days=db.settings.retention_grace_days)
    records = list(
        session.execute(sa.select(Record.id, Record.owner_id).where(Record.review_date < cutoff))
    )
    notices = [(n.id, n.owner_id) for n in _purgeable_notices(session, db, cutoff)]
    rids = [r for r, _ in records]
    nids = [n for n, _ in notices]
    # In batches: records imported together are purged together, and a statement takes at
    # most 65,535 parameters on PostgreSQL.
    for batch in in_batches(nids):
        session.execute(sa.delete(NoticeRecord).where(NoticeRecord.notice_id.in_(batch)))
        session.execute(sa.delete(NoticeEvent).where(NoticeEvent.notice_id.in_(batch)))
        session.execute(sa.delete(NoticeCheck).where(NoticeCheck.notice_id.in_(batch)))
        _delete_common(session, batch)
        session.execute(sa.delete(Notice).where(Notice.id.in_(batch)))
    for batch in in_batches(rids):
        session.execute(sa.delete(HitJudgement).where(HitJudgement.record_id.in_(batch)))
        session.execute(sa.delete(Hit).where(Hit.record_id.in_(batch)))
        session.execute(
            sa.delete(RecordRef).where(
                sa.or_(RecordRef.record_id.in_(batch), RecordRef.target_id.in_(batch))
            )
        )
        session.execute(sa.delete(NoticeRecord).where(NoticeRecord.record_id.in_(batch)))
        _delete_common(session, batch)
        session.execute(sa.delete(Record).where(Record.id.in_(batch)))
    now = db.clock()
    session.add_all(
        Erasure(object_id=oid, kind=kind, owner_id=owner, purged_at=now)
        for kind, rows in (("record", records), ("notice", notices))
        for oid, owner in rows
    )
    ids = rids + nids
    if ids:
        audit_trail.record(
            session,
            db,
            actor,
            "retention.purge",
            ids,
            detail={
                "records": len(rids),
                "notices": len(nids),
                "grace_days": db.settings.retention_grace_days,
            },
        )
    return ids


def renew_record(db: Database, actor: Actor, record_id: str, justification: str) -> RecordOut:
    """The owner keeps a live record for another retention period from today."""
    require(actor, "record.renew")
    with db.transaction() as session:
        record = session.scalars(
            access.visible_records(actor.viewer(), today(db)).where(Record.id == record_id)
        ).first()
        if record is None:
            raise not_found("record", record_id)
        if record.owner_id != actor.agency_id:
            raise Forbidden("only the owner agency renews a record")
        if record.status != RecordStatus.ACTIVE.value:
            raise Conflict(f"a {record.status} record is not renewed")
        years = retention.years_for(
            db.settings.review_years, db.settings.review_years_by_category, record.category
        )
        before = record.review_date
        record.review_date = retention.add_years(today(db), years)
        record.updated_at = db.clock()
        audit_trail.record(
            session,
            db,
            actor,
            "record.renew",
            [record.id],
            justification=justification,
            detail={"from": before.isoformat(), "to": record.review_date.isoformat()},
        )
        return to_out(session, db, actor, record)

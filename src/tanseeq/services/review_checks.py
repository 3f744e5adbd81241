"""Running the review checks of ``tanseeq.domain.review`` on a stored notice, inside the caller's
transaction, and keeping their findings (one set per notice: each run replaces the last).

Kept apart from ``services.review`` so that ``services.notices`` can run the checks at
submission and before publication without importing the review queue that calls it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tanseeq.access import REVIEWABLE
from tanseeq.domain.review import Finding, NoticeFacts, Severity, SubjectFacts, run_checks
from tanseeq.domain.types import NoticeKind, NoticeStatus
from tanseeq.errors import Conflict, FieldError, Invalid, invalid
from tanseeq.schemas import CheckOut
from tanseeq.store.database import Database
from tanseeq.store.tables import Notice, NoticeCheck, NoticeRecord, Record, RecordRef


def _subjects(session: Session, notice_ids: Sequence[str]) -> dict[str, list[SubjectFacts]]:
    """Each notice's subject records, plus the owner's document records whose holder is one of
    them (a passport on file identifies the person as much as a number on the person)."""
    out: dict[str, list[SubjectFacts]] = {nid: [] for nid in notice_ids}
    if not notice_ids:
        return out
    rows = session.execute(
        sa.select(NoticeRecord.notice_id, Record.id, Record.schema, Record.properties)
        .join(Record, Record.id == NoticeRecord.record_id)
        .where(NoticeRecord.notice_id.in_(notice_ids))
    ).all()
    for nid, rid, schema, props in rows:
        out[nid].append(SubjectFacts(rid, schema, props))
    subject_ids = {rid for _, rid, _, _ in rows}
    docs = session.execute(
        sa.select(RecordRef.target_id, Record.id, Record.schema, Record.properties)
        .join(Record, Record.id == RecordRef.record_id)
        .where(
            RecordRef.target_id.in_(subject_ids),
            RecordRef.prop == "holder",
            Record.schema.in_(["Passport", "Identification"]),
        )
    ).all()
    for holder, rid, schema, props in docs:
        for subjects in out.values():
            if any(s.id == holder for s in subjects) and all(s.id != rid for s in subjects):
                subjects.append(SubjectFacts(rid, schema, props))
    return out


def _facts(n: Notice, subjects: list[SubjectFacts], day: date) -> NoticeFacts:
    return NoticeFacts(
        id=n.id,
        kind=NoticeKind(n.kind),
        title=n.title,
        summary=n.summary,
        offences=list(n.offences),
        legal_basis=n.legal_basis,
        warrant_ref=n.warrant_ref,
        on=day,
        subjects=subjects,
    )


def run(session: Session, db: Database, notice: Notice) -> list[Finding]:
    """Run every check on ``notice`` now and store the findings in place of the last ones.

    Duplicates are sought among the notices a reviewer sees (submitted, published, suspended
    and not past their review date, of any owner), diffusions aside as the review does."""
    day = db.clock().date()
    others = list(
        session.scalars(
            sa.select(Notice).where(
                Notice.id != notice.id,
                Notice.kind != NoticeKind.DIFFUSION.value,
                Notice.status.in_([s.value for s in REVIEWABLE]),
                sa.or_(
                    Notice.status == NoticeStatus.SUBMITTED.value,
                    Notice.review_date >= day,
                ),
            )
        )
    )
    subjects = _subjects(session, [notice.id, *(o.id for o in others)])
    findings = run_checks(
        _facts(notice, subjects[notice.id], day),
        [_facts(o, subjects[o.id], day) for o in others],
        db.settings.duplicate_threshold,
    )
    session.execute(sa.delete(NoticeCheck).where(NoticeCheck.notice_id == notice.id))
    now = db.clock()
    session.add_all(
        NoticeCheck(
            notice_id=notice.id,
            code=f.code,
            severity=f.severity.value,
            reason=f.reason,
            detail=dict(f.detail),
            run_at=now,
        )
        for f in findings
    )
    session.flush()
    return findings


def stored(session: Session, notice_ids: Sequence[str]) -> dict[str, list[CheckOut]]:
    out: dict[str, list[CheckOut]] = {nid: [] for nid in notice_ids}
    if not notice_ids:
        return out
    rows = session.scalars(
        sa.select(NoticeCheck)
        .where(NoticeCheck.notice_id.in_(notice_ids))
        .order_by(NoticeCheck.notice_id, NoticeCheck.id)
    )
    for c in rows:
        out[c.notice_id].append(
            CheckOut(
                code=c.code,
                severity=c.severity,
                reason=c.reason,
                detail=c.detail,
                run_at=c.run_at,
            )
        )
    return out


def clear_to_publish(
    findings: Sequence[Finding], acknowledge: Sequence[str], reason: str | None
) -> None:
    """Refuse publication while an error stands (409, naming each) or a flag has not been
    acknowledged by its code (422 on ``acknowledge``) with a reason (422 on ``reason``)."""
    errors = [f for f in findings if f.severity == Severity.ERROR]
    if errors:
        raise Conflict(
            "the notice fails review checks; return it to the owner for changes: "
            + "; ".join(f.reason for f in errors),
            [FieldError(f"checks.{f.code}", f.reason) for f in errors],
        )
    unacknowledged = sorted(
        {f.code for f in findings if f.severity == Severity.FLAG} - set(acknowledge)
    )
    if unacknowledged:
        raise Invalid(
            f"acknowledge: flagged checks need your decision: {', '.join(unacknowledged)}",
            [
                FieldError("acknowledge", f"acknowledge the flagged check {code!r} to publish")
                for code in unacknowledged
            ],
        )
    if any(f.severity == Severity.FLAG for f in findings) and not (reason or "").strip():
        raise invalid("reason", "say why the flagged checks do not stand in the way")

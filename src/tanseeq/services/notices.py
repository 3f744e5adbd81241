"""Notices and diffusions: drafting, the lifecycle, and reading them through the policy."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tanseeq import access
from tanseeq.domain import retention
from tanseeq.domain.notices import PERSON_KINDS, transition_for
from tanseeq.domain.types import (
    TLP,
    DistributionKind,
    HandlingCode,
    NoticeKind,
    NoticeStatus,
    NotificationKind,
    RecordStatus,
)
from tanseeq.domain.vocab import LANGUAGES
from tanseeq.errors import Conflict, FieldError, Forbidden, Invalid, invalid
from tanseeq.schemas import NoticeEventOut, NoticeIn, NoticeOut, NoticeUpdate, Page, TransitionIn
from tanseeq.services import audit_trail, notifications, review_checks, sharing
from tanseeq.services.context import Actor, not_found, require, today
from tanseeq.services.records import _page_size, add_years
from tanseeq.store.database import Database
from tanseeq.store.tables import Notice, NoticeEvent, NoticeRecord, Record, Share


def _check_language(lang: str, loc: str = "language") -> str:
    if lang not in LANGUAGES:
        raise invalid(loc, f"one of {', '.join(sorted(LANGUAGES))}")
    return lang


def _check_subjects(session: Session, actor: Actor, refs: list[str]) -> list[str]:
    """Subjects are the owner's own active records; anything else is 'unknown' (a foreign
    record is not the caller's to put in a notice, and may not even be visible)."""
    ids = list(dict.fromkeys(refs))
    found = set(
        session.scalars(
            sa.select(Record.id).where(
                Record.id.in_(ids),
                Record.owner_id == actor.agency_id,
                Record.status == RecordStatus.ACTIVE.value,
            )
        )
    )
    bad = [
        FieldError(f"records[{i}]", f"unknown record {r!r} (must be your agency's)")
        for i, r in enumerate(ids)
        if r not in found
    ]
    if bad:
        raise Invalid(f"{bad[0].loc}: {bad[0].msg}", bad)
    return ids


def _check_diffusion(kind: NoticeKind, dist_kind: DistributionKind) -> None:
    if kind == NoticeKind.DIFFUSION and dist_kind != DistributionKind.AGENCIES:
        raise invalid("distribution.kind", "a diffusion goes to named agencies ('agencies')")


def create(db: Database, actor: Actor, data: NoticeIn) -> NoticeOut:
    require(actor, "notice.create")
    assert actor.agency_id is not None
    _check_language(data.language)
    _check_diffusion(data.kind, data.distribution.kind)
    areas = sharing.check_areas(data.crime_areas, "crime_areas")
    handling = sharing.check_marking(data.marking, "marking")
    with db.transaction() as session:
        subjects = _check_subjects(session, actor, data.records)
        include, exclude = sharing.resolve_distribution(
            session, data.distribution, actor.agency_id, "distribution"
        )
        now = db.clock()
        notice = Notice(
            id=str(uuid.uuid4()),
            owner_id=actor.agency_id,
            kind=data.kind.value,
            category="notice",
            status=NoticeStatus.DRAFT.value,
            title=data.title,
            offences=list(data.offences),
            legal_basis=data.legal_basis,
            warrant_ref=data.warrant_ref,
            summary=data.summary,
            language=data.language,
            dist_kind=data.distribution.kind.value,
            tlp=data.marking.tlp.value,
            handling=handling,
            handling_note=data.marking.handling_note,
            review_date=None,
            created_by=actor.user_id,
            created_at=now,
            updated_at=now,
        )
        session.add(notice)
        session.flush()
        session.add_all(NoticeRecord(notice_id=notice.id, record_id=r) for r in subjects)
        sharing.store_sharing(session, notice.id, include, exclude, areas)
        session.add(
            NoticeEvent(
                notice_id=notice.id,
                from_status=None,
                to_status="draft",
                user_id=actor.user_id,
                reason=None,
                at=now,
            )
        )
        session.flush()
        audit_trail.record(session, db, actor, "notice.create", [notice.id, *subjects])
        return _out(session, db, actor, notice)


def _visible(session: Session, db: Database, actor: Actor, notice_id: str) -> Notice:
    notice = session.scalars(
        access.visible_notices(actor.viewer(), today(db)).where(Notice.id == notice_id)
    ).first()
    if notice is None:
        raise not_found("notice", notice_id)
    return notice


def update(db: Database, actor: Actor, notice_id: str, data: NoticeUpdate) -> NoticeOut:
    """Drafts only: once submitted, a notice changes by its lifecycle, not by editing."""
    require(actor, "notice.update")
    with db.transaction() as session:
        notice = _visible(session, db, actor, notice_id)
        if notice.owner_id != actor.agency_id:
            raise Forbidden("only the owner agency changes a notice")
        if notice.status != NoticeStatus.DRAFT.value:
            raise Conflict(f"a {notice.status} notice is not edited; withdraw or return it")
        for name in ("title", "legal_basis", "warrant_ref", "summary"):
            value = getattr(data, name)
            if value is not None:
                setattr(notice, name, value)
        if data.offences is not None:
            notice.offences = list(data.offences)
        if data.language is not None:
            notice.language = _check_language(data.language)
        if data.distribution is not None:
            _check_diffusion(NoticeKind(notice.kind), data.distribution.kind)
        sharing.change(session, notice, data.distribution, data.crime_areas, data.marking)
        if data.records is not None:
            subjects = _check_subjects(session, actor, data.records)
            session.execute(sa.delete(NoticeRecord).where(NoticeRecord.notice_id == notice.id))
            session.add_all(NoticeRecord(notice_id=notice.id, record_id=r) for r in subjects)
        notice.updated_at = db.clock()
        audit_trail.record(
            session,
            db,
            actor,
            "notice.update",
            [notice.id],
            detail={"changed": sorted(data.model_dump(exclude_none=True))},
        )
        return _out(session, db, actor, notice)


def _ready_for_submission(session: Session, notice: Notice) -> None:
    errors = []
    kind = NoticeKind(notice.kind)
    if kind == NoticeKind.RED:
        if not notice.warrant_ref:
            errors.append(FieldError("warrant_ref", "a red notice needs the warrant reference"))
        if not notice.legal_basis:
            errors.append(FieldError("legal_basis", "a red notice needs its legal basis"))
    if kind in PERSON_KINDS:
        has_person = session.scalar(
            sa.select(sa.func.count())
            .select_from(NoticeRecord)
            .join(Record, Record.id == NoticeRecord.record_id)
            .where(NoticeRecord.notice_id == notice.id, Record.schema == "Person")
        )
        if not has_person:
            errors.append(FieldError("records", f"a {kind.value} notice is about a person"))
    if errors:
        raise Invalid(f"{errors[0].loc}: {errors[0].msg}", errors)


# What the owner is told when the hub decides about its notice (review_decision).
DECIDED = {
    "publish": "published",
    "reject": "rejected",
    "return": "returned for changes",
    "suspend": "blocked",
    "unsuspend": "unblocked",
}


def transition(
    db: Database,
    actor: Actor,
    notice_id: str,
    data: TransitionIn,
    acknowledge: Sequence[str] = (),
) -> NoticeOut:
    """Move a notice through its lifecycle. Submission runs the review checks; publication by
    the reviewer re-runs them and is refused while an error stands or a flag is not in
    ``acknowledge`` (see ``services.review_checks``)."""
    with db.transaction() as session:
        notice = _visible(session, db, actor, notice_id)
        kind = NoticeKind(notice.kind)
        rule = transition_for(data.action, kind)
        if rule is None:
            raise invalid("action", f"unknown action {data.action!r}")
        require(actor, f"notice.{data.action}")
        viewer = actor.viewer()
        as_owner = rule.by_owner and notice.owner_id == actor.agency_id
        as_reviewer = rule.by_reviewer and viewer.reviewer
        if not (as_owner or as_reviewer):
            raise Forbidden(f"you may not {data.action} this notice")
        status = _effective_status(notice, today(db))
        if NoticeStatus(notice.status) not in rule.sources:
            raise Conflict(
                f"a {status} notice cannot be {data.action}ed",
                [FieldError("action", f"not allowed from {status}")],
            )
        if rule.needs_reason and not (data.reason or "").strip():
            raise invalid("reason", f"say why ({data.action})")
        if data.action == "submit":
            _ready_for_submission(session, notice)
        reviewed = kind != NoticeKind.DIFFUSION  # diffusions go between agencies unreviewed
        if reviewed and data.action in ("submit", "publish"):
            findings = review_checks.run(session, db, notice)
            if data.action == "publish":
                review_checks.clear_to_publish(findings, acknowledge, data.reason)
        target = rule.target.value if rule.target else notice.status
        now = db.clock()
        if data.action in ("publish", "renew"):
            years = retention.years_for(
                db.settings.review_years, db.settings.review_years_by_notice_kind, kind.value
            )
            notice.review_date = add_years(now.date(), years)
        session.add(
            NoticeEvent(
                notice_id=notice.id,
                from_status=notice.status,
                to_status=target,
                user_id=actor.user_id,
                reason=data.reason,
                at=now,
            )
        )
        notice.status = target
        notice.updated_at = now
        recipients = session.scalars(
            sa.select(Share.agency_id).where(Share.object_id == notice.id, Share.mode == "include")
        ).all()
        audit_trail.record(
            session,
            db,
            actor,
            f"notice.{data.action}",
            [notice.id],
            justification=data.reason,
            recipients=recipients if data.action == "publish" else (),
            detail={"acknowledged": sorted(set(acknowledge))} if acknowledge else None,
        )
        if data.action in DECIDED and actor.agency_id != notice.owner_id:
            notifications.notify(
                session,
                db,
                agency_id=notice.owner_id,
                kind=NotificationKind.REVIEW_DECISION,
                title=f"Review: your {kind.value} notice was {DECIDED[data.action]}",
                # The reviewer's reason only: no notice content in an inbox that outlives it.
                body=data.reason or "",
                refs={"notice": notice.id},
            )
        return _out(session, db, actor, notice)


def get(db: Database, actor: Actor, notice_id: str, justification: str | None = None) -> NoticeOut:
    require(actor, "notice.read")
    with db.transaction() as session:
        notice = _visible(session, db, actor, notice_id)
        audit_trail.record(
            session, db, actor, "notice.get", [notice.id], justification=justification
        )
        return _out(session, db, actor, notice, history=True)


def list_notices(
    db: Database,
    actor: Actor,
    *,
    kind: str | None = None,
    status: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    justification: str | None = None,
) -> Page[NoticeOut]:
    require(actor, "notice.read")
    # A filter makes the listing a search, which needs a reason. The plain list is the
    # agency's inbox of notices addressed to it: reading what was sent to you needs none
    # (it is logged all the same, with the ids shown).
    why = audit_trail.need_justification(justification) if kind or status else justification
    limit = _page_size(db, limit)
    with db.transaction() as session:
        query = access.visible_notices(actor.viewer(), today(db))
        if kind:
            query = query.where(Notice.kind == kind)
        if status:
            query = query.where(Notice.status == status)
        total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
        rows = list(
            session.scalars(
                query.order_by(Notice.created_at.desc(), Notice.id).limit(limit).offset(offset)
            )
        )
        audit_trail.record(
            session,
            db,
            actor,
            "notice.search",
            [n.id for n in rows],
            justification=(why or "").strip()[: audit_trail.MAX_TEXT] or None,
            detail={"kind": kind or "", "status": status or "", "total": total},
        )
        items = [_out(session, db, actor, n) for n in rows]
        return Page[NoticeOut](items=items, total=total, limit=limit, offset=offset)


def _effective_status(notice: Notice, day: date) -> str:
    if (
        notice.status in ("published", "suspended")
        and notice.review_date
        and notice.review_date < day
    ):
        return NoticeStatus.EXPIRED.value
    return notice.status


def render(
    session: Session, db: Database, actor: Actor, n: Notice, history: bool = False
) -> NoticeOut:
    """A notice as ``actor`` may see it (for other services that select notices themselves)."""
    return _out(session, db, actor, n, history)


def _out(
    session: Session, db: Database, actor: Actor, n: Notice, history: bool = False
) -> NoticeOut:
    day = today(db)
    subject_ids = session.scalars(
        sa.select(NoticeRecord.record_id).where(NoticeRecord.notice_id == n.id)
    ).all()
    visible = set(session.scalars(access.visible_record_ids(actor.viewer(), day, set(subject_ids))))
    mine = n.owner_id == actor.agency_id
    events = []
    if history:
        events = [
            NoticeEventOut(
                from_status=e.from_status,
                to_status=e.to_status,
                user_id=e.user_id if mine else None,
                reason=e.reason,
                at=e.at,
            )
            for e in session.scalars(
                sa.select(NoticeEvent).where(NoticeEvent.notice_id == n.id).order_by(NoticeEvent.id)
            )
        ]
    return NoticeOut(
        id=n.id,
        kind=NoticeKind(n.kind),
        status=_effective_status(n, day),
        owner_id=n.owner_id,
        title=n.title,
        records=sorted(r for r in subject_ids if r in visible),
        offences=list(n.offences),
        crime_areas=sharing.load_areas(session, [n.id])[n.id],
        legal_basis=n.legal_basis,
        warrant_ref=n.warrant_ref,
        summary=n.summary,
        language=n.language,
        tlp=TLP(n.tlp),
        handling=[HandlingCode(h) for h in n.handling],
        handling_note=n.handling_note,
        review_date=n.review_date,
        created_at=n.created_at,
        updated_at=n.updated_at,
        history=events,
        distribution=sharing.load_distribution(session, n.id, n.dist_kind) if mine else None,
    )

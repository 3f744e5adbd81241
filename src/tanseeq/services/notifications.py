"""Notifications: an inbox per user, and optional e-mail through an outbox.

Other services tell agencies about events by calling, inside their own transaction::

    notify(
        session, db,
        agency_id=owner_id,                  # whose users are told
        kind=NotificationKind.HIT,           # or its value: "hit", "review_decision", ...
        title="NO-POLICE hit a record of yours",  # plain text, at most 300 characters
        body="",                             # optional; what these recipients may know
        refs={"hit": hit_id},                # ids a client links to, by kind
        user_ids=None,                       # only these users (still only users of agency_id)
        roles=None,                          # only holders of one of these roles
    ) -> list[str]                           # ids of the new inbox entries

Recipients are the *active* users of ``agency_id`` holding one of ``roles`` (default: the reader
roles officer, analyst, supervisor, compliance), narrowed to ``user_ids`` when given; nobody of
another agency is ever reached, whatever ids are passed. The entries are written in the
caller's transaction, so a rolled-back action tells nobody. Titles and bodies must hold only
what every recipient may see: no record contents, nothing about a blind hit's record to the
searcher.

When e-mail is configured (``smtp_host``) and a recipient opted in, an outbox row is written in
the same transaction; ``services.mailer.deliver_pending`` sends it after commit. The e-mail holds
a fixed phrase for the kind and where to look, never the title or body (a mailbox is outside
the TLP perimeter, and titles may quote a thread's subject).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tanseeq.domain.permissions import READERS
from tanseeq.domain.types import ROLE_RANK, NotificationKind, Role
from tanseeq.errors import Forbidden, invalid
from tanseeq.schemas import Inbox, NotificationOut, PrefsIn, PrefsOut
from tanseeq.services import audit_trail
from tanseeq.services.context import Actor, not_found, require
from tanseeq.services.records import _page_size
from tanseeq.services.users import normalise_username
from tanseeq.store.database import Database
from tanseeq.store.tables import Notification, NotificationPref, OutboxMail, User

TITLE_MAX = 300


def _one_line(text: str, limit: int) -> str:
    # Titles become e-mail subjects: no line breaks or control characters may reach a header.
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())[:limit]


def notify(
    session: Session,
    db: Database,
    *,
    agency_id: str,
    kind: NotificationKind | str,
    title: str,
    body: str = "",
    refs: Mapping[str, str] | None = None,
    user_ids: Iterable[str] | None = None,
    roles: Iterable[Role] | None = None,
) -> list[str]:
    """Write one inbox entry per recipient (see the module docstring); returns their ids."""
    kind = NotificationKind(kind)
    wanted = {Role(r).value for r in (READERS if roles is None else roles)}
    query = sa.select(User.id, User.roles).where(User.agency_id == agency_id, User.active.is_(True))
    if user_ids is not None:
        query = query.where(User.id.in_(list(user_ids)))
    recipients = [uid for uid, user_roles in session.execute(query) if wanted & set(user_roles)]
    if not recipients:
        return []
    now = db.clock()
    clean_title = _one_line(title, TITLE_MAX)
    rows = [
        Notification(
            id=str(uuid.uuid4()),
            user_id=uid,
            agency_id=agency_id,
            kind=kind.value,
            title=clean_title,
            body=body,
            refs=dict(refs or {}),
            created_at=now,
            read_at=None,
        )
        for uid in sorted(recipients)
    ]
    session.add_all(rows)
    if db.settings.smtp_host:
        _queue_mail(session, db, rows)
    return [r.id for r in rows]


# What an e-mail says, by kind. Not the entry's title: titles may quote a thread's subject or
# name the agency that searched, and a mailbox is outside the TLP perimeter.
MAIL_SUBJECTS: dict[NotificationKind, str] = {
    NotificationKind.HIT: "A search matched your agency's data",
    NotificationKind.JUDGEMENT: "The owner answered about your hit",
    NotificationKind.REQUEST: "A request for assistance for your agency",
    NotificationKind.REPLY: "A new message in a request for assistance",
    NotificationKind.REVIEW_DECISION: "A decision on a notice of your agency",
    NotificationKind.RETENTION_REMINDER: "Data of your agency is due for review",
    NotificationKind.RETENTION_EXPIRED: "Data of your agency has expired",
}


def _link(db: Database, refs: Mapping[str, str]) -> str:
    base = db.settings.mail_link_base.rstrip("/")
    if "thread" in refs:
        return f"{base}/threads/{refs['thread']}"
    return f"{base}/notifications"


def _queue_mail(session: Session, db: Database, rows: list[Notification]) -> None:
    prefs = {
        p.user_id: p.email
        for p in session.scalars(
            sa.select(NotificationPref).where(
                NotificationPref.user_id.in_([r.user_id for r in rows]),
                NotificationPref.email_opt_in.is_(True),
                NotificationPref.email.is_not(None),
            )
        )
    }
    session.flush()  # the outbox references the entries
    now = db.clock()
    for row in rows:
        address = prefs.get(row.user_id)
        if not address:
            continue
        session.add(
            OutboxMail(
                id=str(uuid.uuid4()),
                notification_id=row.id,
                to_addr=address,
                subject=f"[Tanseeq] {MAIL_SUBJECTS[NotificationKind(row.kind)]}",
                body=(
                    f"{MAIL_SUBJECTS[NotificationKind(row.kind)]}.\n\n"
                    f"Open Tanseeq to read it: {_link(db, row.refs)}\n"
                    f"(notification {row.id})\n\nDetails are shown only in Tanseeq.\n"
                ),
                created_at=now,
                attempts=0,
                next_attempt_at=now,
                sent_at=None,
                last_error=None,
            )
        )


def _out(n: Notification) -> NotificationOut:
    return NotificationOut(
        id=n.id,
        kind=n.kind,
        title=n.title,
        body=n.body,
        refs=dict(n.refs),
        created_at=n.created_at,
        read_at=n.read_at,
    )


def _own_user(actor: Actor) -> str:
    require(actor, "notification.read")
    if actor.user_id is None:
        raise Forbidden("the inbox belongs to a user (use --as)")
    return actor.user_id


def inbox(
    db: Database, actor: Actor, *, unread: bool = False, limit: int | None = None, offset: int = 0
) -> Inbox:
    """The caller's own entries, newest first; ``unread`` counts the whole inbox."""
    user_id = _own_user(actor)
    size = _page_size(db, limit)
    mine = sa.select(Notification).where(Notification.user_id == user_id)
    with db.transaction() as session:
        count_unread = session.scalar(
            sa.select(sa.func.count())
            .select_from(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        )
        if unread:
            mine = mine.where(Notification.read_at.is_(None))
        total = session.scalar(sa.select(sa.func.count()).select_from(mine.subquery())) or 0
        rows = list(
            session.scalars(
                mine.order_by(Notification.created_at.desc(), Notification.id)
                .limit(size)
                .offset(offset)
            )
        )
        # The entries name hits, threads and notices: reading them is a consultation.
        audit_trail.record(session, db, actor, "notification.list", [r.id for r in rows])
        return Inbox(
            items=[_out(r) for r in rows],
            total=total,
            limit=size,
            offset=offset,
            unread=count_unread or 0,
        )


def mark_read(db: Database, actor: Actor, notification_id: str) -> NotificationOut:
    user_id = _own_user(actor)
    with db.transaction() as session:
        row = session.scalars(
            sa.select(Notification).where(
                Notification.id == notification_id, Notification.user_id == user_id
            )
        ).first()
        if row is None:  # someone else's entry is as unknown as a made-up id
            raise not_found("notification", notification_id)
        if row.read_at is None:
            row.read_at = db.clock()
        audit_trail.record(session, db, actor, "notification.read", [row.id])
        return _out(row)


def mark_all_read(db: Database, actor: Actor, kind: NotificationKind | None = None) -> int:
    """Marks the caller's unread entries (of one kind, if given) read; returns how many."""
    user_id = _own_user(actor)
    query = sa.select(Notification.id).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    if kind is not None:
        query = query.where(Notification.kind == kind.value)
    with db.transaction() as session:
        ids = list(session.scalars(query))
        if ids:
            session.execute(
                sa.update(Notification).where(Notification.id.in_(ids)).values(read_at=db.clock())
            )
        audit_trail.record(session, db, actor, "notification.read_all", ids)
        return len(ids)


def _prefs_user(session: Session, actor: Actor, ref: str | None) -> User:
    """The caller, or a user of the caller's own agency it administers. An address decides
    where an agency's notifications go, so nobody outside the agency ever sets one (hub admins
    included): other agencies' users are unknown here."""
    if actor.user_id is None:
        raise Forbidden("preferences belong to a user (use --as)")
    if ref is None:
        return session.get_one(User, actor.user_id)
    user = session.scalars(
        sa.select(User).where(
            sa.or_(User.id == ref, User.username == normalise_username(ref)),
            User.agency_id == actor.agency_id,
        )
    ).first()
    if user is None:
        raise not_found("user", ref)
    if user.id == actor.user_id:
        return user
    if Role.AGENCY_ADMIN not in actor.roles and Role.HUB_ADMIN not in actor.roles:
        raise Forbidden("only your own preferences")
    mine = max(ROLE_RANK[r] for r in actor.roles)
    if max((ROLE_RANK[Role(r)] for r in user.roles), default=0) > mine:
        raise Forbidden("users with a role above your own are not yours to manage")
    return user


def _prefs_out(user_id: str, pref: NotificationPref | None) -> PrefsOut:
    if pref is None:
        return PrefsOut(user_id=user_id, email=None, email_opt_in=False)
    return PrefsOut(user_id=user_id, email=pref.email, email_opt_in=pref.email_opt_in)


def get_prefs(db: Database, actor: Actor, user_ref: str | None = None) -> PrefsOut:
    require(actor, "notification.prefs")
    with db.transaction() as session:
        user = _prefs_user(session, actor, user_ref)
        pref = session.get(NotificationPref, user.id)
        audit_trail.record(session, db, actor, "notification.prefs_read", [user.id])
        return _prefs_out(user.id, pref)


def set_prefs(db: Database, actor: Actor, data: PrefsIn) -> PrefsOut:
    require(actor, "notification.prefs")
    if data.email_opt_in and not data.email:
        raise invalid("email", "an address is needed to receive e-mail")
    with db.transaction() as session:
        user = _prefs_user(session, actor, data.user)
        pref = session.get(NotificationPref, user.id)
        if pref is None:
            pref = NotificationPref(user_id=user.id, updated_at=db.clock())
            session.add(pref)
        pref.email = data.email
        pref.email_opt_in = data.email_opt_in
        pref.updated_at = db.clock()
        # The address itself stays out of the log (personal data); whether one is set is kept.
        audit_trail.record(
            session,
            db,
            actor,
            "notification.prefs",
            [user.id],
            detail={"email_set": data.email is not None, "email_opt_in": data.email_opt_in},
        )
        return _prefs_out(user.id, pref)

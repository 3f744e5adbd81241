"""Tables. Records and notices share one shape for the sharing policy: an owner, a category, a
distribution kind, the agencies named or excluded (``shares``) and crime areas (``object_areas``),
so ``tanseeq.access`` builds one visibility filter for both.

Ids are server-made UUID strings: a client never chooses an id, so creating an object can never
tell a caller that an id is already taken by something it may not see.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Stores naive UTC (SQLite has no time zones) and always returns aware UTC datetimes."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: sa.JSON,
        list[str]: sa.JSON,
    }


ID = sa.String(36)


class Agency(Base):
    __tablename__ = "agencies"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    country: Mapped[str | None] = mapped_column(sa.String(2))
    name_en: Mapped[str] = mapped_column(sa.String(200))
    name_fr: Mapped[str | None] = mapped_column(sa.String(200))
    name_ar: Mapped[str | None] = mapped_column(sa.String(200))
    parent_id: Mapped[str | None] = mapped_column(ID, sa.ForeignKey("agencies.id"))
    created_at: Mapped[datetime]


class User(Base):
    __tablename__ = "users"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    agency_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("agencies.id"), index=True)
    # Stored normalised (NFKC, case-folded) so one person cannot exist twice under two spellings.
    username: Mapped[str] = mapped_column(sa.String(100), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(200))
    roles: Mapped[list[str]]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    # Human login (services.sessions): an argon2id PHC string, the confirmed TOTP seed (base32;
    # it must be readable to check codes) and the last TOTP time step accepted, so a code is
    # never accepted twice. All None until the user completes an enrolment.
    password_hash: Mapped[str | None] = mapped_column(sa.String(200))
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    user_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("users.id"), index=True)
    # SHA-256 of the token: tokens carry 256 random bits, so a fast hash is enough and lookups
    # stay O(1); the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    label: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class Agreement(Base):
    __tablename__ = "agreements"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    reference: Mapped[str | None] = mapped_column(sa.String(100))
    valid_from: Mapped[date]
    valid_to: Mapped[date | None]
    signed_on: Mapped[date | None]
    terminated_at: Mapped[datetime | None]
    created_by: Mapped[str | None] = mapped_column(ID)
    created_at: Mapped[datetime]


class AgreementParty(Base):
    __tablename__ = "agreement_parties"
    agreement_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("agreements.id"), primary_key=True)
    agency_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("agencies.id"), primary_key=True)
    # An agreement is in force only once every party has accepted it: one agency alone can never
    # make itself a party to another's data.
    accepted_at: Mapped[datetime | None]


class AgreementArea(Base):
    __tablename__ = "agreement_areas"
    agreement_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("agreements.id"), primary_key=True)
    area: Mapped[str] = mapped_column(sa.String(60), primary_key=True)


class AgreementCategory(Base):
    __tablename__ = "agreement_categories"
    agreement_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("agreements.id"), primary_key=True)
    category: Mapped[str] = mapped_column(sa.String(20), primary_key=True)


class Record(Base):
    __tablename__ = "records"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    owner_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("agencies.id"), index=True)
    schema: Mapped[str] = mapped_column(sa.String(60), index=True)
    category: Mapped[str] = mapped_column(sa.String(20))
    caption: Mapped[str] = mapped_column(sa.String(500))
    properties: Mapped[dict[str, Any]]
    # Names and identifiers, case-folded and joined, for the plain text filter of list/search.
    search_text: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(20))
    dist_kind: Mapped[str] = mapped_column(sa.String(20))
    tlp: Mapped[str] = mapped_column(sa.String(20))
    handling: Mapped[list[str]]
    handling_note: Mapped[str | None] = mapped_column(sa.Text)
    blind_hits: Mapped[bool] = mapped_column(default=False)
    review_date: Mapped[date]
    source_id: Mapped[str | None] = mapped_column(sa.String(200))
    created_by: Mapped[str | None] = mapped_column(ID)
    created_at: Mapped[datetime]
    # Indexed: the screening index catches up by reading what changed since its last sync.
    updated_at: Mapped[datetime] = mapped_column(index=True)


class RecordRef(Base):
    """Every entity-valued property (Passport.holder, Family.relative, ...) as a row, so that
    neighbours are found with an index and filtered by the same policy as everything else."""

    __tablename__ = "record_refs"
    record_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("records.id"), primary_key=True)
    prop: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    target_id: Mapped[str] = mapped_column(ID, primary_key=True, index=True)


class Share(Base):
    """Agencies named (mode ``include``) or excluded (mode ``exclude``) by a distribution."""

    __tablename__ = "shares"
    object_id: Mapped[str] = mapped_column(ID, primary_key=True)
    agency_id: Mapped[str] = mapped_column(ID, primary_key=True, index=True)
    mode: Mapped[str] = mapped_column(sa.String(10), primary_key=True)


class ObjectArea(Base):
    __tablename__ = "object_areas"
    object_id: Mapped[str] = mapped_column(ID, primary_key=True)
    area: Mapped[str] = mapped_column(sa.String(60), primary_key=True)


class Notice(Base):
    __tablename__ = "notices"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    owner_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("agencies.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    category: Mapped[str] = mapped_column(sa.String(20), default="notice")
    status: Mapped[str] = mapped_column(sa.String(20), index=True)
    title: Mapped[str] = mapped_column(sa.String(500))
    offences: Mapped[list[str]]
    legal_basis: Mapped[str | None] = mapped_column(sa.Text)
    warrant_ref: Mapped[str | None] = mapped_column(sa.String(200))
    summary: Mapped[str | None] = mapped_column(sa.Text)
    language: Mapped[str] = mapped_column(sa.String(8))
    dist_kind: Mapped[str] = mapped_column(sa.String(20))
    tlp: Mapped[str] = mapped_column(sa.String(20))
    handling: Mapped[list[str]]
    handling_note: Mapped[str | None] = mapped_column(sa.Text)
    review_date: Mapped[date | None]
    created_by: Mapped[str | None] = mapped_column(ID)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class NoticeRecord(Base):
    __tablename__ = "notice_records"
    notice_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("notices.id"), primary_key=True)
    record_id: Mapped[str] = mapped_column(
        ID, sa.ForeignKey("records.id"), primary_key=True, index=True
    )


class NoticeEvent(Base):
    __tablename__ = "notice_events"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    notice_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("notices.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(sa.String(20))
    to_status: Mapped[str] = mapped_column(sa.String(20))
    user_id: Mapped[str | None] = mapped_column(ID)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    at: Mapped[datetime]


class AuditRow(Base):
    """One audit entry; ``seq`` is its leaf index in the Merkle tree (0-based, no gaps)."""

    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    user_id: Mapped[str | None] = mapped_column(ID)
    agency_id: Mapped[str | None] = mapped_column(ID)
    action: Mapped[str] = mapped_column(sa.String(60))
    object_ids: Mapped[list[str]]
    outcome: Mapped[str] = mapped_column(sa.String(20))
    justification: Mapped[str | None] = mapped_column(sa.Text)
    recipients: Mapped[list[str]]
    detail: Mapped[dict[str, Any]]
    leaf_hash: Mapped[str] = mapped_column(sa.String(64))


class AuditState(Base):
    """A single row: the tree size and frontier, updated with every append under a row lock so
    that sequence numbers are handed out in commit order."""

    __tablename__ = "audit_state"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    tree_size: Mapped[int] = mapped_column(sa.BigInteger)
    frontier: Mapped[str] = mapped_column(sa.Text)


class Hit(Base):
    """A screening result at or above the threshold: the searcher's record of what it found and
    the owner's notice that someone hit its data (who, when, why). ``blind``: the searcher was
    told only that the owner holds something."""

    __tablename__ = "hits"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    at: Mapped[datetime]
    channel: Mapped[str] = mapped_column(sa.String(20))  # match | identifier | screen
    searcher_user_id: Mapped[str] = mapped_column(ID)
    searcher_agency_id: Mapped[str] = mapped_column(ID, index=True)
    record_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("records.id"))
    owner_id: Mapped[str] = mapped_column(ID, index=True)
    score: Mapped[float] = mapped_column(sa.Float)
    blind: Mapped[bool]
    query: Mapped[dict[str, Any]]
    justification: Mapped[str | None] = mapped_column(sa.Text)
    # SHA-256 of the normalised query (services.hit_followup.fingerprint): with the searcher
    # agency and the record it names the pair an owner's judgement settles for good.
    fingerprint: Mapped[str | None] = mapped_column(sa.String(64))


class AuditHead(Base):
    """A signed tree head of the audit log, kept so the node can show partners every head it
    ever gave out and check the log against all of them (``services.auditing.verify``)."""

    __tablename__ = "audit_heads"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    tree_size: Mapped[int] = mapped_column(sa.BigInteger, index=True)
    root: Mapped[str] = mapped_column(sa.String(64))
    timestamp: Mapped[datetime]
    key_id: Mapped[str] = mapped_column(sa.String(64))
    signature: Mapped[str] = mapped_column(sa.String(100))


# Requests for assistance, judgements, notifications


class Thread(Base):
    """A request for assistance: a case thread between two or more party agencies. Only the
    parties' readers ever see it; the hub secretariat is no exception unless it is a party."""

    __tablename__ = "threads"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    subject: Mapped[str] = mapped_column(sa.String(500))
    priority: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(20))
    initiator_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("agencies.id"))
    # The thread's default marking; every message carries its own.
    tlp: Mapped[str] = mapped_column(sa.String(20))
    handling: Mapped[list[str]]
    handling_note: Mapped[str | None] = mapped_column(sa.Text)
    deadline: Mapped[date | None]
    # A hit follow-up thread; unique so two concurrent "open" calls end in one thread. No
    # foreign keys to hits or records here: retention purges those, and a thread outlives them.
    hit_id: Mapped[str | None] = mapped_column(ID, unique=True)
    created_by: Mapped[str | None] = mapped_column(ID)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ThreadParty(Base):
    __tablename__ = "thread_parties"
    thread_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("threads.id"), primary_key=True)
    agency_id: Mapped[str] = mapped_column(
        ID, sa.ForeignKey("agencies.id"), primary_key=True, index=True
    )
    added_at: Mapped[datetime]
    added_by: Mapped[str | None] = mapped_column(ID)


class ThreadMessage(Base):
    __tablename__ = "thread_messages"
    __table_args__ = (sa.UniqueConstraint("thread_id", "seq", name="uq_message_seq"),)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    thread_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("threads.id"), index=True)
    # Position in the thread: messages posted within one clock tick keep their order.
    seq: Mapped[int] = mapped_column(sa.Integer)
    author_user_id: Mapped[str | None] = mapped_column(ID)
    author_agency_id: Mapped[str] = mapped_column(ID)
    body: Mapped[str] = mapped_column(sa.Text)
    tlp: Mapped[str] = mapped_column(sa.String(20))
    handling: Mapped[list[str]]
    handling_note: Mapped[str | None] = mapped_column(sa.Text)
    at: Mapped[datetime]


class MessageRef(Base):
    """A message's reference to a record, notice or hit. Checked against the author's view when
    written and against each reader's view when read."""

    __tablename__ = "message_refs"
    message_id: Mapped[str] = mapped_column(
        ID, sa.ForeignKey("thread_messages.id"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    target_id: Mapped[str] = mapped_column(ID, primary_key=True)


class Attachment(Base):
    __tablename__ = "attachments"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    message_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("thread_messages.id"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    media_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int] = mapped_column(sa.Integer)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)


class MessageRead(Base):
    """A read receipt: this user opened the thread after this message was posted."""

    __tablename__ = "message_reads"
    message_id: Mapped[str] = mapped_column(
        ID, sa.ForeignKey("thread_messages.id"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("users.id"), primary_key=True)
    agency_id: Mapped[str] = mapped_column(ID)
    at: Mapped[datetime]


class HitJudgement(Base):
    """The owner's answer to a hit: the same person, or not. One per (searcher agency, record,
    query fingerprint); screening consults it so a judged pair never raises a hit again."""

    __tablename__ = "hit_judgements"
    __table_args__ = (
        sa.UniqueConstraint(
            "searcher_agency_id", "record_id", "fingerprint", name="uq_judged_pair"
        ),
    )
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    # No foreign keys: retention purges records and hits and deletes their judgements itself.
    hit_id: Mapped[str] = mapped_column(ID)
    searcher_agency_id: Mapped[str] = mapped_column(ID)
    record_id: Mapped[str] = mapped_column(ID, index=True)
    owner_id: Mapped[str] = mapped_column(ID)
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    verdict: Mapped[str] = mapped_column(sa.String(20))
    reason: Mapped[str] = mapped_column(sa.Text)
    judged_by: Mapped[str | None] = mapped_column(ID)
    judged_at: Mapped[datetime]


class Notification(Base):
    """One inbox entry of one user."""

    __tablename__ = "notifications"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    user_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("users.id"), index=True)
    agency_id: Mapped[str] = mapped_column(ID)
    kind: Mapped[str] = mapped_column(sa.String(30))
    title: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    refs: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]


class NotificationPref(Base):
    """Where and whether a user gets notifications by e-mail."""

    __tablename__ = "notification_prefs"
    user_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("users.id"), primary_key=True)
    email: Mapped[str | None] = mapped_column(sa.String(254))
    email_opt_in: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime]


class OutboxMail(Base):
    """An e-mail waiting to be sent: written in the notifying transaction, sent after commit."""

    __tablename__ = "mail_outbox"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    notification_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("notifications.id"))
    to_addr: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    # Due time; a sender claims a row by moving it forward (see services.mailer).
    next_attempt_at: Mapped[datetime] = mapped_column(index=True)
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(sa.Text)


# Human authentication: login sessions, enrolments, login throttling (issue 4)


class AuthSession(Base):
    """A login session. Only the SHA-256 of its secret is kept; ``ended_at`` is set at logout,
    or when the user is disabled, re-enrolled or has their roles changed."""

    __tablename__ = "auth_sessions"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    user_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("users.id"), index=True)
    secret_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    # When password + TOTP were last entered in this session (login or re-authentication).
    reauth_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(sa.String(20))


class Enrolment(Base):
    """A one-time secret an admin issues so a user can set a password and a TOTP seed. The
    pending credentials wait here until the user proves the seed with a first code."""

    __tablename__ = "enrolments"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    user_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("users.id"), index=True)
    secret_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    password_hash: Mapped[str | None] = mapped_column(sa.String(200))
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))


class LoginThrottle(Base):
    """Failed logins per username, keyed on the SHA-256 of the normalised name: every spelling
    counts once, unknown names count too, and nothing typed into the username field (sometimes
    a password) is stored as typed."""

    __tablename__ = "login_throttle"
    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(sa.Integer)
    last_failure_at: Mapped[datetime]
    locked_until: Mapped[datetime | None]


# Review and retention (issue 5)


class NoticeCheck(Base):
    """One finding of the automatic review checks, as last run on a notice (run at submission,
    before publication and on demand; each run replaces the notice's rows)."""

    __tablename__ = "notice_checks"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    notice_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("notices.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(40))
    severity: Mapped[str] = mapped_column(sa.String(10))
    reason: Mapped[str] = mapped_column(sa.Text)
    detail: Mapped[dict[str, Any]]
    run_at: Mapped[datetime]


class RetentionReminder(Base):
    """An owner was reminded that this object reaches this review date: one reminder per
    (object, review date), so a rerun reminds nobody twice and a renewal earns a new one."""

    __tablename__ = "retention_reminders"
    object_id: Mapped[str] = mapped_column(ID, primary_key=True)
    review_date: Mapped[date] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10))  # record | notice
    owner_id: Mapped[str] = mapped_column(ID)
    sent_at: Mapped[datetime]


class Erasure(Base):
    """The id of a purged record or notice, never its content: readers that keep copies (the
    screening index) drop what is listed here, and ``tanseeq`` can show what was erased."""

    __tablename__ = "erasures"
    object_id: Mapped[str] = mapped_column(ID, primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    owner_id: Mapped[str] = mapped_column(ID)
    purged_at: Mapped[datetime] = mapped_column(index=True)

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

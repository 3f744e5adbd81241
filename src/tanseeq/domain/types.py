"""The words of the domain as types: agencies, roles, markings, distributions. No I/O here."""

from __future__ import annotations

from enum import StrEnum


class AgencyKind(StrEnum):
    NCB = "ncb"  # national central bureau, one per country
    NATIONAL = "national_agency"  # a national agency working through its NCB
    REGIONAL = "regional"  # regional or international organisation (Afripol, Europol, ...)
    SECRETARIAT = "secretariat"  # the hub secretariat


class Role(StrEnum):
    OFFICER = "officer"
    ANALYST = "analyst"
    SUPERVISOR = "supervisor"
    COMPLIANCE = "compliance"
    AGENCY_ADMIN = "agency_admin"
    HUB_ADMIN = "hub_admin"


# Higher rank may grant lower: an agency admin grants up to agency_admin, never hub_admin.
ROLE_RANK: dict[Role, int] = {
    Role.OFFICER: 1,
    Role.ANALYST: 1,
    Role.SUPERVISOR: 2,
    Role.COMPLIANCE: 2,
    Role.AGENCY_ADMIN: 3,
    Role.HUB_ADMIN: 4,
}


class TLP(StrEnum):
    """FIRST TLP 2.0: how far a recipient may pass information on."""

    CLEAR = "CLEAR"
    GREEN = "GREEN"
    AMBER = "AMBER"
    AMBER_STRICT = "AMBER+STRICT"
    RED = "RED"


class HandlingCode(StrEnum):
    """Europol-style handling codes; they travel with every copy and export."""

    H0 = "H0"  # use only to prevent or combat crime
    H1 = "H1"  # not as evidence in court without the owner's permission
    H2 = "H2"  # not to be passed on without permission
    H3 = "H3"  # other restrictions, written out in ``handling_note``


class DistributionKind(StrEnum):
    OWNER = "owner"  # the owner only
    AGENCIES = "agencies"  # named agencies
    AGREEMENT = "agreement"  # parties to an agreement in force with the owner, within its scope
    ALL = "all"  # all members


class Category(StrEnum):
    """Data categories: what cooperation agreements scope and what records are filtered by."""

    PERSON = "person"
    ORGANISATION = "organisation"
    DOCUMENT = "document"
    VEHICLE = "vehicle"
    CYBER = "cyber"
    ADDRESS = "address"
    LINK = "link"
    NOTICE = "notice"
    OTHER = "other"


class NoticeKind(StrEnum):
    RED = "red"
    YELLOW = "yellow"
    BLUE = "blue"
    BLACK = "black"
    GREEN = "green"
    ORANGE = "orange"
    PURPLE = "purple"
    SILVER = "silver"
    UN_SPECIAL = "un_special"
    DIFFUSION = "diffusion"


class NoticeStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    PUBLISHED = "published"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    REJECTED = "rejected"  # refused by the hub's review: the owner's alone, for good


class RecordStatus(StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"  # past its review date, not renewed: the owner's alone until purged


# Requests for assistance, judgements, notifications


class Priority(StrEnum):
    ROUTINE = "routine"
    URGENT = "urgent"
    IMMEDIATE = "immediate"


class ThreadStatus(StrEnum):
    """open: waiting for an answer; answered: another party replied to the initiator;
    closed: the initiator closed it (and only the initiator reopens it)."""

    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"


class RefKind(StrEnum):
    """What a message may reference."""

    RECORD = "record"
    NOTICE = "notice"
    HIT = "hit"


class Verdict(StrEnum):
    """The owner's judgement of a hit (nomenklatura's judgement, minus "unsure": an owner
    who is unsure keeps talking in the thread instead)."""

    CONFIRMED = "confirmed"  # the same person or thing
    REJECTED = "rejected"  # not the same


class NotificationKind(StrEnum):
    HIT = "hit"  # someone hit our data
    JUDGEMENT = "judgement"  # the owner judged our hit
    REQUEST = "request"  # a new request for assistance (or our agency added to one)
    REPLY = "reply"  # a new message in a thread we are party to
    REVIEW_DECISION = "review_decision"
    RETENTION_REMINDER = "retention_reminder"
    RETENTION_EXPIRED = "retention_expired"

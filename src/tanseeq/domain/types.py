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


class RecordStatus(StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"

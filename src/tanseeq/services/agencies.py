"""Agencies: the member directory. Creating one is the hub admin's; reading it is everyone's
(agencies must be able to name each other in distributions)."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from babel import Locale

from tanseeq.domain.types import AgencyKind
from tanseeq.errors import Conflict, FieldError, Invalid, invalid
from tanseeq.schemas import AgencyIn, AgencyOut
from tanseeq.services import audit_trail
from tanseeq.services.context import Actor, not_found, require, resolve_agency
from tanseeq.store.database import Database
from tanseeq.store.tables import Agency

_TERRITORIES = frozenset(
    str(code) for code in Locale("en").territories if len(str(code)) == 2 and str(code).isalpha()
)


def check_country(code: str | None, loc: str, required: bool) -> str | None:
    if code is None:
        if required:
            raise Invalid(f"{loc}: required", [FieldError(loc, "required for this kind")])
        return None
    code = code.strip().upper()
    if code not in _TERRITORIES:
        raise invalid(loc, f"not an ISO 3166-1 alpha-2 country code: {code[:10]!r}")
    return code


def to_out(a: Agency) -> AgencyOut:
    return AgencyOut(
        id=a.id,
        code=a.code,
        kind=AgencyKind(a.kind),
        country=a.country,
        name_en=a.name_en,
        name_fr=a.name_fr,
        name_ar=a.name_ar,
        parent_id=a.parent_id,
    )


def create(db: Database, actor: Actor, data: AgencyIn) -> AgencyOut:
    require(actor, "agency.create")
    national = data.kind in (AgencyKind.NCB, AgencyKind.NATIONAL)
    country = check_country(data.country, "country", required=national)
    with db.transaction() as session:
        if session.scalar(sa.select(Agency.id).where(Agency.code == data.code)):
            raise Conflict(
                f"an agency with code {data.code!r} exists", [FieldError("code", "already taken")]
            )
        parent_id = None
        if data.kind == AgencyKind.NATIONAL:
            if data.parent is None:
                raise invalid("parent", "a national agency works through its NCB: name it")
            parent = resolve_agency(session, data.parent, "parent")
            if parent.kind != AgencyKind.NCB or parent.country != country:
                raise invalid("parent", "must be the NCB of the same country")
            parent_id = parent.id
        elif data.parent is not None:
            raise invalid("parent", "only national agencies have a parent NCB")
        if data.kind == AgencyKind.NCB and session.scalar(
            sa.select(Agency.id).where(
                Agency.kind == AgencyKind.NCB.value, Agency.country == country
            )
        ):
            raise Conflict(
                f"{country} already has an NCB", [FieldError("country", "one NCB a country")]
            )
        agency = Agency(
            id=str(uuid.uuid4()),
            code=data.code,
            kind=data.kind.value,
            country=country,
            name_en=data.name_en,
            name_fr=data.name_fr,
            name_ar=data.name_ar,
            parent_id=parent_id,
            created_at=db.clock(),
        )
        session.add(agency)
        session.flush()
        audit_trail.record(
            session, db, actor, "agency.create", [agency.id], detail={"code": agency.code}
        )
        return to_out(agency)


def list_agencies(db: Database, actor: Actor) -> list[AgencyOut]:
    require(actor, "agency.read")
    with db.transaction() as session:
        return [to_out(a) for a in session.scalars(sa.select(Agency).order_by(Agency.code))]


def get(db: Database, actor: Actor, ref: str) -> AgencyOut:
    require(actor, "agency.read")
    with db.transaction() as session:
        agency = session.scalars(
            sa.select(Agency).where(sa.or_(Agency.id == ref, Agency.code == ref))
        ).first()
        if agency is None:
            raise not_found("agency", ref)
        return to_out(agency)

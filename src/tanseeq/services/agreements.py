"""Cooperation agreements (MoUs): parties, crime areas, data categories, validity.

An agreement shares data only once every party has accepted it and only within its dates:
one agency alone can never make itself a party to another's data. An agency admin who records
an agreement accepts it for their own agency; the hub admin can register one as the registrar,
after which each party accepts. The node operator records signed MoUs as accepted by all.
"""

from __future__ import annotations

import uuid
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tanseeq.domain.types import Category, Role
from tanseeq.errors import Conflict, FieldError, Invalid, invalid
from tanseeq.schemas import AgreementIn, AgreementOut
from tanseeq.services import audit_trail, sharing
from tanseeq.services.context import Actor, not_found, require, resolve_agency
from tanseeq.store.database import Database
from tanseeq.store.tables import Agreement, AgreementArea, AgreementCategory, AgreementParty


def _out(session: Session, g: Agreement, today: date) -> AgreementOut:
    parties = session.execute(
        sa.select(AgreementParty.agency_id, AgreementParty.accepted_at)
        .where(AgreementParty.agreement_id == g.id)
        .order_by(AgreementParty.agency_id)
    ).all()
    areas = session.scalars(
        sa.select(AgreementArea.area)
        .where(AgreementArea.agreement_id == g.id)
        .order_by(AgreementArea.area)
    ).all()
    cats = session.scalars(
        sa.select(AgreementCategory.category)
        .where(AgreementCategory.agreement_id == g.id)
        .order_by(AgreementCategory.category)
    ).all()
    accepted = [a for a, at in parties if at is not None]
    in_force = (
        len(accepted) == len(parties)
        and g.terminated_at is None
        and g.valid_from <= today
        and (g.valid_to is None or g.valid_to >= today)
    )
    return AgreementOut(
        id=g.id,
        title=g.title,
        reference=g.reference,
        parties=[a for a, _ in parties],
        accepted_by=accepted,
        crime_areas=list(areas),
        data_categories=list(cats),
        valid_from=g.valid_from,
        valid_to=g.valid_to,
        signed_on=g.signed_on,
        terminated_at=g.terminated_at,
        in_force=in_force,
    )


def _readable(session: Session, actor: Actor, agreement_id: str) -> Agreement:
    g = session.get(Agreement, agreement_id)
    if g is None:
        raise not_found("agreement", agreement_id)
    if actor.is_operator or Role.HUB_ADMIN in actor.roles:
        return g
    party = session.get(AgreementParty, (g.id, actor.agency_id))
    if party is None:
        raise not_found("agreement", agreement_id)
    return g


def create(db: Database, actor: Actor, data: AgreementIn) -> AgreementOut:
    require(actor, "agreement.create")
    areas = sharing.check_areas(data.crime_areas, "crime_areas")
    cats = list(dict.fromkeys(data.data_categories))
    valid_cats = {c.value for c in Category}
    bad = [
        FieldError(f"data_categories[{i}]", f"unknown category {c!r}")
        for i, c in enumerate(cats)
        if c not in valid_cats
    ]
    if bad:
        raise Invalid("data_categories: unknown category", bad)
    if data.valid_to is not None and data.valid_to < data.valid_from:
        raise invalid("valid_to", "before valid_from")
    with db.transaction() as session:
        parties = [resolve_agency(session, r, f"parties[{i}]") for i, r in enumerate(data.parties)]
        party_ids = list(dict.fromkeys(p.id for p in parties))
        if len(party_ids) < 2:
            raise invalid("parties", "an agreement needs two different agencies")
        registrar = actor.is_operator or Role.HUB_ADMIN in actor.roles
        if not registrar and actor.agency_id not in party_ids:
            raise invalid("parties", "your agency must be a party")
        now = db.clock()
        g = Agreement(
            id=str(uuid.uuid4()),
            title=data.title,
            reference=data.reference,
            valid_from=data.valid_from,
            valid_to=data.valid_to,
            signed_on=data.signed_on,
            terminated_at=None,
            created_by=actor.user_id,
            created_at=now,
        )
        session.add(g)
        session.flush()
        for pid in party_ids:
            accepted = actor.is_operator or pid == actor.agency_id
            session.add(
                AgreementParty(
                    agreement_id=g.id, agency_id=pid, accepted_at=now if accepted else None
                )
            )
        session.add_all(AgreementArea(agreement_id=g.id, area=a) for a in areas)
        session.add_all(AgreementCategory(agreement_id=g.id, category=c) for c in cats)
        session.flush()
        audit_trail.record(session, db, actor, "agreement.create", [g.id], recipients=party_ids)
        return _out(session, g, now.date())


def accept(db: Database, actor: Actor, agreement_id: str) -> AgreementOut:
    require(actor, "agreement.accept")
    with db.transaction() as session:
        g = _readable(session, actor, agreement_id)
        party = session.get(AgreementParty, (g.id, actor.agency_id))
        if party is None:
            raise not_found("agreement", agreement_id)
        if g.terminated_at is not None:
            raise Conflict("the agreement was terminated")
        if party.accepted_at is None:
            party.accepted_at = db.clock()
        audit_trail.record(session, db, actor, "agreement.accept", [g.id])
        return _out(session, g, db.clock().date())


def terminate(db: Database, actor: Actor, agreement_id: str, reason: str) -> AgreementOut:
    """Ends sharing under the agreement from now on, for every party."""
    require(actor, "agreement.terminate")
    with db.transaction() as session:
        g = _readable(session, actor, agreement_id)
        if g.terminated_at is None:
            g.terminated_at = db.clock()
        audit_trail.record(
            session, db, actor, "agreement.terminate", [g.id], detail={"reason": reason[:2000]}
        )
        return _out(session, g, db.clock().date())


def get(db: Database, actor: Actor, agreement_id: str) -> AgreementOut:
    require(actor, "agreement.read")
    with db.transaction() as session:
        return _out(session, _readable(session, actor, agreement_id), db.clock().date())


def list_agreements(db: Database, actor: Actor) -> list[AgreementOut]:
    require(actor, "agreement.read")
    with db.transaction() as session:
        query = sa.select(Agreement).order_by(Agreement.valid_from, Agreement.id)
        if not (actor.is_operator or Role.HUB_ADMIN in actor.roles):
            query = query.where(
                Agreement.id.in_(
                    sa.select(AgreementParty.agreement_id).where(
                        AgreementParty.agency_id == actor.agency_id
                    )
                )
            )
        today = db.clock().date()
        return [_out(session, g, today) for g in session.scalars(query)]

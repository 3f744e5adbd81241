"""``/agreements``: cooperation agreements between agencies."""

from __future__ import annotations

from fastapi import APIRouter, status

from tanseeq.api.deps import ActorDep, DbDep
from tanseeq.api.models import ReasonIn
from tanseeq.api.routing import AuthenticatedRoute
from tanseeq.schemas import AgreementIn, AgreementOut
from tanseeq.services import agreements

router = APIRouter(prefix="/agreements", tags=["agreements"], route_class=AuthenticatedRoute)


@router.post("", status_code=status.HTTP_201_CREATED)
def agreements_create(db: DbDep, actor: ActorDep, data: AgreementIn) -> AgreementOut:
    """Record an agreement; an agency admin's own agency accepts it at once."""
    return agreements.create(db, actor, data)


@router.get("")
def agreements_list(db: DbDep, actor: ActorDep) -> list[AgreementOut]:
    return agreements.list_agreements(db, actor)


@router.get("/{agreement_id}")
def agreements_get(db: DbDep, actor: ActorDep, agreement_id: str) -> AgreementOut:
    return agreements.get(db, actor, agreement_id)


@router.post("/{agreement_id}/accept")
def agreements_accept(db: DbDep, actor: ActorDep, agreement_id: str) -> AgreementOut:
    """Accept for your agency; sharing starts once every party has accepted."""
    return agreements.accept(db, actor, agreement_id)


@router.post("/{agreement_id}/terminate")
def agreements_terminate(
    db: DbDep, actor: ActorDep, agreement_id: str, data: ReasonIn
) -> AgreementOut:
    """End sharing under the agreement, for every party, from now on."""
    return agreements.terminate(db, actor, agreement_id, data.reason)

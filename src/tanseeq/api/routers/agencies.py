"""``/agencies``: the member directory."""

from __future__ import annotations

from fastapi import APIRouter, status

from tanseeq.api.deps import ActorDep, DbDep
from tanseeq.api.routing import AuthenticatedRoute
from tanseeq.schemas import AgencyIn, AgencyOut
from tanseeq.services import agencies

router = APIRouter(prefix="/agencies", tags=["agencies"], route_class=AuthenticatedRoute)


@router.post("", status_code=status.HTTP_201_CREATED)
def agencies_create(db: DbDep, actor: ActorDep, data: AgencyIn) -> AgencyOut:
    """Add a member agency (hub admins)."""
    return agencies.create(db, actor, data)


@router.get("")
def agencies_list(db: DbDep, actor: ActorDep) -> list[AgencyOut]:
    return agencies.list_agencies(db, actor)


@router.get("/{ref}")
def agencies_get(db: DbDep, actor: ActorDep, ref: str) -> AgencyOut:
    """An agency by id or code."""
    return agencies.get(db, actor, ref)

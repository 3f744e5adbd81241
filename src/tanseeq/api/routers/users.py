"""``/users``: agency admins manage their agency's users; hub admins onboard agencies."""

from __future__ import annotations

from fastapi import APIRouter, status

from tanseeq.api.deps import ActorDep, DbDep
from tanseeq.api.routing import AuthenticatedRoute
from tanseeq.schemas import UserIn, UserOut, UserUpdate
from tanseeq.services import users

router = APIRouter(prefix="/users", tags=["users"], route_class=AuthenticatedRoute)


@router.post("", status_code=status.HTTP_201_CREATED)
def users_create(db: DbDep, actor: ActorDep, data: UserIn) -> UserOut:
    return users.create_user(db, actor, data)


@router.get("")
def users_list(db: DbDep, actor: ActorDep) -> list[UserOut]:
    return users.list_users(db, actor)


@router.patch("/{ref}")
def users_update(db: DbDep, actor: ActorDep, ref: str, data: UserUpdate) -> UserOut:
    """Change roles, display name or whether the user is active (by id or username)."""
    return users.update_user(db, actor, ref, data)

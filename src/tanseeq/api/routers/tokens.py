"""``/tokens``: API tokens, shown once when issued."""

from __future__ import annotations

from fastapi import APIRouter, status

from tanseeq.api.deps import ActorDep, DbDep
from tanseeq.api.routing import AuthenticatedRoute
from tanseeq.schemas import TokenIn, TokenIssued, TokenOut
from tanseeq.services import users

router = APIRouter(prefix="/tokens", tags=["tokens"], route_class=AuthenticatedRoute)


@router.post("", status_code=status.HTTP_201_CREATED)
def tokens_issue(db: DbDep, actor: ActorDep, data: TokenIn) -> TokenIssued:
    """Issue a token (your own, or as agency admin one of your agency's users')."""
    return users.issue_token(db, actor, data)


@router.get("")
def tokens_list(db: DbDep, actor: ActorDep) -> list[TokenOut]:
    return users.list_tokens(db, actor)


@router.post("/{token_id}/revoke")
def tokens_revoke(db: DbDep, actor: ActorDep, token_id: str) -> TokenOut:
    return users.revoke_token(db, actor, token_id)

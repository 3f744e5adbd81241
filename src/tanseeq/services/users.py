"""Users, their roles, and API tokens.

Tokens carry 256 random bits, are shown once and stored as SHA-256 hashes, bound to one user,
expire, and can be revoked; only an issued, unexpired, unrevoked token of an active user
authenticates (no internal id is ever accepted as a credential).

Who may manage whom: agency admins manage their own agency's users and tokens and never grant a
role above their own. Hub admins onboard agencies: they create only agency admins in other
agencies and issue each of them a first token, never another one, so the hub can start an
agency but cannot act as it.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
import uuid
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tanseeq.domain.types import ROLE_RANK, AgencyKind, Role
from tanseeq.errors import Conflict, FieldError, Forbidden, Unauthenticated, invalid
from tanseeq.schemas import TokenIn, TokenIssued, TokenOut, UserIn, UserOut, UserUpdate
from tanseeq.services import audit_trail
from tanseeq.services.context import Actor, not_found, require, resolve_agency
from tanseeq.store.database import Database
from tanseeq.store.tables import Agency, ApiToken, User

TOKEN_PREFIX = "tsq_"  # noqa: S105 - a prefix that makes leaked tokens greppable, not a secret


def normalise_username(name: str) -> str:
    return unicodedata.normalize("NFKC", name).strip().casefold()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def user_out(u: User) -> UserOut:
    return UserOut(
        id=u.id,
        agency_id=u.agency_id,
        username=u.username,
        display_name=u.display_name,
        roles=[Role(r) for r in u.roles],
        active=u.active,
    )


def token_out(t: ApiToken) -> TokenOut:
    return TokenOut(
        id=t.id,
        user_id=t.user_id,
        label=t.label,
        created_at=t.created_at,
        expires_at=t.expires_at,
        revoked_at=t.revoked_at,
    )


def _rank(roles: frozenset[Role] | list[Role]) -> int:
    return max((ROLE_RANK[r] for r in roles), default=0)


def _check_grant(actor: Actor, agency: Agency, roles: list[Role]) -> None:
    """May ``actor`` give these roles to a user of ``agency``?"""
    if actor.is_operator:
        pass
    elif Role.HUB_ADMIN in actor.roles:
        if agency.id != actor.agency_id and set(roles) - {Role.AGENCY_ADMIN}:
            raise Forbidden("hub admins create only agency admins in other agencies")
    elif agency.id != actor.agency_id:
        raise Forbidden("agency admins manage only their own agency's users")
    elif _rank(roles) > _rank(actor.roles):
        raise Forbidden("no role above your own can be granted")
    if Role.HUB_ADMIN in roles and agency.kind != AgencyKind.SECRETARIAT:
        raise invalid("roles", "hub_admin exists only at the hub secretariat")


def _managed_user(session: Session, actor: Actor, ref: str) -> User:
    """A user the actor may manage; others are 'not found' to agency admins of other agencies."""
    user = session.scalars(
        sa.select(User).where(sa.or_(User.id == ref, User.username == normalise_username(ref)))
    ).first()
    if user is None:
        raise not_found("user", ref)
    if actor.is_operator or Role.HUB_ADMIN in actor.roles or user.agency_id == actor.agency_id:
        return user
    raise not_found("user", ref)


def create_user(db: Database, actor: Actor, data: UserIn) -> UserOut:
    require(actor, "user.create")
    roles = list(dict.fromkeys(data.roles))
    with db.transaction() as session:
        ref = data.agency or actor.agency_id
        if ref is None:
            raise invalid("agency", "required")
        agency = resolve_agency(session, ref, "agency")
        _check_grant(actor, agency, roles)
        username = normalise_username(data.username)
        if session.scalar(sa.select(User.id).where(User.username == username)):
            raise Conflict(f"username {username!r} is taken", [FieldError("username", "taken")])
        user = User(
            id=str(uuid.uuid4()),
            agency_id=agency.id,
            username=username,
            display_name=data.display_name,
            roles=[r.value for r in roles],
            active=True,
            created_at=db.clock(),
        )
        session.add(user)
        session.flush()
        audit_trail.record(
            session, db, actor, "user.create", [user.id], detail={"roles": [r.value for r in roles]}
        )
        return user_out(user)


def update_user(db: Database, actor: Actor, ref: str, data: UserUpdate) -> UserOut:
    require(actor, "user.update")
    with db.transaction() as session:
        user = _managed_user(session, actor, ref)
        agency = session.get_one(Agency, user.agency_id)
        if not actor.is_operator and Role.HUB_ADMIN not in actor.roles:
            if _rank([Role(r) for r in user.roles]) > _rank(actor.roles):
                raise Forbidden("users with a role above your own are not yours to change")
        if data.roles is not None:
            roles = list(dict.fromkeys(data.roles))
            _check_grant(actor, agency, roles)
            if user.id == actor.user_id:
                raise Forbidden("nobody changes their own roles")
            user.roles = [r.value for r in roles]
        if data.active is not None:
            user.active = data.active
        if data.display_name is not None:
            user.display_name = data.display_name
        audit_trail.record(
            session,
            db,
            actor,
            "user.update",
            [user.id],
            detail={"changed": sorted(data.model_dump(exclude_none=True))},
        )
        return user_out(user)


def list_users(db: Database, actor: Actor) -> list[UserOut]:
    require(actor, "user.read")
    with db.transaction() as session:
        query = sa.select(User).order_by(User.username)
        if not actor.is_operator and Role.HUB_ADMIN not in actor.roles:
            query = query.where(User.agency_id == actor.agency_id)
        return [user_out(u) for u in session.scalars(query)]


def issue_token(db: Database, actor: Actor, data: TokenIn) -> TokenIssued:
    require(actor, "token.create")
    with db.transaction() as session:
        if data.user is None:
            if actor.user_id is None:
                raise invalid("user", "required")
            user = session.get_one(User, actor.user_id)
        else:
            user = _managed_user(session, actor, data.user)
        if not actor.is_operator and user.id != actor.user_id:
            if Role.HUB_ADMIN in actor.roles and user.agency_id != actor.agency_id:
                if set(user.roles) != {Role.AGENCY_ADMIN.value}:
                    raise Forbidden("hub admins issue tokens only to other agencies' admins")
                # Onboarding only: a first token for a new admin. Were the hub able to mint a
                # token for an admin already at work, it could act as them, create officers and
                # read the agency's data.
                if session.scalar(sa.select(ApiToken.id).where(ApiToken.user_id == user.id)):
                    raise Forbidden(
                        "this agency admin already has a token: their agency issues more"
                    )
            elif Role.AGENCY_ADMIN not in actor.roles and Role.HUB_ADMIN not in actor.roles:
                raise Forbidden("only your own tokens")
            elif _rank([Role(r) for r in user.roles]) > _rank(actor.roles):
                raise Forbidden("users with a role above your own are not yours to manage")
        if not user.active:
            raise invalid("user", "the user is disabled")
        now = db.clock()
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        row = ApiToken(
            id=str(uuid.uuid4()),
            user_id=user.id,
            token_hash=hash_token(token),
            label=data.label,
            created_at=now,
            expires_at=now + timedelta(days=data.days or db.settings.token_days),
            revoked_at=None,
        )
        session.add(row)
        session.flush()
        audit_trail.record(session, db, actor, "token.create", [row.id, user.id])
        return TokenIssued(token=token, **token_out(row).model_dump())


def revoke_token(db: Database, actor: Actor, token_id: str) -> TokenOut:
    require(actor, "token.revoke")
    with db.transaction() as session:
        row = session.get(ApiToken, token_id)
        if row is None:
            raise not_found("token", token_id)
        user = session.get_one(User, row.user_id)
        if not actor.is_operator and user.id != actor.user_id:
            if Role.AGENCY_ADMIN not in actor.roles or user.agency_id != actor.agency_id:
                raise not_found("token", token_id)
        if row.revoked_at is None:
            row.revoked_at = db.clock()
        audit_trail.record(session, db, actor, "token.revoke", [row.id, user.id])
        return token_out(row)


def list_tokens(db: Database, actor: Actor) -> list[TokenOut]:
    require(actor, "token.read")
    with db.transaction() as session:
        query = sa.select(ApiToken).join(User, User.id == ApiToken.user_id)
        if actor.is_operator:
            pass
        elif Role.AGENCY_ADMIN in actor.roles:
            query = query.where(User.agency_id == actor.agency_id)
        else:
            query = query.where(User.id == actor.user_id)
        return [token_out(t) for t in session.scalars(query.order_by(ApiToken.created_at))]


def authenticate(db: Database, token: str) -> Actor:
    """The actor behind a bearer token, or ``Unauthenticated`` for anything else."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        raise Unauthenticated("invalid token")
    with db.transaction() as session:
        row = session.execute(
            sa.select(ApiToken, User, Agency)
            .join(User, User.id == ApiToken.user_id)
            .join(Agency, Agency.id == User.agency_id)
            .where(ApiToken.token_hash == hash_token(token))
        ).first()
        if row is None:
            raise Unauthenticated("invalid token")
        tok, user, agency = row
        if tok.revoked_at is not None or tok.expires_at <= db.clock() or not user.active:
            raise Unauthenticated("invalid token")
        return actor_for(user, agency)


def actor_for(user: User, agency: Agency) -> Actor:
    return Actor(
        user_id=user.id,
        agency_id=agency.id,
        roles=frozenset(Role(r) for r in user.roles),
        username=user.username,
        agency_kind=AgencyKind(agency.kind),
    )


def actor_by_username(db: Database, username: str) -> Actor:
    """For the command line's ``--as USER``: the operator acting as a named, active user."""
    with db.transaction() as session:
        row = session.execute(
            sa.select(User, Agency)
            .join(Agency, Agency.id == User.agency_id)
            .where(User.username == normalise_username(username))
        ).first()
        if row is None or not row[0].active:
            raise not_found("active user", username)
        user, agency = row
        return actor_for(user, agency)

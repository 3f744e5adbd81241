"""Users, their roles, API tokens and enrolments.

Tokens carry 256 random bits, are shown once and stored as SHA-256 hashes, bound to one user,
expire, and can be revoked; only an issued, unexpired, unrevoked token of an active user
authenticates (no internal id is ever accepted as a credential).

Who may manage whom: agency admins manage their own agency's users and tokens and never grant a
role above their own. Hub admins onboard agencies: they create only agency admins in other
agencies and issue each of them a first token (or enrolment), never another one, so the hub
can start an agency but cannot act as it.

Sensitive operations want a fresh login (``context.require_fresh``): issuing a token or an
enrolment and changing roles. Disabling a user or changing their roles ends their login
sessions in the same transaction, so it holds from their very next request.

Enrolment: an admin (or the operator) issues a one-time secret (``tse_`` + 256 bits, stored as
SHA-256, valid ``enrolment_hours``); with it the user sets a password and receives a TOTP seed,
and a first valid code makes both theirs (``services.enrolment``). Issuing one for a user who
already has credentials is a reset: their password, TOTP seed and sessions end at once (a reset
is asked for when something is wrong, and the old password may be known to someone else).
"""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tanseeq.domain.types import ROLE_RANK, AgencyKind, Role
from tanseeq.errors import Conflict, FieldError, Forbidden, Unauthenticated, invalid
from tanseeq.schemas import (
    EnrolmentIssued,
    TokenIn,
    TokenIssued,
    TokenOut,
    UserIn,
    UserOut,
    UserUpdate,
)
from tanseeq.services import audit_trail, sessions
from tanseeq.services.context import (
    Actor,
    actor_for,
    not_found,
    require,
    require_fresh,
    resolve_agency,
)

# Re-exported: callers have always found the normaliser here.
from tanseeq.services.usernames import normalise_username as normalise_username
from tanseeq.store.database import Database
from tanseeq.store.tables import Agency, ApiToken, Enrolment, User

TOKEN_PREFIX = "tsq_"  # noqa: S105 - a prefix that makes leaked tokens greppable, not a secret
ENROLMENT_PREFIX = "tse_"  # prefix of enrolment secrets, greppable like tokens


# API tokens, login sessions and enrolment secrets are all 256 random bits, hashed alike.
hash_token = sessions.hash_secret


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
            if set(user.roles) != {r.value for r in roles}:
                require_fresh(actor, "changing roles")
                sessions.end_user_sessions(session, db, user.id, "roles")
            user.roles = [r.value for r in roles]
        if data.active is not None:
            if user.active and not data.active:
                sessions.end_user_sessions(session, db, user.id, "disabled")
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


def _check_credential_issuer(session: Session, actor: Actor, user: User, what: str) -> None:
    """May ``actor`` give ``user`` a new credential (a token, or an enrolment)?"""
    if actor.is_operator or user.id == actor.user_id:
        return
    if Role.HUB_ADMIN in actor.roles and user.agency_id != actor.agency_id:
        if set(user.roles) != {Role.AGENCY_ADMIN.value}:
            raise Forbidden(f"hub admins issue {what}s only to other agencies' admins")
        # Onboarding only: a first credential for a new admin. Were the hub able to mint one
        # for an admin already at work, it could act as them, create officers and read the
        # agency's data.
        started = (
            session.scalar(sa.select(ApiToken.id).where(ApiToken.user_id == user.id))
            or user.password_hash is not None
        )
        if started:
            raise Forbidden(
                f"this agency admin already has a token or a password: their agency issues {what}s"
            )
    elif Role.AGENCY_ADMIN not in actor.roles and Role.HUB_ADMIN not in actor.roles:
        raise Forbidden(f"only your own {what}s")
    elif _rank([Role(r) for r in user.roles]) > _rank(actor.roles):
        raise Forbidden("users with a role above your own are not yours to manage")


def issue_token(db: Database, actor: Actor, data: TokenIn) -> TokenIssued:
    require(actor, "token.create")
    require_fresh(actor, "token creation")
    with db.transaction() as session:
        if data.user is None:
            if actor.user_id is None:
                raise invalid("user", "required")
            user = session.get_one(User, actor.user_id)
        else:
            user = _managed_user(session, actor, data.user)
        _check_credential_issuer(session, actor, user, "token")
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
        return actor_for(user, agency, credential="token")


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


def issue_enrolment(
    db: Database, actor: Actor, ref: str, *, allow_reset: bool = True
) -> EnrolmentIssued:
    """A one-time enrolment secret for a user the actor manages (see the module doc: for an
    enrolled user this is a reset, and ends their password, TOTP seed and sessions now;
    ``allow_reset=False`` refuses that instead)."""
    require(actor, "user.enrol")
    require_fresh(actor, "issuing an enrolment")
    with db.transaction() as session:
        user = _managed_user(session, actor, ref)
        if user.id == actor.user_id:
            raise Forbidden("nobody issues their own enrolment: ask another admin")
        _check_credential_issuer(session, actor, user, "enrolment")
        # Whoever holds the secret chooses the password: an admin enrolling a peer could log
        # in as them. So only users ranked below the issuer (the operator: anyone).
        if not actor.is_operator and _rank([Role(r) for r in user.roles]) >= _rank(actor.roles):
            raise Forbidden("enrolments of your peers and superiors are the node operator's")
        if not user.active:
            raise invalid("user", "the user is disabled")
        if user.password_hash is not None and not allow_reset:
            raise Conflict(
                f"{user.username} is enrolled already; a reset ends their password, TOTP and "
                "sessions",
                [FieldError("user", "enrolled already")],
            )
        now = db.clock()
        # One live enrolment per user: an older secret stops working, and the password hash
        # and seed it may have been given are dropped.
        session.execute(
            sa.update(Enrolment)
            .where(Enrolment.user_id == user.id, Enrolment.used_at.is_(None))
            .values(used_at=now, password_hash=None, totp_secret=None)
        )
        reset = user.password_hash is not None
        user.password_hash = None
        user.totp_secret = None
        user.totp_last_step = None
        ended = sessions.end_user_sessions(session, db, user.id, "enrolment")
        secret = ENROLMENT_PREFIX + secrets.token_urlsafe(32)
        row = Enrolment(
            id=str(uuid.uuid4()),
            user_id=user.id,
            secret_hash=hash_token(secret),
            created_at=now,
            expires_at=now + timedelta(hours=db.settings.enrolment_hours),
            used_at=None,
            password_hash=None,
            totp_secret=None,
        )
        session.add(row)
        session.flush()
        audit_trail.record(
            session,
            db,
            actor,
            "user.enrol",
            [row.id, user.id],
            detail={"reset": reset, "sessions_ended": ended},
        )
        return EnrolmentIssued(
            user_id=user.id, username=user.username, expires_at=row.expires_at, secret=secret
        )

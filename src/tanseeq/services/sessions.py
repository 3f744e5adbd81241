"""Login sessions of human users: password (argon2id) + TOTP, then a bearer secret.

A login returns a new session secret every time (``tss_`` + 256 random bits; only its SHA-256
is stored), so no id chosen before the login — by the client or an attacker — ever becomes a
session (no fixation). It is sent as ``Authorization: Bearer tss_…`` exactly like an API token.

A session ends:
- after ``session_idle_minutes`` without a request, and ``session_absolute_hours`` after login
  whatever happens (both checked against the clock at every request, so nothing has to run
  for a session to expire);
- at logout (and the user's other sessions when they change their password);
- when its user is disabled, re-enrolled or given other roles: ``end_user_sessions`` runs in the
  same transaction as that change, so the very next request is refused.

``fresh``: token creation, role changes and bulk export want password and TOTP entered within
``reauth_minutes`` — at login or through ``reauth``. API tokens are never fresh.

Failed logins are throttled per normalised username (``login_throttle``); a failed login,
a request refused while locked, a lockout and a success are each audited. Wrong username,
wrong password, wrong or replayed TOTP, a disabled user and a user who never enrolled all get
one answer: no response says which factor failed, and none carries what was typed.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tanseeq.domain.types import Role
from tanseeq.errors import LockedOut, NotFound, ReauthRequired, TanseeqError, Unauthenticated
from tanseeq.schemas import LoginIn, PasswordChangeIn, ReauthIn, SessionIssued, SessionOut
from tanseeq.services import audit_trail, login_throttle, passwords, totp
from tanseeq.services.context import Actor, actor_for
from tanseeq.services.usernames import normalise_username
from tanseeq.settings import Settings
from tanseeq.store.database import Database
from tanseeq.store.tables import Agency, AuthSession, LoginThrottle, User

SESSION_PREFIX = "tss_"  # a prefix that makes leaked session secrets greppable
BAD_LOGIN = "invalid username, password or code"
LOCKED = "too many failed logins for this username; try again later"

# Who the audit log names for a failed login of a username nobody has. Never an operator:
# ``Actor.is_operator`` wants a local credential.
ANONYMOUS = Actor(
    user_id=None, agency_id=None, roles=frozenset(), username="anonymous", credential="none"
)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class _Limits:
    idle: timedelta
    absolute: timedelta
    fresh: timedelta

    @classmethod
    def of(cls, settings: Settings) -> _Limits:
        return cls(
            idle=timedelta(minutes=settings.session_idle_minutes),
            absolute=timedelta(hours=settings.session_absolute_hours),
            fresh=timedelta(minutes=settings.reauth_minutes),
        )


def _out(row: AuthSession, user: User, limits: _Limits) -> SessionOut:
    return SessionOut(
        id=row.id,
        user_id=user.id,
        username=user.username,
        agency_id=user.agency_id,
        roles=[Role(r) for r in user.roles],
        created_at=row.created_at,
        last_seen_at=row.last_seen_at,
        idle_expires_at=min(row.last_seen_at + limits.idle, row.created_at + limits.absolute),
        expires_at=row.created_at + limits.absolute,
        fresh_until=row.reauth_at + limits.fresh,
    )


def _factors_match(
    settings: Settings, user: User | None, password: str, code: str, now: datetime
) -> bool:
    """Password and TOTP both right, for an enrolled user. The password is checked even for an
    unknown user (against a dummy hash) so timing does not tell whether the name exists. On
    success the TOTP step is used up and an outdated hash is upgraded."""
    stored = user.password_hash if user is not None else None
    if not passwords.verify(settings, stored, password):
        return False
    if user is None or user.password_hash is None or user.totp_secret is None:
        return False
    step = totp.accepted_step(user.totp_secret, code, now, user.totp_last_step)
    if step is None:
        return False
    user.totp_last_step = step
    if passwords.needs_rehash(settings, user.password_hash):
        user.password_hash = passwords.hash_password(settings, password)
    return True


def _user_and_agency(session: Session, username: str) -> tuple[User, Agency] | None:
    row = session.execute(
        sa.select(User, Agency)
        .join(Agency, Agency.id == User.agency_id)
        .where(User.username == username)
    ).first()
    return None if row is None else (row[0], row[1])


def _count_failure(
    session: Session,
    db: Database,
    throttle_row: LoginThrottle,
    who: Actor,
    action: str,
    object_ids: list[str],
    now: datetime,
) -> None:
    """Count a failed attempt and audit it (and the lockout it may start)."""
    locked_for = login_throttle.fail(db.settings, throttle_row, now)
    audit_trail.record(
        session, db, who, action, object_ids, outcome="denied", detail={"reason": "bad credentials"}
    )
    if locked_for is not None:
        audit_trail.record(
            session,
            db,
            who,
            "session.lockout",
            object_ids,
            outcome="denied",
            detail={"seconds": locked_for, "failures": throttle_row.failures},
        )


def login(db: Database, data: LoginIn) -> SessionIssued:
    """A new session for the right username, password and TOTP code; ``Unauthenticated`` with
    one message for anything wrong, ``LockedOut`` while the username is locked."""
    now = db.clock()
    limits = _Limits.of(db.settings)
    name = normalise_username(data.username)
    refusal: TanseeqError
    with db.transaction() as session:
        throttle_row = login_throttle.acquire(session, login_throttle.key_of(name), now)
        found = _user_and_agency(session, name)
        who = actor_for(*found, credential="none") if found else ANONYMOUS
        ids = [found[0].id] if found else []
        wait = login_throttle.retry_after(throttle_row, now)
        if wait is not None:
            # Locked: no credential is looked at, so right and wrong answers are alike.
            audit_trail.record(
                session,
                db,
                who,
                "session.login",
                ids,
                outcome="denied",
                detail={"reason": "locked"},
            )
            refusal = LockedOut(LOCKED, wait)
        elif (
            # Checked for every name, known or not, active or not (a dummy hash stands in for
            # a missing one): how long the answer takes must not tell which it was.
            _factors_match(db.settings, found[0] if found else None, data.password, data.totp, now)
            and found
            and found[0].active
        ):
            user, agency = found
            login_throttle.succeed(throttle_row)
            secret = SESSION_PREFIX + secrets.token_urlsafe(32)
            row = AuthSession(
                id=str(uuid.uuid4()),
                user_id=user.id,
                secret_hash=hash_secret(secret),
                created_at=now,
                last_seen_at=now,
                reauth_at=now,
                ended_at=None,
                end_reason=None,
            )
            session.add(row)
            session.flush()
            audit_trail.record(
                session, db, actor_for(user, agency, "session"), "session.login", [user.id, row.id]
            )
            return SessionIssued(token=secret, **_out(row, user, limits).model_dump())
        else:
            _count_failure(session, db, throttle_row, who, "session.login", ids, now)
            refusal = Unauthenticated(BAD_LOGIN)
    # Raised after the commit: the failure count and its audit entry must stay.
    raise refusal


def authenticate(db: Database, secret: str) -> Actor:
    """The actor behind a live session secret, or ``Unauthenticated``; marks the session used."""
    if not secret.startswith(SESSION_PREFIX) or len(secret) > 200:
        raise Unauthenticated("invalid token")
    now = db.clock()
    limits = _Limits.of(db.settings)
    with db.transaction() as session:
        found = session.execute(
            sa.select(AuthSession, User, Agency)
            .join(User, User.id == AuthSession.user_id)
            .join(Agency, Agency.id == User.agency_id)
            .where(AuthSession.secret_hash == hash_secret(secret))
        ).first()
        if found is None:
            raise Unauthenticated("invalid token")
        row, user, agency = found
        if (
            row.ended_at is not None
            or now >= row.last_seen_at + limits.idle
            or now >= row.created_at + limits.absolute
            or not user.active
        ):
            raise Unauthenticated("invalid token")
        row.last_seen_at = now
        fresh = now <= row.reauth_at + limits.fresh
        return actor_for(user, agency, "session", fresh=fresh, session_id=row.id)


def _own_session(session: Session, actor: Actor) -> AuthSession:
    if actor.credential != "session" or actor.session_id is None:
        raise NotFound("no session: this request was not made with a login session")
    return session.get_one(AuthSession, actor.session_id)


def current(db: Database, actor: Actor) -> SessionOut:
    with db.transaction() as session:
        row = _own_session(session, actor)
        return _out(row, session.get_one(User, row.user_id), _Limits.of(db.settings))


def reauth(db: Database, actor: Actor, data: ReauthIn) -> SessionOut:
    """Password and TOTP entered again: the session is fresh for ``reauth_minutes``. Failures
    count toward the username's login throttle, so a stolen session cannot guess passwords."""
    now = db.clock()
    refusal: TanseeqError
    with db.transaction() as session:
        row = _own_session(session, actor)
        user = session.get_one(User, row.user_id)
        throttle_row = login_throttle.acquire(session, login_throttle.key_of(user.username), now)
        wait = login_throttle.retry_after(throttle_row, now)
        if wait is not None:
            audit_trail.record(
                session,
                db,
                actor,
                "session.reauth",
                [user.id, row.id],
                outcome="denied",
                detail={"reason": "locked"},
            )
            refusal = LockedOut(LOCKED, wait)
        elif _factors_match(db.settings, user, data.password, data.totp, now):
            login_throttle.succeed(throttle_row)
            row.reauth_at = now
            audit_trail.record(session, db, actor, "session.reauth", [user.id, row.id])
            return _out(row, user, _Limits.of(db.settings))
        else:
            _count_failure(
                session, db, throttle_row, actor, "session.reauth", [user.id, row.id], now
            )
            refusal = ReauthRequired("password or code not accepted")
    raise refusal


def change_password(db: Database, actor: Actor, data: PasswordChangeIn) -> SessionOut:
    """A new password, with the current one and a TOTP code (a stolen session alone cannot
    do it, and failures count toward the login throttle). The user's other sessions end —
    whoever else held one may have known the old password — and this one is fresh."""
    now = db.clock()
    refusal: TanseeqError
    with db.transaction() as session:
        row = _own_session(session, actor)
        user = session.get_one(User, row.user_id)
        passwords.check_policy(data.new_password, user.username, loc="new_password")
        throttle_row = login_throttle.acquire(session, login_throttle.key_of(user.username), now)
        wait = login_throttle.retry_after(throttle_row, now)
        ids = [user.id, row.id]
        if wait is not None:
            audit_trail.record(
                session,
                db,
                actor,
                "user.password",
                ids,
                outcome="denied",
                detail={"reason": "locked"},
            )
            refusal = LockedOut(LOCKED, wait)
        elif _factors_match(db.settings, user, data.password, data.totp, now):
            login_throttle.succeed(throttle_row)
            user.password_hash = passwords.hash_password(db.settings, data.new_password)
            ended = session.execute(
                sa.update(AuthSession)
                .where(
                    AuthSession.user_id == user.id,
                    AuthSession.id != row.id,
                    AuthSession.ended_at.is_(None),
                )
                .values(ended_at=now, end_reason="password")
            )
            row.reauth_at = now
            audit_trail.record(
                session,
                db,
                actor,
                "user.password",
                ids,
                detail={"sessions_ended": int(getattr(ended, "rowcount", 0) or 0)},
            )
            return _out(row, user, _Limits.of(db.settings))
        else:
            _count_failure(session, db, throttle_row, actor, "user.password", ids, now)
            refusal = ReauthRequired("password or code not accepted")
    raise refusal


def logout(db: Database, actor: Actor) -> None:
    with db.transaction() as session:
        row = _own_session(session, actor)
        row.ended_at = db.clock()
        row.end_reason = "logout"
        audit_trail.record(session, db, actor, "session.logout", [row.user_id, row.id])


def end_user_sessions(session: Session, db: Database, user_id: str, reason: str) -> int:
    """End every open session of a user, in the caller's transaction (so the change that
    prompted it and the end of the sessions commit together)."""
    result = session.execute(
        sa.update(AuthSession)
        .where(AuthSession.user_id == user_id, AuthSession.ended_at.is_(None))
        .values(ended_at=db.clock(), end_reason=reason)
    )
    return int(getattr(result, "rowcount", 0) or 0)

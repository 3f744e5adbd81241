"""Completing an enrolment: the user's side of ``users.issue_enrolment``.

Two steps, both with the username and the one-time secret the admin gave:
1. ``start``: choose a password (policy in ``passwords``); the answer is a fresh TOTP seed and
   its ``otpauth://`` URI. Starting again replaces both (the last seed shown is the one to use).
2. ``confirm``: a first code from the authenticator app proves the seed was stored; only then
   do the password and seed become the user's, the secret is used up and any session of the
   user ends. The confirming code's time step is remembered, so it cannot log in afterwards.

Any mismatch — unknown username, wrong, used or expired secret, a disabled user — is one
``Unauthenticated`` answer. The secret carries 256 random bits, so it needs no throttle.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tanseeq.errors import Unauthenticated, invalid
from tanseeq.schemas import EnrolmentConfirmIn, EnrolmentDone, EnrolmentStartIn, TotpSetup
from tanseeq.services import audit_trail, passwords, sessions, totp
from tanseeq.services.context import actor_for
from tanseeq.services.users import hash_token, normalise_username
from tanseeq.store.database import Database
from tanseeq.store.tables import Agency, Enrolment, User

BAD_ENROLMENT = "invalid, used or expired enrolment"


def _pending(session: Session, db: Database, username: str, secret: str) -> tuple[Enrolment, User]:
    found = session.execute(
        sa.select(Enrolment, User)
        .join(User, User.id == Enrolment.user_id)
        .where(Enrolment.secret_hash == hash_token(secret))
    ).first()
    if found is None:
        raise Unauthenticated(BAD_ENROLMENT)
    row, user = found
    if (
        user.username != normalise_username(username)
        or row.used_at is not None
        or row.expires_at <= db.clock()
        or not user.active
    ):
        raise Unauthenticated(BAD_ENROLMENT)
    return row, user


def start(db: Database, data: EnrolmentStartIn) -> TotpSetup:
    with db.transaction() as session:
        row, user = _pending(session, db, data.username, data.secret)
        passwords.check_policy(data.password, user.username)
        row.password_hash = passwords.hash_password(db.settings, data.password)
        row.totp_secret = totp.new_secret()
        agency = session.get_one(Agency, user.agency_id)
        audit_trail.record(
            session, db, actor_for(user, agency, "none"), "user.enrol.start", [row.id, user.id]
        )
        return TotpSetup(
            totp_secret=row.totp_secret,
            otpauth_uri=totp.provisioning_uri(
                row.totp_secret, user.username, db.settings.totp_issuer
            ),
        )


def confirm(db: Database, data: EnrolmentConfirmIn) -> EnrolmentDone:
    now = db.clock()
    with db.transaction() as session:
        row, user = _pending(session, db, data.username, data.secret)
        if row.password_hash is None or row.totp_secret is None:
            raise invalid("secret", "choose a password first (POST /enrolment)")
        step = totp.accepted_step(row.totp_secret, data.totp, now, None)
        if step is None:
            raise invalid("totp", "not the code the authenticator app shows now")
        user.password_hash = row.password_hash
        user.totp_secret = row.totp_secret
        user.totp_last_step = step
        row.used_at = now
        row.password_hash = None  # the user's now; no second copy kept
        row.totp_secret = None
        sessions.end_user_sessions(session, db, user.id, "enrolment")
        agency = session.get_one(Agency, user.agency_id)
        audit_trail.record(
            session, db, actor_for(user, agency, "none"), "user.enrol.confirm", [row.id, user.id]
        )
        return EnrolmentDone(user_id=user.id, username=user.username)

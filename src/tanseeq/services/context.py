"""Who is acting, and the checks every service makes before touching data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tanseeq.access import Viewer
from tanseeq.domain.permissions import allowed
from tanseeq.domain.types import AgencyKind, Role
from tanseeq.errors import Forbidden, NotFound, ReauthRequired, invalid
from tanseeq.store.database import Database
from tanseeq.store.tables import Agency, User

Credential = Literal["local", "token", "session", "none"]


@dataclass(frozen=True)
class Actor:
    """The caller of a service. ``user_id`` is None for the node operator at the command line,
    who administers the node but belongs to no agency and so reads no agency's data.

    ``credential`` says how the caller proved who they are: ``local`` (the command line: the
    operator, or ``--as USER``, whoever can run it already holds the node's database),
    ``token`` (an API token), ``session`` (a login session) or ``none`` (an unauthenticated
    caller, used only to write the audit entry of a failed login). ``fresh``: password + TOTP
    were entered within ``reauth_minutes`` — or the caller is local; an API token never is,
    so a stolen token cannot mint tokens, change roles or export in bulk."""

    user_id: str | None
    agency_id: str | None
    roles: frozenset[Role]
    username: str
    agency_kind: AgencyKind | None = None
    credential: Credential = "local"
    fresh: bool = True
    session_id: str | None = None  # the login session behind a ``session`` credential

    @property
    def is_operator(self) -> bool:
        return self.user_id is None and self.credential == "local"

    def viewer(self) -> Viewer:
        if self.agency_id is None:
            raise Forbidden("reading agencies' data needs a user of an agency (use --as)")
        reviewer = Role.COMPLIANCE in self.roles and self.agency_kind == AgencyKind.SECRETARIAT
        return Viewer(agency_id=self.agency_id, reviewer=reviewer)


def actor_for(
    user: User,
    agency: Agency,
    credential: Credential = "local",
    *,
    fresh: bool | None = None,
    session_id: str | None = None,
) -> Actor:
    """The actor of a user. Unless told otherwise only a local caller (the command line) is
    fresh; login sessions decide their own freshness (``sessions.authenticate``)."""
    return Actor(
        user_id=user.id,
        agency_id=agency.id,
        roles=frozenset(Role(r) for r in user.roles),
        username=user.username,
        agency_kind=AgencyKind(agency.kind),
        credential=credential,
        fresh=credential == "local" if fresh is None else fresh,
        session_id=session_id,
    )


OPERATOR = Actor(user_id=None, agency_id=None, roles=frozenset(Role), username="operator")


def require(actor: Actor, action: str) -> None:
    """The role check. The operator passes every administrative check; data reads still need an
    agency (``Actor.viewer``)."""
    if actor.is_operator:
        return
    if not allowed(actor.roles, action):
        raise Forbidden(f"role(s) {', '.join(sorted(actor.roles))} may not {action}")


def require_fresh(actor: Actor, action: str) -> None:
    """The re-authentication check for sensitive operations, made after the role check."""
    if actor.fresh:
        return
    if actor.credential == "token":
        raise ReauthRequired(f"{action} needs a login session, never an API token")
    raise ReauthRequired(
        f"{action} needs password and TOTP entered in the last minutes "
        "(POST /sessions/current/reauth)"
    )


def today(db: Database) -> date:
    return db.clock().date()


def resolve_agency(session: Session, ref: str, loc: str) -> Agency:
    """An agency by id or code; agencies are a public directory of members, so an unknown one is
    a plain input error."""
    agency = session.scalars(
        sa.select(Agency).where(sa.or_(Agency.id == ref, Agency.code == ref))
    ).first()
    if agency is None:
        raise invalid(loc, f"unknown agency {ref!r}")
    return agency


def not_found(kind: str, ref: str) -> NotFound:
    return NotFound(f"no {kind} {ref!r}")

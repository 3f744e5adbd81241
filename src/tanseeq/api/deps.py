"""Reusable dependencies: the database, the authenticated actor, paging.

Routers declare ``db: DbDep`` and ``actor: ActorDep`` and nothing else about authentication.
The actor is resolved from ``Authorization: Bearer <secret>`` only: a login session secret
(``tss_…``) goes to ``sessions.authenticate``, which accepts only a live session of an active
user; anything else to ``users.authenticate``, which accepts nothing but an issued, unexpired,
unrevoked API token of an active user. Neither ever accepts the other's secret.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import BackgroundTasks, Depends, Query, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.security.utils import get_authorization_scheme_param

from tanseeq.errors import Unauthenticated
from tanseeq.services import mailer, sessions, users
from tanseeq.services.context import Actor
from tanseeq.store.database import Database

_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="token",
    description="An API token issued by `POST /tokens` (`tsq_…`) or a login session secret "
    "from `POST /sessions` (`tss_…`).",
)


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def actor_from_header(db: Database, authorization: str | None) -> Actor:
    scheme, token = get_authorization_scheme_param(authorization)
    if not authorization or scheme.lower() != "bearer" or not token:
        raise Unauthenticated("a bearer token is required")
    if token.startswith(sessions.SESSION_PREFIX):
        return sessions.authenticate(db, token)
    return users.authenticate(db, token)


DbDep = Annotated[Database, Depends(get_db)]


def deliver_later(db: DbDep, background: BackgroundTasks) -> None:
    """Send queued e-mail after the response. Routers whose operations notify declare it, so
    mail goes out soon after the action, never inside its transaction nor delaying its answer."""
    if db.settings.smtp_host:
        background.add_task(mailer.deliver_pending, db)


def get_actor(
    request: Request,
    db: DbDep,
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
) -> Actor:
    # ``AuthenticatedRoute`` has already authenticated before the body was read; the
    # ``Security`` parameter is here so the OpenAPI document shows the scheme.
    actor = getattr(request.state, "actor", None)
    if isinstance(actor, Actor):
        return actor
    actor = actor_from_header(db, request.headers.get("authorization"))
    request.state.actor = actor
    return actor


ActorDep = Annotated[Actor, Depends(get_actor)]

LimitQuery = Annotated[
    int | None,
    Query(description="Page size; the node's default when omitted, at most its maximum"),
]
Justification = Annotated[
    str | None,
    Query(max_length=2000, description="Why you consult this (kept in the audit log)"),
]

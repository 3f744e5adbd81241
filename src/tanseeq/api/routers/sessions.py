"""``/sessions`` and ``/enrolment``: human login with password + TOTP, and enrolment.

Two routers. ``public`` holds what a caller without credentials needs — log in
(``POST /sessions``), complete an enrolment (``POST /enrolment``, ``POST /enrolment/confirm``);
its handlers read the body themselves, since ``AuthenticatedRoute`` (which would refuse them
before reading it) cannot apply. The login takes JSON or an HTML form
(``application/x-www-form-urlencoded``): both are parsed into the one ``LoginIn`` and go to
the same service, so the throttle cannot be side-stepped by the content type, and a key given
twice is refused in both. Any other method on these paths is a 405 from the router, which
never reaches a credential. ``authenticated`` holds the rest: the current session, re-entering
password + TOTP, changing one's password, logout, and issuing a user's enrolment secret.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request, Response, status
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from tanseeq.api.deps import ActorDep, DbDep, get_db
from tanseeq.api.models import PROBLEM_RESPONSES
from tanseeq.api.routing import AuthenticatedRoute
from tanseeq.errors import FieldError, Invalid
from tanseeq.schemas import (
    EnrolmentConfirmIn,
    EnrolmentDone,
    EnrolmentIssued,
    EnrolmentStartIn,
    LoginIn,
    PasswordChangeIn,
    ReauthIn,
    SessionIssued,
    SessionOut,
    TotpSetup,
)
from tanseeq.services import enrolment, sessions, users

M = TypeVar("M", bound=BaseModel)

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
MAX_FIELDS = 20

public = APIRouter(tags=["sessions"])
authenticated = APIRouter(tags=["sessions"], route_class=AuthenticatedRoute)

Responses = dict[int | str, dict[str, Any]]


def _described(code: int, description: str) -> dict[str, Any]:
    return {**PROBLEM_RESPONSES[code], "description": f"{description} (application/problem+json)"}


_PUBLIC_PROBLEMS: Responses = {code: PROBLEM_RESPONSES[code] for code in (413, 415, 422)}
_PUBLIC_PROBLEMS[401] = _described(401, "Unknown, used or expired enrolment secret")
_LOGIN_PROBLEMS: Responses = {
    **_PUBLIC_PROBLEMS,
    401: _described(401, "Wrong username, password or code (one answer for all)"),
    429: _described(429, "Username locked after failed logins; `Retry-After` says when"),
}


def _body_doc(model: type[BaseModel], *media: str) -> dict[str, Any]:
    schema = model.model_json_schema()
    return {
        "requestBody": {
            "required": True,
            "content": {m: {"schema": schema} for m in media},
        }
    }


def _no_store(response: Response) -> None:
    # The answer carries a secret (session, TOTP seed, enrolment): no cache may keep it.
    response.headers["Cache-Control"] = "no-store"


def _media(request: Request) -> str:
    return (request.headers.get("content-type") or "").split(";", 1)[0].strip().lower()


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise Invalid(f"{key}: given twice", [FieldError(key, "the same key is given twice")])
        out[key] = value
    return out


async def _read(request: Request, model: type[M], *, form: bool) -> M:
    """The body as ``model``: JSON, or (``form``) a urlencoded form, with one validation."""
    body = await request.body()
    media = _media(request)
    fields: Any
    if media == JSON:
        try:
            fields = json.loads(body, object_pairs_hook=_unique)
        except ValueError:
            raise Invalid("body: malformed JSON", [FieldError("body", "malformed JSON")]) from None
        except RecursionError:
            raise HTTPException(400, "JSON nested too deeply") from None
    elif form and media == FORM:
        try:
            text = body.decode("utf-8")
            fields = _unique(parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FIELDS))
        except (UnicodeDecodeError, ValueError):
            raise Invalid("body: malformed form", [FieldError("body", "malformed form")]) from None
    else:
        accepted = f"{JSON} or {FORM}" if form else JSON
        raise HTTPException(415, f"send the body as {accepted}")
    if not isinstance(fields, dict):
        raise Invalid("body: an object is required", [FieldError("body", "an object is required")])
    # A key the problem document could not repeat (NUL, a lone surrogate) is refused here, as
    # AuthenticatedRoute refuses it elsewhere: the model would name it as an unknown field.
    for key in fields:
        if any(c == "\x00" or "\ud800" <= c <= "\udfff" for c in key):
            msg = "contains a NUL character or an unpaired surrogate"
            raise Invalid(f"body: a key {msg}", [FieldError("body", f"a key {msg}")])
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        # The framework's own error type, so the problem document reads like every other 422
        # (``errors`` by field; input values are never echoed back).
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]
        ) from None


@public.post(
    "/sessions",
    status_code=status.HTTP_201_CREATED,
    responses=_LOGIN_PROBLEMS,
    openapi_extra=_body_doc(LoginIn, JSON, FORM),
)
async def sessions_create(request: Request, response: Response) -> SessionIssued:
    """Log in with username, password and TOTP code: a new session secret (`tss_…`) to send as
    `Authorization: Bearer`. Failed logins are throttled per username, however it is spelt."""
    data = await _read(request, LoginIn, form=True)
    _no_store(response)
    return await run_in_threadpool(sessions.login, get_db(request), data)


@public.post(
    "/enrolment",
    responses=_PUBLIC_PROBLEMS,
    openapi_extra=_body_doc(EnrolmentStartIn, JSON),
)
async def enrolment_start(request: Request, response: Response) -> TotpSetup:
    """With the enrolment secret from your admin: set your password, receive your TOTP seed."""
    data = await _read(request, EnrolmentStartIn, form=False)
    _no_store(response)
    return await run_in_threadpool(enrolment.start, get_db(request), data)


@public.post(
    "/enrolment/confirm",
    responses=_PUBLIC_PROBLEMS,
    openapi_extra=_body_doc(EnrolmentConfirmIn, JSON),
)
async def enrolment_confirm(request: Request) -> EnrolmentDone:
    """A first code from the authenticator app completes the enrolment; then log in."""
    data = await _read(request, EnrolmentConfirmIn, form=False)
    return await run_in_threadpool(enrolment.confirm, get_db(request), data)


@authenticated.get("/sessions/current")
def sessions_current(db: DbDep, actor: ActorDep) -> SessionOut:
    """The session this request is made with (404 with an API token)."""
    return sessions.current(db, actor)


@authenticated.post("/sessions/current/reauth")
def sessions_reauth(db: DbDep, actor: ActorDep, data: ReauthIn) -> SessionOut:
    """Enter password and TOTP again before token creation, role changes or bulk export."""
    return sessions.reauth(db, actor, data)


@authenticated.post("/sessions/current/password")
def sessions_password(db: DbDep, actor: ActorDep, data: PasswordChangeIn) -> SessionOut:
    """Change your password (current password and TOTP code required); your other sessions
    end, this one stays and is fresh."""
    return sessions.change_password(db, actor, data)


@authenticated.delete("/sessions/current", status_code=status.HTTP_204_NO_CONTENT)
def sessions_delete(db: DbDep, actor: ActorDep) -> Response:
    """Log out: the session secret stops working at once."""
    sessions.logout(db, actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@authenticated.post("/users/{ref}/enrolment", status_code=status.HTTP_201_CREATED)
def users_enrol(db: DbDep, actor: ActorDep, ref: str, response: Response) -> EnrolmentIssued:
    """A one-time enrolment secret for a user you manage (a reset for an enrolled user: their
    password, TOTP seed and sessions end now). Needs a fresh login session."""
    _no_store(response)
    return users.issue_enrolment(db, actor, ref)

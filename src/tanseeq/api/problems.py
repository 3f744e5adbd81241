"""Errors as RFC 9457 problem details, mapped in one place.

Every error the API answers — the service exception tree (``tanseeq.errors``), request
validation, unknown routes and methods, the body-size limit — leaves through this module as
``application/problem+json`` with ``type``, ``title``, ``status``, ``detail``, ``instance`` and,
for input errors, ``errors: [{loc, msg}]`` naming each field. Nothing else about the request
(its input values, stack traces) is echoed back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from tanseeq.errors import FieldError, Forbidden, NotFound, TanseeqError
from tanseeq.services import audit_trail
from tanseeq.services.context import Actor
from tanseeq.store.database import Database

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://tanseeq.dev/problems/"

# HTTP errors raised by the framework itself (routing, methods, media types), by status.
_HTTP_PROBLEMS: dict[int, tuple[str, str]] = {
    400: ("bad-request", "Bad request"),
    401: ("unauthenticated", "Authentication required"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    413: ("too-large", "Too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("invalid", "Invalid input"),
}

_LOCATIONS = ("body", "query", "path", "header", "cookie")
# Names pydantic gives the members of a union it tried; never the name of a field here.
_TYPE_TAGS = frozenset({"str", "int", "float", "bool", "list", "dict", "none"})


class ProblemResponse(JSONResponse):
    media_type = MEDIA_TYPE


def problem(
    status: int,
    type_slug: str,
    title: str,
    detail: str,
    instance: str,
    errors: Sequence[FieldError] = (),
    headers: Mapping[str, str] | None = None,
) -> ProblemResponse:
    body: dict[str, Any] = {
        "type": TYPE_BASE + type_slug,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
    }
    if errors:
        body["errors"] = [e.as_dict() for e in errors]
    return ProblemResponse(body, status_code=status, headers=headers)


def format_loc(loc: Sequence[str | int]) -> str:
    """``("body", "properties", "name", 0)`` → ``properties.name[0]``: the same spelling the
    services use, so a client reads one kind of path whichever layer found the error."""
    parts = list(loc)
    prefix = ""
    if parts and parts[0] in _LOCATIONS:
        prefix = str(parts.pop(0))
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif "[" in part or "-" in part or part in _TYPE_TAGS:
            # pydantic names the union member it tried (``list[constrained-str]``); the
            # client named a field, not a type, so the member is left out.
            continue
        else:
            out += f".{part}" if out else part
    return out or prefix


def validation_errors(exc: RequestValidationError) -> list[FieldError]:
    errors: list[FieldError] = []
    seen: set[tuple[str, str]] = set()
    for err in exc.errors():
        if err.get("type") == "json_invalid":
            loc = tuple(err.get("loc", ()))
            where = f" at character {loc[1]}" if len(loc) > 1 else ""
            reason = err.get("ctx", {}).get("error", "malformed")
            item = ("body", f"malformed JSON{where}: {reason}")
        else:
            item = (format_loc(err.get("loc", ())), str(err.get("msg", "invalid")))
        if item not in seen:
            seen.add(item)
            errors.append(FieldError(*item))
    return errors


def _summary(errors: Sequence[FieldError]) -> str:
    if not errors:
        return "invalid input"
    first = f"{errors[0].loc}: {errors[0].msg}"
    more = len(errors) - 1
    return first if not more else f"{first} (and {more} more)"


# Longest path value kept as an object id in a refusal entry: ids are far shorter, and a
# refusal must not let a caller write arbitrary amounts into the log.
_MAX_ID = 200


def _path_ids(request: Request) -> list[str]:
    """The ids named in the request's path, as the refused caller gave them. A value that looks
    like one of our credentials (pasted into the wrong place) is left out: no token is ever
    written to the log."""
    values = [str(v) for v in request.path_params.values()]
    return [v[:_MAX_ID] for v in values if not audit_trail.CREDENTIAL.search(v)]


def _refused_action(request: Request, exc: TanseeqError) -> str:
    # The service's action when the error names it; else the API operation that was refused.
    action = getattr(exc, "action", None)
    if isinstance(action, str) and action:
        return action
    route = request.scope.get("route")
    name = getattr(route, "name", None) or "unknown"
    return f"api.{name}"


async def log_refusal(request: Request, exc: TanseeqError) -> None:
    """Every refused authorisation of an authenticated caller goes into the audit log, in a
    transaction of its own (the refused action's has been rolled back).

    403s are logged as ``denied``. A 404 from a service is logged as ``not_found``: for an
    object the caller may not see it is a refusal too, and compliance wants to see probing;
    unknown and invisible ids are logged alike, so the log (which only compliance reads)
    holds the same facts as the response and the caller learns nothing from either.
    401s are not logged: there is no user to name, and logging them would let anyone on the
    network write to the log for free (failed logins are counted by the login throttle)."""
    if not isinstance(exc, Forbidden | NotFound):
        return
    actor = getattr(request.state, "actor", None)
    db = getattr(request.app.state, "db", None)
    if not isinstance(actor, Actor) or not isinstance(db, Database):
        return
    outcome = "denied" if isinstance(exc, Forbidden) else "not_found"
    await run_in_threadpool(
        audit_trail.record_denied,
        db,
        actor,
        _refused_action(request, exc),
        _path_ids(request),
        exc.detail,  # credentials in it are masked by record_denied
        outcome,
    )


async def _tanseeq_error(request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, TanseeqError)
    await log_refusal(request, exc)
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    retry_after = getattr(exc, "retry_after", None)
    if exc.status == 429 and isinstance(retry_after, int):
        headers = {"Retry-After": str(retry_after)}
    return problem(
        exc.status,
        exc.type_slug,
        exc.title,
        exc.detail,
        request.url.path,
        exc.errors,
        headers,
    )


async def _validation_error(request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, RequestValidationError)
    errors = validation_errors(exc)
    return problem(422, "invalid", "Invalid input", _summary(errors), request.url.path, errors)


async def _http_error(request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, StarletteHTTPException)
    slug, title = _HTTP_PROBLEMS.get(exc.status_code, (f"http-{exc.status_code}", "Error"))
    detail = exc.detail if isinstance(exc.detail, str) else title
    return problem(exc.status_code, slug, title, detail, request.url.path, headers=exc.headers)


async def _unexpected(request: Request, exc: Exception) -> ProblemResponse:
    # The cause stays in the server log; the client learns only that it was not its fault.
    return problem(500, "internal", "Internal error", "internal error", request.url.path)


def install(app: FastAPI) -> None:
    app.add_exception_handler(TanseeqError, _tanseeq_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)

"""The route class every authenticated router uses: who is asking is settled first.

Before the framework reads or parses the body, the credential's rate limit is checked
(``ratelimit.py``), the request is authenticated, its path and query
strings are checked, and a body's media type must be JSON. So a malformed, oversized or
oddly-typed request from an unknown caller is a 401 like any other, and no header, method or
content type can reach a service by a path with weaker checks.

A JSON object naming a key twice is refused: parsers disagree on which value wins (Python's
keeps the last, others the first), and a proxy or audit tool reading one while the service acts
on the other must never happen.

Strings are refused when they hold NUL or unpaired surrogates: PostgreSQL cannot store the
first, no encoder can write the second, and no legitimate input carries either; refusing them
here keeps the two backends answering alike (a 422 naming the field, never a 500 on one).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from tanseeq.api.deps import actor_from_header, get_db
from tanseeq.api.ratelimit import RateLimiter
from tanseeq.errors import FieldError, Invalid
from tanseeq.store.database import Database

_BAD = frozenset({0, *range(0xD800, 0xE000)})


def _bad_string(value: str) -> bool:
    return any(ord(c) in _BAD for c in value)


def _walk(value: Any, loc: str) -> Iterator[str]:
    """Locations (in the services' spelling) of strings — keys included — that cannot be kept."""
    if isinstance(value, str):
        if _bad_string(value):
            yield loc or "body"
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{loc}.{key}" if loc else str(key)
            if _bad_string(str(key)):
                yield where
            yield from _walk(item, where)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, f"{loc}[{i}]")


def _refuse(locs: list[str]) -> Invalid:
    errors = [FieldError(loc, "contains a NUL character or an unpaired surrogate") for loc in locs]
    return Invalid(f"{errors[0].loc}: {errors[0].msg}", errors)


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _is_json(content_type: str | None) -> bool:
    if not content_type:
        return False
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


def _limiter(request: Request, db: Database) -> RateLimiter:
    # Made on first use, one per app (the event loop runs this, so there is no race).
    limiter = getattr(request.app.state, "rate_limiter", None)
    if not isinstance(limiter, RateLimiter):
        cfg = db.settings
        limiter = RateLimiter(cfg.rate_limit_per_minute, cfg.rate_limit_burst, db.clock)
        request.app.state.rate_limiter = limiter
    return limiter


async def check_request(request: Request, has_body: bool) -> None:
    db = get_db(request)
    authorization = request.headers.get("authorization")
    if authorization:
        # Before authentication: a flood costs the database nothing once its bucket is empty.
        _limiter(request, db).take(authorization)
    request.state.actor = await run_in_threadpool(
        actor_from_header, db, request.headers.get("authorization")
    )
    bad = [name for name, v in request.path_params.items() if _bad_string(str(v))]
    bad += [name for name, v in request.query_params.multi_items() if _bad_string(v + name)]
    if bad:
        raise _refuse(bad)
    if not has_body:
        return
    body = await request.body()
    if not body:
        return  # the framework reports the missing body as a 422 naming it
    if not _is_json(request.headers.get("content-type")):
        raise HTTPException(415, "send the body as application/json")
    try:
        parsed = json.loads(body, object_pairs_hook=_unique_keys)
    except _DuplicateKey as dup:
        raise Invalid(
            f"{dup.key}: given twice", [FieldError(dup.key, "the same key is given twice")]
        ) from None
    except UnicodeDecodeError:
        # Not text at all: an input error like malformed JSON, not the framework's bare 400.
        raise Invalid(
            "body: not UTF-8 JSON", [FieldError("body", "not JSON text (UTF-8 expected)")]
        ) from None
    except ValueError:
        return  # malformed JSON: the framework's 422 says where
    except RecursionError:
        raise HTTPException(400, "JSON nested too deeply") from None
    bad = list(_walk(parsed, ""))
    if bad:
        raise _refuse(bad)


class AuthenticatedRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        has_body = self.body_field is not None

        async def checked(request: Request) -> Response:
            await check_request(request, has_body)
            return await handler(request)

        return checked

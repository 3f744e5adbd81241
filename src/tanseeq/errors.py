"""The exception tree. Each class carries its HTTP status and RFC 9457 problem type; the API maps
them to problem details in one place and the CLI to a message and an exit code.

    TanseeqError (500)
    ├── NotFound (404)          unknown id, or an object the caller may not see (same answer)
    ├── Unauthenticated (401)   no, unknown, expired or revoked credentials
    ├── Forbidden (403)         authenticated, but the role does not allow the action
    ├── Invalid (422)           bad input; ``errors`` names each field (or line) and what is wrong
    ├── Conflict (409)          clashes with the current state (duplicate, bad transition)
    ├── TooLarge (413)          body, file or batch over the configured limit
    └── TooMany (429)           rate limit
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class FieldError:
    """One problem with one input field: ``loc`` is the path to it (``properties.birthDate[0]``,
    ``line 12``)."""

    loc: str
    msg: str

    def as_dict(self) -> dict[str, str]:
        return {"loc": self.loc, "msg": self.msg}


class TanseeqError(Exception):
    status: ClassVar[int] = 500
    type_slug: ClassVar[str] = "internal"
    title: ClassVar[str] = "Internal error"

    def __init__(self, detail: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []

    @property
    def type_uri(self) -> str:
        return f"https://tanseeq.dev/problems/{self.type_slug}"


class NotFound(TanseeqError):
    status = 404
    type_slug = "not-found"
    title = "Not found"


class Unauthenticated(TanseeqError):
    status = 401
    type_slug = "unauthenticated"
    title = "Authentication required"


class Forbidden(TanseeqError):
    status = 403
    type_slug = "forbidden"
    title = "Not allowed"


class Invalid(TanseeqError):
    status = 422
    type_slug = "invalid"
    title = "Invalid input"


class Conflict(TanseeqError):
    status = 409
    type_slug = "conflict"
    title = "Conflict"


class TooLarge(TanseeqError):
    status = 413
    type_slug = "too-large"
    title = "Too large"


class TooMany(TanseeqError):
    status = 429
    type_slug = "too-many-requests"
    title = "Too many requests"


def invalid(loc: str, msg: str) -> Invalid:
    """A one-field ``Invalid`` whose detail repeats the field, for messages read on a terminal."""
    return Invalid(f"{loc}: {msg}", [FieldError(loc, msg)])


# Human authentication (issue 4)


class ReauthRequired(Forbidden):
    """A sensitive operation (token creation, role change, bulk export) needs a login session
    whose password + TOTP were entered within the last minutes; its own problem type tells a
    client to re-authenticate (``POST /sessions/current/reauth``) rather than give up."""

    type_slug = "reauthentication-required"
    title = "Re-authentication required"


class LockedOut(TooMany):
    """Too many failed logins for a username; ``retry_after`` seconds until the next try."""

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = max(1, retry_after)

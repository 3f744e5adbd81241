"""Re-authentication before sensitive operations: token creation, role changes and bulk
export refuse API tokens and stale sessions with a distinct problem type, and accept a
session whose password and TOTP were entered in the last ``reauth_minutes``."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from api.conftest import Api
from conftest import FakeClock
from tanseeq.domain.types import Role
from tanseeq.errors import ReauthRequired
from tanseeq.schemas import TokenIn, UserUpdate
from tanseeq.services import records, sessions, users
from world import PASSWORD

REAUTH = "https://tanseeq.dev/problems/reauthentication-required"

# (who does it, how) for each sensitive operation, given the caller's Authorization header.
Sensitive = Callable[[Api, dict[str, str]], httpx.Response]


def _token(api: Api, auth: dict[str, str]) -> httpx.Response:
    return api.client.post("/tokens", json={"label": "laptop"}, headers=auth)


def _roles(api: Api, auth: dict[str, str]) -> httpx.Response:
    owner = api.world.actors["owner"].user_id
    return api.client.patch(f"/users/{owner}", json={"roles": ["analyst"]}, headers=auth)


def _export(api: Api, auth: dict[str, str]) -> httpx.Response:
    return api.client.get("/records/export", params={"justification": "audit"}, headers=auth)


OPERATIONS: dict[str, tuple[str, Sensitive, int]] = {
    "token creation": ("partner", _token, 201),
    "role change": ("owner_admin", _roles, 200),
    "bulk export": ("partner", _export, 200),
}


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize("operation", OPERATIONS)
def test_api_token_stale_and_fresh_sessions(api: Api, clock: FakeClock, operation: str) -> None:
    who, call, ok = OPERATIONS[operation]
    # An API token never qualifies.
    r = call(api, bearer(api.world.tokens[who]))
    assert r.status_code == 403 and r.json()["type"] == REAUTH, r.text
    assert r.json()["title"] == "Re-authentication required"
    # A session that logged in more than reauth_minutes ago: refused the same way...
    secret = api.world.login(who)
    clock.advance(minutes=6)
    r = call(api, bearer(secret))
    assert r.status_code == 403 and r.json()["type"] == REAUTH, r.text
    # ...until password and TOTP are entered again.
    body = {"password": PASSWORD, "totp": api.world.code(who)}
    again = api.client.post("/sessions/current/reauth", json=body, headers=bearer(secret))
    assert again.status_code == 200, again.text
    r = call(api, bearer(secret))
    assert r.status_code == ok, r.text


def test_a_fresh_login_is_fresh(api: Api) -> None:
    r = _token(api, bearer(api.world.login("partner")))
    assert r.status_code == 201, r.text
    # The token it made is an API token: it cannot make another.
    r = _token(api, bearer(r.json()["token"]))
    assert r.status_code == 403 and r.json()["type"] == REAUTH


def test_a_wrong_reauth_changes_nothing_and_counts_as_a_failed_login(
    api: Api, clock: FakeClock
) -> None:
    secret = api.world.login("partner")
    clock.advance(minutes=6)
    for _ in range(5):
        bad = {"password": "wrong password here", "totp": api.world.code("partner")}
        r = api.client.post("/sessions/current/reauth", json=bad, headers=bearer(secret))
        assert r.status_code == 403 and r.json()["type"] == REAUTH
    # The username is locked now, for logins and re-authentication alike.
    good = {"password": PASSWORD, "totp": api.world.code("partner")}
    r = api.client.post("/sessions/current/reauth", json=good, headers=bearer(secret))
    assert r.status_code == 429 and "Retry-After" in r.headers
    assert _export(api, bearer(secret)).status_code == 403


def test_reauth_needs_a_session(api: Api) -> None:
    body = {"password": PASSWORD, "totp": "123456"}
    r = api.post("owner", "/sessions/current/reauth", json=body)
    assert r.status_code == 404


def test_services_refuse_stale_actors(api: Api, clock: FakeClock) -> None:
    """The check is in the services, not only the API: every adapter gets it."""
    db = api.world.db
    token_actor = users.authenticate(db, api.world.tokens["owner_admin"])
    with pytest.raises(ReauthRequired):
        users.issue_token(db, token_actor, TokenIn(label="x"))
    with pytest.raises(ReauthRequired):
        list(records.export(db, users.authenticate(db, api.world.tokens["partner"]), "why"))
    secret = api.world.login("owner_admin")
    assert sessions.authenticate(db, secret).fresh
    clock.advance(minutes=6)
    stale = sessions.authenticate(db, secret)
    assert stale.credential == "session" and not stale.fresh
    owner = api.world.actors["owner"].user_id or ""
    with pytest.raises(ReauthRequired):
        users.update_user(db, stale, owner, UserUpdate(roles=[Role.ANALYST]))
    # Other changes need no re-entry; the command line (local) is always fresh.
    users.update_user(db, stale, owner, UserUpdate(display_name="O."))
    assert users.actor_by_username(db, "owner_admin").fresh

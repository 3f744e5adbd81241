"""Login sessions over the API: login, logout, idle and absolute timeouts, sessions ended by a
disabled user or a role change on the very next request, no fixation, TOTP never replayed."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from api.conftest import Api, state_of
from conftest import FakeClock
from tanseeq.services import totp
from world import PASSWORD


def login(api: Api, name: str, **override: Any) -> Any:
    body = {"username": name, "password": PASSWORD, "totp": api.world.code(name), **override}
    return api.client.post("/sessions", json=body)


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_login_use_and_logout(api: Api) -> None:
    api.world.enrol("owner")
    r = login(api, "owner")
    assert r.status_code == 201, r.text
    issued = r.json()
    secret = issued["token"]
    assert secret.startswith("tss_") and len(secret) >= 4 + 43  # 256 bits, base64url
    assert r.headers["cache-control"] == "no-store"
    assert api.client.get("/agencies", headers=bearer(secret)).status_code == 200
    current = api.client.get("/sessions/current", headers=bearer(secret)).json()
    assert current["id"] == issued["id"] and current["username"] == "owner"
    assert api.client.delete("/sessions/current", headers=bearer(secret)).status_code == 204
    assert api.client.get("/agencies", headers=bearer(secret)).status_code == 401
    assert api.client.get("/sessions/current", headers=bearer(secret)).status_code == 401


def test_login_by_form_is_the_same_login(api: Api) -> None:
    api.world.enrol("partner")
    form = {"username": "partner", "password": PASSWORD, "totp": api.world.code("partner")}
    r = api.client.post("/sessions", data=form)
    assert r.status_code == 201, r.text
    assert api.client.get("/agencies", headers=bearer(r.json()["token"])).status_code == 200


def test_every_login_gets_a_new_session(api: Api, clock: FakeClock) -> None:
    """No fixation: nothing the client sends before logging in becomes its session."""
    api.world.enrol("owner")
    planted = "tss_" + "A" * 43
    first = api.client.post(
        "/sessions",
        json={"username": "owner", "password": PASSWORD, "totp": api.world.code("owner")},
        headers=bearer(planted),
    ).json()
    second = login(api, "owner").json()
    assert len({first["token"], second["token"], planted}) == 3
    assert first["id"] != second["id"]
    assert api.client.get("/agencies", headers=bearer(planted)).status_code == 401


def test_idle_timeout(api: Api, clock: FakeClock) -> None:
    api.world.enrol("owner")
    secret = login(api, "owner").json()["token"]
    for _ in range(3):  # used within the idle limit, it lives on
        clock.advance(minutes=29)
        assert api.client.get("/agencies", headers=bearer(secret)).status_code == 200
    clock.advance(minutes=30)
    assert api.client.get("/agencies", headers=bearer(secret)).status_code == 401


def test_absolute_timeout(api: Api, clock: FakeClock) -> None:
    api.world.enrol("owner")
    secret = login(api, "owner").json()["token"]
    for _ in range(11 * 3):  # busy all day: every 20 minutes for 11 hours
        clock.advance(minutes=20)
        assert api.client.get("/agencies", headers=bearer(secret)).status_code == 200
    clock.advance(minutes=59)
    assert api.client.get("/agencies", headers=bearer(secret)).status_code == 401


def test_disabling_a_user_ends_their_sessions_on_the_next_request(api: Api) -> None:
    api.world.enrol("owner")
    secret = login(api, "owner").json()["token"]
    assert api.client.get("/agencies", headers=bearer(secret)).status_code == 200
    owner_id = api.world.actors["owner"].user_id
    r = api.patch("owner_admin", f"/users/{owner_id}", json={"active": False})
    assert r.status_code == 200, r.text
    assert api.client.get("/agencies", headers=bearer(secret)).status_code == 401
    # Enabled again, the old session stays ended: only a new login opens one.
    api.patch("owner_admin", f"/users/{owner_id}", json={"active": True})
    assert api.client.get("/agencies", headers=bearer(secret)).status_code == 401
    assert login(api, "owner").status_code == 201


def test_a_role_change_ends_sessions_on_the_next_request(api: Api) -> None:
    api.world.enrol("owner")
    secret = login(api, "owner").json()["token"]
    owner_id = api.world.actors["owner"].user_id
    r = api.patch("owner_admin*", f"/users/{owner_id}", json={"roles": ["officer"]})
    assert r.status_code == 200, r.text
    assert api.client.get("/agencies", headers=bearer(secret)).status_code == 401
    # An API token carries no roles of its own: it acts with the new roles at once.
    assert api.get("owner", "/records/export", params={"justification": "x"}).status_code == 403


def test_a_totp_code_is_never_accepted_twice(api: Api, clock: FakeClock) -> None:
    api.world.enrol("owner")
    code = api.world.code("owner")
    body = {"username": "owner", "password": PASSWORD, "totp": code}
    assert api.client.post("/sessions", json=body).status_code == 201
    assert api.client.post("/sessions", json=body).status_code == 401  # same moment
    clock.advance(seconds=totp.STEP_SECONDS)  # still inside the window of ±1 step
    assert api.client.post("/sessions", json=body).status_code == 401
    # Nor an older code of the window, once a newer one was used.
    clock.advance(seconds=totp.STEP_SECONDS)
    seed = api.world.totp_seeds["owner"]
    now = totp.step_at(clock())
    newer = {**body, "totp": totp.code_at_step(seed, now + 1)}
    older = {**body, "totp": totp.code_at_step(seed, now)}
    assert api.client.post("/sessions", json=newer).status_code == 201
    assert api.client.post("/sessions", json=older).status_code == 401


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
def test_other_methods_on_the_login_are_refused(api: Api, method: str) -> None:
    api.world.enrol("owner")
    before = state_of(api.world.db)
    body = {"username": "owner", "password": PASSWORD, "totp": api.world.code("owner")}
    r = api.client.request(method, "/sessions", json=body, params=body)
    assert r.status_code == 405
    assert state_of(api.world.db) == before  # no attempt counted, no session, no audit entry


def test_only_live_issued_session_secrets_authenticate(api: Api, clock: FakeClock) -> None:
    """Token confusion: no id, hash or look-alike of a session is a session."""
    api.world.enrol("owner")
    issued = login(api, "owner").json()
    secret, owner_id = issued["token"], issued["user_id"]
    ended = login(api, "owner").json()["token"]
    api.client.delete("/sessions/current", headers=bearer(ended))
    api_token = api.world.tokens["owner"]
    forged = {
        "session id": issued["id"],
        "prefixed session id": "tss_" + issued["id"],
        "prefixed user id": "tss_" + owner_id,
        "stored hash": hashlib.sha256(secret.encode()).hexdigest(),
        "prefixed stored hash": "tss_" + hashlib.sha256(secret.encode()).hexdigest(),
        "session secret as a token": "tsq_" + secret.removeprefix("tss_"),
        "token as a session secret": "tss_" + api_token.removeprefix("tsq_"),
        "ended session": ended,
        "secret with junk": secret + "x",
        "truncated secret": secret[:-1],
    }
    for label, value in forged.items():
        r = api.client.get("/agencies", headers=bearer(value))
        assert r.status_code == 401, label
    assert api.client.get("/agencies", headers=bearer(secret)).status_code == 200


def test_changing_ones_password(api: Api) -> None:
    api.world.enrol("owner")
    here = login(api, "owner").json()["token"]
    elsewhere = login(api, "owner").json()["token"]
    new = "An entirely new passphrase"
    change = {"password": PASSWORD, "new_password": new, "totp": api.world.code("owner")}
    # The current password is required, and a failure counts like a failed login.
    wrong = {**change, "password": "not the current one"}
    r = api.client.post("/sessions/current/password", json=wrong, headers=bearer(here))
    assert r.status_code == 403 and r.json()["type"].endswith("reauthentication-required")
    weak = {**change, "new_password": "owner"}
    r = api.client.post("/sessions/current/password", json=weak, headers=bearer(here))
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == "new_password"
    assert "owner" not in r.json()["detail"].split(":")[-1]
    r = api.client.post("/sessions/current/password", json=change, headers=bearer(here))
    assert r.status_code == 200, r.text
    assert api.client.get("/agencies", headers=bearer(here)).status_code == 200
    assert api.client.get("/agencies", headers=bearer(elsewhere)).status_code == 401
    assert login(api, "owner").status_code == 401
    assert login(api, "owner", password=new).status_code == 201
    # An API token cannot: it has no session.
    r = api.post("owner", "/sessions/current/password", json={**change, "password": new})
    assert r.status_code == 404

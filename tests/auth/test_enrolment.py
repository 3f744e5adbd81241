"""Enrolment and passwords: admins issue one-time secrets, users set an argon2id-hashed password
and a TOTP seed confirmed by a first code; resets end the old credentials and sessions."""

from __future__ import annotations

from typing import Any

import httpx
import sqlalchemy as sa

from api.conftest import Api
from conftest import FakeClock
from tanseeq.services import passwords, totp
from tanseeq.settings import Settings
from tanseeq.store.tables import User
from world import PASSWORD


def issue(api: Api, who: str, user: str) -> httpx.Response:
    return api.post(who, f"/users/{user}/enrolment")


def complete(api: Api, user: str, secret: str, password: str = PASSWORD) -> str:
    r = api.client.post(
        "/enrolment", json={"username": user, "secret": secret, "password": password}
    )
    assert r.status_code == 200, r.text
    seed = r.json()["totp_secret"]
    assert r.json()["otpauth_uri"].startswith("otpauth://totp/")
    code = totp.code_at_step(seed, totp.step_at(api.world.db.clock()))
    r = api.client.post(
        "/enrolment/confirm", json={"username": user, "secret": secret, "totp": code}
    )
    assert r.status_code == 200, r.text
    api.world.totp_seeds[user] = seed
    return seed


def stored_hash(api: Api, user: str) -> str | None:
    with api.world.db.transaction() as s:
        return s.scalar(sa.select(User.password_hash).where(User.username == user))


def login(api: Api, user: str, password: str = PASSWORD) -> httpx.Response:
    code = api.world.code(user) if user in api.world.totp_seeds else "000000"
    body = {"username": user, "password": password, "totp": code}
    return api.client.post("/sessions", json=body)


def test_enrol_then_log_in(api: Api) -> None:
    r = api.post(
        "owner_admin*",
        "/users",
        json={"username": "new.officer", "display_name": "N", "roles": ["officer"]},
    )
    assert r.status_code == 201
    assert login(api, "new.officer").status_code == 401  # no password yet
    issued = issue(api, "owner_admin*", "new.officer")
    assert issued.status_code == 201, issued.text
    secret = issued.json()["secret"]
    assert secret.startswith("tse_")
    complete(api, "new.officer", secret)
    # argon2id with the node's parameters, as a PHC string
    assert (stored_hash(api, "new.officer") or "").startswith("$argon2id$v=19$m=8192,t=1,p=1$")
    assert login(api, "new.officer").status_code == 201
    # The secret is spent.
    again = api.client.post(
        "/enrolment", json={"username": "new.officer", "secret": secret, "password": PASSWORD}
    )
    assert again.status_code == 401


def test_a_wrong_first_code_does_not_enrol(api: Api) -> None:
    secret = issue(api, "owner_admin*", "owner").json()["secret"]
    r = api.client.post(
        "/enrolment", json={"username": "owner", "secret": secret, "password": PASSWORD}
    )
    seed = r.json()["totp_secret"]
    wrong = totp.code_at_step(seed, totp.step_at(api.world.db.clock()) + 5)
    r = api.client.post(
        "/enrolment/confirm", json={"username": "owner", "secret": secret, "totp": wrong}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == "totp"
    assert stored_hash(api, "owner") is None


def test_secrets_expire_and_name_their_user(api: Api, clock: FakeClock) -> None:
    secret = issue(api, "owner_admin*", "owner").json()["secret"]
    body: dict[str, Any] = {"username": "owner_admin", "secret": secret, "password": PASSWORD}
    assert api.client.post("/enrolment", json=body).status_code == 401  # someone else's
    clock.advance(hours=72, seconds=1)
    body["username"] = "owner"
    assert api.client.post("/enrolment", json=body).status_code == 401


def test_password_policy(api: Api) -> None:
    secret = issue(api, "owner_admin*", "owner").json()["secret"]
    for bad, why in [
        ("short pass", "at least 12"),
        ("OWNER", "at least 12"),
        ("x" * 1025, "at most 1024"),
        (" " * 14, "blank"),
    ]:
        r = api.client.post(
            "/enrolment", json={"username": "owner", "secret": secret, "password": bad}
        )
        assert r.status_code == 422, (bad[:20], r.text)
        assert r.json()["errors"][0] == {"loc": "password", "msg": r.json()["errors"][0]["msg"]}
        assert why in r.json()["errors"][0]["msg"] and bad not in r.text
    # Not the username, however spelt.
    api.post(
        "owner_admin*",
        "/users",
        json={"username": "long.username.rabat", "display_name": "L", "roles": ["officer"]},
    )
    secret = issue(api, "owner_admin*", "long.username.rabat").json()["secret"]
    r = api.client.post(
        "/enrolment",
        json={
            "username": "long.username.rabat",
            "secret": secret,
            "password": "Long.Username.RABAT",
        },
    )
    assert r.status_code == 422 and "username" in r.json()["errors"][0]["msg"]


def test_a_reset_ends_the_old_password_and_sessions(api: Api) -> None:
    old = api.world.login("owner")
    assert (
        api.client.get("/agencies", headers={"Authorization": f"Bearer {old}"}).status_code == 200
    )
    secret = issue(api, "owner_admin*", "owner").json()["secret"]
    assert (
        api.client.get("/agencies", headers={"Authorization": f"Bearer {old}"}).status_code == 401
    )
    assert login(api, "owner").status_code == 401  # the old password is gone at once
    complete(api, "owner", secret, password="A brand new passphrase")
    assert login(api, "owner", password="A brand new passphrase").status_code == 201


def test_who_may_issue_enrolments(api: Api) -> None:
    mine = api.world.actors["owner"].user_id
    theirs = api.world.actors["unrelated"].user_id
    assert issue(api, "owner_admin", str(mine)).json()["type"].endswith("reauthentication-required")
    assert issue(api, "owner*", str(mine)).status_code == 403  # officers manage nobody
    assert issue(api, "owner_admin*", str(theirs)).status_code == 404  # another agency's user
    assert issue(api, "owner_admin*", "owner_admin").status_code == 403  # not one's own
    # Nor a peer's: whoever holds the secret chooses the password.
    r = api.post(
        "owner_admin*",
        "/users",
        json={"username": "second.admin", "display_name": "A", "roles": ["agency_admin"]},
    )
    assert r.status_code == 201
    assert issue(api, "owner_admin*", "second.admin").status_code == 403
    # The hub onboards a new agency admin once, never an admin already at work.
    r = api.post(
        "hub_admin*",
        "/users",
        json={
            "username": "sn.admin",
            "display_name": "S",
            "roles": ["agency_admin"],
            "agency": "SN-NCB",
        },
    )
    assert r.status_code == 201
    first = issue(api, "hub_admin*", "sn.admin")
    assert first.status_code == 201
    complete(api, "sn.admin", first.json()["secret"])
    assert issue(api, "hub_admin*", "sn.admin").status_code == 403
    assert issue(api, "hub_admin*", str(theirs)).status_code == 403  # not an admin


def test_an_outdated_hash_is_upgraded_at_login(api: Api) -> None:
    api.world.enrol("owner")
    assert ",t=1," in (stored_hash(api, "owner") or "")
    db = api.world.db
    db.settings = db.settings.model_copy(update={"password_hash_time_cost": 2})
    assert login(api, "owner").status_code == 201
    assert ",t=2," in (stored_hash(api, "owner") or "")
    assert login(api, "owner").status_code == 201


def test_the_node_hashes_with_rfc_9106_parameters_by_default() -> None:
    """argon2id, 64 MiB, 3 passes, 4 lanes (RFC 9106's second recommended option)."""
    stored = passwords.hash_password(Settings(), PASSWORD)
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert passwords.verify(Settings(), stored, PASSWORD)
    assert not passwords.verify(Settings(), stored, PASSWORD + " ")

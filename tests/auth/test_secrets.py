"""Planted secrets — a password, a TOTP seed, a session secret, an enrolment secret — never
appear in the audit log, an error response or a log line, whatever the caller gets wrong."""

from __future__ import annotations

import json
import logging

import httpx
import pytest
import sqlalchemy as sa

from api.conftest import Api
from conftest import FakeClock
from tanseeq.services import totp
from tanseeq.store.tables import AuditRow

PLANTED = "Planted-Passw0rd-7c41e9"


def test_planted_secrets_never_leak(
    api: Api, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    errors: list[httpx.Response] = []

    def call(method: str, path: str, **kw: object) -> httpx.Response:
        r = api.client.request(method, path, **kw)  # type: ignore[arg-type]
        if r.status_code >= 400:
            errors.append(r)
        return r

    enrolment = api.post("owner_admin*", "/users/owner/enrolment").json()["secret"]
    started = call(
        "POST", "/enrolment", json={"username": "owner", "secret": enrolment, "password": PLANTED}
    ).json()
    seed = started["totp_secret"]
    now = totp.step_at(clock())
    call(
        "POST",
        "/enrolment/confirm",
        json={"username": "owner", "secret": enrolment, "totp": totp.code_at_step(seed, now)},
    )
    good = {"username": "owner", "password": PLANTED, "totp": totp.code_at_step(seed, now + 1)}
    session = call("POST", "/sessions", json=good).json()["token"]
    auth = {"Authorization": f"Bearer {session}"}
    # Everything a confused or hostile caller might send, secrets in every wrong place.
    call("POST", "/sessions", json={**good, "username": PLANTED})  # password typed as name
    call("POST", "/sessions", data={**good, "password": PLANTED + "x"})
    call("POST", "/sessions", json={**good, "totp": "000000"})
    call("POST", "/sessions", json={**good, "password": seed})
    call("POST", "/sessions", json={**good, "extra": PLANTED})
    call(
        "POST",
        "/sessions",
        content=f'{{"password": "{PLANTED}"',
        headers={"content-type": "application/json"},
    )
    call("POST", "/enrolment", json={"username": "owner", "secret": enrolment, "password": PLANTED})
    call("POST", "/enrolment", json={"username": "owner", "secret": session, "password": "short"})
    call(
        "POST",
        "/sessions/current/reauth",
        json={"password": PLANTED + "!", "totp": "000000"},
        headers=auth,
    )
    # Credentials pasted into a path: the node's refusal log must not keep them (the error
    # response may repeat the caller's own URL in ``instance``, so these are not collected).
    api.client.get(f"/records/{session}", headers=auth)
    api.client.get(f"/agencies/{enrolment}", headers=auth)
    api.client.patch(f"/users/{session}", json={"display_name": "x"}, headers=auth)
    call("GET", "/agencies", headers={"Authorization": f"Bearer {session}x"})
    for _ in range(6):  # into the lockout
        call("POST", "/sessions", json={**good, "password": PLANTED + "?"})
    call("DELETE", "/sessions/current", headers=auth)
    call("GET", "/agencies", headers=auth)  # after logout
    assert len(errors) >= 14

    secrets = {"password": PLANTED, "seed": seed, "session": session, "enrolment": enrolment}
    with api.world.db.transaction() as s:
        audit = json.dumps(
            [
                [
                    r.user_id,
                    r.agency_id,
                    r.action,
                    r.object_ids,
                    r.justification,
                    r.recipients,
                    r.detail,
                ]
                for r in s.scalars(sa.select(AuditRow))
            ],
            ensure_ascii=False,
        )
    assert '"session.login"' in audit and '"session.lockout"' in audit
    places = {
        "audit log": audit,
        "error responses": "\n".join(r.text + repr(dict(r.headers)) for r in errors),
        # The node's log lines; the test client's own (httpx logs the URLs it was given) are
        # the caller's, not the node's.
        "log lines": "\n".join(
            f"{r.name} {r.getMessage()} {r.exc_text or ''}"
            for r in caplog.records
            if not r.name.startswith(("httpx", "httpcore"))
        ),
    }
    leaks = [
        f"{what} in the {where}"
        for what, secret in secrets.items()
        for where, text in places.items()
        if secret in text or secret.lower() in text.lower()
    ]
    assert not leaks, leaks

"""Failed logins are throttled per username in the database: every spelling, content type and
unknown name counts, the lock survives a new app (a restart, another worker), and the locked
answer is the same whichever factor was wrong — or right."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from api.conftest import Api
from conftest import FakeClock
from tanseeq.api.app import create_app
from tanseeq.store.tables import AuditRow, LoginThrottle
from world import PASSWORD

WRONG = "not the password at all"
LIMIT = 5  # login_max_failures default


def attempt(client: TestClient, form: bool, **fields: str) -> httpx.Response:
    if form:
        return client.post("/sessions", data=fields)
    return client.post("/sessions", json=fields)


def right(api: Api, name: str = "owner") -> dict[str, str]:
    return {"username": name, "password": PASSWORD, "totp": api.world.code(name)}


def comparable(r: httpx.Response) -> tuple[int, str, Any]:
    return r.status_code, r.headers["content-type"], r.json()


def test_spellings_and_content_types_share_one_counter(api: Api, clock: FakeClock) -> None:
    api.world.enrol("owner")
    spellings = ["owner", "OWNER", " owner ", "ｏｗｎｅｒ", "Owner\t"]  # case, width, spaces
    for i, name in enumerate(spellings):
        r = attempt(api.client, form=i % 2 == 1, username=name, password=WRONG, totp="000000")
        assert r.status_code == 401, r.text
    # Locked now: even the right password and code are not looked at, by JSON or by form.
    for form in (False, True):
        r = attempt(api.client, form=form, **right(api))
        assert r.status_code == 429, r.text
        assert 0 < int(r.headers["Retry-After"]) <= 60
    clock.advance(seconds=61)
    assert attempt(api.client, form=True, **right(api)).status_code == 201


def test_the_lock_survives_a_new_app(api: Api, clock: FakeClock) -> None:
    api.world.enrol("owner")
    for _ in range(LIMIT):
        attempt(api.client, form=False, username="owner", password=WRONG, totp="123456")
    with TestClient(create_app(db=api.world.db)) as restarted:
        r = attempt(restarted, form=False, **right(api))
        assert r.status_code == 429
        assert int(r.headers["Retry-After"]) > 0


def test_unknown_usernames_are_throttled_alike(api: Api) -> None:
    """No enumeration: an unknown name fails, locks and answers exactly like a known one."""
    api.world.enrol("owner")
    known, unknown = [], []
    for _ in range(LIMIT + 1):
        known.append(attempt(api.client, False, username="owner", password=WRONG, totp="111111"))
        unknown.append(attempt(api.client, False, username="nobody", password=WRONG, totp="1" * 6))
    assert [comparable(r) for r in known] == [comparable(r) for r in unknown]
    assert [r.status_code for r in known] == [401] * LIMIT + [429]


def test_the_answer_never_says_which_factor_was_wrong(api: Api, clock: FakeClock) -> None:
    api.world.enrol("owner")
    api.world.enrol("partner")
    disabled = api.world.actors["partner"].user_id
    api.patch("hub_admin", f"/users/{disabled}", json={"active": False})
    seed_code = api.world.code("owner")
    failures = {
        "wrong password": {"username": "owner", "password": WRONG, "totp": seed_code},
        "wrong code": {"username": "owner", "password": PASSWORD, "totp": "000000"},
        "unknown user": {"username": "nobody.here", "password": PASSWORD, "totp": seed_code},
        "disabled user": right(api, "partner"),
        "never enrolled": {"username": "unrelated", "password": PASSWORD, "totp": seed_code},
    }
    answers = {
        why: comparable(attempt(api.client, False, **body)) for why, body in failures.items()
    }
    assert len(set(map(repr, answers.values()))) == 1, answers
    assert next(iter(answers.values()))[0] == 401
    # Locked: a right and a wrong password get the same 429 (but for the seconds left).
    for _ in range(LIMIT):
        attempt(api.client, False, username="owner", password=WRONG, totp="000000")
    locked_right = attempt(api.client, False, **right(api))
    locked_wrong = attempt(api.client, False, username="owner", password=WRONG, totp="000000")
    assert comparable(locked_right) == comparable(locked_wrong)
    assert locked_right.status_code == 429


def test_lockouts_grow_and_a_success_clears_the_count(api: Api, clock: FakeClock) -> None:
    api.world.enrol("owner")
    for _ in range(LIMIT):
        attempt(api.client, False, username="owner", password=WRONG, totp="000000")
    first = int(attempt(api.client, False, **right(api)).headers["Retry-After"])
    clock.advance(seconds=first)
    attempt(api.client, False, username="owner", password=WRONG, totp="000000")  # one more
    second = int(attempt(api.client, False, **right(api)).headers["Retry-After"])
    assert second == 2 * first
    clock.advance(seconds=second)
    assert attempt(api.client, False, **right(api)).status_code == 201
    # Cleared: the next failures start from zero.
    for _ in range(LIMIT - 1):
        assert (
            attempt(api.client, False, username="owner", password=WRONG, totp="0" * 6).status_code
            == 401
        )
    assert attempt(api.client, False, **right(api)).status_code == 201


def test_failed_logins_and_lockouts_are_audited(api: Api) -> None:
    import sqlalchemy as sa

    api.world.enrol("owner")
    owner_id = api.world.actors["owner"].user_id
    assert attempt(api.client, False, **right(api)).status_code == 201
    for _ in range(LIMIT + 1):
        attempt(api.client, False, username="owner", password=WRONG, totp="000000")
    with api.world.db.transaction() as s:
        rows = s.scalars(
            sa.select(AuditRow).where(AuditRow.action.like("session.%")).order_by(AuditRow.seq)
        ).all()
    seen = [(r.action, r.outcome, r.detail.get("reason")) for r in rows]
    assert seen == [
        ("session.login", "ok", None),
        *[("session.login", "denied", "bad credentials")] * LIMIT,
        ("session.lockout", "denied", None),
        ("session.login", "denied", "locked"),
    ]
    assert all(owner_id in r.object_ids for r in rows)


def test_every_failure_costs_one_hash_check(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """Unknown, disabled and never-enrolled users get an argon2 check too (against a dummy
    hash), so the time an answer takes does not tell them apart from a wrong password."""
    api.world.enrol("owner")
    api.world.enrol("partner")
    api.patch("hub_admin", f"/users/{api.world.actors['partner'].user_id}", json={"active": False})
    checks: list[int] = []
    real = PasswordHasher.verify

    def counted(self: PasswordHasher, hash: str | bytes, password: str | bytes) -> bool:
        checks.append(1)
        return real(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counted)
    for name in ("owner", "nobody.at.all", "partner", "unrelated"):
        before = len(checks)
        r = attempt(api.client, False, username=name, password=WRONG + "!", totp="000000")
        assert r.status_code == 401
        assert len(checks) == before + 1, name


def test_parallel_guesses_are_each_counted(api: Api) -> None:
    """The counter row is locked for the whole attempt: guesses sent at once cannot race past
    the limit (a lost update would let an attacker try more than ``login_max_failures``)."""
    api.world.enrol("owner")
    body = {"username": "owner", "password": WRONG, "totp": "000000"}
    with ThreadPoolExecutor(max_workers=4) as pool:
        codes = list(
            pool.map(lambda _: api.client.post("/sessions", json=body).status_code, range(8))
        )
    assert sorted(codes) == [401] * LIMIT + [429] * 3
    with api.world.db.transaction() as s:
        assert s.scalar(sa.select(LoginThrottle.failures)) == LIMIT

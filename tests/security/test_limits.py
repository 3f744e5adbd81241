"""Resource limits: a per-credential rate limit (429 with ``Retry-After``), batch and page
sizes; over any of them the answer is a 4xx problem, never a 5xx, and nothing is written."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from api.conftest import Api, state_of
from conftest import DatabaseFactory, FakeClock
from tanseeq.api.app import create_app
from tanseeq.api.ratelimit import RateLimited, RateLimiter
from world import build_world

BURST = 5


@pytest.fixture
def limited(make_db: DatabaseFactory, clock: FakeClock) -> Iterator[Api]:
    db = make_db(
        clock,
        rate_limit_burst=BURST,
        rate_limit_per_minute=60,
        max_match_batch=2,
        max_match_values=4,
    )
    with TestClient(create_app(db=db)) as client:
        yield Api(client, build_world(db))


def _statuses(api: Api, who: str, n: int, path: str = "/agencies") -> list[int]:
    return [api.get(who, path).status_code for _ in range(n)]


def test_a_credential_over_its_rate_gets_429_with_retry_after(
    limited: Api, clock: FakeClock
) -> None:
    assert _statuses(limited, "owner", BURST) == [200] * BURST
    r = limited.get("owner", "/agencies")
    assert r.status_code == 429
    assert r.headers["content-type"] == "application/problem+json"
    assert r.headers["retry-after"] == "1"  # 60 a minute: one more a second
    assert r.json()["status"] == 429
    # Another credential has its own bucket; time refills this one.
    assert limited.get("partner", "/agencies").status_code == 200
    clock.advance(seconds=1)
    assert _statuses(limited, "owner", 2) == [200, 429]
    clock.advance(minutes=10)  # never more than the burst, however long the pause
    assert _statuses(limited, "owner", BURST + 1) == [200] * BURST + [429]


def test_the_limit_holds_for_every_method_and_invalid_credentials(
    limited: Api, clock: FakeClock
) -> None:
    """Checked before authentication and before the body is read: a refused write writes
    nothing, and an unknown token is limited like a real one (so 429 says nothing about it)."""
    _statuses(limited, "owner", BURST)
    before = state_of(limited.world.db)
    body = {"schema": "Person", "properties": {"name": ["Amina"]}}
    for method in ("POST", "PATCH", "GET"):
        r = limited.call("owner", method, "/records", json=body, params={"justification": "x"})
        assert r.status_code in (405, 429), (method, r.status_code)
    assert limited.post("owner", "/records", json=body).status_code == 429
    assert state_of(limited.world.db) == before
    bad = {"Authorization": "Bearer tsq_" + "B" * 43}
    got = [limited.client.get("/agencies", headers=bad).status_code for _ in range(BURST + 1)]
    assert got == [401] * BURST + [429]


def test_buckets_hold_digests_not_credentials() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    limiter = RateLimiter(per_minute=0, burst=1, clock=lambda: now, size=2)
    limiter.take("Bearer tsq_secret")
    with pytest.raises(RateLimited) as refused:
        limiter.take("Bearer tsq_secret")
    assert refused.value.retry_after == 3600  # a rate of 0: only the burst, ever
    assert all(len(k) == 32 and b"tsq_" not in k for k in limiter._buckets)
    # Bounded: the least recently used bucket goes first.
    limiter.take("a")
    limiter.take("b")
    assert len(limiter._buckets) == 2
    limiter.take("Bearer tsq_secret")  # forgotten, so a fresh bucket


def test_a_clock_set_back_refills_nothing() -> None:
    now = [datetime(2026, 1, 1, tzinfo=UTC)]
    limiter = RateLimiter(per_minute=60, burst=1, clock=lambda: now[0])
    limiter.take("x")
    now[0] -= timedelta(hours=1)
    with pytest.raises(RateLimited):
        limiter.take("x")


def test_batch_and_page_sizes(limited: Api, clock: FakeClock) -> None:
    why = {"justification": "limits"}
    queries = {f"q{i}": {"schema": "Person", "properties": {"name": ["Amina"]}} for i in range(3)}
    before = state_of(limited.world.db)
    r = limited.post("owner", "/match/hub", params=why, json={"queries": queries})
    assert r.status_code == 413 and r.headers["content-type"] == "application/problem+json"
    assert state_of(limited.world.db) == before
    # Two queries, but five values in all: over the per-request value budget.
    heavy = {
        "a": {
            "schema": "Person",
            "properties": {"name": ["Amina", "Amina B"], "birthDate": "1990"},
        },
        "b": {"schema": "Person", "properties": {"name": ["Karim", "Karim B"]}},
    }
    r = limited.post("owner", "/match/hub", params=why, json={"queries": heavy})
    assert r.status_code == 413 and "property values" in r.json()["detail"]
    heavy["a"]["properties"].pop("birthDate")
    r = limited.post("owner", "/match/hub", params=why, json={"queries": heavy})
    assert r.status_code == 200, r.text
    failures = []
    for path, params in (
        ("/records", why),
        ("/notices", {}),
        ("/hits", {}),
        ("/hits", {"direction": "sent"}),
        ("/audit/entries", {}),
    ):
        who = "compliance" if path.startswith("/audit") else "owner"
        for limit in (0, -1, 501, 10**12):
            clock.advance(minutes=1)
            r = limited.get(who, path, params={**params, "limit": limit})
            if r.status_code != 422 or r.json()["errors"][0]["loc"] != "limit":
                failures.append(f"{path} limit={limit}: {r.status_code} {r.text[:120]}")
    assert not failures, "\n".join(failures)


def test_no_list_takes_an_offset_the_database_cannot_hold(api: Api) -> None:
    """Every operation with an ``offset`` (read from the OpenAPI document, so new lists are
    covered): one past 64 bits is a 422 naming it, never a 500 (SQLite raised OverflowError)."""
    doc = api.get(None, "/openapi.json").json()
    paged = [
        path
        for path, ops in doc["paths"].items()
        if "get" in ops and any(p["name"] == "offset" for p in ops["get"].get("parameters", []))
    ]
    assert len(paged) >= 5, paged
    failures = []
    for path in paged:
        for who in ("owner", "compliance"):
            r = api.get(who, path, params={"offset": 2**70, "justification": "offset check"})
            if r.status_code == 403:
                continue  # a role refusal comes first; the other caller reaches the check
            if r.status_code != 422 or "offset" not in [e["loc"] for e in r.json()["errors"]]:
                failures.append(f"{path} as {who}: {r.status_code} {r.text[:120]}")
    assert not failures, "\n".join(failures)

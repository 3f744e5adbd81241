"""How the API fixtures are built.

``api`` is a ``TestClient`` over ``create_app(db=world.db)``: the same database and FakeClock as
the shared world (tests/world.py), so a test moves time with ``clock.advance`` and calls as any
world actor by name (``api.get("partner", "/records")``; ``None`` sends no token; a name ending
in ``*`` sends a fresh login session instead of an API token).
``objects`` adds a few records, notices, agreements and spare tokens of two agencies through
the services, for tests that need someone's "own" and a "foreign" object of each kind.
``state_of(db)`` is every table's row count and the audit tree size: equal before and after
means a request wrote nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tanseeq.api.app import create_app
from tanseeq.schemas import AgreementIn, NoticeIn, RecordIn, TokenIn, TransitionIn
from tanseeq.services import agreements, notices, records, users
from tanseeq.services.context import OPERATOR
from tanseeq.store.database import Database
from tanseeq.store.tables import AuditState, Base
from workflows.factories import workflow_objects
from world import World


@dataclass
class Api:
    client: TestClient
    world: World

    def headers(self, who: str | None) -> dict[str, str]:
        """``"owner"`` sends owner's API token; ``"owner*"`` a fresh login session of owner
        (what token creation, role changes and exports want); ``None`` nothing."""
        if who is None:
            return {}
        if who.endswith("*"):
            return {"Authorization": f"Bearer {self.world.session(who[:-1])}"}
        return {"Authorization": f"Bearer {self.world.tokens[who]}"}

    def call(self, who: str | None, method: str, path: str, **kw: Any) -> httpx.Response:
        headers = {**self.headers(who), **kw.pop("headers", {})}
        return self.client.request(method, path, headers=headers, **kw)

    def get(self, who: str | None, path: str, **kw: Any) -> httpx.Response:
        return self.call(who, "GET", path, **kw)

    def post(self, who: str | None, path: str, **kw: Any) -> httpx.Response:
        return self.call(who, "POST", path, **kw)

    def patch(self, who: str | None, path: str, **kw: Any) -> httpx.Response:
        return self.call(who, "PATCH", path, **kw)


@pytest.fixture
def api(world: World) -> Iterator[Api]:
    with TestClient(create_app(db=world.db)) as client:
        yield Api(client, world)


def state_of(db: Database) -> dict[str, int]:
    # One statement for every count: this runs twice per bad-input case.
    tables = Base.metadata.sorted_tables
    query = sa.select(
        *(
            sa.select(sa.func.count()).select_from(t).scalar_subquery().label(t.name)
            for t in tables
        ),
        sa.select(AuditState.tree_size).where(AuditState.id == 1).scalar_subquery().label("audit"),
    )
    with db.transaction() as session:
        row = session.execute(query).one()
    return {k: v or 0 for k, v in row._mapping.items()}


def person(world: World, who: str, name: str, **extra: Any) -> str:
    data = {"schema": "Person", "properties": {"name": [name]}, **extra}
    return records.create(world.db, world.actors[who], RecordIn.model_validate(data)).id


SHARED = {"distribution": {"kind": "agreement"}, "crime_areas": ["organised_crime"]}


@pytest.fixture
def objects(world: World) -> dict[str, str]:
    """Ids by name. ``*_mine`` belong to MA-NCB (the world's owner), shared with NO-POLICE
    (partner) under the world's agreement; ``*_theirs`` belong to SN-NCB (unrelated) alone."""
    db, a = world.db, world.actors
    ids: dict[str, str] = {}
    ids["record_mine"] = person(world, "owner", "Youssef Hammouchi", **SHARED)
    ids["record_theirs"] = person(world, "unrelated", "Mamadou Diallo")

    def notice(who: str, record: str, dist: dict[str, Any]) -> str:
        data = {"kind": "yellow", "title": "Missing person", "records": [record], **dist}
        return notices.create(db, a[who], NoticeIn.model_validate(data)).id

    def move(nid: str, who: str, action: str) -> None:
        notices.transition(db, a[who], nid, TransitionIn(action=action))

    ids["notice_draft"] = notice("owner", ids["record_mine"], SHARED)
    ids["notice_submitted"] = notice("owner", ids["record_mine"], SHARED)
    move(ids["notice_submitted"], "owner", "submit")
    ids["notice_published"] = notice("owner", ids["record_mine"], SHARED)
    move(ids["notice_published"], "owner", "submit")
    move(ids["notice_published"], "compliance", "publish")
    ids["notice_theirs"] = notice("unrelated", ids["record_theirs"], {})
    ids["agreement_mine"] = world.agreement_id
    ids["agreement_theirs"] = agreements.create(
        db,
        OPERATOR,
        AgreementIn(
            title="NO-SN memorandum",
            parties=["NO-POLICE", "SN-NCB"],
            crime_areas=["fraud"],
            valid_from=date(2025, 1, 1),
        ),
    ).id
    ids["token_mine"] = users.issue_token(db, OPERATOR, TokenIn(user="owner", label="spare")).id
    ids["token_theirs"] = users.issue_token(
        db, OPERATOR, TokenIn(user="unrelated", label="spare")
    ).id
    ids["user_mine"] = a["owner"].user_id or ""
    ids["user_theirs"] = a["unrelated"].user_id or ""
    # Requests for assistance, hit follow-up, notifications: hit_mine, thread_mine, ...
    ids.update(workflow_objects(world, ids["record_mine"]))
    return ids

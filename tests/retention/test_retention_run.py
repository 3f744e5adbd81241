"""``tanseeq retention run`` (idempotent: twice = the same result) and the server's schedule."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.conftest import SHARED, state_of
from conftest import DatabaseFactory, FakeClock
from tanseeq.api import scheduler
from tanseeq.api.app import create_app
from tanseeq.cli.app import app
from tanseeq.schemas import RecordIn
from tanseeq.services import records, retention
from tanseeq.store.database import Database
from tanseeq.store.tables import Erasure, Record
from world import build_world

# The command runs on the real clock: data created in 2019 is long past its review date and
# its grace period (5 years + 90 days) by the time the test runs.
LONG_AGO = datetime(2019, 3, 1, 9, 0, tzinfo=UTC)


def _old_record(db: Database) -> str:
    world = build_world(db)
    data = {"schema": "Person", "properties": {"name": ["Ingrid Solberg"]}, **SHARED}
    return records.create(db, world.actors["owner"], RecordIn.model_validate(data)).id


def test_cli_run_twice_gives_the_same_result(make_db: DatabaseFactory) -> None:
    db = make_db(FakeClock(LONG_AGO))
    rid = _old_record(db)
    runner = CliRunner()
    argv = ["--database-url", db.settings.database_url, "retention", "run"]
    first = runner.invoke(app, argv)
    assert first.exit_code == 0, first.output
    assert "reminded 0, expired 1, purged 1" in first.stdout
    after_first = state_of(db)
    second = runner.invoke(app, [*argv, "--json"])
    assert second.exit_code == 0, second.output
    assert '"purged": 0' in second.stdout and '"expired": 0' in second.stdout
    assert state_of(db) == after_first
    third = runner.invoke(app, argv)
    assert "reminded 0, expired 0, purged 0" in third.stdout
    with db.transaction() as session:
        assert session.get(Erasure, rid) is not None


def test_server_runs_retention_on_its_schedule(
    make_db: DatabaseFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock(LONG_AGO)
    db = make_db(clock, retention_interval_seconds=600)
    rid = _old_record(db)
    clock.advance(days=6 * 366)  # past the review date and the grace period
    waited: list[float] = []
    second_wait = threading.Event()

    async def fake_sleep(seconds: float) -> None:
        # The first interval passes at once; then the loop parks until the app shuts down.
        waited.append(seconds)
        if len(waited) > 1:
            second_wait.set()
            await asyncio.Event().wait()

    monkeypatch.setattr(scheduler, "_sleep", fake_sleep)
    with TestClient(create_app(db=db)):
        assert second_wait.wait(timeout=60)  # one run done, the next one pending
    assert waited == [600, 600]
    with db.transaction() as session:
        assert session.get(Record, rid) is None and session.get(Erasure, rid) is not None


def test_no_schedule_when_the_interval_is_zero(
    make_db: DatabaseFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = make_db(FakeClock(LONG_AGO), retention_interval_seconds=0)
    called: list[Any] = []

    async def fake_sleep(seconds: float) -> None:
        called.append(seconds)

    monkeypatch.setattr(scheduler, "_sleep", fake_sleep)
    with TestClient(create_app(db=db)):
        pass
    assert called == []


@pytest.mark.slow
def test_a_purge_larger_than_a_statements_parameter_limit(db: Database, clock: FakeClock) -> None:
    # PostgreSQL takes at most 65,535 parameters a statement: records imported together expire
    # and are purged together, and the purge must not list them all in one IN (...).
    first = _old_record(db)
    copies = 66_000
    with db.transaction() as session:
        row = session.execute(sa.select(Record.__table__).where(Record.id == first)).one()
        template = {**row._asdict(), "status": "expired"}
        session.execute(
            sa.insert(Record.__table__),
            [{**template, "id": f"copy-{i:06d}"} for i in range(copies)],
        )
    clock.advance(days=365 * 20)
    report = retention.run(db)
    assert report.purged == copies + 1
    with db.transaction() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Record)) == 0
        erased = sa.select(sa.func.count()).select_from(Erasure).where(Erasure.kind == "record")
        assert session.scalar(erased) == copies + 1

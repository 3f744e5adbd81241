"""The server loads the screening index when it starts, not at the first search."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from api.conftest import SHARED
from conftest import DatabaseFactory, FakeClock
from tanseeq.api.app import create_app
from tanseeq.schemas import RecordIn
from tanseeq.services import records, screening
from tanseeq.store.database import Database
from world import build_world


def _indexed(db: Database, record_id: str) -> bool:
    hub = screening._INDEXES.get(db)
    return hub is not None and record_id in hub.index


def _a_record(db: Database) -> str:
    data = {"schema": "Person", "properties": {"name": ["Mariama Barry"]}, **SHARED}
    return records.create(db, build_world(db).actors["owner"], RecordIn.model_validate(data)).id


def test_the_server_loads_the_screening_index_at_start(make_db: DatabaseFactory) -> None:
    db = make_db(FakeClock(), index_warmup=True)  # the default of a server
    rid = _a_record(db)
    assert not _indexed(db, rid)
    with TestClient(create_app(db=db)):  # no request at all
        deadline = time.monotonic() + 60
        while not _indexed(db, rid):
            assert time.monotonic() < deadline, "the index was not loaded at start"
            time.sleep(0.02)


def test_no_warmup_when_it_is_turned_off(make_db: DatabaseFactory) -> None:
    db = make_db(FakeClock(), index_warmup=False)
    rid = _a_record(db)
    with TestClient(create_app(db=db)) as client:
        assert client.get("/health").status_code == 200
        time.sleep(0.5)  # the warm-up, were it on, takes a few milliseconds here
    assert not _indexed(db, rid)

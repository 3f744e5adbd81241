"""How fixtures are built.

The backend comes from ``TANSEEQ_TEST_DATABASE_URL``: unset means SQLite (a fresh file per
test, copied from one migrated template, so each test starts from an empty schema in
milliseconds); a ``postgresql+psycopg://`` URL runs the same tests on PostgreSQL in a schema of
this run's own, emptied between tests. ``.ci/run`` runs the suite once on each.

Time is a ``FakeClock`` the test moves (``clock.advance(days=…)``): nothing sleeps.
An autouse fixture removes the developer's own ``TANSEEQ_*`` settings from the environment.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tanseeq.settings import Settings
from tanseeq.store.database import Database
from tanseeq.store.tables import Base
from world import World, build_world

TEST_URL = os.environ.get("TANSEEQ_TEST_DATABASE_URL", "")
START = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("TANSEEQ_") and key != "TANSEEQ_TEST_DATABASE_URL":
            monkeypatch.delenv(key)


def _pg_schema_url(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """SQLite: a migrated template file. PostgreSQL: a migrated schema of this run's own."""
    if TEST_URL.startswith("postgresql"):
        schema = f"tanseeq_test_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(TEST_URL)
        with admin.begin() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
        url = _pg_schema_url(TEST_URL, schema)
        db = Database(Settings(database_url=url))
        db.migrate()
        db.dispose()
        yield url
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()
    else:
        path = tmp_path_factory.mktemp("template") / "template.db"
        db = Database(Settings(database_url=f"sqlite:///{path}"))
        db.migrate()
        db.dispose()  # the last connection closing checkpoints the WAL into the file
        yield str(path)


def _empty_pg(db: Database) -> None:
    names = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        conn.exec_driver_sql("INSERT INTO audit_state (id, tree_size, frontier) VALUES (1, 0, '')")


@dataclass
class DatabaseFactory:
    template: str
    tmp: Path
    opened: list[Database]

    def __call__(self, clock: Callable[[], datetime] | None = None, **settings: object) -> Database:
        if self.template.startswith("postgresql"):
            url = self.template
        else:
            path = self.tmp / f"t{len(self.opened)}-{uuid.uuid4().hex[:6]}.db"
            shutil.copyfile(self.template, path)
            url = f"sqlite:///{path}"
        cfg = Settings(database_url=url, data_dir=self.tmp, **settings)  # type: ignore[arg-type]
        db = Database(cfg, clock=clock or FakeClock())
        if db.engine.dialect.name == "postgresql":
            _empty_pg(db)
        self.opened.append(db)
        return db


@pytest.fixture
def make_db(_template: str, tmp_path: Path) -> Iterator[DatabaseFactory]:
    factory = DatabaseFactory(_template, tmp_path, [])
    yield factory
    for db in factory.opened:
        db.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db(make_db: DatabaseFactory, clock: FakeClock) -> Database:
    return make_db(clock)


@pytest.fixture
def world(db: Database) -> World:
    return build_world(db)

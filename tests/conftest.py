"""How fixtures are built.

The backend comes from ``TANSEEQ_TEST_DATABASE_URL``: unset means SQLite (a fresh file per
test, copied from one migrated template, so each test starts from an empty schema in
milliseconds); a ``postgresql+psycopg://`` URL runs the same tests on PostgreSQL in a schema of
this run's own (one per pytest-xdist worker), emptied between tests. ``.ci/run`` runs the suite
once on each.

On PostgreSQL every ``Database`` of the run shares one engine per URL (all of them point at the
same schema anyway): its pooled connections, SQLAlchemy's compiled statements and the server's
prepared statements then outlive a test instead of being rebuilt by each of ~800. Emptying uses
DELETE, not TRUNCATE (which replaces every table's files: ~60 ms a test against ~5 ms), and
commits do not wait for the WAL flush (``synchronous_commit=off``: no PostgreSQL test is about
surviving a server crash; visibility and atomicity of commits are unchanged).

Time is a ``FakeClock`` the test moves (``clock.advance(days=…)``): nothing sleeps.
An autouse fixture removes the developer's own ``TANSEEQ_*`` settings (and ``COLUMNS``) from the
environment.
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
from tanseeq.store import database
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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked slow run first: spread over pytest-xdist workers, a long test that started
    last would finish alone while the other workers sit idle."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("TANSEEQ_") and key != "TANSEEQ_TEST_DATABASE_URL":
            monkeypatch.delenv(key)
    # The CLI's tables follow COLUMNS when it is set, else a pipe gets them whole; tests read
    # them as a pipe does, whatever the runner exports (pytest-xdist's workers set COLUMNS=80).
    monkeypatch.delenv("COLUMNS", raising=False)


def _pg_schema_url(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}%20-csynchronous_commit%3Doff"


@pytest.fixture(scope="session", autouse=True)
def _one_engine_per_pg_url() -> Iterator[None]:
    """PostgreSQL: every Database of one URL gets the same engine (see the module doc)."""
    if not TEST_URL.startswith("postgresql"):
        yield
        return
    engines: dict[str, sa.Engine] = {}
    fresh = database.make_engine

    def shared(url: str) -> sa.Engine:
        if not url.startswith("postgresql"):
            return fresh(url)
        if url not in engines:
            engines[url] = fresh(url)
        return engines[url]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(database, "make_engine", shared)
        yield
    for engine in engines.values():
        engine.dispose()


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


def empty_database(db: Database) -> None:
    """Back to the migrated template's content: no rows but the audit state's first one.
    Children before parents; no table has a sequence to restart (ids are generated strings)."""
    with db.engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.exec_driver_sql(f"DELETE FROM {table.name}")
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
        # Off unless a test asks: a test's clock stands still, and a warm-up sync between two
        # of its writes would leave the second, stamped at the first's very time, to a recheck
        # that only a moving clock brings (tests/api/test_index_warmup.py turns it on).
        settings.setdefault("index_warmup", False)
        cfg = Settings(database_url=url, data_dir=self.tmp, **settings)  # type: ignore[arg-type]
        db = Database(cfg, clock=clock or FakeClock())
        if db.engine.dialect.name == "postgresql":
            empty_database(db)
        self.opened.append(db)
        return db


@pytest.fixture
def make_db(_template: str, tmp_path: Path) -> Iterator[DatabaseFactory]:
    factory = DatabaseFactory(_template, tmp_path, [])
    yield factory
    if _template.startswith("postgresql"):
        return  # the shared engine keeps its connections for the next test
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

"""The database handle: engine, transactions, clock and schema migrations.

SQLite is the embedded default. It runs in WAL mode with ``synchronous=FULL`` so that an
acknowledged write survives a crash, and every transaction starts with ``BEGIN IMMEDIATE``:
reads write audit entries, and a deferred transaction that later needs the write lock can fail
with SQLITE_BUSY instead of waiting for it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session, sessionmaker

from tanseeq.settings import Settings

Clock = Callable[[], datetime]
T = TypeVar("T")

# Values bound into one IN (...) at most: PostgreSQL takes 65,535 parameters a statement, the
# SQLite here 250,000; a list that grows with the data (hits of a bulk run) goes in batches.
IN_BATCH = 5_000


def in_batches(values: Iterable[T], size: int = IN_BATCH) -> Iterator[Sequence[T]]:
    """``values`` in lists of at most ``size``, for statements with ``IN (...)``."""
    items = values if isinstance(values, list) else list(values)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def one_of(
    session: Session, column: sa.orm.InstrumentedAttribute[str], values: Iterable[str]
) -> sa.ColumnElement[bool]:
    """``column IN values`` with the values bound as one parameter (a PostgreSQL array, a
    JSON list SQLite's ``json_each`` reads): for lists of thousands asked on every request,
    where ``IN (...)`` with a placeholder per value costs more to build and parse on the client
    (~20 µs a value) than the database takes to answer, and is bounded by the parameter limit.
    """
    items = [str(v) for v in values]
    if session.get_bind().dialect.name == "postgresql":
        array = sa.bindparam(None, items, type_=postgresql.ARRAY(sa.String))
        return column == sa.any_(array)
    listed = sa.select(sa.column("value", sa.String)).select_from(
        sa.func.json_each(sa.bindparam(None, json.dumps(items), type_=sa.String))
    )
    return column.in_(listed)


def utc_now() -> datetime:
    return datetime.now(UTC)


def make_engine(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy, not the driver, decide when transactions begin (see module doc).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin_immediate(conn: sa.Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return sa.create_engine(url, pool_pre_ping=True)


class Database:
    """Owns the engine and hands out transactions. ``clock`` is injected so tests move time
    instead of sleeping."""

    def __init__(self, settings: Settings, clock: Clock = utc_now) -> None:
        self.settings = settings
        self.clock = clock
        self.engine = make_engine(settings.database_url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed whole, or rolled back whole on any exception."""
        with self._sessions() as session, session.begin():
            yield session

    def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision."""
        from alembic import command

        command.upgrade(alembic_config(self.engine), "head")

    def dispose(self) -> None:
        self.engine.dispose()


def alembic_config(engine: sa.Engine) -> Any:
    from alembic.config import Config

    here = Path(__file__).parent / "migrations"
    cfg = Config()
    cfg.set_main_option("script_location", str(here))
    cfg.attributes["engine"] = engine
    return cfg

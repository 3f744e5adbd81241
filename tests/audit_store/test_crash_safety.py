"""Crash safety on SQLite: writers killed with SIGKILL at random moments, hundreds of times.

Two writer processes create records as fast as they can (each acknowledged write is appended to
a side file only after its transaction committed), read some back, sign a head now and then,
and try an invalid record that must roll back. The test kills both at a random moment, then
checks the database as the next process to open it finds it:

* ``PRAGMA integrity_check`` is ``ok``;
* the audit log verifies (every entry, every signed head, the stored frontier);
* no acknowledged write is lost;
* every record has exactly its ``record.create`` entry, and no entry names a record that
  does not exist: the change and its audit entry commit together or not at all.

SQLite only: the property under test is SQLite's WAL with ``synchronous=FULL`` and the single
transaction per action; PostgreSQL's durability is the server's, and a server cannot be killed
from a test here. A process kill loses nothing in the OS page cache, so this shows transaction
atomicity across crashes, not survival of a power cut.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from tanseeq.errors import Invalid
from tanseeq.schemas import RecordIn
from tanseeq.services import auditing, records
from tanseeq.services.context import Actor
from tanseeq.settings import Settings
from tanseeq.store.database import Database
from tanseeq.store.tables import AuditRow, Record
from world import World

KILLS = 200
WRITERS = 2

pytestmark = pytest.mark.skipif(
    os.environ.get("TANSEEQ_TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="crash test kills SQLite writers; PostgreSQL durability is the server's",
)


def _writer(db: Database, actor: Actor, side_file: str, seed: int) -> None:
    """Runs in a forked child until it is killed. It inherits the parent's engine (warm
    statement cache) but none of its connections: the parent disposed of them before forking."""
    rng = random.Random(seed)
    db.engine.dispose(close=False)
    fd = os.open(side_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    n = 0
    while True:
        n += 1
        data = RecordIn.model_validate(
            {"schema": "Person", "properties": {"name": [f"Writer {seed} person {n}"]}}
        )
        rid = records.create(db, actor, data).id
        # Only now, after the commit, is the write acknowledged.
        os.write(fd, f"{rid}\n".encode())
        roll = rng.random()
        if roll < 0.2:
            records.get(db, actor, rid, justification="crash test")
        elif roll < 0.25:
            auditing.sign_head(db)
        elif roll < 0.3:
            try:
                records.create(
                    db, actor, RecordIn.model_validate({"schema": "NoSuchSchema", "properties": {}})
                )
            except Invalid:
                pass


def _acknowledged(side_file: Path) -> set[str]:
    if not side_file.exists():
        return set()
    text = side_file.read_text()
    lines = text.split("\n")
    # A kill in the middle of os.write can leave a partial last line; it was never acknowledged.
    return {line for line in lines[:-1] if line}


def _check(url: str, data_dir: Path, side_file: Path) -> tuple[int, int]:
    db = Database(Settings(database_url=url, data_dir=data_dir))
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        report = auditing.verify(db)
        assert report.ok, report.finding
        with db.transaction() as session:
            record_ids = set(session.scalars(sa.select(Record.id)))
            created = [
                ids[0]
                for ids in session.scalars(
                    sa.select(AuditRow.object_ids).where(AuditRow.action == "record.create")
                )
            ]
        lost = _acknowledged(side_file) - record_ids
        assert not lost, f"{len(lost)} acknowledged writes lost"
        assert sorted(created) == sorted(record_ids), "records and record.create entries differ"
        return len(record_ids), report.tree_size
    finally:
        db.dispose()


def test_sigkill_at_random_moments_loses_nothing(world: World, tmp_path: Path) -> None:
    db = world.db
    assert db.is_sqlite
    url, data_dir = db.settings.database_url, Path(db.settings.data_dir)
    # Warm up in the parent (lazy imports, FtM model, first key): forked writers then spend
    # their short lives writing, not importing.
    records.create(
        db,
        world.actors["owner"],
        RecordIn.model_validate({"schema": "Person", "properties": {"name": ["Warm up"]}}),
    )
    auditing.sign_head(db)
    db.dispose()  # no pooled connection may be shared with the forked writers
    side_file = tmp_path / "acknowledged.txt"
    ctx = multiprocessing.get_context("fork")
    rng = random.Random(1123)
    started = time.monotonic()
    kills = 0
    for round_no in range(KILLS // WRITERS):
        writers = [
            ctx.Process(
                target=_writer,
                args=(db, world.actors["owner"], str(side_file), round_no * 10 + i),
                daemon=True,
            )
            for i in range(WRITERS)
        ]
        for w in writers:
            w.start()
        time.sleep(rng.uniform(0.01, 0.3))
        for w in writers:
            assert w.pid is not None and w.is_alive(), "writer died before it was killed"
            os.kill(w.pid, signal.SIGKILL)
            time.sleep(rng.uniform(0, 0.01))
            kills += 1
        for w in writers:
            w.join()
            assert w.exitcode == -signal.SIGKILL
        n_records, tree_size = _check(url, data_dir, side_file)
    elapsed = time.monotonic() - started
    acknowledged = len(_acknowledged(side_file))
    assert kills >= 200 and acknowledged > kills  # the writers did real work between kills
    print(
        f"\n{kills} SIGKILLs in {elapsed:.1f} s: {acknowledged} acknowledged writes, "
        f"{n_records} records, {tree_size} audit entries, all checks passed after every kill"
    )

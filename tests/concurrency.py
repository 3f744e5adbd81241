"""Imports, single record writes and screening-index syncs at once on one database: what a busy
node does. Used by a test (tests/services/test_screening.py) and by bench/index_sync.py."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

from tanseeq.schemas import RecordIn
from tanseeq.services import importing, records, screening
from tanseeq.services.context import Actor
from tanseeq.store.database import Database


def _lines(batch: int, size: int) -> Iterator[bytes]:
    for i in range(size):
        entity = {"schema": "Person", "properties": {"name": [f"Karim Idrissi{batch}x{i}"]}}
        yield json.dumps(entity).encode() + b"\n"


def imports_writes_and_syncs(db: Database, owner: Actor, imports: int, size: int) -> int:
    """Three threads until the imports are done: ``imports`` imports of ``size`` records (one
    transaction each), single record writes, and index syncs (what every search does first).
    Returns the number of syncs."""
    done = threading.Event()
    syncs = 0

    def importer() -> None:
        try:
            for batch in range(imports):
                lines = _lines(batch, size)
                importing.import_lines(db, owner, lines, name="f", fmt=importing.Format.JSONL)
        finally:
            done.set()

    def single_writes() -> None:
        i = 0
        while not done.is_set():
            data = {"schema": "Person", "properties": {"name": [f"Samir Single{i}"]}}
            records.create(db, owner, RecordIn.model_validate(data))
            i += 1

    def searches() -> None:
        nonlocal syncs
        while not done.is_set():
            screening.hub_index(db)
            syncs += 1

    threads = [threading.Thread(target=f) for f in (importer, single_writes, searches)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return syncs

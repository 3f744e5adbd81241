"""Does the hub's screening index end up holding every record when imports, single writes and
searches run at once? (PostgreSQL: writes commit out of the order of their time stamps.)

    .venv/bin/python bench/index_sync.py [--url URL] [--imports 4] [--size 1500]

Three threads on one database, real clock: imports of ``--size`` records each (one
transaction per import), single record writes, and index syncs (what every search does
first). At the end, one more sync; prints the records stored, indexed and missing. The default
URL is the local PostgreSQL test database, in a schema of its own (dropped and made again).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from concurrency import imports_writes_and_syncs  # also run by a test, smaller
from tanseeq.services import screening
from tanseeq.store.tables import Record
from world import build_world, fresh_database  # the tests' world: agencies, users

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SCHEMA = "bench_index_sync"


def run(url: str, imports: int, size: int) -> dict[str, int]:
    db = fresh_database(url, SCHEMA)
    owner = build_world(db).actors["owner"]
    start = time.perf_counter()
    syncs = imports_writes_and_syncs(db, owner, imports, size)
    index = screening.hub_index(db).index
    with db.transaction() as session:
        stored = set(session.scalars(sa.select(Record.id)))
    db.dispose()
    return {
        "seconds": round(time.perf_counter() - start),
        "syncs": syncs,
        "stored": len(stored),
        "indexed": len(index),
        "missing": sum(rid not in index for rid in stored),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--imports", type=int, default=4)
    parser.add_argument("--size", type=int, default=1500)
    args = parser.parse_args()
    result = run(args.url, args.imports, args.size)
    print(json.dumps(result))
    return 1 if result["missing"] else 0


if __name__ == "__main__":
    raise SystemExit(main())

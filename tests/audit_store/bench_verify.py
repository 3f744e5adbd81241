"""Timing of the stored-log operations at scale (not a test; run by hand):

    .venv/bin/python tests/audit_store/bench_verify.py [entries] [database-url]

Appends entries through ``audit_trail.record`` (1,000 per transaction), then times
``auditing.verify``, a signed head, an inclusion and a consistency proof, and reports peak
memory of the verification (tracemalloc) to show the log is streamed.
"""

from __future__ import annotations

import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from tanseeq.services import audit_trail, auditing
from tanseeq.services.context import OPERATOR
from tanseeq.settings import Settings
from tanseeq.store.database import Database


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    tmp = Path(tempfile.mkdtemp())
    url = sys.argv[2] if len(sys.argv) > 2 else f"sqlite:///{tmp / 'bench.db'}"
    db = Database(Settings(database_url=url, data_dir=tmp))
    db.migrate()
    t = time.perf_counter()
    for start in range(0, n, 1000):
        with db.transaction() as session:
            for i in range(start, min(n, start + 1000)):
                audit_trail.record(
                    session, db, OPERATOR, "record.get", [f"rec-{i}"], detail={"i": i}
                )
    print(f"append: {n} entries in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    head = auditing.sign_head(db)
    print(f"sign_head: {(time.perf_counter() - t) * 1000:.1f} ms (size {head.tree_size})")
    tracemalloc.start()
    t = time.perf_counter()
    report = auditing.verify(db)
    elapsed = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert report.ok, report.finding
    print(
        f"verify: {n} entries in {elapsed:.2f} s ({n / elapsed:,.0f} entries/s), "
        f"peak traced memory {peak / 1e6:.1f} MB"
    )
    t = time.perf_counter()
    auditing.inclusion_proof(db, OPERATOR, n // 3, n)
    print(f"inclusion proof: {(time.perf_counter() - t) * 1000:.0f} ms")
    t = time.perf_counter()
    auditing.consistency_proof(db, OPERATOR, n // 3, n)
    print(f"consistency proof: {(time.perf_counter() - t) * 1000:.0f} ms")
    db.dispose()


if __name__ == "__main__":
    main()

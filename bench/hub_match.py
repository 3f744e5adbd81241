"""How long does the hub's ``/match`` take when the caller may not see every namesake?

    .venv/bin/python bench/hub_match.py [--url URL] [--records 200000] [--restricted 0.1]
        [--queries 300] [--seed 7] [--depths 1,4,16,64,256] [--no-baseline]

A node holding ``--records`` persons (bench/speed.py's generator: Wikidata name tokens drawn by
frequency, half in Arabic script), each shared with every agency or, with probability
``--restricted``, kept by its owner. A partner agency's officer screens ``--queries`` persons
(bench/speed.py's queries: half known persons in the other script, half new ones), one
``screening.match`` call each, as ``POST /match/hub`` does, once per strategy in alternating
order: as shipped (a deeper look first); the baseline, with the policy asked about the index's
first cut only and the whole visible set read when a record in it is hidden (the code before
this benchmark, ``_DEPTHS = (1,)``); other depth factors given with ``--depths``. Prints
per-strategy latency, how many queries read the whole visible set, and how many queries got
different results from different strategies (none may: exit 1 then). The default URL is the
local PostgreSQL test database, in a schema of its own (dropped and made again).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import speed  # the person and query generator of the engine's speed benchmark
from tanseeq.schemas import RecordIn
from tanseeq.services import records, screening
from tanseeq.store.database import Database
from tanseeq.store.tables import Record
from world import World, build_world, fresh_database  # the tests' agencies and users

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SCHEMA = "bench_hub_match"
WHY = "benchmark: border control"
BASELINE = "first cut, else whole visible set"
SHIPPED = "deeper look (shipped)"


def fill(db: Database, world: World, n: int, restricted: float, seed: int) -> speed.Population:
    """``n`` person records of the owner agency, written as copies of two template records
    made through the service (one shared with all, one kept by the owner)."""
    vocab = speed.load_vocabulary(None)
    rng = np.random.default_rng(seed)
    pop = speed.make_population(vocab, n, rng)
    templates = {}
    for kind in ("all", "owner"):
        made = records.create(
            db,
            world.actors["owner"],
            RecordIn.model_validate(
                {"schema": "Person", "properties": {"name": ["x"]}, "distribution": {"kind": kind}}
            ),
        )
        with db.transaction() as session:
            row = session.execute(sa.select(Record.__table__).where(Record.id == made.id)).one()
        templates[kind] = row._asdict()
    hidden = rng.random(n) < restricted
    batch: list[dict[str, Any]] = []
    for i, subject in enumerate(speed.records(vocab, pop)):
        props = {
            "name": subject.names,
            "birthDate": subject.birth_dates,
            "nationality": [c.lower() for c in subject.nationalities],
        }
        template = templates["owner" if hidden[i] else "all"]
        batch.append({**template, "id": f"p{i}", "properties": props, "caption": subject.names[0]})
        if len(batch) == 5000 or i == n - 1:
            with db.transaction() as session:
                session.execute(sa.insert(Record.__table__), batch)
            batch = []
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    return pop


@contextmanager
def strategy(depths: tuple[int, ...] | None, full_reads: list[int]) -> Iterator[None]:
    """Run with these depths, counting reads of the whole visible set."""
    saved_depths, saved_candidates = screening._DEPTHS, screening.candidates

    def counting(*args: Any, **kwargs: Any) -> screening.Candidates:
        if kwargs.get("among") is None:
            full_reads[0] += 1
        return saved_candidates(*args, **kwargs)

    screening._DEPTHS = depths or saved_depths
    screening.candidates = counting  # type: ignore[assignment]
    try:
        yield
    finally:
        screening._DEPTHS, screening.candidates = saved_depths, saved_candidates


def run(
    url: str,
    n: int,
    restricted: float,
    n_queries: int,
    seed: int,
    strategies: dict[str, tuple[int, ...] | None],
) -> dict[str, Any]:
    db = fresh_database(url, SCHEMA)
    world = build_world(db)
    started = time.perf_counter()
    pop = fill(db, world, n, restricted, seed)
    filled = time.perf_counter() - started
    started = time.perf_counter()
    screening.hub_index(db)
    loaded = time.perf_counter() - started
    vocab = speed.load_vocabulary(None)
    fresh = speed.make_population(vocab, max(n_queries, 1), np.random.default_rng(seed + 1))
    qs = speed.queries(vocab, pop, fresh, n_queries, seed + 2)
    partner = world.actors["partner"]
    times: dict[str, list[float]] = {name: [] for name in strategies}
    reads = {name: [0] for name in strategies}
    differ = 0
    for k, q in enumerate(qs):
        example = {"schema": "Person", "properties": {"name": q.names}}
        names = list(strategies) if k % 2 == 0 else list(reversed(strategies))
        answers = {}
        for name in names:
            with strategy(strategies[name], reads[name]):
                t0 = time.perf_counter()
                found = screening.match(db, partner, {"q": example}, justification=WHY)
                times[name].append(time.perf_counter() - t0)
            answers[name] = [(f.record and f.record.id, f.score) for f in found["q"]]
        differ += len({json.dumps(a) for a in answers.values()}) > 1
    out: dict[str, Any] = {
        "url": url.split("?")[0],
        "records": n,
        "restricted": restricted,
        "queries": n_queries,
        "fill_s": round(filled, 1),
        "first_index_load_s": round(loaded, 1),
        "queries_with_different_results": differ,
    }
    for name, ts in times.items():
        ms = sorted(t * 1000 for t in ts)
        out[name] = {
            "mean_ms": round(statistics.fmean(ms), 1),
            "p50_ms": round(ms[len(ms) // 2], 1),
            "p99_ms": round(ms[min(len(ms) - 1, int(len(ms) * 0.99))], 1),
            "max_ms": round(ms[-1], 1),
            "whole_visible_set_reads": reads[name][0],
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--restricted", type=float, default=0.1)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--depths",
        action="append",
        default=[],
        metavar="F,F,...",
        help="also run with these depth factors (screening._DEPTHS), e.g. 1,4,16,64,256",
    )
    parser.add_argument("--no-baseline", action="store_true", help="skip the slow baseline")
    args = parser.parse_args(argv)
    strategies: dict[str, tuple[int, ...] | None] = {SHIPPED: None}
    if not args.no_baseline:
        strategies[BASELINE] = (1,)
    for spec in args.depths:
        strategies[f"depths {spec}"] = tuple(int(f) for f in spec.split(","))
    result = run(args.url, args.records, args.restricted, args.queries, args.seed, strategies)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0 if result["queries_with_different_results"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

"""Smoke test of bench/accuracy.py: a tiny cross-validated run must work end to end.

The benchmark is a script, not a package module, so it is loaded from its path.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[2] / "bench" / "accuracy.py"


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_accuracy", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Dataclasses look their module up in sys.modules while the module is being executed.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_tiny_run_writes_results(tmp_path: Path) -> None:
    bench = load_bench()
    out = tmp_path / "accuracy.json"
    args = [
        "--quick",
        "--persons",
        "25",
        "--distractors",
        "150",
        "--train-limit",
        "1500",
        "--no-nomenklatura",
        "--out",
        str(out),
    ]
    assert bench.main(args) == 0
    results = json.loads(out.read_text(encoding="utf-8"))
    ours = results["full_watchlist"]["tanseeq"]
    assert ours["queries"] == 25
    assert 0.0 <= ours["false_hits_per_query"]
    # Even a model trained on 1,500 pairs finds most cross-script names of a tiny run.
    assert ours["recall"] >= 0.6
    assert [p["threshold"] for p in ours["curve"]] == sorted(p["threshold"] for p in ours["curve"])
    # The same queries with birth dates, scored by the scorer: the same people are found.
    dated = results["full_watchlist"]["tanseeq, names + birth dates"]
    assert dated["queries"] == 25
    assert dated["recall"] >= 0.6


def test_respelling_keeps_the_first_letter() -> None:
    bench = load_bench()
    import random

    rng = random.Random(1)
    for word in ("youssef", "hammouchi", "djamel", "chadli"):
        for _ in range(20):
            assert bench.respell(word, rng)[0] == word[0]


def test_birth_dates_follow_the_query_forms() -> None:
    bench = load_bench()
    import random
    from collections import Counter

    from tanseeq.matching.dates import parse_date

    def entry(k: int) -> object:
        return bench.Entry(f"name {k}", (str(k), ""), "record")

    watchlist = [entry(k) for k in range(4000)]
    queries = [bench.Query(f"name {k}", k, k, (str(k), "")) for k in range(4000)]
    bench.add_birth_dates(watchlist, queries, random.Random(3))
    forms: Counter[str] = Counter()
    for query in queries:
        full = watchlist[query.target].birth
        # Every date is one the scorer reads.
        assert parse_date(full) == full
        if query.birth:
            assert parse_date(query.birth) == query.birth
        if query.birth == full:
            forms["full"] += 1
        elif not query.birth:
            forms["none"] += 1
        elif len(query.birth) == 4:
            assert full.startswith(query.birth)
            forms["year"] += 1
        elif query.birth[:4] == full[:4]:
            assert query.birth[5:7] == full[8:10] and query.birth[8:10] == full[5:7]
            forms["swapped"] += 1
        else:
            assert abs(int(query.birth[:4]) - int(full[:4])) == 1
            assert query.birth[4:] == full[4:]
            forms["year off"] += 1
    # The shares of QUERY_DATE_FORMS, within sampling noise (a swap needs a day <= 12).
    assert 0.62 < forms["full"] / 4000 < 0.72
    assert 0.12 < forms["none"] / 4000 < 0.18
    assert 0.08 < forms["year"] / 4000 < 0.12
    assert 0.01 < forms["swapped"] / 4000 < 0.05
    assert 0.035 < forms["year off"] / 4000 < 0.065

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


def test_respelling_keeps_the_first_letter() -> None:
    bench = load_bench()
    import random

    rng = random.Random(1)
    for word in ("youssef", "hammouchi", "djamel", "chadli"):
        for _ in range(20):
            assert bench.respell(word, rng)[0] == word[0]

"""A/B of MatchIndex candidate generation: this checkout's index.py against another revision's.

Both run on one built index (the baseline class is loaded from ``git show REV:...`` and given
the same records, postings and settings), in the same process, interleaved round by round,
so that a shared machine's load weighs on both alike. Reported, per query:

* candidate generation (``_candidate_slots`` of a prepared query) and whole ``search`` of the
  raw Subject (name preparation and scoring included, as bench/speed.py times it), median of
  the rounds, in µs;
* how often both give the same candidates (same list, same set) and the same search results
  (ids and scores), and how often each finds the record a query was made from.

The watchlist and queries are bench/speed.py's. Run with ``TANSEEQ_PURE_PYTHON=1`` unless the
compiled build is fresh (index.py itself is never compiled).

    TANSEEQ_PURE_PYTHON=1 python bench/candidates.py --size 300000 --baseline HEAD~1
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import speed  # noqa: E402  (bench/speed.py: the same watchlist and queries)
from tanseeq.matching import MatchIndex, Subject  # noqa: E402
from tanseeq.matching.scorer import PreparedSubject, prepare_subject  # noqa: E402

INDEX_SOURCE = "src/tanseeq/matching/index.py"
# Per-instance state that is not the index's content: each variant keeps its own.
OWN = {"_lock", "_local", "_weights", "_bitmaps"}


def baseline_class(revision: str) -> Any:
    """MatchIndex as ``revision`` (a git revision, or an index.py file) defines it, loaded as
    a module of its own."""
    if Path(revision).is_file():
        text = Path(revision).read_text(encoding="utf-8")
    else:
        text = subprocess.run(
            ["git", "show", f"{revision}:{INDEX_SOURCE}"],
            cwd=HERE.parent,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    path = Path(tempfile.mkdtemp()) / "baseline_index.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("baseline_index", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["baseline_index"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module.MatchIndex


def twin(index: MatchIndex, cls: Any) -> Any:
    """An instance of ``cls`` sharing ``index``'s records, postings and settings."""
    other = cls()
    for name in set(MatchIndex.__slots__) & set(cls.__slots__) - OWN:
        setattr(other, name, getattr(index, name))
    return other


def agreement(
    new: MatchIndex, old: Any, qs: list[Subject], prepared: list[PreparedSubject]
) -> dict[str, Any]:
    same_list = same_set = same_results = 0
    found = {"new": 0, "old": 0}
    known = 0
    for q, p in zip(qs, prepared, strict=True):
        a, b = new._candidate_slots(p), old._candidate_slots(p)
        same_list += a == b
        same_set += set(a) == set(b)
        ra, rb = new.search(p), old.search(p)
        same_results += [(r.record_id, r.score) for r in ra] == [(r.record_id, r.score) for r in rb]
        target = speed.planted(q.id)
        if target is not None:
            known += 1
            found["new"] += any(r.record_id == target for r in ra)
            found["old"] += any(r.record_id == target for r in rb)
    return {
        "queries": len(qs),
        "same_candidate_list": same_list,
        "same_candidate_set": same_set,
        "same_search_results": same_results,
        "planted_found_new": round(found["new"] / max(1, known), 4),
        "planted_found_old": round(found["old"] / max(1, known), 4),
    }


def timings(
    variants: dict[str, Any], qs: list[Subject], prepared: list[PreparedSubject], rounds: int
) -> dict[str, dict[str, float]]:
    samples: dict[str, list[float]] = {}
    for number in range(rounds):
        # Alternate which variant goes first: neither always runs on the warmer caches.
        order = list(variants.items())
        if number % 2:
            order.reverse()
        for label, index in order:
            start = time.perf_counter()
            for p in prepared:
                index._candidate_slots(p)
            samples.setdefault(f"{label} candidates", []).append(time.perf_counter() - start)
            start = time.perf_counter()
            for q in qs:
                index.search(q)
            samples.setdefault(f"{label} search", []).append(time.perf_counter() - start)
    return {
        label: {
            "median_us": round(statistics.median(times) / len(qs) * 1e6, 1),
            "min_us": round(min(times) / len(qs) * 1e6, 1),
        }
        for label, times in samples.items()
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--size", type=int, default=300_000, help="watchlist persons")
    parser.add_argument("--queries", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument(
        "--baseline", default="HEAD~1", help="git revision (or file) of the other index.py"
    )
    parser.add_argument("--processes", type=int, default=2, help="for the build")
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args(argv)
    vocab = speed.load_vocabulary(None)
    rng = np.random.default_rng(args.seed)
    watch = speed.make_population(vocab, args.size, rng)
    fresh = speed.make_population(vocab, args.queries, rng)
    print(f"building {args.size:,} persons...", file=sys.stderr)
    new, build = speed.build(vocab, watch, args.processes)
    old = twin(new, baseline_class(args.baseline))
    qs = speed.queries(vocab, watch, fresh, args.queries, args.seed + 1)
    prepared = [prepare_subject(q) for q in qs]
    for index in (new, old):  # warm both: scratch arrays, common-key bitmaps, weights
        for q in qs[:200]:
            index.search(q)
    print("comparing...", file=sys.stderr)
    same = agreement(new, old, qs, prepared)
    print("timing...", file=sys.stderr)
    times = timings({"new": new, "old": old}, qs, prepared, args.rounds)
    print(f"{args.size:,} persons (index {build['rss_mb_index']} MB), {args.queries:,} queries")
    print(f"baseline {args.baseline}, {args.rounds} interleaved rounds: µs per query")
    for part in ("candidates", "search"):
        a, b = times[f"new {part}"], times[f"old {part}"]
        print(
            f"  {part:<11} new {a['median_us']:8.1f} (min {a['min_us']:8.1f})"
            f"   old {b['median_us']:8.1f} (min {b['min_us']:8.1f})"
            f"   new/old {a['median_us'] / b['median_us']:.3f}"
        )
    print(
        f"same candidates: list {same['same_candidate_list']}, set {same['same_candidate_set']};"
        f" same search results {same['same_search_results']} (of {same['queries']})"
    )
    print(f"planted record found: new {same['planted_found_new']}, old {same['planted_found_old']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

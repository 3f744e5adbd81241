"""Speed of Tanseeq's matching engine on synthetic watchlists, beside a brute-force scan.

What is measured (figures and discussion in bench/README.md, section "Speed"):

1. Index build time and resident memory for the largest watchlist (built first, in a fresh
   process, so the resident figure is the index and not left-overs).
2. Single-query latency (p50, p99) and throughput, in process, against every size; queries
   are prepared from their raw Subject inside the timed call, as a desk query would be.
3. The exact identifier path (``check_identifier``), hit and no-hit.
4. Bulk screening of ``--bulk-queries`` queries against the largest watchlist on every core.
5. Beside it, in the same run, a brute-force ``rapidfuzz.process.cdist`` scan of the same
   watchlist's names (token_sort_ratio, all cores): a sample of queries is timed and the
   figure extrapolated to the bulk query count, and said to be so.

Watchlists are composed from the Wikidata Latin/Arabic name tokens: 2-4 tokens per person,
tokens drawn by how many people carry them (so "Mohamed" and "Smith" are as common as in the
data), half the records written in Arabic script, birth dates (some partial), nationalities,
genders and, for 30% of persons, a passport number. Queries are half taken from the watchlist
(written in the other script, sometimes missing a token, birth date kept) and half new
persons composed the same way (mostly no-hit).

    python bench/speed.py                 # 100k and 1M persons, 100k bulk queries
    python bench/speed.py --quick         # 10k and 50k persons, 5k bulk queries
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing
import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process, utils

from tanseeq.matching import MatchIndex, Subject, screen_bulk

HERE = Path(__file__).resolve().parent
DATA_CANDIDATES = (
    HERE / "data" / "wikidata_ar_en_tokens.tsv",
    Path("/work/shared/data/names/wikidata_ar_en_tokens.tsv"),
)
RESULTS = HERE / "results"
NATIONALITIES = [
    "sy",
    "iq",
    "eg",
    "ma",
    "dz",
    "tn",
    "lb",
    "jo",
    "sa",
    "ae",
    "ly",
    "sd",
    "ye",
    "ps",
    "fr",
    "de",
    "gb",
    "us",
    "es",
    "it",
    "tr",
    "ir",
    "af",
    "pk",
]
TARGETS = {
    "build_seconds_1M": 60.0,
    "build_rss_gb_1M": 2.0,
    "single_qps_1M": 2000.0,
    "single_p99_ms_1M": 10.0,
    "bulk_seconds_100k_x_1M": 120.0,
}


# ---------------------------------------------------------------------------------------------
# Synthetic data


@dataclass(slots=True)
class Vocabulary:
    latin: list[str]
    arabic: list[str]
    probs: np.ndarray[Any, np.dtype[np.float64]]


def load_vocabulary(path: Path | None) -> Vocabulary:
    source = path or next((p for p in DATA_CANDIDATES if p.exists()), None)
    if source is None:
        sys.exit("name tokens not found; pass --data PATH")
    latin, arabic, counts = [], [], []
    with source.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3:
                continue
            latin.append(parts[0].title())
            arabic.append(parts[1].replace(" ", ""))
            counts.append(int(parts[2]))
    weights = np.asarray(counts, dtype=np.float64)
    return Vocabulary(latin, arabic, weights / weights.sum())


@dataclass(slots=True)
class Population:
    """Persons as compact arrays; Subjects are built on the fly so they are never all held."""

    tokens: np.ndarray[Any, np.dtype[np.int32]]  # n x 4, -1 = no token
    arabic: np.ndarray[Any, np.dtype[np.bool_]]
    birth: np.ndarray[Any, np.dtype[np.int32]]  # days since 1940-01-01
    precision: np.ndarray[Any, np.dtype[np.int8]]  # 0 year, 1 year-month, 2 full
    nationality: np.ndarray[Any, np.dtype[np.int8]]
    female: np.ndarray[Any, np.dtype[np.bool_]]
    passport: np.ndarray[Any, np.dtype[np.bool_]]

    def __len__(self) -> int:
        return int(self.tokens.shape[0])


def make_population(vocab: Vocabulary, n: int, rng: np.random.Generator) -> Population:
    tokens = rng.choice(len(vocab.latin), size=(n, 4), p=vocab.probs).astype(np.int32)
    lengths = rng.choice([2, 3, 4], size=n, p=[0.35, 0.45, 0.20])
    tokens[np.arange(4)[None, :] >= lengths[:, None]] = -1
    return Population(
        tokens=tokens,
        arabic=rng.random(n) < 0.5,
        birth=rng.integers(0, 65 * 365, size=n).astype(np.int32),
        precision=rng.choice([0, 1, 2], size=n, p=[0.15, 0.05, 0.80]).astype(np.int8),
        nationality=rng.integers(0, len(NATIONALITIES), size=n).astype(np.int8),
        female=rng.random(n) < 0.5,
        passport=rng.random(n) < 0.30,
    )


_EPOCH = np.datetime64("1940-01-01")


def _date(days: int, precision: int) -> str:
    iso = str(_EPOCH + np.timedelta64(int(days), "D"))
    return iso[: (4, 7, 10)[precision]]


def person(
    vocab: Vocabulary,
    pop: Population,
    i: int,
    *,
    prefix: str = "p",
    arabic: bool | None = None,
    drop: int | None = None,
    with_passport: bool = True,
) -> Subject:
    script = vocab.arabic if (pop.arabic[i] if arabic is None else arabic) else vocab.latin
    ids = [int(t) for t in pop.tokens[i] if t >= 0]
    if drop is not None and len(ids) > 2:
        del ids[drop % len(ids)]
    identifiers = {}
    nationality = NATIONALITIES[pop.nationality[i]]
    if with_passport and pop.passport[i]:
        identifiers["document"] = [f"{nationality}:N{i:08d}"]
    return Subject(
        id=f"{prefix}{i}",
        names=[" ".join(script[t] for t in ids)],
        birth_dates=[_date(pop.birth[i], pop.precision[i])],
        nationalities=[nationality],
        gender="female" if pop.female[i] else "male",
        identifiers=identifiers,
    )


def records(vocab: Vocabulary, pop: Population) -> Iterator[Subject]:
    """The watchlist's subjects, as :func:`person` makes them (tests/bench check they are the
    same) but from plain lists: indexing NumPy arrays one scalar at a time cost ~5 µs a
    person, a tenth of a 1M build, spent on the benchmark and not on the index."""
    tokens = pop.tokens.tolist()
    arabic, female, passport = pop.arabic.tolist(), pop.female.tolist(), pop.passport.tolist()
    nationality = pop.nationality.tolist()
    dates: dict[tuple[int, int], str] = {}
    for i, (row, birth, precision) in enumerate(
        zip(tokens, pop.birth.tolist(), pop.precision.tolist(), strict=True)
    ):
        script = vocab.arabic if arabic[i] else vocab.latin
        country = NATIONALITIES[nationality[i]]
        date = dates.get((birth, precision))
        if date is None:
            date = dates[birth, precision] = _date(birth, precision)
        yield Subject(
            id=f"p{i}",
            names=[" ".join([script[t] for t in row if t >= 0])],
            birth_dates=[date],
            nationalities=[country],
            gender="female" if female[i] else "male",
            identifiers={"document": [f"{country}:N{i:08d}"]} if passport[i] else {},
        )


def queries(
    vocab: Vocabulary, watch: Population, fresh: Population, n: int, seed: int
) -> list[Subject]:
    """Half known persons in the other script (a token sometimes missing), half new ones.

    A known person's query id is ``q<k>:p<i>``, naming the record it was made from.
    """
    rng = np.random.default_rng(seed)
    out = []
    known = rng.integers(0, len(watch), size=n)
    for k in range(n):
        if k % 2 == 0:
            i = int(known[k])
            drop = int(rng.integers(0, 4)) if rng.random() < 0.3 else None
            q = person(vocab, watch, i, arabic=not watch.arabic[i], drop=drop, with_passport=False)
            q.id = f"q{k}:p{i}"
        else:
            q = person(vocab, fresh, k % len(fresh), prefix="new", with_passport=False)
            q.id = f"q{k}"
        out.append(q)
    return out


def planted(query_id: str) -> str | None:
    return query_id.split(":", 1)[1] if ":" in query_id else None


# ---------------------------------------------------------------------------------------------
# Measurements


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def build(
    vocab: Vocabulary, pop: Population, processes: int = 1
) -> tuple[MatchIndex, dict[str, float]]:
    gc.collect()
    before = rss_mb()
    start = time.perf_counter()
    parent_start = time.process_time()
    children_start = resource.getrusage(resource.RUSAGE_CHILDREN)
    index = MatchIndex()
    # The cyclic collector would walk the growing index again and again for nothing: the
    # index holds no cycles, so it is paused during the build as a loader would.
    gc.disable()
    try:
        index.add_many(records(vocab, pop), processes=processes)
    finally:
        gc.enable()
    seconds = time.perf_counter() - start
    parent_cpu = time.process_time() - parent_start
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    workers_cpu = (
        children.ru_utime + children.ru_stime - children_start.ru_utime - children_start.ru_stime
    )
    gc.collect()
    after = rss_mb()
    return index, {
        "persons": len(pop),
        "processes": processes,
        "build_seconds": round(seconds, 2),
        "build_rate_per_s": round(len(pop) / seconds),
        # The parent generates the subjects and posts every record; the workers prepare the
        # names. On a shared machine the wall time depends on the load, these do not; the
        # build cannot take less wall time than the busier of the two, nor than their sum
        # divided by the cores.
        "parent_cpu_seconds": round(parent_cpu, 1),
        "workers_cpu_seconds": round(workers_cpu, 1),
        "min_seconds_on_free_cores": round(
            max(parent_cpu, (parent_cpu + workers_cpu) / (os.cpu_count() or 1)), 1
        ),
        "rss_mb_before": round(before),
        "rss_mb_after": round(after),
        "rss_mb_index": round(after - before),
    }


def single(index: MatchIndex, qs: list[Subject]) -> dict[str, float]:
    for q in qs[:200]:  # warm caches (scratch arrays, name preparation tables)
        index.search(q)
    latencies = []
    hits = found = known = 0
    cpu_start = time.process_time()
    start = time.perf_counter()
    for q in qs:
        t0 = time.perf_counter()
        results = index.search(q)
        latencies.append(time.perf_counter() - t0)
        hits += bool(results)
        target = planted(q.id)
        if target is not None:
            known += 1
            found += any(r.record_id == target for r in results)
    total = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    ms = sorted(x * 1000.0 for x in latencies)
    return {
        "queries": len(qs),
        "qps": round(len(qs) / total),
        "p50_ms": round(ms[len(ms) // 2], 3),
        "p99_ms": round(ms[min(len(ms) - 1, int(len(ms) * 0.99))], 3),
        "max_ms": round(ms[-1], 3),
        "mean_ms": round(statistics.fmean(ms), 3),
        # CPU time is what a query costs whatever else runs on the machine: the throughput
        # one free core would give.
        "cpu_ms_per_query": round(cpu / len(qs) * 1000.0, 3),
        "qps_per_free_core": round(len(qs) / cpu),
        "queries_with_a_match": hits,
        # Not an accuracy figure (bench/accuracy.py is): a check that blocking keeps finding
        # the record a query was made from at this watchlist size.
        "planted_record_found": round(found / max(1, known), 4),
    }


# Set just before forking the single-query workers; they inherit it copy-on-write.
_SERVED: MatchIndex | None = None


def _serve(qs: list[Subject]) -> dict[str, Any]:
    # One worker of single_parallel: queries one after another, as a server worker would.
    assert _SERVED is not None
    for q in qs[:100]:  # warm this process's caches
        _SERVED.search(q)
    latencies = []
    before = os.times()
    start = time.perf_counter()  # CLOCK_MONOTONIC: comparable across processes
    for q in qs:
        t0 = time.perf_counter()
        _SERVED.search(q)
        latencies.append(time.perf_counter() - t0)
    end = time.perf_counter()
    after = os.times()
    return {
        "start": start,
        "end": end,
        "cpu": after.user - before.user + after.system - before.system,
        # Kernel time is mostly copy-on-write faults: reference counts written into the
        # parent's pages copy them, once per page and worker.
        "system": after.system - before.system,
        "private_mb": private_mb(),
        "latencies": latencies,
    }


def private_mb() -> float | None:
    """Memory this process holds alone: in a forked worker, the parent's pages it has copied
    (and what it allocated itself). None where /proc does not tell."""
    try:
        with open("/proc/self/smaps_rollup", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Private_Dirty:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def single_parallel(index: MatchIndex, qs: list[Subject], processes: int) -> dict[str, float]:
    """Single queries answered by ``processes`` forked workers at once (a server's workers):
    throughput = all queries / (last worker's end - first worker's start)."""
    global _SERVED
    _SERVED = index
    gc.freeze()  # the workers' collectors must not touch (and so copy) the index's pages
    try:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(processes) as pool:
            parts = pool.map(_serve, [qs[i::processes] for i in range(processes)])
    finally:
        gc.unfreeze()
        _SERVED = None
    wall = max(p["end"] for p in parts) - min(p["start"] for p in parts)
    cpu = sum(p["cpu"] for p in parts)
    system = sum(p["system"] for p in parts)
    private = [p["private_mb"] for p in parts if p["private_mb"] is not None]
    ms = sorted(x * 1000.0 for p in parts for x in p["latencies"])
    return {
        "processes": processes,
        "queries": len(qs),
        "qps": round(len(qs) / wall),
        "p50_ms": round(ms[len(ms) // 2], 3),
        "p99_ms": round(ms[min(len(ms) - 1, int(len(ms) * 0.99))], 3),
        "cpu_ms_per_query": round(cpu / len(qs) * 1000.0, 3),
        "system_cpu_share": round(system / cpu, 3) if cpu else 0.0,
        # Shared index pages each worker copied (and its own allocations), at the end.
        "worker_private_mb": round(statistics.fmean(private)) if private else None,
        # What the processes would answer on as many otherwise idle cores.
        "qps_on_free_cores": round(len(qs) / (cpu / processes)),
    }


def identifier_path(index: MatchIndex, n: int) -> dict[str, float]:
    present = [f"N{i:08d}" for i in range(n)]
    absent = [f"X{i:08d}" for i in range(n)]
    out: dict[str, float] = {}
    for label, values in (("hit_or_known", present), ("no_hit", absent)):
        start = time.perf_counter()
        for value in values:
            index.check_identifier("document", value)
        out[f"{label}_us"] = round((time.perf_counter() - start) / n * 1e6, 2)
    return out


def bulk(index: MatchIndex, qs: list[Subject], processes: int) -> dict[str, float]:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_start = time.process_time() + children.ru_utime + children.ru_stime
    start = time.perf_counter()
    rows = matches = 0
    for row in screen_bulk(index, qs, processes=processes, chunk_size=500):
        rows += 1
        matches += bool(row["match"])
    seconds = time.perf_counter() - start
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = time.process_time() + children.ru_utime + children.ru_stime - cpu_start
    return {
        "queries": len(qs),
        "processes": processes,
        # Workers' and parent's CPU seconds: divided by the processes, the wall time the run
        # would take on otherwise idle cores.
        "cpu_seconds": round(cpu, 1),
        "seconds_on_free_cores": round(cpu / processes, 1),
        "seconds": round(seconds, 1),
        "qps": round(len(qs) / seconds),
        "rows": rows,
        "match_rows": matches,
    }


def brute_force(
    watch_names: list[str], qs: list[Subject], sample: int, extrapolate_to: int
) -> dict[str, float]:
    """rapidfuzz cdist of sample query names against every watchlist name, on all cores."""
    names = [q.names[0] for q in qs[:sample]]
    processed = [utils.default_process(n) for n in watch_names]
    cpu_start = time.process_time()  # rapidfuzz's worker threads count in process time
    start = time.perf_counter()
    batch = 32  # bounds the score matrix to 32 x N bytes
    for i in range(0, len(names), batch):
        process.cdist(
            [utils.default_process(n) for n in names[i : i + batch]],
            processed,
            scorer=fuzz.token_sort_ratio,
            dtype=np.uint8,
            score_cutoff=70,
            workers=-1,
        )
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    per_query = seconds / len(names)
    return {
        "sampled_queries": len(names),
        "sample_seconds": round(seconds, 2),
        "per_query_ms": round(per_query * 1000.0, 2),
        "qps": round(1.0 / per_query, 1),
        "extrapolated_queries": extrapolate_to,
        "extrapolated_seconds": round(per_query * extrapolate_to),
        "cpu_ms_per_query": round(cpu / len(names) * 1000.0, 2),
        "extrapolated_seconds_on_free_cores": round(cpu / len(names) * extrapolate_to / 2),
    }


# ---------------------------------------------------------------------------------------------
# Report


def table(result: dict[str, Any]) -> str:
    largest = result["largest"]
    lines = [f"{'measure':<60} {'value':>14}  target"]

    def row(label: str, value: object, target: str = "") -> None:
        lines.append(f"{label:<60} {value!s:>14}  {target}")

    b = result["build"]
    row(
        f"build {b['persons']:,} persons, {b['processes']} procs (s)",
        b["build_seconds"],
        "< 60 s at 1M",
    )
    row("  parent / workers CPU seconds", f"{b['parent_cpu_seconds']} / {b['workers_cpu_seconds']}")
    row("  so on free cores at least (s)", b["min_seconds_on_free_cores"])
    row("resident memory after build, process (MB)", b["rss_mb_after"], "<= 2048 MB at 1M")
    row("  of which the index (MB)", b["rss_mb_index"])
    for size, s in result["single"].items():
        n = f"{int(size):,}"
        row(f"single query vs {n}: throughput (q/s)", s["qps"], ">= 2000 at 1M")
        row(
            f"single query vs {n}: p50 / p99 (ms)",
            f"{s['p50_ms']} / {s['p99_ms']}",
            "p99 <= 10 ms at 1M",
        )
        row(
            f"single query vs {n}: CPU ms per query / q/s per free core",
            f"{s['cpu_ms_per_query']} / {s['qps_per_free_core']}",
        )
        row(f"single query vs {n}: planted record found", s["planted_record_found"])
    sp = result["single_parallel"]
    n = f"{largest:,}"
    row(
        f"single query vs {n}, {sp['processes']} procs: throughput (q/s)",
        sp["qps"],
        ">= 2000 at 1M",
    )
    row("  same: p50 / p99 (ms)", f"{sp['p50_ms']} / {sp['p99_ms']}", "p99 <= 10 ms")
    row("  same: q/s on free cores (from CPU time)", sp["qps_on_free_cores"])
    row(
        "  same: kernel share of CPU / private memory per worker (MB)",
        f"{sp['system_cpu_share']} / {sp.get('worker_private_mb')}",
    )
    ident = result["identifier_path"]
    row("check_identifier hit / no-hit (µs)", f"{ident['hit_or_known_us']} / {ident['no_hit_us']}")
    k = result["bulk"]
    row(
        f"bulk {k['queries']:,} queries x {largest:,} ({k['processes']} procs) (s)",
        k["seconds"],
        "<= 120 s for 100k x 1M",
    )
    row("  same, CPU seconds / processes (s on free cores)", k["seconds_on_free_cores"])
    bf = result["brute_force"]
    row(f"brute-force cdist, per query vs {largest:,} (ms)", bf["per_query_ms"])
    row(
        f"brute-force cdist, {bf['extrapolated_queries']:,} queries (s, extrapolated from "
        f"{bf['sampled_queries']})",
        bf["extrapolated_seconds"],
    )
    row("  same, from CPU time on 2 free cores (s)", bf["extrapolated_seconds_on_free_cores"])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--sizes", default="100000,1000000", help="watchlist sizes, comma-separated"
    )
    parser.add_argument("--queries", type=int, default=20_000, help="single queries per size")
    parser.add_argument("--bulk-queries", type=int, default=100_000)
    parser.add_argument("--brute-sample", type=int, default=256, help="queries timed brute-force")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--data", type=Path, default=None, help="name tokens TSV")
    parser.add_argument("--quick", action="store_true", help="10k/50k persons, 5k bulk queries")
    parser.add_argument("--out", type=Path, default=None, help="JSON results file")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.queries, args.bulk_queries, args.brute_sample = (
            "10000,50000",
            2000,
            5000,
            64,
        )
    sizes = sorted(int(s) for s in args.sizes.split(","))
    largest = sizes[-1]
    vocab = load_vocabulary(args.data)
    rng = np.random.default_rng(args.seed)
    watch = make_population(vocab, largest, rng)
    fresh = make_population(vocab, max(args.queries, args.bulk_queries), rng)
    result: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            # Other work on the machine skews every figure; recorded so readers can tell.
            "load_average_at_start": os.getloadavg(),
        },
        "args": {k: str(v) for k, v in vars(args).items()},
        "largest": largest,
        "single": {},
    }
    print(f"building {largest:,} persons...", file=sys.stderr)
    index, result["build"] = build(vocab, watch, args.processes)
    qs = queries(vocab, watch, fresh, args.queries, args.seed + 1)
    print("single queries...", file=sys.stderr)
    result["single"][str(largest)] = single(index, qs)
    print(f"single queries, {args.processes} processes...", file=sys.stderr)
    result["single_parallel"] = single_parallel(index, qs, args.processes)
    result["identifier_path"] = identifier_path(index, 20_000)
    print(f"bulk {args.bulk_queries:,} queries...", file=sys.stderr)
    bulk_qs = queries(vocab, watch, fresh, args.bulk_queries, args.seed + 2)
    result["bulk"] = bulk(index, bulk_qs, args.processes)
    print("brute force sample...", file=sys.stderr)
    watch_names = [person(vocab, watch, i).names[0] for i in range(len(watch))]
    result["brute_force"] = brute_force(watch_names, bulk_qs, args.brute_sample, args.bulk_queries)
    del index, watch_names, bulk_qs
    gc.collect()
    for size in sizes[:-1]:
        print(f"single queries vs {size:,}...", file=sys.stderr)
        sub = Population(*(getattr(watch, f)[:size] for f in Population.__slots__))
        small, _ = build(vocab, sub, args.processes)
        result["single"][str(size)] = single(
            small, queries(vocab, sub, fresh, args.queries, args.seed + 3)
        )
        del small
        gc.collect()
    result["machine"]["load_average_at_end"] = os.getloadavg()
    print(table(result))
    load = result["machine"]
    print(
        f"load average at start / end: {load['load_average_at_start'][0]:.2f} / "
        f"{load['load_average_at_end'][0]:.2f} on {load['cpus']} cpus"
    )
    out = args.out or RESULTS / ("speed-quick.json" if args.quick else "speed.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"\nJSON: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

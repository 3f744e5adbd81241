"""Cross-script name matching accuracy: Tanseeq's name engine beside nomenklatura's matchers.

Protocol (details and figures in bench/README.md, section "Accuracy"):

1. The Wikidata Latin/Arabic token pairs are split into K folds by Latin token. For each
   evaluated fold the transliteration model is trained on the other folds only.
2. From the held-out pairs (carried by at least `--min-count` people, to leave out most
   translations and errors) synthetic persons are composed: given name (drawn by frequency),
   an optional father's name, a family name (drawn uniformly). Each person has a record in one
   script and a query in the other (half Latin->Arabic, half Arabic->Latin). The Latin side is
   re-spelt by French/English conventions, the query may swap given and family name, drop the
   father's name, or add ben/بن.
3. The watchlist holds the positives' records, one same-given-name negative per person (same
   given name, different father and family name) and random distractors from the same pools.
   A false hit is a watchlist name at or above the threshold that is not the query's person
   (names with the same given and family name in Arabic are the same person, not a false hit).
4. Tanseeq is scored on the whole watchlist through its blocking keys (as the index does), with
   IDF token weights from the watchlist. Every matcher, Tanseeq included, is also scored on a
   sample protocol: per query, the target, its same-given-name negative and `--sample` random
   distractors; false hits per query are extrapolated to the whole watchlist.
5. A last row screens the same queries with birth dates through the scorer (records carry the
   full date; a query gives it in full, partially, wrongly or not at all: QUERY_DATE_FORMS).

Tuning: `--dev` builds each evaluated fold k's names from fold k+1 instead, with the model
trained on the remaining folds, so constants can be chosen on data that never includes fold
k (the engine's constants were chosen with `--dev --eval-folds 1`: fold 0 stays unseen).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tanseeq.matching.config import DEFAULT_THRESHOLD
from tanseeq.matching.names import PreparedName, compare_names, prepare_name
from tanseeq.matching.names.normalize import normalize_arabic, normalize_latin
from tanseeq.matching.names.translit import TranslitModel, read_tsv, train_model
from tanseeq.matching.scorer import PreparedSubject, score_pair

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE / "data" / "wikidata_ar_en_tokens.tsv"
DEFAULT_OUT = HERE / "results" / "accuracy.json"
NOMENKLATURA = ("name-based", "logic-v1", "logic-v2")
# yente's default SCORE_THRESHOLD; nomenklatura's matchers have none of their own.
NOMENKLATURA_THRESHOLD = 0.70
CURVE_THRESHOLDS = [round(0.4 + 0.05 * i, 2) for i in range(12)]


@dataclass(frozen=True, slots=True)
class Token:
    latin: str
    arabic: str  # letters joined, as written
    count: int


@dataclass(slots=True)
class Person:
    given: Token
    father: Token | None
    family: Token
    identity: tuple[str, str] = ("", "")

    def __post_init__(self) -> None:
        self.identity = (normalize_arabic(self.given.arabic), normalize_arabic(self.family.arabic))


@dataclass(slots=True)
class Entry:
    """A watchlist name."""

    name: str
    identity: tuple[str, str]
    kind: str  # "record", "same-given", "distractor"
    prepared: PreparedName | None = None
    ents: dict[str, Any] = field(default_factory=dict)
    birth: str = ""  # full birth date (see add_birth_dates)


@dataclass(slots=True)
class Query:
    name: str
    target: int  # index of the target record in the watchlist
    same_given: int  # index of its same-given-name negative
    identity: tuple[str, str]
    prepared: PreparedName | None = None
    birth: str = ""  # as the query gives it: full, partial, wrong or "" (see add_birth_dates)


# French <-> English <-> academic spelling conventions for the Latin side.
_RESPELL: list[tuple[str, str]] = [
    ("ou", "u"),
    ("u", "ou"),
    ("oo", "u"),
    ("sh", "ch"),
    ("ch", "sh"),
    ("dj", "j"),
    ("j", "dj"),
    ("kh", "kh"),
    ("ee", "i"),
    ("i", "ee"),
    ("y", "i"),
    ("ie", "i"),
    ("e", "a"),
    ("a", "e"),
    ("q", "k"),
    ("k", "q"),
    ("ss", "s"),
    ("mm", "m"),
    ("dd", "d"),
    ("ll", "l"),
    ("tt", "t"),
    ("nn", "n"),
    ("rr", "r"),
    ("bb", "b"),
]


def respell(latin: str, rng: random.Random) -> str:
    options = [(a, b) for a, b in _RESPELL if a in latin[1:] and a != b]
    if not options or rng.random() < 0.4:
        return latin
    a, b = rng.choice(options)
    # Keep the first letter: writers rarely disagree there, and it is what people sort by.
    return latin[0] + latin[1:].replace(a, b, 1)


def latin_name(tokens: Sequence[str]) -> str:
    return " ".join(t[:1].upper() + t[1:] for t in tokens)


def load_folds(
    path: Path, folds: int, min_count: int
) -> tuple[list[list[tuple[str, str, int]]], list[list[Token]]]:
    rows = read_tsv(path)
    train: list[list[tuple[str, str, int]]] = [[] for _ in range(folds)]
    pools: list[list[Token]] = [[] for _ in range(folds)]
    for latin, arabic, count in rows:
        norm = normalize_latin(latin)
        if not norm:
            continue
        fold = zlib.crc32(norm.encode()) % folds
        train[fold].append((latin, arabic, count))
        ar = arabic.replace(" ", "")
        if count >= min_count and len(norm) >= 2 and " " not in latin and latin.isalpha():
            pools[fold].append(Token(latin.lower(), ar, count))
    return train, pools


def make_person(
    pool: Sequence[Token], cum: Sequence[float], rng: random.Random, given: Token | None = None
) -> Person:
    def by_freq() -> Token:
        return rng.choices(pool, cum_weights=cum, k=1)[0]

    g = given or by_freq()
    father = by_freq() if rng.random() < 0.5 else None
    family = rng.choice(pool)
    while family.latin == g.latin or (father is not None and family.latin == father.latin):
        family = rng.choice(pool)
    if father is not None and father.latin == g.latin:
        father = None
    return Person(g, father, family)


def render(person: Person, script: str, rng: random.Random, query: bool) -> str:
    parts: list[Token] = [person.given]
    ben = False
    if person.father is not None and not (query and rng.random() < 0.3):
        parts.append(person.father)
        ben = rng.random() < 0.3
    parts.append(person.family)
    if query and rng.random() < 0.3:
        parts = [parts[-1], *parts[:-1]]  # family name first, as on many forms
        ben = False
    if script == "ar":
        words = [p.arabic for p in parts]
        if ben:
            words.insert(1, "بن")
        return " ".join(words)
    words = [respell(p.latin, rng) if query else p.latin for p in parts]
    if ben:
        words.insert(1, "ben")
    return latin_name(words)


def build_fold(
    pool: list[Token], persons: int, distractors: int, rng: random.Random
) -> tuple[list[Entry], list[Query]]:
    weights = [math.sqrt(t.count) for t in pool]
    cum: list[float] = []
    acc = 0.0
    for w in weights:
        acc += w
        cum.append(acc)
    watchlist: list[Entry] = []
    queries: list[Query] = []
    for _ in range(persons):
        person = make_person(pool, cum, rng)
        record_script = rng.choice(("ar", "la"))
        query_script = "la" if record_script == "ar" else "ar"
        target = len(watchlist)
        watchlist.append(
            Entry(render(person, record_script, rng, False), person.identity, "record")
        )
        other = make_person(pool, cum, rng, given=person.given)
        same_given = len(watchlist)
        watchlist.append(
            Entry(render(other, record_script, rng, False), other.identity, "same-given")
        )
        queries.append(
            Query(render(person, query_script, rng, True), target, same_given, person.identity)
        )
    for _ in range(distractors):
        person = make_person(pool, cum, rng)
        watchlist.append(
            Entry(
                render(person, rng.choice(("ar", "la")), rng, False), person.identity, "distractor"
            )
        )
    return watchlist, queries


# How a query gives its person's birth date (the record always has the full date): share of
# queries per form, the rest give the full date. Forms an accreditation list or a border post
# meets: the year alone, day and month swapped, a typo in the year, no date at all.
QUERY_DATE_FORMS = (("year", 0.10), ("swapped", 0.05), ("year off", 0.05), ("none", 0.15))


def add_birth_dates(watchlist: list[Entry], queries: list[Query], rng: random.Random) -> None:
    """A birth date for every watchlist name (1950-2005, uniform) and its query's version.

    A separate random stream: the names are those of the names-only protocol.
    """
    for entry in watchlist:
        day = rng.randrange(365 * 56)
        year, rest = divmod(day, 365)
        month, mday = min(12, rest // 30 + 1), rest % 28 + 1
        entry.birth = f"{1950 + year:04d}-{month:02d}-{mday:02d}"
    for query in queries:
        full = watchlist[query.target].birth
        year, month, day = full.split("-")
        form = "full"
        pick = rng.random()
        for name, share in QUERY_DATE_FORMS:
            if pick < share:
                form = name
                break
            pick -= share
        if form == "year":
            query.birth = year
        elif form == "swapped" and int(day) <= 12:
            query.birth = f"{year}-{day}-{month}"
        elif form == "year off":
            query.birth = f"{int(year) + rng.choice((-1, 1)):04d}-{month}-{day}"
        elif form == "none":
            query.birth = ""
        else:
            query.birth = full


def with_birth_date(prepared: PreparedName | None, birth: str) -> PreparedSubject:
    """The name and birth date as the scorer takes them (tanseeq.matching.scorer)."""
    assert prepared is not None
    return PreparedSubject(
        id="",
        schema="Person",
        names=(prepared,),
        birth_dates=(birth,) if birth else (),
        nationalities=frozenset(),
        gender=None,
        identifiers=(),
    )


def idf_weights(watchlist: Sequence[Entry]) -> Callable[[str], float]:
    """Token rarity as the screening index computes it (tanseeq.matching.index.weight):
    log((N + 1) / df) / log(N + 1), at least 0.05; a token no record carries weighs 1."""
    df: Counter[str] = Counter()
    for entry in watchlist:
        assert entry.prepared is not None
        df.update(set(entry.prepared.tokens))
    n = len(watchlist)
    scale = math.log(n + 1)

    def weight(token: str) -> float:
        count = df.get(token, 0)
        if count == 0:
            return 1.0
        return max(0.05, min(1.0, math.log((n + 1) / count) / scale))

    return weight


@dataclass(slots=True)
class Tally:
    """Scores of one system: target scores, and non-target scores (for the curve)."""

    targets: list[float] = field(default_factory=list)
    # Non-target scores per query: exact (full watchlist) or sampled with an extrapolation factor.
    false_scores: list[tuple[float, float]] = field(default_factory=list)  # (score, weight)
    queries: int = 0
    blocked_targets: int = 0
    seconds: float = 0.0
    pairs: int = 0

    def summary(self, threshold: float) -> dict[str, float]:
        n = max(1, self.queries)
        recall = sum(s >= threshold for s in self.targets) / n
        fh = sum(w for s, w in self.false_scores if s >= threshold) / n
        return {"recall": round(recall, 4), "false_hits_per_query": round(fh, 4)}

    def curve(self) -> list[dict[str, float]]:
        return [{"threshold": t, **self.summary(t)} for t in CURVE_THRESHOLDS]


def run_tanseeq_full(
    watchlist: list[Entry],
    queries: list[Query],
    weight: Callable[[str], float] | None,
    tally: Tally,
    dump: list[str] | None = None,
    dump_threshold: float = DEFAULT_THRESHOLD,
    birth_dates: bool = False,
) -> None:
    """Every query against the whole watchlist, candidates from the blocking keys.

    With `dump`, each miss (target below `dump_threshold`) and false hit (at or above it) is
    added as a tab-separated line: kind, score, query, watchlist name, explanation. With
    `birth_dates`, pairs are scored by the scorer on name and birth date (no dump).
    """
    if birth_dates:
        records = [with_birth_date(e.prepared, e.birth) for e in watchlist]
    postings: dict[str, list[int]] = defaultdict(list)
    for i, entry in enumerate(watchlist):
        assert entry.prepared is not None
        for key in entry.prepared.keys:
            postings[key].append(i)
    start = time.perf_counter()
    for query in queries:
        assert query.prepared is not None
        candidates: set[int] = set()
        for key in query.prepared.keys:
            candidates.update(postings.get(key, ()))
        tally.queries += 1
        tally.blocked_targets += query.target in candidates
        if birth_dates:
            asked = with_birth_date(query.prepared, query.birth)
            tally.targets.append(score_pair(asked, records[query.target], weight))
            for i in candidates:
                if i != query.target and watchlist[i].identity != query.identity:
                    tally.false_scores.append((score_pair(asked, records[i], weight), 1.0))
                    tally.pairs += 1
            continue
        target = watchlist[query.target]
        assert target.prepared is not None
        hit = compare_names([query.prepared], [target.prepared], weight)
        tally.targets.append(hit.score)
        if dump is not None and hit.score < dump_threshold:
            dump.append(f"miss\t{hit.score:.3f}\t{query.name}\t{target.name}\t{hit.explanation}")
        for i in candidates:
            entry = watchlist[i]
            if i == query.target or entry.identity == query.identity:
                continue
            assert entry.prepared is not None
            match = compare_names([query.prepared], [entry.prepared], weight)
            score = match.score
            tally.pairs += 1
            if score >= min(CURVE_THRESHOLDS):
                tally.false_scores.append((score, 1.0))
            if dump is not None and score >= dump_threshold:
                dump.append(
                    f"false hit ({entry.kind})\t{score:.3f}\t{query.name}\t{entry.name}"
                    f"\t{match.explanation}"
                )
    tally.seconds += time.perf_counter() - start


def sample_candidates(
    watchlist: Sequence[Entry], queries: Sequence[Query], sample: int, rng: random.Random
) -> list[list[int]]:
    """Per query: random non-target distractors for the sample protocol."""
    out: list[list[int]] = []
    for query in queries:
        picked: list[int] = []
        while len(picked) < sample:
            i = rng.randrange(len(watchlist))
            if i in (query.target, query.same_given) or watchlist[i].identity == query.identity:
                continue
            picked.append(i)
        out.append(picked)
    return out


def run_sampled(
    score: Callable[[Query, Entry], float],
    watchlist: Sequence[Entry],
    queries: Sequence[Query],
    samples: Sequence[Sequence[int]],
    tally: Tally,
) -> None:
    factor = (len(watchlist) - 2) / max(1, len(samples[0]) if samples else 1)
    start = time.perf_counter()
    for query, picked in zip(queries, samples, strict=True):
        tally.queries += 1
        tally.targets.append(score(query, watchlist[query.target]))
        same = watchlist[query.same_given]
        if same.identity != query.identity:
            tally.false_scores.append((score(query, same), 1.0))
        for i in picked:
            tally.false_scores.append((score(query, watchlist[i]), factor))
        tally.pairs += 2 + len(picked)
    tally.seconds += time.perf_counter() - start


class NomenklaturaScorer:
    """FtM Person entities (one `name` each) scored by a nomenklatura matching algorithm."""

    def __init__(self, algorithm: str) -> None:
        from followthemoney import model
        from nomenklatura.matching import get_algorithm

        algo = get_algorithm(algorithm)
        if algo is None:
            raise SystemExit(f"nomenklatura has no algorithm {algorithm!r}")
        self.algorithm = algo
        self.config = algo.default_config()
        self.model = model
        self.serial = 0
        self.entities: dict[int, Any] = {}

    def entity(self, name: str, key: int) -> Any:
        ent = self.entities.get(key)
        if ent is None:
            # Unique ids: nomenklatura caches per-entity work by id.
            self.serial += 1
            ent = self.model.make_entity("Person")
            ent.id = f"e{self.serial}"
            ent.add("name", name)
            self.entities[key] = ent
        return ent

    def __call__(self, query: Query, entry: Entry) -> float:
        q = self.entity(query.name, id(query))
        r = self.entity(entry.name, id(entry))
        return float(self.algorithm.compare(q, r, self.config).score)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Full protocol: see the module docstring.",
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="token pairs TSV")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds")
    parser.add_argument(
        "--eval-folds",
        type=int,
        default=None,
        help="evaluate only the first N folds (default: all)",
    )
    parser.add_argument("--persons", type=int, default=500, help="query persons per fold")
    parser.add_argument(
        "--distractors", type=int, default=5000, help="random distractor names per fold watchlist"
    )
    parser.add_argument(
        "--sample", type=int, default=30, help="random distractors per query in the sample protocol"
    )
    parser.add_argument(
        "--nk-queries",
        type=int,
        default=200,
        help="queries per fold scored by each nomenklatura matcher",
    )
    parser.add_argument("--no-nomenklatura", action="store_true", help="skip nomenklatura")
    parser.add_argument(
        "--min-count",
        type=int,
        default=2,
        help="held-out pairs carried by fewer people are not used in names",
    )
    parser.add_argument(
        "--train-limit",
        type=int,
        default=None,
        help="train on at most N pairs per fold (quick runs)",
    )
    parser.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_THRESHOLD,
        help="Tanseeq threshold (default: DEFAULT_THRESHOLD)",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--dev",
        action="store_true",
        help="tuning data: fold k's names come from fold k+1, the model from the other folds",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="CI-sized run: 1 fold, 60 persons, 600 distractors, 4000 training "
        "pairs, 40 nomenklatura queries",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON results file")
    parser.add_argument(
        "--dump",
        type=Path,
        default=None,
        help="diagnostics: write Tanseeq's misses and false hits at --threshold (full "
        "watchlist) to this TSV file; the figures are unchanged",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.eval_folds = args.eval_folds or 1
        args.persons = min(args.persons, 60)
        args.distractors = min(args.distractors, 600)
        args.train_limit = args.train_limit or 4000
        args.nk_queries = min(args.nk_queries, 40)
        args.sample = min(args.sample, 15)

    rng = random.Random(args.seed)
    train_rows, pools = load_folds(args.data, args.folds, args.min_count)
    eval_folds = range(args.eval_folds or args.folds)
    systems: dict[str, Tally] = {}
    thresholds: dict[str, float] = {}
    full = {
        "tanseeq": Tally(),
        "tanseeq (uniform weights)": Tally(),
        "tanseeq (rules only)": Tally(),
        "tanseeq, names + birth dates": Tally(),
    }
    train_seconds = 0.0
    per_fold: dict[int, Tally] = {}
    dumped: list[str] | None = [] if args.dump else None
    for fold in eval_folds:
        source = (fold + 1) % args.folds if args.dev else fold
        held = {fold, source}
        rows = [r for k, part in enumerate(train_rows) if k not in held for r in part]
        if args.train_limit:
            rows = random.Random(fold).sample(rows, min(args.train_limit, len(rows)))
        t0 = time.perf_counter()
        model = train_model(rows)
        train_seconds += time.perf_counter() - t0
        watchlist, queries = build_fold(pools[source], args.persons, args.distractors, rng)
        add_birth_dates(watchlist, queries, random.Random(f"birth dates {args.seed} {fold}"))
        samples = sample_candidates(watchlist, queries, args.sample, rng)
        for label, mdl in (("tanseeq", model), ("tanseeq (rules only)", TranslitModel({}))):
            for entry in watchlist:
                entry.prepared = prepare_name(entry.name, mdl)
            for query in queries:
                query.prepared = prepare_name(query.name, mdl)
            weight = idf_weights(watchlist)
            run_tanseeq_full(watchlist, queries, weight, full[label])
            if label == "tanseeq":
                run_tanseeq_full(
                    watchlist,
                    queries,
                    weight,
                    per_fold.setdefault(fold, Tally()),
                    dumped,
                    args.threshold,
                )
                if dumped is not None:
                    dumped.append(f"# end of fold {fold}")
                run_tanseeq_full(watchlist, queries, None, full["tanseeq (uniform weights)"])
                run_tanseeq_full(
                    watchlist,
                    queries,
                    weight,
                    full["tanseeq, names + birth dates"],
                    birth_dates=True,
                )

                def ours(q: Query, e: Entry, w: Callable[[str], float] = weight) -> float:
                    assert q.prepared is not None and e.prepared is not None
                    return compare_names([q.prepared], [e.prepared], w).score

                tally = systems.setdefault("tanseeq", Tally())
                thresholds["tanseeq"] = args.threshold
                run_sampled(ours, watchlist, queries, samples, tally)
        if not args.no_nomenklatura:
            nq = min(args.nk_queries, len(queries))
            for algorithm in NOMENKLATURA:
                scorer = NomenklaturaScorer(algorithm)
                tally = systems.setdefault(f"nomenklatura {algorithm}", Tally())
                thresholds[f"nomenklatura {algorithm}"] = NOMENKLATURA_THRESHOLD
                run_sampled(scorer, watchlist, queries[:nq], samples[:nq], tally)
        print(f"fold {fold}: {len(queries)} queries, watchlist {len(watchlist)}", file=sys.stderr)

    results: dict[str, Any] = {
        "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "train_seconds": round(train_seconds, 1),
        "full_watchlist": {},
        "sample_protocol": {},
    }
    print(f"\nFull watchlist, blocking keys + index-style weights, threshold {args.threshold}")
    print(f"{'system':34} {'queries':>7} {'recall':>7} {'FH/q':>7} {'blocked':>8} {'us/pair':>8}")
    for label, tally in full.items():
        s = tally.summary(args.threshold)
        blocked = tally.blocked_targets / max(1, tally.queries)
        per_pair = 1e6 * tally.seconds / max(1, tally.pairs + tally.queries)
        print(
            f"{label:34} {tally.queries:7d} {s['recall']:7.3f} {s['false_hits_per_query']:7.3f}"
            f" {blocked:8.3f} {per_pair:8.1f}"
        )
        results["full_watchlist"][label] = {
            **s,
            "queries": tally.queries,
            "blocking_recall": round(blocked, 4),
            "us_per_pair": round(per_pair, 2),
            "curve": tally.curve(),
        }
    print(f"\nTanseeq by fold ({'dev data' if args.dev else 'held-out fold'}), full watchlist")
    results["tanseeq_by_fold"] = {}
    for fold, tally in per_fold.items():
        s = tally.summary(args.threshold)
        print(f"  fold {fold}: recall {s['recall']:.3f}, FH/q {s['false_hits_per_query']:.3f}")
        results["tanseeq_by_fold"][fold] = s
    print(
        f"\nSample protocol (target + same-given negative + {args.sample} random distractors "
        "per query, false hits extrapolated to the watchlist), each at its own threshold"
    )
    print(f"{'system':34} {'thr':>5} {'queries':>7} {'recall':>7} {'FH/q':>7} {'ms/pair':>8}")
    for label, tally in systems.items():
        thr = thresholds[label]
        s = tally.summary(thr)
        per_pair = 1e3 * tally.seconds / max(1, tally.pairs)
        print(
            f"{label:34} {thr:5.2f} {tally.queries:7d} {s['recall']:7.3f}"
            f" {s['false_hits_per_query']:7.3f} {per_pair:8.3f}"
        )
        results["sample_protocol"][label] = {
            **s,
            "threshold": thr,
            "queries": tally.queries,
            "ms_per_pair": round(per_pair, 4),
            "curve": tally.curve(),
        }
    print("\nTanseeq precision/recall curve (full watchlist)")
    print(f"{'threshold':>9} {'recall':>7} {'FH/q':>7}")
    for point in full["tanseeq"].curve():
        print(
            f"{point['threshold']:9.2f} {point['recall']:7.3f} {point['false_hits_per_query']:7.3f}"
        )
    if dumped is not None:
        header = "kind\tscore\tquery\twatchlist name\texplanation"
        args.dump.write_text("\n".join([header, *dumped]) + "\n", encoding="utf-8")
        print(f"wrote {args.dump}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

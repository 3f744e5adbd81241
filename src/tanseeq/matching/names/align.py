"""Aligning a Latin token with an Arabic form letter by letter, and what is learned from it.

A Latin token is read with word-boundary marks (``^youssef$``); each of its letters emits 0-2
classes of the Arabic form (skeleton.py), at a cost given by the letter in context: previous,
current and next letter, mixed with the smaller contexts by how often each was seen. The
cheapest monotone alignment (Viterbi) serves twice:

* in training (translit.py), hard EM over the Latin/Arabic token pairs learns the emission
  counts, from which the reading table is kept;
* in comparison, `PairModel` scores a Latin token against an Arabic form by its alignment cost
  per letter, mapped to the probability that both are the same name by a calibration learned
  on pairs left out of the counts (against random pairs of similar length). It reads "José"
  against خوسيه through Spanish j = خ even when the best reading of "José" is جوزيه.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tanseeq.matching.names.skeleton import latin_rule_classes

MAX_EMIT = 2
_FINAL_H = re.compile(r"(?<=[aeiouy])h$")
_SEED_RE = re.compile("tch|sch|sh|ch|kh|gh|dj|dh|th|ph|ck|qu|ce|ci|cy|ou|oo|ee|[a-z]")
_INF = float("inf")
# Weights of the four contexts of a letter (full, then the three smaller ones) in `cost`.
_CONTEXT_SHARES = (4.0, 1.0, 1.0, 1.0)
_MEMO_LIMIT = 200_000


def latin_form(text: str) -> str:
    """The Latin form the model reads: final vowel+h is ta marbuta ("Fatimah" = "Fatima")."""
    return "^" + _FINAL_H.sub("", text) + "$"


def contexts(form: str, i: int) -> tuple[str, str, str, str]:
    """Context keys of the letter at `form[i]`, most specific first."""
    prev, cur, nxt = form[i - 1], form[i], form[i + 1]
    return prev + cur + nxt, "_" + cur + nxt, prev + cur + "_", "_" + cur + "_"


def seed_emissions(text: str) -> list[str]:
    """Per-letter emissions of the seed rules: a digraph's first letter carries its class."""
    out = [""] * len(text)
    for match in _SEED_RE.finditer(text):
        out[match.start()] = latin_rule_classes(match.group(0))
    return out


class EmissionCounts:
    """Emission counts per context key, and the interpolated cost of an emission."""

    def __init__(self) -> None:
        self.by_key: dict[str, dict[str, float]] = {}
        self.totals: dict[str, float] = {}
        # Costs already computed, by (letter with its neighbours, emission): the full context
        # determines the smaller ones, and letters in context repeat across tokens.
        self._memo: dict[tuple[str, str], float] = {}

    def add(self, keys: tuple[str, ...], emit: str, weight: float) -> None:
        self._memo.clear()
        for key in keys:
            counter = self.by_key.get(key)
            if counter is None:
                counter = self.by_key[key] = {}
            counter[emit] = counter.get(emit, 0.0) + weight
            self.totals[key] = self.totals.get(key, 0.0) + weight

    def cost(self, keys: tuple[str, str, str, str], emit: str) -> float:
        memo_key = (keys[0], emit)
        cost = self._memo.get(memo_key)
        if cost is None:
            if len(self._memo) >= _MEMO_LIMIT:
                self._memo.clear()
            cost = self._memo[memo_key] = self._cost(keys, emit)
        return cost

    def _cost(self, keys: tuple[str, str, str, str], emit: str) -> float:
        # Witten-Bell-like mix: a context counts in proportion to how much it has been seen.
        p = 0.0
        mass = 0.0
        for key, share in zip(keys, _CONTEXT_SHARES, strict=True):
            total = self.totals.get(key, 0.0)
            if total <= 0.0:
                continue
            lam = share * total / (total + 5.0)
            p += lam * self.by_key[key].get(emit, 0.0) / total
            mass += lam
        if mass > 0.0:
            p /= mass
        # Any emission stays possible, at a price that grows with its length.
        return -math.log(0.98 * p + 1e-4 * (0.1 ** len(emit)))

    def pruned(self, min_total: float, min_share: float) -> EmissionCounts:
        """Keys seen at least `min_total` times, emissions of at least `min_share` of them.

        The totals stay those of all emissions, so a rare emission left out costs as an unseen
        one rather than making the kept ones look likelier.
        """
        out = EmissionCounts()
        for key, counter in self.by_key.items():
            total = self.totals[key]
            if total < min_total:
                continue
            kept = {e: round(n, 1) for e, n in counter.items() if n >= min_share * total}
            if kept:
                out.by_key[key] = kept
                out.totals[key] = round(total, 1)
        return out


def align(
    form: str, target: str, counts: EmissionCounts | None, max_per_letter: float = _INF
) -> tuple[list[str], float] | None:
    """Cheapest monotone assignment of 0-2 target classes to each letter of `form`.

    Returns the emissions and the cost per letter; None if there is none, or none cheaper than
    `max_per_letter` (the search stops as soon as every partial alignment costs more).
    `counts` None scores by the seed rules (the first round of training).
    """
    letters = len(form) - 2
    m = len(target)
    if letters <= 0 or m > MAX_EMIT * letters:
        return None
    budget = max_per_letter * letters
    seed = seed_emissions(form[1:-1]) if counts is None else []
    best = [[_INF] * (m + 1) for _ in range(letters + 1)]
    back = [[0] * (m + 1) for _ in range(letters + 1)]
    best[0][0] = 0.0
    for i in range(letters):
        keys = contexts(form, i + 1)
        row, nxt = best[i], best[i + 1]
        seen: dict[str, float] = {}
        for j in range(m + 1):
            base = row[j]
            if base >= budget:
                continue
            for size in range(0, min(MAX_EMIT, m - j) + 1):
                emit = target[j : j + size]
                c = seen.get(emit)
                if c is None:
                    if counts is None:
                        c = 0.0 if emit == seed[i] else 3.0 + size
                    else:
                        c = counts.cost(keys, emit)
                    seen[emit] = c
                if base + c < nxt[j + size]:
                    nxt[j + size] = base + c
                    back[i + 1][j + size] = j
        if min(nxt) >= budget:
            return None
    if best[letters][m] >= budget:
        return None
    emits = [""] * letters
    j = m
    for i in range(letters, 0, -1):
        prev = back[i][j]
        emits[i - 1] = target[prev:j]
        j = prev
    return emits, best[letters][m] / letters


@dataclass(frozen=True, slots=True)
class PairModel:
    """P(same name) of a Latin token and an Arabic form, from their alignment cost per letter.

    `calibration` is a non-increasing step function: (upper edge of a cost-per-letter bin,
    probability that a pair in that bin is the same name, against as many random pairs).
    """

    counts: EmissionCounts
    calibration: tuple[tuple[float, float], ...]
    # The shipped model pickles as a reference to itself: every prepared token holds it, and
    # the index's build workers send prepared names back by pickle.
    shipped: bool = field(default=False, compare=False)
    # Tokens repeat a great deal: one alignment per distinct (Latin, Arabic) pair.
    _cache: dict[tuple[str, str], float] = field(default_factory=dict, compare=False, repr=False)

    def __reduce__(self) -> str | tuple[Any, ...]:
        if self.shipped:
            return (_shipped, ())
        return (PairModel, (self.counts, self.calibration))

    def similarity(self, latin: str, arabic_form: str) -> float:
        key = (latin, arabic_form)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        sim = self._similarity(latin, arabic_form)
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[key] = sim
        return sim

    def _similarity(self, latin: str, arabic_form: str) -> float:
        if not self.calibration or not latin or not arabic_form:
            return 0.0
        # Beyond the last bin with a positive probability no alignment can score.
        limit = self.calibration[-1][0]
        aligned = align(latin_form(latin), arabic_form, self.counts, limit)
        if aligned is None:
            return 0.0
        per_letter = aligned[1]
        edges = [edge for edge, _ in self.calibration]
        return self.calibration[min(bisect_left(edges, per_letter), len(edges) - 1)][1]


_CACHE_LIMIT = 100_000


def _shipped() -> PairModel:
    # Deferred import: translit imports this module.
    from tanseeq.matching.names.translit import default_model

    model = default_model()
    if model is None or model.pairs is None:
        raise RuntimeError("the shipped transliteration model has no pair model")
    return model.pairs


# Negative pairs per positive in the calibration: the prior odds of the use, where most token
# pairs a name comparison leaves weak are different names.
PRIOR_NEGATIVES = 20.0
# Only tokens whose skeletons are about as long are compared this way (the alignment's cost
# per letter forgives a Latin token whose letters mostly align with nothing).
MIN_SKELETON = 2
MAX_SKELETON_GAP = 1


def comparable_skeletons(a: str, b: str) -> bool:
    """Whether two skeletons are long and close enough in length for the pair model."""
    return min(len(a), len(b)) >= MIN_SKELETON and abs(len(a) - len(b)) <= MAX_SKELETON_GAP


# Calibration bins of the cost per letter, and the bins kept: those where same-name pairs are
# at least this likely (a lower probability is no evidence worth a token's credit).
CALIBRATION_BIN = 0.2
CALIBRATION_MIN_P = 0.2


def calibrate(
    counts: EmissionCounts,
    positives: Sequence[tuple[str, str]],
    negatives: Sequence[tuple[str, str]],
) -> tuple[tuple[float, float], ...]:
    """Binned P(same | cost per letter), made non-increasing (pool adjacent violators).

    Pairs are (Latin token, Arabic form); negatives weigh PRIOR_NEGATIVES times positives.
    """
    bins: dict[int, list[float]] = {}
    for label, pairs in ((0, positives), (1, negatives)):
        weight = (1.0 if label == 0 else PRIOR_NEGATIVES) / max(1, len(pairs))
        for latin, arabic_form in pairs:
            aligned = align(latin_form(latin), arabic_form, counts)
            per_letter = _INF if aligned is None else aligned[1]
            if per_letter == _INF:
                continue
            b = int(per_letter / CALIBRATION_BIN)
            bins.setdefault(b, [0.0, 0.0])[label] += weight
    if not bins:
        return ()
    # Every bin from 0 to the last seen, so that the step function has no holes.
    blocks: list[list[float]] = []  # [positive mass, total mass, last bin]
    for b in range(max(bins) + 1):
        pos, neg = bins.get(b, [0.0, 0.0])
        blocks.append([pos, pos + neg, float(b)])
        # Pool while a later bin would be likelier than an earlier one.
        while len(blocks) > 1 and _rate(blocks[-1]) > _rate(blocks[-2]):
            tail = blocks.pop()
            blocks[-1] = [blocks[-1][0] + tail[0], blocks[-1][1] + tail[1], tail[2]]
    out: list[tuple[float, float]] = []
    for block in blocks:
        p = _rate(block)
        if p < CALIBRATION_MIN_P:
            break
        out.append((round((block[2] + 1) * CALIBRATION_BIN, 3), round(p, 3)))
    return tuple(out)


def _rate(block: Sequence[float]) -> float:
    # An empty bin inherits nothing: it reads as even odds until pooled with a neighbour.
    return block[0] / block[1] if block[1] > 0.0 else 0.5

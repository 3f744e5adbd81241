"""Aligning a Latin token with an Arabic form letter by letter, and what is learned from it.

A Latin token is read with word-boundary marks (``^youssef$``); each of its letters emits 0-2
classes of the Arabic form (skeleton.py), at a cost given by the letter in context: previous,
current and next letter, mixed with the smaller contexts by how often each was seen. The
cheapest monotone alignment (Viterbi) serves twice:

* in training (translit.py), hard EM over the Latin/Arabic token pairs learns the emission
  counts, from which the reading table is kept;
* in comparison, `PairModel` scores a Latin token against an Arabic form by its alignment cost
  per letter and the number of Latin consonants it leaves unwritten, mapped to the probability
  that both are the same name by a logistic fit on pairs left out of the counts (against random
  pairs of similar length). It reads "José" against خوسيه through Spanish j = خ even when the
  best reading of "José" is جوزيه, and doubts "Halena" against ألين (Aline), where the cost per
  letter is low but the h is written by nothing.
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
_VOWEL_CLASSES = "aui"


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


def unwritten_consonants(form: str, emits: Sequence[str]) -> int:
    """Latin consonants of `form` that an alignment's `emits` write as nothing.

    Only letters the seed rules write with a consonant class count: the silent second letter
    of a digraph (sh, ck, th) and either letter of a doubled one ("Youssef") do not.
    """
    letters = form[1:-1]
    seed = seed_emissions(letters)
    count = 0
    for i, emit in enumerate(emits):
        if emit or not seed[i].strip(_VOWEL_CLASSES):
            continue
        if letters[i] in letters[i - 1 : i] or letters[i] in letters[i + 1 : i + 2]:
            continue
        count += 1
    return count


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


# Step tables of P(same name) by cost per letter, one per number of unwritten Latin consonants.
Calibration = tuple[tuple[tuple[float, float], ...], ...]


@dataclass(frozen=True, slots=True)
class PairModel:
    """P(same name) of a Latin token and an Arabic form, from their cheapest alignment.

    `calibration[n]` is a decreasing step function for alignments that leave n Latin
    consonants unwritten (the last table for n or more): (upper edge of a cost-per-letter step,
    probability that a pair there is the same name, against PRIOR_NEGATIVES random pairs).
    """

    counts: EmissionCounts
    calibration: Calibration
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
        if not self.calibration or not self.calibration[0] or not latin or not arabic_form:
            return 0.0
        # Beyond the last step with a positive probability no alignment can score (unwritten
        # consonants only lower it: the first table reaches furthest).
        limit = self.calibration[0][-1][0]
        form = latin_form(latin)
        aligned = align(form, arabic_form, self.counts, limit)
        if aligned is None:
            return 0.0
        emits, per_letter = aligned
        unwritten = unwritten_consonants(form, emits)
        steps = self.calibration[min(unwritten, len(self.calibration) - 1)]
        if not steps or per_letter > steps[-1][0]:
            return 0.0
        edges = [edge for edge, _ in steps]
        return steps[bisect_left(edges, per_letter)][1]


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


# The calibration is a logistic curve in the cost per letter, one per number of unwritten Latin
# consonants (0, 1, MAX_UNWRITTEN or more), read at steps this wide, kept while same-name pairs
# are at least CALIBRATION_MIN_P likely (a lower probability is no evidence worth a token's
# credit). A curve of few parameters, rather than binned rates made non-increasing: the binned
# rates of about 3,000 held-out pairs moved by up to 0.2 between models trained on slightly
# different pairs (0.79 -> 0.59 at the same cost), and most learned links fell into one pooled
# bin; the curve's parameters move by a few percent, and nearby costs get nearby credits.
# The unwritten consonants are the second input because the cost per letter forgives them: a
# consonant left out costs once, spread over all letters ("Halena" / ألين, "Bonner" / بن), and
# about 4% of same-name pairs leave one out against more than half of different-name pairs.
CALIBRATION_STEP = 0.05
CALIBRATION_MIN_P = 0.2
MAX_UNWRITTEN = 2
# Newton steps of the logistic fit (it converges in under 10 on the training data), and a small
# ridge on the parameters so that separable toy data still give a finite curve.
_FIT_ROUNDS = 25
_FIT_RIDGE = 1e-3


def calibrate(
    counts: EmissionCounts,
    positives: Sequence[tuple[str, str]],
    negatives: Sequence[tuple[str, str]],
) -> Calibration:
    """P(same | cost per letter, unwritten consonants) as steps of decreasing logistic curves.

    Pairs are (Latin token, Arabic form); negatives weigh PRIOR_NEGATIVES times positives.
    Empty if the pairs do not make cost a sign of different names.
    """
    rows: list[tuple[float, ...]] = []
    labels: list[float] = []
    weights: list[float] = []
    for label, pairs in ((1.0, positives), (0.0, negatives)):
        mass = 1.0 if label else PRIOR_NEGATIVES
        features = [f for f in (_features(counts, lat, ar) for lat, ar in pairs) if f is not None]
        for row in features:
            rows.append(row)
            labels.append(label)
            weights.append(mass / len(features))
    if not rows:
        return ()
    intercept, slope, per_unwritten = fit_logistic(rows, labels, weights)
    if slope >= 0.0:
        return ()
    # More unwritten consonants never make a pair likelier, whatever the fit says.
    per_unwritten = min(per_unwritten, 0.0)
    tables: list[tuple[tuple[float, float], ...]] = []
    for unwritten in range(MAX_UNWRITTEN + 1):
        base = intercept + per_unwritten * unwritten
        steps: list[tuple[float, float]] = []
        k = 1
        while True:
            # Each step holds the curve's value at its middle.
            p = _logistic(base + slope * (k - 0.5) * CALIBRATION_STEP)
            if p < CALIBRATION_MIN_P:
                break
            steps.append((round(k * CALIBRATION_STEP, 3), round(p, 3)))
            k += 1
        tables.append(tuple(steps))
    return tuple(tables)


def _features(counts: EmissionCounts, latin: str, arabic_form: str) -> tuple[float, ...] | None:
    form = latin_form(latin)
    aligned = align(form, arabic_form, counts)
    if aligned is None:
        return None
    emits, per_letter = aligned
    return per_letter, float(min(unwritten_consonants(form, emits), MAX_UNWRITTEN))


def fit_logistic(
    rows: Sequence[Sequence[float]], ys: Sequence[float], ws: Sequence[float]
) -> tuple[float, ...]:
    """Weighted logistic regression of ys (0/1) on feature rows: (intercept, *coefficients).

    Newton steps on the weighted log-likelihood less a small ridge.
    """
    size = 1 + (len(rows[0]) if rows else 0)
    beta = [0.0] * size
    for _ in range(_FIT_ROUNDS):
        grad = [-_FIT_RIDGE * b for b in beta]
        hess = [[_FIT_RIDGE if r == c else 0.0 for c in range(size)] for r in range(size)]
        for row, y, w in zip(rows, ys, ws, strict=True):
            x = (1.0, *row)
            p = _logistic(sum(b * v for b, v in zip(beta, x, strict=True)))
            r = w * (y - p)
            v = w * p * (1.0 - p)
            for a in range(size):
                grad[a] += r * x[a]
                for c in range(a, size):
                    hess[a][c] += v * x[a] * x[c]
        for a in range(size):
            for c in range(a):
                hess[a][c] = hess[c][a]
        step = _solve(hess, grad)
        if step is None:
            break
        beta = [b + d for b, d in zip(beta, step, strict=True)]
        if max(abs(d) for d in step) < 1e-9:
            break
    return tuple(beta)


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float] | None:
    """x with matrix @ x = vector, by Gaussian elimination; None if the matrix is singular."""
    n = len(vector)
    m = [[*row, v] for row, v in zip(matrix, vector, strict=True)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        if abs(m[pivot][col]) < 1e-12:
            return None
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(col + 1, n):
            f = m[r][col] / m[col][col]
            for c in range(col, n + 1):
                m[r][c] -= f * m[col][c]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - sum(m[r][c] * x[c] for c in range(r + 1, n))) / m[r][r]
    return x


def _logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

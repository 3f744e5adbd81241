"""Aligning a Latin token with an Arabic form letter by letter, and what is learned from it.

A Latin token is read with word-boundary marks (``^youssef$``); each of its letters emits 0-2
classes of the Arabic form (skeleton.py), at a cost given by the letter in context: previous,
current and next letter, mixed with the smaller contexts by how often each was seen. The
cheapest monotone alignment (Viterbi) serves twice:

* in training (translit.py), hard EM over the Latin/Arabic token pairs learns the emission
  counts, from which the reading table is kept;
* in comparison, `PairModel` scores a Latin token against an Arabic form by its alignment cost
  per letter, mapped to the probability that both are the same name by a logistic curve fitted
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

    `calibration` is a decreasing step function: (upper edge of a cost-per-letter step,
    probability that a pair there is the same name, against PRIOR_NEGATIVES random pairs).
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


# The calibration is a logistic curve in the cost per letter, read at steps this wide, kept while
# same-name pairs are at least CALIBRATION_MIN_P likely (a lower probability is no evidence
# worth a token's credit). A two-parameter curve, rather than binned rates made non-increasing:
# the binned rates of about 3,000 held-out pairs moved by up to 0.2 between models trained on
# slightly different pairs (0.79 -> 0.59 at the same cost), and most learned links fell into one
# pooled bin; the curve's parameters move by a few percent, and nearby costs get nearby credits.
CALIBRATION_STEP = 0.05
CALIBRATION_MIN_P = 0.2
# Newton steps of the logistic fit (it converges in under 10 on the training data), and a small
# ridge on both parameters so that separable toy data still give a finite curve.
_FIT_ROUNDS = 25
_FIT_RIDGE = 1e-3


def calibrate(
    counts: EmissionCounts,
    positives: Sequence[tuple[str, str]],
    negatives: Sequence[tuple[str, str]],
) -> tuple[tuple[float, float], ...]:
    """P(same | cost per letter) as steps of a decreasing logistic curve.

    Pairs are (Latin token, Arabic form); negatives weigh PRIOR_NEGATIVES times positives.
    Empty if the pairs do not make cost a sign of different names.
    """
    costs: list[float] = []
    labels: list[float] = []
    weights: list[float] = []
    for label, pairs in ((1.0, positives), (0.0, negatives)):
        mass = 1.0 if label else PRIOR_NEGATIVES
        per_pair = [c for c in (_cost_per_letter(counts, lat, ar) for lat, ar in pairs) if c < _INF]
        for cost in per_pair:
            costs.append(cost)
            labels.append(label)
            weights.append(mass / len(per_pair))
    if not costs:
        return ()
    intercept, slope = fit_logistic(costs, labels, weights)
    if slope >= 0.0:
        return ()
    out: list[tuple[float, float]] = []
    k = 1
    while True:
        # Each step holds the curve's value at its middle.
        p = _logistic(intercept + slope * (k - 0.5) * CALIBRATION_STEP)
        if p < CALIBRATION_MIN_P:
            break
        out.append((round(k * CALIBRATION_STEP, 3), round(p, 3)))
        k += 1
    return tuple(out)


def _cost_per_letter(counts: EmissionCounts, latin: str, arabic_form: str) -> float:
    aligned = align(latin_form(latin), arabic_form, counts)
    return _INF if aligned is None else aligned[1]


def fit_logistic(
    xs: Sequence[float], ys: Sequence[float], ws: Sequence[float]
) -> tuple[float, float]:
    """Weighted logistic regression of ys (0/1) on xs: (intercept, slope), by Newton steps."""
    a = 0.0
    b = 0.0
    for _ in range(_FIT_ROUNDS):
        # Gradient and Hessian of the weighted log-likelihood, less the ridge.
        ga = -_FIT_RIDGE * a
        gb = -_FIT_RIDGE * b
        haa = hab = hbb = _FIT_RIDGE
        for x, y, w in zip(xs, ys, ws, strict=True):
            p = _logistic(a + b * x)
            r = w * (y - p)
            v = w * p * (1.0 - p)
            ga += r
            gb += r * x
            haa += v
            hab += v * x
            hbb += v * x * x
        det = haa * hbb - hab * hab
        if det <= 0.0:
            break
        da = (hbb * ga - hab * gb) / det
        db = (haa * gb - hab * ga) / det
        a += da
        b += db
        if abs(da) < 1e-9 and abs(db) < 1e-9:
            break
    return a, b


def _logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

"""Comparing prepared names: token similarity, best token pairing, and the name score.

Everything here runs per candidate pair in the screening hot path, so it works only on the
short skeleton strings built once by `prepare_name`; the costly steps (normalisation, particles,
transliteration) never run here.

Score of one name pair, from the best one-to-one token pairing (greedy on similarity):
    cov_q, cov_c = matched token weight / total token weight, on the query and candidate side
    score = 0.75 * max(cov_q, cov_c) + 0.25 * min(cov_q, cov_c)
so a name that is a subset of the other (a father's name left out) still scores high, while a
shared given name alone (half of each side) stays low. A pairing with a single matched token
between multi-token names is capped below any sensible threshold: one shared token is what
same-given-name false hits are made of.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

# Below this skeleton similarity two tokens are different names, not spelling variants.
MIN_TOKEN_SIMILARITY = 0.6
# Credit for "Benali" against "Ali": a family name formed with ben, written joined.
BEN_PREFIX_CREDIT = 0.85
SINGLE_TOKEN_CAP = 0.6


@dataclass(frozen=True, slots=True)
class TokenPair:
    query: int
    candidate: int
    similarity: float


def token_similarity(a: str, b: str) -> float:
    """Similarity in [0, 1] of two skeleton tokens; 0 when they are different names."""
    if a == b:
        return 1.0
    if (a.startswith("bn") and a[2:] == b) or (b.startswith("bn") and b[2:] == a):
        return BEN_PREFIX_CREDIT
    # Skeletons of one or two consonants leave no room for a spelling error: "mhmd" vs "hmd" is
    # Mohamed vs Ahmed, "l" vs "s" is Ali vs Issa.
    if len(a) < 3 or len(b) < 3:
        return 0.0
    sim = Levenshtein.normalized_similarity(a, b)
    if sim < MIN_TOKEN_SIMILARITY:
        return 0.0
    # A one-letter slip in a four-letter skeleton (0.75) counts for half a token.
    return max(0.0, 2.0 * sim - 1.0)


def best_pairing(query: Sequence[str], candidate: Sequence[str]) -> list[TokenPair]:
    """Greedy one-to-one pairing of tokens, most similar first (exact for the usual 2-5 tokens)."""
    scored: list[TokenPair] = []
    for i, a in enumerate(query):
        for j, b in enumerate(candidate):
            sim = token_similarity(a, b)
            if sim > 0.0:
                scored.append(TokenPair(i, j, sim))
    if not scored:
        return []
    scored.sort(key=lambda p: -p.similarity)
    used_q: set[int] = set()
    used_c: set[int] = set()
    out: list[TokenPair] = []
    for pair in scored:
        if pair.query in used_q or pair.candidate in used_c:
            continue
        used_q.add(pair.query)
        used_c.add(pair.candidate)
        out.append(pair)
    return out


def pair_score(
    query: Sequence[str],
    candidate: Sequence[str],
    pairing: Sequence[TokenPair],
    weight: Callable[[str], float] | None,
) -> float:
    if not pairing or not query or not candidate:
        return 0.0
    if weight is None:
        wq = [1.0] * len(query)
        wc = [1.0] * len(candidate)
    else:
        wq = [weight(t) for t in query]
        wc = [weight(t) for t in candidate]
    total_q = sum(wq)
    total_c = sum(wc)
    if total_q <= 0.0 or total_c <= 0.0:
        return 0.0
    matched_q = sum(p.similarity * wq[p.query] for p in pairing)
    matched_c = sum(p.similarity * wc[p.candidate] for p in pairing)
    cov_q = matched_q / total_q
    cov_c = matched_c / total_c
    score = 0.75 * max(cov_q, cov_c) + 0.25 * min(cov_q, cov_c)
    if len(pairing) < 2 and max(len(query), len(candidate)) >= 2:
        score = min(score, SINGLE_TOKEN_CAP)
    return min(1.0, score)

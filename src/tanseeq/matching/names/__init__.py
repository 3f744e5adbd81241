"""Cross-script person-name matching: prepare a name once, compare prepared names cheaply.

    >>> q = prepare_name("Youssef Hammouchi")
    >>> r = prepare_name("يوسف بن علي حموشي")
    >>> compare_names([q], [r]).explanation
    'Youssef = يوسف, Hammouchi = حموشي'

`prepare_name` does the heavy work (normalisation, particles, Arabic/Latin transliteration into
a common consonant-skeleton key space); `compare_names` only pairs short strings and sets, so it
costs microseconds and can run over every candidate an index returns (`name_score` is the same
score without the explanation, for ranking). Method and measured accuracy: bench/README.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from tanseeq.matching.names.compare import (
    SAME_SKELETON_BASE,
    Pairing,
    TokenView,
    best_pairing,
    pair_score,
)
from tanseeq.matching.names.normalize import raw_tokens
from tanseeq.matching.names.particles import canonical_tokens
from tanseeq.matching.names.translit import TranslitModel, token_view

__all__ = [
    "MAX_KEYS",
    "NameMatch",
    "PreparedName",
    "TokenView",
    "compare_names",
    "name_score",
    "prepare_name",
]

# Blocking keys per name: an index stores one posting per key, so this bounds its size.
MAX_KEYS = 8


@dataclass(frozen=True, slots=True)
class PreparedName:
    original: str
    tokens: tuple[str, ...]  # canonical comparable tokens (consonant skeletons), whatever script
    keys: frozenset[str]  # blocking keys: two names that should match share at least one
    surfaces: tuple[str, ...] = ()  # how each token was written, for explanations
    views: tuple[TokenView, ...] = ()  # per token: form with vowels and alternative readings


@dataclass(frozen=True, slots=True)
class NameMatch:
    score: float  # [0, 1]
    query: str  # the query name compared (original text)
    candidate: str  # the candidate name compared (original text)
    explanation: str  # short, readable by an officer


def prepare_name(name: str, model: TranslitModel | None = None) -> PreparedName:
    """Normalise, resolve particles and transliterate one name into comparable tokens.

    `model` replaces the shipped transliteration model (the benchmark trains one per fold).
    """
    views: list[TokenView] = []
    surfaces: list[str] = []
    for canon in canonical_tokens(raw_tokens(name)):
        view = token_view(canon.text, canon.script, model)
        if view is None:
            continue
        if canon.unstripped:
            alt = token_view(canon.unstripped, canon.script, model)
            if alt is not None and alt.skeleton != view.skeleton:
                view = replace(view, alt=alt)
        views.append(view)
        surfaces.append(canon.surface or canon.text)
    tokens = tuple(v.skeleton for v in views)
    # Best readings first, then the alternatives; longest (most selective) first within each.
    keys: list[str] = []
    alternatives = [r for v in views for r in sorted(v.readings - {v.skeleton})]
    alternatives += [v.alt.skeleton for v in views if v.alt is not None]
    for group in (tokens, alternatives):
        for key in sorted(set(group), key=lambda t: (-len(t), t)):
            if key not in keys and len(keys) < MAX_KEYS:
                keys.append(key)
    return PreparedName(name, tokens, frozenset(keys), tuple(surfaces), tuple(views))


def _explain(query: PreparedName, candidate: PreparedName, pairing: Pairing) -> str:
    parts: list[str] = []
    matched_q: set[int] = set()
    for similarity, i, j in sorted(pairing, key=lambda p: p[1]):
        matched_q.add(i)
        a = _surface(query, i)
        b = _surface(candidate, j)
        # "=": same consonant skeleton, i.e. the same name however spelt; "~": close spellings,
        # or a skeleton shared by two tokens whose letters differ too much (Leigh / Lilly).
        same = query.tokens[i] == candidate.tokens[j] and similarity >= SAME_SKELETON_BASE
        if similarity >= 1.0 or same:
            parts.append(f"{a} = {b}")
        else:
            parts.append(f"{a} ~ {b} ({similarity:.0%})")
    missing = [_surface(query, i) for i in range(len(query.tokens)) if i not in matched_q]
    if missing:
        parts.append("unmatched: " + " ".join(missing))
    return ", ".join(parts) if parts else "no common name token"


def _views(name: PreparedName) -> tuple[TokenView, ...]:
    # A PreparedName built by hand (tests, other callers) may carry tokens only.
    if len(name.views) == len(name.tokens):
        return name.views
    return tuple(TokenView(t, t, frozenset((t,))) for t in name.tokens)


def _surface(name: PreparedName, index: int) -> str:
    if index < len(name.surfaces):
        return name.surfaces[index]
    return name.tokens[index]


def _best(
    query: Sequence[PreparedName],
    candidate: Sequence[PreparedName],
    weight: Callable[[str], float] | None,
) -> tuple[float, PreparedName, PreparedName, Pairing] | None:
    best: tuple[float, PreparedName, PreparedName, Pairing] | None = None
    for q in query:
        qv = _views(q)
        for c in candidate:
            pairing = best_pairing(qv, _views(c))
            score = pair_score(q.tokens, c.tokens, pairing, weight)
            if best is None or score > best[0]:
                best = (score, q, c, pairing)
    return best


def name_score(
    query: Sequence[PreparedName],
    candidate: Sequence[PreparedName],
    weight: Callable[[str], float] | None = None,
) -> float:
    """The score of `compare_names` without its explanation: for ranking many candidates."""
    best = _best(query, candidate, weight)
    return 0.0 if best is None else round(best[0], 4)


def compare_names(
    query: Sequence[PreparedName],
    candidate: Sequence[PreparedName],
    weight: Callable[[str], float] | None = None,
) -> NameMatch:
    """Best score over all names/aliases of both sides; `weight(token)` is the token's rarity."""
    best = _best(query, candidate, weight)
    if best is None:
        q_text = query[0].original if query else ""
        c_text = candidate[0].original if candidate else ""
        return NameMatch(0.0, q_text, c_text, "nothing to compare")
    score, q, c, pairing = best
    return NameMatch(round(score, 4), q.original, c.original, _explain(q, c, pairing))

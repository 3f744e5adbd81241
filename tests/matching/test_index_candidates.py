"""MatchIndex candidate generation against a plain-Python statement of what it computes.

The index ranks candidates with a few vectorised NumPy passes tuned for speed; the reference
below computes the same ranking one slot at a time, in the same float32 arithmetic, so any
change in which candidates come out, or in their order, fails here. The watchlist is drawn
from a small vocabulary so that many records share a name and score exactly alike: the cuts
between stages fall amid ties, which are ranked by slot.
"""

from __future__ import annotations

import math
import random

import numpy as np
import numpy.typing as npt
import pytest
from rapidfuzz import process

from tanseeq.matching.index import _TEXT_WIDTH_MAX, PRERANK_MIX, PRERANK_SCORER, MatchIndex
from tanseeq.matching.scorer import PreparedSubject, prepare_subject
from tanseeq.matching.subject import Subject

LATIN = [
    "Mohamed", "Muhammad", "Ali", "Hassan", "Hussein", "Ahmed", "Omar", "Youssef", "Ibrahim",
    "Khalid", "Fatima", "Aisha", "John", "Smith", "Williams", "Robert", "Maria", "Anna",
    "Abdallah", "Mustafa", "Hammouchi", "Benali", "Karim", "Nour", "Saleh", "Rashid",
]  # fmt: skip
ARABIC = [
    "محمد", "علي", "حسن", "حسين", "أحمد", "عمر", "يوسف", "إبراهيم", "خالد", "فاطمة",
    "عائشة", "عبد الله", "مصطفى", "حموشي", "كريم", "نور", "صالح", "رشيد",
]  # fmt: skip


# A long tail of rare family names (keys under every cap).
RARE = [f"{a}a{b}i{c}" for a in "bdfgklmnrst" for b in "lmnrs" for c in "dkmt"]


def _name(rng: random.Random) -> str:
    words = LATIN if rng.random() < 0.5 else ARABIC
    # Skewed draws: the first words are common (keys past the cap), the last ones rare.
    tokens = rng.choices(words, weights=range(len(words), 0, -1), k=rng.randint(1, 3))
    if rng.random() < 0.6:
        tokens.append(rng.choice(RARE).title())
    return " ".join(tokens)


def _subjects(rng: random.Random, n: int, prefix: str) -> list[Subject]:
    return [
        Subject(f"{prefix}{i}", names=[_name(rng) for _ in range(1 + (rng.random() < 0.15))])
        for i in range(n)
    ]


def reference_candidates(
    index: MatchIndex, query: PreparedSubject, allowed: npt.NDArray[np.uint8] | None = None
) -> list[int]:
    """What ``MatchIndex._name_candidates`` returns, computed one slot at a time."""
    f32 = np.float32
    keys = {key for name in query.names for key in name.keys if key in index._postings}
    if not keys:
        return []
    found = sorted((len(index._postings[key]), key) for key in keys)
    n = max(2, len(index._records))
    driving = [key for size, key in found if size <= index.common_key_cap] or [found[0][1]]
    common = [key for _, key in found if key not in driving]
    score: dict[int, np.float32] = {}
    for key in driving:
        weight = f32(math.log1p(n / len(index._postings[key])))
        for slot in index._postings[key]:
            score[slot] = score.get(slot, f32(0.0)) + weight
    for key in common:
        weight = f32(math.log1p(n / len(index._postings[key])))
        members = set(index._postings[key])
        for slot in score:
            if slot in members:
                score[slot] += weight
    for slot in score:
        score[slot] *= f32(index._norm[slot])
        if allowed is not None:
            score[slot] *= f32(allowed[slot])
    positive = [slot for slot, value in score.items() if value > 0.0]
    ranked = sorted(positive, key=lambda slot: (-score[slot], slot))[: index.prerank_candidates]
    if len(ranked) <= index.max_candidates:
        return ranked
    texts = [" ".join(name.tokens) for name in query.names]
    mixed = []
    for slot in ranked:
        # The record's tokens, each once, as one string (its start only, as the index keeps).
        record = index._records[slot]
        assert record is not None
        text = " ".join(dict.fromkeys(t for n in record.names for t in n.tokens))
        similarity = process.cdist(
            texts, [text[:_TEXT_WIDTH_MAX]], scorer=PRERANK_SCORER, dtype=np.uint8
        ).max()
        key_part = score[slot] / score[ranked[0]]
        mixed.append(key_part + f32(PRERANK_MIX) * f32(similarity) / f32(100))
    best = sorted(range(len(ranked)), key=lambda i: -mixed[i])[: index.max_candidates]
    return [ranked[i] for i in best]


@pytest.fixture(scope="module")
def indexes() -> list[MatchIndex]:
    rng = random.Random(20261123)
    subjects = _subjects(rng, 3000, "p")
    built = []
    for cap, prerank, most in [(60, 24, 6), (400, 64, 16), (1, 8, 3)]:
        index = MatchIndex(common_key_cap=cap, prerank_candidates=prerank, max_candidates=most)
        index.add_many(subjects)
        # Dead slots (below the compaction ratio, so tombstones stay in the postings) and a
        # replaced record, whose new slot comes last.
        for i in range(0, 3000, 7):
            index.remove(f"p{i}")
        index.add(Subject("p1", names=["Mohamed Ali"]))
        built.append(index)
    return built


@pytest.fixture(scope="module")
def queries() -> list[PreparedSubject]:
    rng = random.Random(7)
    return [prepare_subject(s) for s in _subjects(rng, 150, "q")]


def test_candidates_equal_the_reference(
    indexes: list[MatchIndex], queries: list[PreparedSubject]
) -> None:
    several_driving = many_common = ties_cut = 0
    for index in indexes:
        mask = np.zeros(len(index._records), dtype=np.uint8)
        mask[::3] = 1
        for number, query in enumerate(queries):
            allowed = mask if number % 4 == 0 else None
            got = index._name_candidates(query, allowed)
            assert got == reference_candidates(index, query, allowed), query.id
            keys = {key for name in query.names for key in name.keys}
            sizes = sorted(len(p) for key in keys if (p := index._postings.get(key)))
            several_driving += sum(s <= index.common_key_cap for s in sizes) > 1
            many_common += sum(s > index.common_key_cap for s in sizes) > 1
            ties_cut += len(got) == index.max_candidates
    # The queries exercise every path: one and several driving keys, common keys, full cuts.
    assert several_driving > 100 and many_common > 50 and ties_cut > 100


def test_search_scores_exactly_the_candidates(
    indexes: list[MatchIndex], queries: list[PreparedSubject]
) -> None:
    # With no threshold every candidate comes back (no identifiers here: names only).
    index = indexes[0]
    for query in queries[:40]:
        slots = reference_candidates(index, query)
        expected = {record.id for slot in slots if (record := index._records[slot]) is not None}
        results = index.search(query, limit=len(index._records), threshold=0.0)
        assert {r.record_id for r in results} == expected


def test_a_search_among_the_settled_considered_records_equals_one_among_all_admitted(
    indexes: list[MatchIndex], queries: list[PreparedSubject]
) -> None:
    # What /match relies on to ask the sharing policy about a few records only: once
    # `settled`, the admitted records among those considered give the same search as all
    # admitted records; deeper looks extend the ranking, never reorder it.
    rng = random.Random(11)
    settled_early = differ_unsettled = 0
    for index in indexes:
        ids = [r.id for r in index._records if r is not None]
        for query in queries[:50]:
            share = rng.choice([0.02, 0.3, 0.9, 1.0])
            admitted = set(rng.sample(ids, int(len(ids) * share)))

            def found(
                among: set[str], index: MatchIndex = index, query: PreparedSubject = query
            ) -> list[tuple[str, float]]:
                mask = index.allowed_mask(among)
                results = index.search(query, limit=50, threshold=0.0, allowed=mask)
                return [(r.record_id, r.score) for r in results]

            everything = found(admitted)
            shallower: tuple[str, ...] = ()
            for factor in (1, 3, 9, 10_000):
                view = index.considered(query, index.prerank_candidates * factor)
                assert view.ranked[: len(shallower)] == shallower
                shallower = view.ranked
                among = admitted & {*view.identified, *view.ranked}
                if view.settled(admitted):
                    assert found(among) == everything, (query.id, factor)
                    settled_early += not view.complete
                    break
                differ_unsettled += found(among) != everything
            else:
                raise AssertionError(f"{query.id}: not settled with every candidate considered")
    # Both outcomes occur: settled before every candidate is considered, and searches that
    # would have differed had an unsettled look been trusted.
    assert settled_early > 20 and differ_unsettled > 5

"""Comparing prepared names: token similarity, best token pairing, and the name score.

Everything here runs per candidate pair in the screening hot path, so it works only on the
short strings and sets built once by `prepare_name`; the costly steps (normalisation, particles,
transliteration) never run here.

Token similarity: 1 for the same form (consonants and long vowels); a high credit for the same
consonant skeleton, or a skeleton shared through another plausible reading of a Latin spelling,
raised by the vowels' agreement and cut when only one starts with a vowel; otherwise the forms'
edit similarity less a penalty, if close enough; as a last resort, a lower credit for reading
skeletons one consonant apart. Two tokens written in the same script are also bounded by how
close their letters are, and a token that lost an attached article also compares through its
unstripped reading (TokenView.alt). With a trained model, a Latin and an Arabic token left weak
by these rules beside a strong match earn the learned pair similarity (align.PairModel, a
calibrated P(same name)), and a shared skeleton that the pair model finds implausible loses
some credit (see LEARNED_* and IMPLAUSIBLE_*).

Score of one name pair, from the best one-to-one token pairing (greedy on similarity):
    cov_q, cov_c = matched token weight / total token weight, on the query and candidate side
    score = a * max(cov_q, cov_c) + (1 - a) * min(cov_q, cov_c)      (a = COVERAGE_MAX_WEIGHT)
(a matched token counts its similarity times its weight, a little less when a skeleton has one
or two consonants and the forms differ: see SHORT_PAIR_*),
so a name that is a subset of the other (a father's name left out) can still score high when
the left-out token is common, while a shared given name alone (half of each side) stays low.
A pairing with a single matched token between multi-token names is capped below any sensible
threshold: one shared token is what same-given-name false hits are made of; between two-token
names (or two of three), a pair of tokens that only resemble each other costs its shortfall
from MEDIOCRE_TOKEN, and the better pair its shortfall from STRONG_TOKEN (one of two tokens
must be near-certain).

When one name has more tokens than the other, an unmatched token of the longer one counts
EDGE_UNMATCHED_FACTOR times its weight if it is its first or last token, and
INNER_UNMATCHED_FACTOR times inside: the token a writer leaves out is a father's or middle
name, inside the name, while a name that matches two of three tokens and leaves out an end one
is most often someone else ("Doug Cezar" against "Shiina Doug Cezar").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from rapidfuzz.distance import Levenshtein

from tanseeq.matching.names.align import comparable_skeletons

# Credits of a token pair by how its forms and skeletons agree (tuned on bench/accuracy.py).
SAME_SKELETON_BASE = 0.8  # same consonants, different long vowels: plus 0.2 x vowel similarity
OTHER_READING_BASE = 0.75  # the same, through another plausible reading of a Latin spelling
# Only one of the two starts with a vowel (Ahmed / Hamid): the base credit times this. Not when
# the vowel is all that differs (Brahim / Ibrahim, Smail / Ismail): a leading vowel before two
# consonants is often left out, and the rest is the same form.
INITIAL_VOWEL_CREDIT = 0.75
SHORT_SKELETON_FACTOR = 0.7  # the base credit times this for one-consonant skeletons
# Different skeletons: the similarity of the forms, less a penalty, if at least FUZZY_MIN.
FUZZY_MIN = 0.7
FUZZY_PENALTY = 0.1
# Credit for "Benali" against "Ali": a family name formed with ben, written joined.
BEN_PREFIX_CREDIT = 0.85
SINGLE_TOKEN_CAP = 0.6
# A skeleton of one or two consonants shared only through an alternative reading is weak
# evidence (most two-consonant skeletons have several readings): the credit times this.
SHORT_READING_FACTOR = 0.6
# Two tokens written in the same script are the same name only if their letters are close
# too: "Leigh" and "Lilly" share their form but are different names. The credit is capped at
# the letters' edit similarity plus this margin, which leaves room for spelling conventions
# (Youssef / Yusuf 0.57 + 0.3, Mohammed / Muhammad 0.63 + 0.3).
SAME_SCRIPT_MARGIN = 0.3
# An unmatched first or last token of the longer name weighs this many times its weight, an
# unmatched inner token (a father's or middle name, the token writers leave out) this many.
EDGE_UNMATCHED_FACTOR = 2.0
INNER_UNMATCHED_FACTOR = 0.6
# A pair that is not the same form where either skeleton has at most SHORT_PAIR_LEN consonants
# counts SHORT_PAIR_FACTOR times its similarity: short skeletons are shared by many names
# (Sir / Shirai, Ski / Seki), so resembling one is weaker evidence than resembling a long one.
SHORT_PAIR_LEN = 2
SHORT_PAIR_FACTOR = 0.95
# Last resort, for a Latin spelling the model reads too differently ("Cengiz", Turkish c = ج):
# two readings' skeletons of at least READING_FUZZY_MIN_LEN consonants with an edit similarity
# of at least READING_FUZZY_MIN (one consonant off in four) earn this times that similarity.
READING_FUZZY_MIN = 0.75
READING_FUZZY_MIN_LEN = 4
READING_FUZZY_CREDIT = 0.8
# Learned last resort (align.PairModel): a Latin and an Arabic token left unpaired, or paired
# below LEARNED_TRIGGER, by the rules above earn LEARNED_CREDIT x P(same name) when another
# token of the names already matches at LEARNED_TRIGGER (a lone token cannot carry a name).
LEARNED_TRIGGER = 0.8
# The full P: the calibration is a logistic curve below 1 everywhere (align.calibrate), where
# the binned one gave a pooled 1.0 up to a cost of 1 a letter and needed this at 0.9.
LEARNED_CREDIT = 1.0
# ...and only if some reading of the Latin token has a skeleton this close to the Arabic one.
LEARNED_GATE = 0.4
# A cross-script pair the rules credit at LEARNED_TRIGGER or more without the same form, which
# the pair model finds unlikely to be the same name (P < IMPLAUSIBLE_P: Brianna / برونو share
# the skeleton brn), keeps IMPLAUSIBLE_FACTOR of its credit.
IMPLAUSIBLE_P = 0.3
IMPLAUSIBLE_FACTOR = 0.85
# Two tokens paired, the shorter name having two (the longer one's third token, if any, left
# unmatched), one pair only a mediocre match (below MEDIOCRE_TOKEN): the score loses
# MEDIOCRE_PENALTY x the shortfall. A given and a family name where one merely resembles its
# counterpart (Vian / فيران, Ayed / زايد) is most often a different person; a third token
# matched carries its own evidence, a third token left unmatched none.
MEDIOCRE_TOKEN = 0.75
MEDIOCRE_PENALTY = 1.0
# ...and when neither of the two pairs reaches STRONG_TOKEN, the score loses MEDIOCRE_PENALTY x
# the stronger one's shortfall too: a person is named by at least one near-certain token, while
# two tokens that each only sound alike (Keran Hüseyin / هوشينو كارون, Mike Hayat / موكاي هويت)
# are how different people's names resemble each other.
STRONG_TOKEN = 0.9
# Weight of the better-covered side in the name score (see the module docstring).
COVERAGE_MAX_WEIGHT = 0.4
_VOWELS = frozenset("aui")


class PairScorer(Protocol):
    """P(same name) of a Latin token (its letters) and an Arabic token (its form)."""

    def similarity(self, latin: str, arabic_form: str) -> float: ...


@dataclass(frozen=True, slots=True)
class TokenView:
    """What the comparison needs of one token (built once per name by `prepare_name`)."""

    skeleton: str  # consonant skeleton: the token itself in PreparedName.tokens
    form: str  # skeleton with the long vowels
    readings: frozenset[str]  # skeletons of every plausible reading, the best one included
    # The canonical token in its own script ("ar:يوسف", "la:youssef"); empty when unknown.
    # Two tokens in the same script are compared on their letters too (see token_similarity).
    letters: str = ""
    # The token read with an attached article kept ("Albert" is "bert" after the article is
    # split off, and "albert" here): either reading may match.
    alt: TokenView | None = None
    # The learned pair similarity of the model that read this token, if it has one.
    pairs: PairScorer | None = None


def token_similarity(a: TokenView, b: TokenView) -> float:
    """Similarity in [0, 1] of two tokens; 0 means different names."""
    sim = _spelled_similarity(a, b)
    if a.alt is not None:
        sim = max(sim, _spelled_similarity(a.alt, b))
    if b.alt is not None:
        sim = max(sim, _spelled_similarity(a, b.alt))
    return sim


def _spelled_similarity(a: TokenView, b: TokenView) -> float:
    sim = _sound_similarity(a, b)
    la, lb = a.letters, b.letters
    if sim and la != lb and la[:3] == lb[:3]:
        # Same script, different spelling: the letters bound the credit (see the constants).
        sim = min(sim, SAME_SCRIPT_MARGIN + Levenshtein.normalized_similarity(la[3:], lb[3:]))
    return sim


def _sound_similarity(a: TokenView, b: TokenView) -> float:
    # How close two tokens sound, from their forms, skeletons and readings only.
    if a.form == b.form:
        return 1.0
    ska, skb = a.skeleton, b.skeleton
    if ska == skb or not a.readings.isdisjoint(b.readings):
        base = SAME_SKELETON_BASE if ska == skb else OTHER_READING_BASE
        if len(ska) < 2 or len(skb) < 2:
            # One consonant ("Ali", "Lee", "Law" are all "l"): the vowels are all there is.
            base *= SHORT_SKELETON_FACTOR
        fa, fb = a.form, b.form
        if (fa[0] in _VOWELS) != (fb[0] in _VOWELS) and fa[1:] != fb and fb[1:] != fa:
            sim = INITIAL_VOWEL_CREDIT * base
        else:
            sim = base + (1.0 - base) * Levenshtein.normalized_similarity(a.form, b.form)
        if ska != skb and (len(ska) <= 2 or len(skb) <= 2):
            sim *= SHORT_READING_FACTOR
        return sim
    if ska[2:] == skb or skb[2:] == ska:
        if ska[:2] == "bn" or skb[:2] == "bn":
            return BEN_PREFIX_CREDIT
    fa, fb = a.form, b.form
    longer = max(len(fa), len(fb))
    # The length difference alone bounds the similarity: skip the edit distance when it is out.
    if abs(len(fa) - len(fb)) <= (1.0 - FUZZY_MIN) * longer:
        sim = Levenshtein.normalized_similarity(fa, fb, score_cutoff=FUZZY_MIN)
        if sim:
            return sim - FUZZY_PENALTY
    if len(ska) < READING_FUZZY_MIN_LEN - 1 or len(skb) < READING_FUZZY_MIN_LEN - 1:
        return 0.0
    return READING_FUZZY_CREDIT * _reading_fuzzy(a.readings, b.readings)


def _reading_fuzzy(ra: frozenset[str], rb: frozenset[str]) -> float:
    best = 0.0
    for x in ra:
        if len(x) < READING_FUZZY_MIN_LEN:
            continue
        for y in rb:
            if len(y) >= READING_FUZZY_MIN_LEN and abs(len(x) - len(y)) <= 1:
                best = max(
                    best, Levenshtein.normalized_similarity(x, y, score_cutoff=READING_FUZZY_MIN)
                )
    return best


# (similarity, query token index, candidate token index): plain tuples, as this runs for every
# token pair of every candidate.
Pairing = list[tuple[float, int, int]]


def best_pairing(query: Sequence[TokenView], candidate: Sequence[TokenView]) -> Pairing:
    """Greedy one-to-one pairing of tokens, most similar first (exact for the usual 2-5 tokens)."""
    scored: Pairing = []
    for i, a in enumerate(query):
        form, letters = a.form, a.letters
        for j, b in enumerate(candidate):
            if form == b.form and (letters == b.letters or letters[:3] != b.letters[:3]):
                scored.append((1.0, i, j))
                continue
            sim = token_similarity(a, b)
            if sim > 0.0:
                scored.append((sim, i, j))
    out = _greedy(scored) if len(scored) >= 2 else scored
    if query and query[0].pairs is not None:
        out = _checked(query, candidate, out)
        return _with_learned(query, candidate, scored, out)
    return out


def _checked(query: Sequence[TokenView], candidate: Sequence[TokenView], out: Pairing) -> Pairing:
    """Cut the credit of cross-script pairs that share a skeleton but align implausibly."""
    checked: Pairing = []
    for sim, i, j in out:
        if LEARNED_TRIGGER <= sim < 1.0:
            a, b = query[i], candidate[j]
            if a.letters[:3] != b.letters[:3] and _learned(a, b) < IMPLAUSIBLE_P:
                sim *= IMPLAUSIBLE_FACTOR
        checked.append((sim, i, j))
    return checked


def _greedy(scored: Pairing) -> Pairing:
    scored.sort(reverse=True)
    used_q: set[int] = set()
    used_c: set[int] = set()
    out: Pairing = []
    for pair in scored:
        if pair[1] in used_q or pair[2] in used_c:
            continue
        used_q.add(pair[1])
        used_c.add(pair[2])
        out.append(pair)
    return out


def _with_learned(
    query: Sequence[TokenView], candidate: Sequence[TokenView], scored: Pairing, out: Pairing
) -> Pairing:
    """Re-pair after giving weak cross-script token pairs their learned similarity."""
    strong = [p for p in out if p[0] >= LEARNED_TRIGGER]
    if not strong and (len(query) > 1 or len(candidate) > 1):
        return out
    strong_q = {p[1] for p in strong}
    strong_c = {p[2] for p in strong}
    current = {(p[1], p[2]): p[0] for p in scored}
    current.update({(p[1], p[2]): p[0] for p in out})  # as _checked left them
    raised = False
    for i, a in enumerate(query):
        if i in strong_q:
            continue
        for j, b in enumerate(candidate):
            if j in strong_c:
                continue
            learned = LEARNED_CREDIT * _learned(a, b)
            if learned > current.get((i, j), 0.0):
                current[(i, j)] = learned
                raised = True
    if not raised:
        return out
    return _greedy([(s, i, j) for (i, j), s in current.items()])


def _learned(a: TokenView, b: TokenView) -> float:
    # 0 when the pair model has no say (same script, no model, skeletons unlike in length).
    if not comparable_skeletons(a.skeleton, b.skeleton):
        return 0.0
    la, lb = a.letters, b.letters
    if la[:3] == "la:" and lb[:3] == "ar:":
        latin, arabic = a, b
    elif la[:3] == "ar:" and lb[:3] == "la:":
        latin, arabic = b, a
    else:
        return 0.0
    if latin.pairs is None or not _some_reading_near(latin.readings, arabic.skeleton):
        return 0.0
    return latin.pairs.similarity(latin.letters[3:], arabic.form)


def _some_reading_near(readings: frozenset[str], skeleton: str) -> bool:
    # A cheap gate before the alignment: measured on the tuning data, it keeps 39 of the 43
    # token pairs the pair model credits and drops 90% of the alignments, all but wasted.
    return any(
        Levenshtein.normalized_similarity(r, skeleton, score_cutoff=LEARNED_GATE) for r in readings
    )


def pair_score(
    query: Sequence[str],
    candidate: Sequence[str],
    pairing: Pairing,
    weight: Callable[[str], float] | None,
) -> float:
    """Name score of one pairing (see the module docstring)."""
    if not pairing or not query or not candidate:
        return 0.0
    if weight is None:
        wq = [1.0] * len(query)
        wc = [1.0] * len(candidate)
    else:
        wq = [weight(t) for t in query]
        wc = [weight(t) for t in candidate]
    matched_q = 0.0
    matched_c = 0.0
    for sim, i, j in pairing:
        if sim < 1.0 and min(len(query[i]), len(candidate[j])) <= SHORT_PAIR_LEN:
            sim *= SHORT_PAIR_FACTOR
        matched_q += sim * wq[i]
        matched_c += sim * wc[j]
    if len(query) != len(candidate):
        longer, side = (wq, 1) if len(query) > len(candidate) else (wc, 2)
        paired = {p[side] for p in pairing}
        last = len(longer) - 1
        for k in range(len(longer)):
            if k not in paired:
                longer[k] *= EDGE_UNMATCHED_FACTOR if k in (0, last) else INNER_UNMATCHED_FACTOR
    total_q = sum(wq)
    total_c = sum(wc)
    if total_q <= 0.0 or total_c <= 0.0:
        return 0.0
    cov_q = matched_q / total_q
    cov_c = matched_c / total_c
    high, low = (cov_q, cov_c) if cov_q >= cov_c else (cov_c, cov_q)
    score = COVERAGE_MAX_WEIGHT * high + (1.0 - COVERAGE_MAX_WEIGHT) * low
    if len(pairing) < 2 and (len(query) >= 2 or len(candidate) >= 2):
        score = min(score, SINGLE_TOKEN_CAP)
    elif len(pairing) == 2 == min(len(query), len(candidate)):
        weaker, stronger = sorted((pairing[0][0], pairing[1][0]))
        shortfall = max(0.0, MEDIOCRE_TOKEN - weaker) + max(0.0, STRONG_TOKEN - stronger)
        score -= MEDIOCRE_PENALTY * shortfall
    return max(0.0, min(1.0, score))

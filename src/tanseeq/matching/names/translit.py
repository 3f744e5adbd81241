"""Latin spellings into the common key space (skeleton.py), learned from name pairs.

Arabic tokens map to their form by a fixed letter table: Arabic letters are unambiguous. Latin
spellings are not ("ch" is ش in French and تش in English, "g" is ج or غ, "e" is a long vowel or
nothing), so the Latin side is learned from Latin/Arabic token pairs:

1. each Arabic token is reduced to its form (consonant classes and long vowels), each Latin
   token padded with word-boundary marks (``^youssef$``);
2. hard EM: every pair is aligned monotonically (Viterbi), each Latin letter emitting 0-2
   classes of the Arabic form, with the cost of an emission given by the letter in context
   (previous, current and next letter, mixed with the smaller contexts by how often each was
   seen). The first round scores by the hand-written seed rules; each later round by the counts
   of the previous round's alignments. Pairs that align only at a high cost per letter
   (translations, errors: "finder" / مكتشف) are left out of the counts;
3. the model kept is, for each letter-in-context key seen often enough, its most frequent
   emission and the runner-up with its share. A Latin token is read letter by letter from the
   most specific context known (the seed rules when none is), which costs microseconds and is
   done once per distinct token; `latin_readings` adds the readings that swap in likely
   runner-ups, so that doubtful letters still give the right blocking key;
4. the emission counts of the last round, from the pairs outside a calibration tenth, also make
   a `PairModel` (align.py): the comparison's last resort for a Latin token the readings miss,
   scored by how cheaply it aligns with the Arabic form, calibrated on the tenth left out.
"""

from __future__ import annotations

import json
import math
import random
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tanseeq.matching.names.align import (
    EmissionCounts,
    PairModel,
    align,
    calibrate,
    comparable_skeletons,
    contexts,
    latin_form,
    seed_emissions,
)
from tanseeq.matching.names.compare import TokenView
from tanseeq.matching.names.normalize import Script, normalize_arabic, normalize_latin
from tanseeq.matching.names.particles import strip_arabic_article, strip_latin_attached_article
from tanseeq.matching.names.skeleton import (
    arabic_skeleton,
    consonants,
    finish,
    latin_rule_classes,
)

MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "translit_model.json"
# Decoding backs off to a smaller context when the larger one was seen fewer times than this.
MIN_CONTEXT_COUNT = 3.0
# Readings per Latin token, and how often a runner-up must occur in its context to be one.
MAX_READINGS = 4
MIN_ALTERNATIVE_SHARE = 0.05


@dataclass(frozen=True, slots=True)
class TranslitModel:
    """Per letter-in-context key: best emission, times seen, runner-up and its share; and the
    learned pair similarity (None for a table alone: the comparison then does without)."""

    table: dict[str, tuple[str, float, str, float]]
    pairs: PairModel | None = None

    def _choices(self, form: str) -> list[tuple[str, str, float]]:
        """Per letter of `form`: (best emission, runner-up, runner-up share)."""
        seed: list[str] | None = None
        out: list[tuple[str, str, float]] = []
        for i in range(1, len(form) - 1):
            for key in contexts(form, i):
                entry = self.table.get(key)
                if entry is not None and entry[1] >= MIN_CONTEXT_COUNT:
                    out.append((entry[0], entry[2], entry[3]))
                    break
            else:
                if seed is None:
                    seed = seed_emissions(form[1:-1])
                out.append((seed[i - 1], "", 0.0))
        return out

    def latin_classes(self, text: str) -> str:
        """Classes of a normalised Latin token by its best reading (before `finish`)."""
        return "".join(best for best, _, _ in self._choices(latin_form(text)))

    def latin_skeleton(self, text: str) -> str:
        return finish(self.latin_classes(text))

    def latin_readings(self, text: str, limit: int = MAX_READINGS) -> list[str]:
        """The best reading first, then readings that swap in the likeliest runner-ups.

        Only runner-ups that change the consonants count: vowel doubts are handled by the
        comparison, consonant doubts ("g" as ج or غ, "s" as س or ز) would lose the key.
        """
        choices = self._choices(latin_form(text))
        best = [c[0] for c in choices]
        doubts = sorted(
            (
                (share, i)
                for i, (emit, alt, share) in enumerate(choices)
                if share >= MIN_ALTERNATIVE_SHARE and consonants(alt) != consonants(emit)
            ),
            reverse=True,
        )
        variants = [best]
        for _, i in doubts:
            for letters in list(variants):
                if len(variants) >= limit:
                    break
                changed = list(letters)
                changed[i] = choices[i][1]
                variants.append(changed)
        readings: list[str] = []
        for letters in variants:
            reading = finish("".join(letters))
            if reading not in readings:
                readings.append(reading)
        return readings[:limit]

    def to_json(self) -> str:
        rows = {
            key: [emit, round(n, 1), alt, round(share, 3)]
            for key, (emit, n, alt, share) in sorted(self.table.items())
        }
        doc: dict[str, object] = {"readings": rows}
        if self.pairs is not None:
            counts = self.pairs.counts
            doc["pairs"] = {
                "emissions": {k: [counts.totals[k], counts.by_key[k]] for k in counts.by_key},
                "calibration": [list(step) for step in self.pairs.calibration],
            }
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> TranslitModel:
        doc = json.loads(text)
        rows = doc["readings"]
        table = {str(k): (str(v[0]), float(v[1]), str(v[2]), float(v[3])) for k, v in rows.items()}
        pairs = None
        if "pairs" in doc:
            counts = EmissionCounts()
            for key, (total, emissions) in doc["pairs"]["emissions"].items():
                counts.totals[key] = float(total)
                counts.by_key[key] = {str(e): float(n) for e, n in emissions.items()}
            steps = tuple((float(c), float(p)) for c, p in doc["pairs"]["calibration"])
            pairs = PairModel(counts, steps)
        return cls(table, pairs)


@dataclass(frozen=True, slots=True)
class TrainingPair:
    latin: str  # normalised Latin token
    skeleton: str  # skeleton of the Arabic token
    count: int


def training_pairs(rows: Iterable[tuple[str, str, int]]) -> list[TrainingPair]:
    """Normalise raw (latin, arabic, count) rows; the Arabic side may be letter-spaced."""
    out: list[TrainingPair] = []
    for latin, arabic, count in rows:
        # The same article stripping as for names (particles.py), so that "khadir" is learned
        # against خضير and not against الخضير.
        lat = strip_latin_attached_article(normalize_latin(latin))
        written = arabic.replace(" ", "")
        skel = arabic_skeleton(strip_arabic_article(normalize_arabic(written), written))
        if lat and skel:
            out.append(TrainingPair(lat, skel, count))
    return out


def read_tsv(path: Path) -> list[tuple[str, str, int]]:
    rows: list[tuple[str, str, int]] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 3 and cols[2].isdigit():
                rows.append((cols[0], cols[1], int(cols[2])))
    return rows


# A tenth of the pairs (by Latin token) calibrates the pair model and is left out of its counts.
CALIBRATION_SHARE = 10
# The pair model keeps contexts seen this often and emissions of at least this share of them.
PAIR_MIN_TOTAL = 3.0
PAIR_MIN_SHARE = 0.01
# Random Arabic forms tried per held-out token to find a negative of comparable length.
NEGATIVE_TRIES = 20


def train_model(rows: Iterable[tuple[str, str, int]], iterations: int = 3) -> TranslitModel:
    """Learn a `TranslitModel` from (latin, arabic, count) rows by hard EM (see module doc)."""
    pairs = training_pairs(rows)
    held = [p for p in pairs if _calibration(p.latin)]
    counts: EmissionCounts | None = None
    pair_counts = EmissionCounts()
    for round_ in range(iterations):
        new = EmissionCounts()
        last = round_ == iterations - 1
        for pair in pairs:
            form = latin_form(pair.latin)
            aligned = align(form, pair.skeleton, counts)
            if aligned is None:
                continue
            emits, per_letter = aligned
            # Translations and errors ("finder" / مكتشف) align only at a high cost per letter.
            if counts is not None and per_letter > 2.5:
                continue
            # A name counts more with its frequency, but only logarithmically: correspondences
            # should come from many names, not from "smith" alone.
            weight = 1.0 + math.log(pair.count)
            calibration = _calibration(pair.latin)
            for i, emit in enumerate(emits):
                keys = contexts(form, i + 1)
                new.add(keys, emit, weight)
                if last and not calibration:
                    pair_counts.add(keys, emit, weight)
        counts = new
    table: dict[str, tuple[str, float, str, float]] = {}
    if counts is not None:
        for key, counter in counts.by_key.items():
            if counts.totals[key] < MIN_CONTEXT_COUNT:
                continue
            ranked = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:2]
            emit = ranked[0][0]
            alt, alt_count = ranked[1] if len(ranked) > 1 else ("", 0.0)
            total = counts.totals[key]
            table[key] = (emit, total, alt, alt_count / total)
    readings = TranslitModel(_prune(table))
    return TranslitModel(readings.table, _pair_model(pair_counts, held, readings))


def _calibration(latin: str) -> bool:
    # Salted: a plain CRC of the token would coincide with the benchmark's fold split.
    return zlib.crc32(b"calibration:" + latin.encode()) % CALIBRATION_SHARE == 0


def _pair_model(
    counts: EmissionCounts, held: list[TrainingPair], readings: TranslitModel
) -> PairModel | None:
    """The pair model: counts without the held-out tenth, calibrated on that tenth against
    random pairings of its tokens with other Arabic forms, among the pairs the comparison
    would give to it (skeletons of comparable length, align.comparable_skeletons)."""
    pruned = counts.pruned(PAIR_MIN_TOTAL, PAIR_MIN_SHARE)
    if not pruned.by_key or len(held) < 20:
        return None
    latin_skeletons = {p.latin: consonants(readings.latin_skeleton(p.latin)) for p in held}

    def usable(latin: str, arabic_form: str) -> bool:
        return comparable_skeletons(latin_skeletons[latin], consonants(arabic_form))

    positives = [(p.latin, p.skeleton) for p in held if usable(p.latin, p.skeleton)]
    # Deterministic: the shipped table must be reproducible (not a security use).
    rng = random.Random(len(held))  # noqa: S311
    forms = [p.skeleton for p in held]
    negatives: list[tuple[str, str]] = []
    for p in held:
        for _ in range(NEGATIVE_TRIES):
            other = rng.choice(forms)
            if other != p.skeleton and usable(p.latin, other):
                negatives.append((p.latin, other))
                break
    return PairModel(pruned, calibrate(pruned, positives, negatives))


def _effect(entry: tuple[str, float, str, float]) -> tuple[str, str | None]:
    # The runner-up may be the empty emission (a letter read as nothing): None is "no runner-up".
    return entry[0], entry[2] if entry[3] >= MIN_ALTERNATIVE_SHARE else None


def _prune(
    table: dict[str, tuple[str, float, str, float]],
) -> dict[str, tuple[str, float, str, float]]:
    """Drop full-context keys that read their letter as the smaller context they back off to.

    Nothing backs off to a full (previous, current, next) context, so dropping one changes no
    reading; it keeps the shipped table to about a third of its size.
    """
    out = dict(table)
    for key, entry in table.items():
        if key[0] == "_" or key[2] == "_":
            continue
        backoff = ("_" + key[1:], key[:2] + "_", "_" + key[1] + "_")
        fallback = next((table[k] for k in backoff if k in table), None)
        if fallback is not None and _effect(fallback) == _effect(entry):
            del out[key]
    return out


@lru_cache(maxsize=1)
def default_model() -> TranslitModel | None:
    """The shipped model (trained on all pairs by `python -m tanseeq.matching.names.train`)."""
    if not MODEL_PATH.exists():
        return None
    model = TranslitModel.from_json(MODEL_PATH.read_text(encoding="utf-8"))
    if model.pairs is None:
        return model
    return TranslitModel(model.table, PairModel(model.pairs.counts, model.pairs.calibration, True))


def token_view(text: str, script: Script, model: TranslitModel | None = None) -> TokenView | None:
    """Form, skeleton and readings of one canonical token; None if nothing comparable is left."""
    if model is None:
        return _default_view(text, script)
    return _view(text, script, model)


def _view(text: str, script: Script, model: TranslitModel | None) -> TokenView | None:
    if script == "ar":
        readings = [arabic_skeleton(text)]
    elif model is None:
        readings = [finish(latin_rule_classes(text))]
    else:
        readings = model.latin_readings(text)
    form = readings[0]
    if not form:
        return None
    # A token of vowels only ("Ou", "Ai") keeps its vowels as skeleton, to stay comparable.
    skeletons = frozenset(consonants(r) or r for r in readings if r)
    pairs = None if model is None else model.pairs
    return TokenView(consonants(form) or form, form, skeletons, f"{script}:{text}", pairs=pairs)


@lru_cache(maxsize=131072)
def _default_view(text: str, script: Script) -> TokenView | None:
    # Names repeat their tokens a great deal: one view per distinct token, shared by all names.
    return _view(text, script, default_model())

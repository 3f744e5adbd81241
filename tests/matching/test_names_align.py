"""The learned pair similarity (names/align.py) and the name-level rules that use it."""

from __future__ import annotations

import pickle

from tanseeq.matching.config import DEFAULT_THRESHOLD
from tanseeq.matching.names import compare_names, prepare_name
from tanseeq.matching.names.align import EmissionCounts, PairModel, calibrate
from tanseeq.matching.names.compare import pair_score
from tanseeq.matching.names.normalize import normalize_arabic
from tanseeq.matching.names.skeleton import arabic_skeleton
from tanseeq.matching.names.translit import TranslitModel, default_model, train_model


def form(arabic: str) -> str:
    return arabic_skeleton(normalize_arabic(arabic))


def shipped_pairs() -> PairModel:
    model = default_model()
    assert model is not None and model.pairs is not None
    return model.pairs


def test_pair_model_reads_spellings_the_best_reading_misses() -> None:
    model = default_model()
    assert model is not None
    pairs = shipped_pairs()
    # Spanish j = خ: the best reading of "jose" is not خوسيه's skeleton, the alignment still is.
    assert model.latin_skeleton("jose") != "xs"
    assert pairs.similarity("jose", form("خوسيه")) > 0.5
    assert pairs.similarity("fathi", form("فتحي")) > 0.5
    # Different names align only at a high cost per letter.
    assert pairs.similarity("jose", form("جوزيف")) == 0.0
    assert pairs.similarity("jackson", form("زواوي")) == 0.0


def test_calibration_is_a_non_increasing_probability() -> None:
    steps = shipped_pairs().calibration
    edges = [edge for edge, _ in steps]
    probabilities = [p for _, p in steps]
    assert edges == sorted(edges)
    assert probabilities == sorted(probabilities, reverse=True)
    assert all(0.0 < p <= 1.0 for p in probabilities)


def test_calibrate_pools_bins_that_would_rise() -> None:
    counts = EmissionCounts()
    # Without counts every emission costs the same: positives and negatives differ only in
    # how far their lengths make them align, which the steps must keep non-increasing.
    positives = [("ab", "ab"), ("abc", "abc"), ("abcd", "abcd")]
    negatives = [("ab", "b"), ("abcd", "x"), ("a", "xy")]
    steps = calibrate(counts, positives, negatives)
    probabilities = [p for _, p in steps]
    assert probabilities == sorted(probabilities, reverse=True)


def test_weak_token_gets_learned_credit_when_the_other_matches() -> None:
    match = compare_names([prepare_name("Fathi Serhan")], [prepare_name("فتحي سرحان")])
    assert match.score >= DEFAULT_THRESHOLD
    assert "Fathi ~ فتحي" in match.explanation
    # A lone token cannot carry a name: the pair model only helps beside a strong match.
    alone = compare_names([prepare_name("Fathi Jackson")], [prepare_name("فتحي روميرو")])
    assert alone.score < DEFAULT_THRESHOLD


def test_two_token_names_with_a_mediocre_token_are_not_a_match() -> None:
    # Same given name, family names that only resemble each other.
    strong = [(1.0, 0, 0), (0.9, 1, 1)]
    mediocre = [(1.0, 0, 0), (0.6, 1, 1)]
    assert pair_score(["a", "b"], ["a", "c"], strong, None) >= DEFAULT_THRESHOLD
    assert pair_score(["a", "b"], ["a", "c"], mediocre, None) < DEFAULT_THRESHOLD
    # The rule is about two-token names: with a third token matched the evidence is its own.
    three = [(1.0, 0, 0), (0.6, 1, 1), (1.0, 2, 2)]
    assert pair_score(["a", "b", "d"], ["a", "c", "d"], three, None) >= DEFAULT_THRESHOLD


def test_model_with_pairs_round_trips_through_json() -> None:
    shipped = shipped_pairs()
    model = TranslitModel({}, PairModel(shipped.counts, shipped.calibration))
    again = TranslitModel.from_json(model.to_json())
    assert again.pairs is not None
    assert again.pairs.calibration == shipped.calibration
    for latin, arabic in [("jose", "خوسيه"), ("fathi", "فتحي"), ("jose", "جوزيف")]:
        assert again.pairs.similarity(latin, form(arabic)) == shipped.similarity(
            latin, form(arabic)
        )


def test_training_on_few_pairs_has_no_pair_model() -> None:
    # Too few pairs for a calibration tenth: the comparison then does without (rules only).
    model = train_model([("charles", "تشارلز", 5), ("richard", "ريتشارد", 5)] * 3)
    assert model.pairs is None
    assert TranslitModel.from_json(model.to_json()).pairs is None


def test_shipped_pair_model_pickles_as_a_reference() -> None:
    name = prepare_name("Youssef Hammouchi")
    again = pickle.loads(pickle.dumps(name))
    assert again == name
    assert again.views[0].pairs is shipped_pairs()
    assert len(pickle.dumps(name)) < 2000

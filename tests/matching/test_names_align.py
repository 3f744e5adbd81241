"""The learned pair similarity (names/align.py) and the name-level rules that use it."""

from __future__ import annotations

import math
import pickle
from itertools import pairwise

from tanseeq.matching.config import DEFAULT_THRESHOLD
from tanseeq.matching.names import compare_names, prepare_name
from tanseeq.matching.names.align import (
    CALIBRATION_STEP,
    PairModel,
    calibrate,
    fit_logistic,
)
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


def test_calibration_is_a_smooth_decreasing_probability() -> None:
    steps = shipped_pairs().calibration
    edges = [edge for edge, _ in steps]
    probabilities = [p for _, p in steps]
    # Fine steps of one curve: no pooled plateau, no jump between neighbouring costs (binned
    # rates fell by up to 0.36 from one 0.2-wide bin to the next).
    assert all(abs(b - a - CALIBRATION_STEP) < 1e-9 for a, b in pairwise(edges))
    assert all(b < a for a, b in pairwise(probabilities))
    assert all(a - b < 0.05 for a, b in pairwise(probabilities))
    assert all(0.0 < p < 1.0 for p in probabilities)


def test_fit_logistic_recovers_a_known_curve() -> None:
    xs: list[float] = []
    ys: list[float] = []
    ws: list[float] = []
    for k in range(40):
        x = k * 0.1
        p = 1.0 / (1.0 + math.exp(-(4.0 - 2.5 * x)))
        # Each cost seen as a same-name pair with weight p and as a different one with 1 - p.
        xs += [x, x]
        ys += [1.0, 0.0]
        ws += [p, 1.0 - p]
    intercept, slope = fit_logistic(xs, ys, ws)
    assert abs(intercept - 4.0) < 0.1
    assert abs(slope + 2.5) < 0.1


def test_calibrate_needs_negatives_that_align_worse() -> None:
    counts = shipped_pairs().counts
    names = [("youssef", "يوسف"), ("ahmed", "أحمد"), ("fathi", "فتحي"), ("jose", "خوسيه")]
    names += [("rojas", "روخاس"), ("willi", "فيلي"), ("karim", "كريم"), ("samir", "سمير")]
    same = [(latin, form(arabic)) for latin, arabic in names]
    # Each Latin token against the next token's Arabic form.
    other = [(latin, same[(k + 1) % len(same)][1]) for k, (latin, _) in enumerate(same)]
    steps = calibrate(counts, same, other)
    assert steps and steps[0][1] > 0.9
    # Swapped labels make a cheap alignment a sign of different names: no calibration at all
    # (pooling bins made a flat step function of it instead).
    assert calibrate(counts, other, same) == ()


def test_weak_token_gets_learned_credit_when_the_other_matches() -> None:
    match = compare_names([prepare_name("Fathi Serhan")], [prepare_name("فتحي سرحان")])
    assert match.score >= DEFAULT_THRESHOLD
    assert "Fathi ~ فتحي" in match.explanation
    # A lone token cannot carry a name: the pair model only helps beside a strong match.
    alone = compare_names([prepare_name("Fathi Jackson")], [prepare_name("فتحي روميرو")])
    assert alone.score < DEFAULT_THRESHOLD


def test_learned_credit_is_the_calibrated_probability() -> None:
    # The calibration is a curve below 1, so the credit is P itself, not a discounted P.
    p = shipped_pairs().similarity("fathi", form("فتحي"))
    assert 0.5 < p < 1.0
    match = compare_names([prepare_name("Fathi Serhan")], [prepare_name("فتحي سرحان")])
    assert f"Fathi ~ فتحي ({round(100 * p)}%)" in match.explanation


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

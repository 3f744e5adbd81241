"""Scorer: a table of query/record pairs with the verdict an officer expects."""

import random

import pytest

from tanseeq.matching.names import compare_names
from tanseeq.matching.scorer import (
    FEATURES,
    IDENTIFIER_ONLY_SCORE,
    explain_pair,
    prepare_subject,
    score_pair,
)
from tanseeq.matching.subject import Subject


def s(
    name: str | None = None,
    dob: str | None = None,
    nat: str | None = None,
    gender: str | None = None,
    **ids: str,
) -> Subject:
    """One-line subject factory: identifiers as keyword arguments (document="fr:123")."""
    return Subject(
        id="x",
        names=[name] if name else [],
        birth_dates=[dob] if dob else [],
        nationalities=[nat] if nat else [],
        gender=gender,
        identifiers={k: [v] for k, v in ids.items()},
    )


CASES = [
    # (query, record, match expected, why)
    (s("Mohamed Ali Hassan"), s("محمد علي حسن"), True, "cross-script names"),
    (
        s("Mohamed Ali Hassan", "1980-05-02"),
        s("Mohamed Ali Hassan", "1980-05-02"),
        True,
        "all agree",
    ),
    (
        s("Mohamed Ali Hassan", "1980-05-02"),
        s("Mohamed Ali Hassan", "1962-11-30"),
        True,
        "same full name, contradicting date lowers but one name is strong",
    ),
    (
        s("Ali Hassan", "1980-05-02", "sy", "male"),
        s("Ali Hassan", "1955", "lb", "female"),
        False,
        "same name, every other fact contradicts",
    ),
    (s("John Smith"), s("Ahmed Benali"), False, "different people"),
    (
        s("Anna Eriksson", document="uto:L898902C3"),
        s("Totally Different", document="uto:L898902C3"),
        True,
        "same passport and country is decisive",
    ),
    (
        s("A B", wallet="0x52908400098527886e0f7030069857d2e4169ee7"),
        s("C D", wallet="0x52908400098527886E0F7030069857D2E4169EE7"),
        True,
        "same wallet",
    ),
    (s(vin="1M8GDM9AXKP042788"), s("Some Truck", vin="1M8GDM9AXKP042788"), True, "same VIN"),
    (
        s("Anna Eriksson", document="fr:L898902C3"),
        s("Other Person", document="de:L898902C3"),
        False,
        "same number, different issuing countries is a coincidence",
    ),
    (s(plate="AB-123-CD"), s("Blue van", plate="ab123cd"), True, "plate alone, nothing else asked"),
    (
        s("John Smith", phone="+33123456789"),
        s("Ahmed Benali", phone="+33 1 23 45 67 89"),
        False,
        "a shared phone does not make different names a match",
    ),
]


@pytest.mark.parametrize(("query", "record", "match", "why"), CASES)
def test_cases(query: Subject, record: Subject, match: bool, why: str) -> None:
    q, r = prepare_subject(query), prepare_subject(record)
    result = explain_pair(q, r, threshold=0.7)
    assert result.match is match, f"{why}: {result.explanation}"
    assert result.score == score_pair(q, r), "fast and explained paths must agree"
    assert 0.0 <= result.score <= 1.0


def test_names_only_score_is_the_name_score() -> None:
    names = [
        "Mohamed Ali Hassan",
        "محمد حسن",
        "Ahmed Benali",
        "John Smith",
        "Youssef Hammouchi",
        "يوسف بن علي حموشي",
        "Hassan Mohamed",
        "Ali",
    ]
    rng = random.Random(7)
    weights = {"mhmd": 0.3}
    for _ in range(50):
        a, b = rng.choice(names), rng.choice(names)
        q, r = prepare_subject(s(a)), prepare_subject(s(b))
        for weight in (None, lambda t: weights.get(t, 1.0)):
            expected = compare_names(q.names, r.names, weight).score
            assert score_pair(q, r, weight) == expected
            assert explain_pair(q, r, weight).score == expected


@pytest.mark.parametrize(
    ("query", "record", "direction"),
    [
        (s("Ali Hassan", "1980-05-02"), s("Ali Hassan", "1971-01-01"), "down"),
        (s("Ali Hassan", nat="sy"), s("Ali Hassan", nat="fr"), "down"),
        (s("Ali Hassan", gender="male"), s("Ali Hassan", gender="female"), "down"),
        (s("Ali Hassan", "1980-05-02"), s("Ali Hassan", "1980-05-02"), "up"),
        (s("Ali Hassan", phone="+33123456789"), s("Ali Hassan", phone="+33123456789"), "up"),
        (s("Ali Hasan", document="N123"), s("Ali Hassan", document="N123"), "up"),
        (s("Ali Hassan", "1980"), s("Ali Hassan"), "same"),  # missing data is neutral
        (s("Ali Hassan", gender="male"), s("Ali Hassan", gender="male"), "same"),
    ],
)
def test_features_move_the_score(query: Subject, record: Subject, direction: str) -> None:
    q, r = prepare_subject(query), prepare_subject(record)
    names_only = compare_names(q.names, r.names).score
    score = score_pair(q, r)
    if direction == "down":
        assert score < names_only
    elif direction == "up":
        assert score > names_only or score == 1.0
    else:
        assert score == names_only


def test_explanation_is_readable() -> None:
    q = prepare_subject(s("Mohammed Ali Hasan", "1980-02-01", "sy"))
    r = prepare_subject(s("محمد علي حسن", "1980-01-02", "sy"))
    result = explain_pair(q, r)
    text = result.explanation
    assert "Mohammed = محمد" in text
    assert "day and month swapped" in text
    assert "nationality SY vs SY: shared" in text
    assert "gender" not in text  # not compared, so not in the officer's sentence
    assert [f.name for f in result.features] == ["name", *(f.name for f in FEATURES)]


def test_identifier_only_query() -> None:
    q = prepare_subject(s(plate="AB123CD", dob="1980"))
    r = prepare_subject(s("Blue van", plate="AB123CD"))
    assert score_pair(q, r) == IDENTIFIER_ONLY_SCORE
    r_dated = prepare_subject(s("Blue van", dob="1990", plate="AB123CD"))
    assert score_pair(q, r_dated) < IDENTIFIER_ONLY_SCORE


def test_mrz_is_folded_into_the_subject() -> None:
    mrz = (
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
    )
    q = prepare_subject(s(mrz=mrz))
    assert q.identifiers == (("document", "uto:L898902C3"),)
    assert q.birth_dates == ("1974-08-12",)
    assert q.gender == "female"
    assert q.names[0].original == "ANNA MARIA ERIKSSON"
    r = prepare_subject(s("Anna Eriksson", document="uto:L898902C3"))
    assert "decisive" in explain_pair(q, r).explanation


def test_floor_only_cuts_pairs_that_cannot_reach_it() -> None:
    # score_pair(..., floor) may stop early on a hopeless name score; whether a pair reaches
    # the floor, and its score when it does, must not change.
    people = [
        Subject("a", names=["Youssef Hammouchi"], birth_dates=["1975-03-02"], nationalities=["ma"]),
        Subject("b", names=["يوسف حموشي"], birth_dates=["1975-03-02"], nationalities=["ma"]),
        # a name score of 0.5 that agreeing birth date and nationality lift to 0.58
        Subject("c", names=["Youssef Benali"], birth_dates=["1975-03-02"], nationalities=["ma"]),
        Subject("g", names=["Youssef Benali"], birth_dates=["1975"], gender="male"),
        Subject("d", names=["Karim Hammouchi"], identifiers={"phone": ["+212600000001"]}),
        Subject("e", names=["Kareem Hamouchi"], identifiers={"phone": ["+212600000001"]}),
        Subject("f", names=["Anna Eriksson"], nationalities=["se"]),
    ]
    prepared = [prepare_subject(p) for p in people]
    for q in prepared:
        for r in prepared:
            exact = score_pair(q, r)
            for floor in (0.3, 0.5, 0.55, 0.7, 0.9):
                cut = score_pair(q, r, floor=floor)
                assert (cut >= floor) == (exact >= floor)
                if exact >= floor:
                    assert cut == exact

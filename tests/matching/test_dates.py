"""Partial birth dates: parsing and scored comparison."""

import pytest

from tanseeq.matching.dates import DateError, compare_dates, date_similarity, parse_date


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("1974", "1974"),
        ("1974-8", "1974-08"),
        ("1974-08-12", "1974-08-12"),
        ("1974/08/12", "1974-08-12"),
        ("12.08.1974", "1974-08-12"),
        ("12/8/1974", "1974-08-12"),
        (" 1974-08-12T00:00:00 ", "1974-08-12"),
    ],
)
def test_parse(raw: str, iso: str) -> None:
    assert parse_date(raw) == iso


@pytest.mark.parametrize(
    "raw", ["", "74", "1974-13", "1974-02-30", "31.02.1980", "1700", "3000-01-01", "next year"]
)
def test_parse_errors(raw: str) -> None:
    with pytest.raises(DateError):
        parse_date(raw)


@pytest.mark.parametrize(
    ("query", "candidate", "score", "why"),
    [
        (["1974-08-12"], ["1974-08-12"], 1.0, "same date"),
        (["1974"], ["1974-08-12"], 0.8, "partial"),
        (["1974-08"], ["1974-08-12"], 0.8, "partial"),
        (["1974-08"], ["1974"], 0.8, "one date is partial"),
        (["1974-08-12"], ["1974-12-08"], 0.8, "swapped"),
        (["1974-08-12"], ["1975-08-12"], 0.6, "one year apart"),
        (["1974"], ["1973-05-01"], 0.6, "one year apart"),
        (["1974-08-12"], ["1973-09-12"], 0.0, "different"),
        (["1974-08-12"], ["1974-08-13"], 0.4, "different day"),
        (["1974-08-12"], ["1974-09-12"], 0.0, "different month"),
        (["1974-08-12"], ["1980-01-01"], 0.0, "different"),
        # The best pair wins across lists.
        (["1990", "1974-08-12"], ["1974-12-08", "1974-08-12"], 1.0, "same date"),
    ],
)
def test_compare(query: list[str], candidate: list[str], score: float, why: str) -> None:
    result = compare_dates(query, candidate)
    assert result.score == score
    assert why in result.explanation
    assert date_similarity(query, candidate) == score
    # Symmetric: which side is the query does not matter.
    assert date_similarity(candidate, query) == score


@pytest.mark.parametrize(("query", "candidate"), [([], ["1974"]), (["1974"], []), ([], [])])
def test_missing_is_not_compared(query: list[str], candidate: list[str]) -> None:
    assert date_similarity(query, candidate) is None
    result = compare_dates(query, candidate)
    assert result.score is None
    assert "not compared" in result.explanation

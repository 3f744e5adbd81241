"""Birth dates as officers record them: often partial, sometimes with day and month swapped.

Dates are ISO partial dates (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``), the FollowTheMoney form.
:func:`date_similarity` is the fast path used while ranking candidates; :func:`compare_dates`
returns the same score with a sentence an officer can read.

Scores (the best pair of the two lists wins):

======================================================  =====
both full and equal                                      1.0
equal as far as the less precise one goes (1974 ~ 1974-08-12)  0.8
same year, day and month swapped (1974-08-12 ~ 1974-12-08)     0.8
one year apart, otherwise equal as far as both go        0.6
same year and month, different day                       0.4
anything else: the dates contradict                      0.0
======================================================  =====
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

__all__ = ["DateError", "DateMatch", "compare_dates", "date_similarity", "parse_date"]

EXACT = 1.0
PARTIAL = 0.8
SWAPPED = 0.8
NEAR_YEAR = 0.6
OTHER_DAY = 0.4
CONTRADICTION = 0.0


class DateError(ValueError):
    """A value that is not a (partial) date."""


_ISO = re.compile(r"^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?$")
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_MIN_YEAR = 1850


@lru_cache(maxsize=65536)  # birth dates repeat: a million persons share ~25k days
def parse_date(value: str) -> str:
    """Normalise to ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; raise :class:`DateError` otherwise.

    Accepts ISO with ``-``, ``/`` or ``.`` separators and day-first ``DD.MM.YYYY`` (the form
    printed in documents across the region); month-first US dates are not guessed at. A time
    part (``1974-08-12T00:00:00``) is dropped.
    """
    text = value.strip().split("T", 1)[0]
    iso = _ISO.match(text)
    if iso:
        year, month, day = iso.groups()
    else:
        dmy = _DMY.match(text)
        if not dmy:
            raise DateError(f"{value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
        day, month, year = dmy.groups()
    y = int(year)
    if not _MIN_YEAR <= y <= date.today().year:
        raise DateError(f"{value!r}: year {y} is not a plausible birth year")
    if month is None:
        return f"{y:04d}"
    m = int(month)
    if not 1 <= m <= 12:
        raise DateError(f"{value!r}: month {m} does not exist")
    if day is None:
        return f"{y:04d}-{m:02d}"
    try:
        return date(y, m, int(day)).isoformat()
    except ValueError as exc:
        raise DateError(f"{value!r} is not a calendar date") from exc


@dataclass(frozen=True, slots=True)
class DateMatch:
    """Best agreement between two lists of dates; ``score`` is None when either side is empty."""

    score: float | None
    query: str | None
    candidate: str | None
    explanation: str


def _pair(a: str, b: str) -> tuple[float, str]:
    if a == b:
        if len(a) == 10:
            return EXACT, "same date"
        return PARTIAL, "same, as far as both are known"
    ya, yb = a[:4], b[:4]
    ma, mb = a[5:7], b[5:7]
    da, db = a[8:10], b[8:10]
    if ya == yb:
        if not ma or not mb:
            return PARTIAL, "same year, one date is partial"
        if ma == mb:
            if not da or not db:
                return PARTIAL, "same year and month, one date is partial"
            return OTHER_DAY, "same year and month, different day"
        if da and db and ma == db and mb == da:
            return SWAPPED, "day and month swapped"
        return CONTRADICTION, "same year, different month"
    if abs(int(ya) - int(yb)) == 1:
        rest_a, rest_b = a[4:], b[4:]
        n = min(len(rest_a), len(rest_b))
        if rest_a[:n] == rest_b[:n]:
            return NEAR_YEAR, "one year apart, otherwise the same"
    return CONTRADICTION, "different dates"


def date_similarity(query: Sequence[str], candidate: Sequence[str]) -> float | None:
    """Fast path of :func:`compare_dates`: the score only."""
    if not query or not candidate:
        return None
    best = CONTRADICTION
    for a in query:
        for b in candidate:
            score = _pair(a, b)[0]
            if score > best:
                best = score
                if best == EXACT:
                    return best
    return best


def compare_dates(query: Sequence[str], candidate: Sequence[str]) -> DateMatch:
    """Compare normalised partial dates, keeping the best pair and saying why it scored so."""
    if not query or not candidate:
        side = "query" if not query else "record"
        return DateMatch(None, None, None, f"no birth date on the {side}: not compared")
    best: DateMatch | None = None
    for a in query:
        for b in candidate:
            score, why = _pair(a, b)
            if best is None or (best.score is not None and score > best.score):
                best = DateMatch(score, a, b, f"birth date {a} vs {b}: {why}")
    assert best is not None  # both lists are non-empty
    return best

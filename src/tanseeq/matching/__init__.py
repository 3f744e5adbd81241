"""Tanseeq's matching engine: a pure library that indexes and scores what it is given.

    >>> index = MatchIndex()
    >>> index.add(Subject("r1", names=["Youssef Hammouchi"], birth_dates=["1980"]))
    >>> [r.record_id for r in index.search(Subject("q", names=["يوسف حموشي"]))]
    ['r1']

No database, no agencies, no network: services feed it subjects and decide who may see what.
"""

from tanseeq.matching.compiled import register_pickling, use_sources_if_stale

# Before any compiled module is imported: a stale build must not load (see compiled.py).
use_sources_if_stale()

# ruff: noqa: E402
from tanseeq.matching.bulk import HitRow, screen_bulk
from tanseeq.matching.config import DEFAULT_THRESHOLD
from tanseeq.matching.dates import DateError, DateMatch, compare_dates, parse_date
from tanseeq.matching.identifiers import (
    IDENTIFIER_KINDS,
    MRZ,
    IdentifierError,
    MRZError,
    normalize_identifier,
    parse_mrz,
)
from tanseeq.matching.index import MatchIndex, Result
from tanseeq.matching.names import NameMatch, PreparedName, compare_names, prepare_name
from tanseeq.matching.scorer import (
    FEATURES,
    PreparedSubject,
    ScoreResult,
    explain_pair,
    prepare_subject,
    score_pair,
)
from tanseeq.matching.subject import QueryInputError, Subject, read_query_csv

__all__ = [
    "DEFAULT_THRESHOLD",
    "FEATURES",
    "IDENTIFIER_KINDS",
    "MRZ",
    "DateError",
    "DateMatch",
    "HitRow",
    "IdentifierError",
    "MRZError",
    "MatchIndex",
    "NameMatch",
    "PreparedName",
    "PreparedSubject",
    "QueryInputError",
    "Result",
    "ScoreResult",
    "Subject",
    "compare_dates",
    "compare_names",
    "explain_pair",
    "normalize_identifier",
    "parse_date",
    "parse_mrz",
    "prepare_name",
    "prepare_subject",
    "read_query_csv",
    "score_pair",
    "screen_bulk",
]

register_pickling()

"""Score a candidate record against a query: names first, other evidence adjusts.

The score starts from the name score (:func:`tanseeq.matching.names.compare_names`) and each
feature of :data:`FEATURES` moves it: up by ``support x value`` when the feature agrees
(value in (0, 1]), down by ``contradict x |value|`` when it disagrees (value in [-1, 0)). A
feature that cannot be compared (data missing on either side) is neutral, so a query made of
names only scores exactly its name score. The result is clipped to [0, 1].

=============  =======  ==========  ======================================================
feature        support  contradict  value
=============  =======  ==========  ======================================================
birth_date     0.05     0.25        2 x date similarity - 1 (see :mod:`.dates`): exact
                                    +1, partial or swapped +0.6, a year off +0.2,
                                    other day -0.2, different -1
nationality    0.03     0.10        +1 a shared country, -1 none shared
gender         0        0.15        -1 when both are known and differ; agreement is
                                    too common to be evidence
identifier     0.20     0           +1 a shared phone, e-mail or plate, or a document
                                    number whose issuing country cannot be confirmed;
                                    different numbers are neutral (people hold many)
=============  =======  ==========  ======================================================

Contradictions weigh more than agreements: two people of the same name are told apart by a
birth date, while a shared birth year says little. A decisive identifier (same wallet, same
VIN, same document number with a common issuing country) makes the score 1.0 whatever the
rest says: a record found by its passport is the record asked about. When either side has no
name, the name score is not comparable and a shared weak identifier alone scores
:data:`IDENTIFIER_ONLY_SCORE` (a plate checked at a border post).

Two paths share the arithmetic: :func:`score_pair` returns only the number, for ranking
candidates; :func:`explain_pair` returns the same number with one line per feature, and runs
only for the results shown.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

from tanseeq.matching.config import DEFAULT_THRESHOLD
from tanseeq.matching.dates import compare_dates, date_similarity, parse_date
from tanseeq.matching.identifiers import (
    identifier_key,
    normalize_country,
    normalize_identifier,
    parse_mrz,
)
from tanseeq.matching.names import PreparedName, compare_names, name_score, prepare_name
from tanseeq.matching.subject import Subject

__all__ = [
    "FEATURES",
    "IDENTIFIER_ONLY_SCORE",
    "Feature",
    "FeatureResult",
    "PreparedSubject",
    "ScoreResult",
    "Weight",
    "decisive_identifier",
    "document_countries",
    "explain_pair",
    "lean_name",
    "prepare_subject",
    "score_pair",
]

Weight = Callable[[str], float]
IDENTIFIER_ONLY_SCORE = 0.9
_DECISIVE_KINDS = ("wallet", "vin")
_WEAK_KINDS = frozenset({"phone", "email", "plate"})
_NO_KEYS: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class PreparedSubject:
    """A subject ready to compare: names prepared, values normalised, strings interned.

    ``identifiers`` holds ``(kind, normalised value)`` pairs; an MRZ is folded into its
    document (and its name, date and sex) at preparation.
    """

    id: str
    schema: str
    names: tuple[PreparedName, ...]
    birth_dates: tuple[str, ...]
    nationalities: frozenset[str]
    gender: str | None
    identifiers: tuple[tuple[str, str], ...]

    def identifier_keys(self) -> set[str]:
        return {identifier_key(kind, value) for kind, value in self.identifiers}


# Watchlists repeat the same few nationality sets a million times; share one object for each.
_COUNTRY_SETS: dict[tuple[str, ...], frozenset[str]] = {}


def _country_set(countries: Sequence[str]) -> frozenset[str]:
    key = tuple(sorted(set(countries)))
    found = _COUNTRY_SETS.get(key)
    if found is None:
        found = _COUNTRY_SETS.setdefault(key, frozenset(key))
    return found


def _tuple_fields(name: PreparedName) -> tuple[str, ...]:
    return tuple(
        f.name
        for f in fields(name)
        if f.name != "keys" and isinstance(getattr(name, f.name), tuple)
    )


_TUPLE_FIELDS: list[tuple[str, ...]] = []
# One object per distinct token, surface or token view across the whole index: a million
# names are written with ~100k distinct tokens, so sharing them divides their memory by ten.
_SHARED: dict[object, object] = {}


def lean_name(name: PreparedName) -> PreparedName:
    """Drop the blocking keys (the index holds them in its postings) and share the parts.

    Generic over the fields so that forms the names module adds later (token views...) are
    kept and shared too; which fields are tuples is worked out once, as this runs a million
    times per build.
    """
    if not _TUPLE_FIELDS:
        _TUPLE_FIELDS.append(_tuple_fields(name))
    share = _SHARED.setdefault
    changes: dict[str, Any] = {"keys": _NO_KEYS}
    for f in _TUPLE_FIELDS[0]:
        try:
            changes[f] = tuple([share(v, v) for v in getattr(name, f)])
        except TypeError:  # unhashable parts cannot be shared; they are kept as they are
            pass
    return replace(name, **changes)


def prepare_subject(
    subject: Subject, default_region: str | None = None, *, keep_keys: bool = True
) -> PreparedSubject:
    """Normalise and prepare; raises ``IdentifierError``/``DateError`` on a bad value.

    ``keep_keys=False`` returns names without blocking keys, the lean form records are
    stored in once the index has posted their keys.
    """
    names = list(subject.names)
    dates = [parse_date(d) for d in subject.birth_dates]
    countries = [c for v in subject.nationalities if (c := normalize_country(v))]
    gender = subject.gender
    identifiers: list[tuple[str, str]] = []
    for kind, values in subject.identifiers.items():
        for value in values:
            if kind == "mrz":
                mrz = parse_mrz(value)
                identifiers.append(("document", str(mrz.document)))
                names.append(mrz.name)
                dates.extend([mrz.birth_date] if mrz.birth_date else [])
                country = normalize_country(mrz.nationality)
                countries.extend([country] if country else [])
                gender = gender or mrz.sex
            else:
                normalized = normalize_identifier(kind, value, default_region)
                identifiers.append((sys.intern(kind), normalized))
    prepared = []
    for name in dict.fromkeys(names):
        p = prepare_name(name)
        if p.tokens:
            prepared.append(p if keep_keys else lean_name(p))
    return PreparedSubject(
        id=subject.id,
        schema=sys.intern(subject.schema),
        names=tuple(prepared),
        birth_dates=tuple(sys.intern(d) for d in dict.fromkeys(dates)),
        nationalities=_country_set(countries),
        gender=sys.intern(gender) if gender else None,
        identifiers=tuple(dict.fromkeys(identifiers)),
    )


# ---------------------------------------------------------------------------------------------
# Identifier evidence


def document_countries(subject: PreparedSubject) -> dict[str, frozenset[str]]:
    """Document key -> issuing countries (the subject's nationalities when not recorded)."""
    out: dict[str, frozenset[str]] = {}
    for kind, value in subject.identifiers:
        if kind != "document":
            continue
        country, _, _number = value.rpartition(":")
        countries = frozenset({country}) if country else subject.nationalities
        key = identifier_key(kind, value)
        out[key] = out.get(key, frozenset()) | countries
    return out


def decisive_identifier(query: PreparedSubject, record: PreparedSubject) -> str | None:
    """Why the two are the same thing by identifier alone, or None."""
    if not query.identifiers or not record.identifiers:
        return None
    mine = set(record.identifiers)
    for kind, value in query.identifiers:
        if kind in _DECISIVE_KINDS and (kind, value) in mine:
            return f"same {kind} {value}"
    record_docs = document_countries(record)
    for key, countries in document_countries(query).items():
        other = record_docs.get(key)
        if other is not None and countries & other:
            shared = ", ".join(sorted(countries & other)).upper()
            return f"same document number {key.split(':', 1)[1]} issued by {shared}"
    return None


def _identifier_value(query: PreparedSubject, record: PreparedSubject) -> float | None:
    if not query.identifiers or not record.identifiers:
        return None
    mine = set(record.identifiers)
    for kind, value in query.identifiers:
        if kind in _WEAK_KINDS and (kind, value) in mine:
            return 1.0
    record_docs = document_countries(record)
    for key, countries in document_countries(query).items():
        other = record_docs.get(key)
        if other is not None and (not countries or not other):
            return 1.0
    return None


def _identifier_explain(query: PreparedSubject, record: PreparedSubject) -> str:
    mine = set(record.identifiers)
    shared = [f"{k} {v}" for k, v in query.identifiers if k in _WEAK_KINDS and (k, v) in mine]
    record_docs = document_countries(record)
    for key, countries in document_countries(query).items():
        other = record_docs.get(key)
        if other is None:
            continue
        number = key.split(":", 1)[1]
        if not countries or not other:
            shared.append(f"document {number} (issuing country not known on both sides)")
        elif not countries & other:
            shared.append(f"document {number} but issued by different countries: neutral")
    return "shared " + "; ".join(shared) if shared else "no identifier in common"


# ---------------------------------------------------------------------------------------------
# Other features


def _date_value(query: PreparedSubject, record: PreparedSubject) -> float | None:
    sim = date_similarity(query.birth_dates, record.birth_dates)
    return None if sim is None else 2.0 * sim - 1.0


def _date_explain(query: PreparedSubject, record: PreparedSubject) -> str:
    return compare_dates(query.birth_dates, record.birth_dates).explanation


def _nationality_value(query: PreparedSubject, record: PreparedSubject) -> float | None:
    if not query.nationalities or not record.nationalities:
        return None
    return 1.0 if query.nationalities & record.nationalities else -1.0


def _nationality_explain(query: PreparedSubject, record: PreparedSubject) -> str:
    q = ", ".join(sorted(query.nationalities)).upper() or "none"
    r = ", ".join(sorted(record.nationalities)).upper() or "none"
    if not query.nationalities or not record.nationalities:
        return f"nationality {q} vs {r}: not compared"
    verdict = "shared" if query.nationalities & record.nationalities else "none shared"
    return f"nationality {q} vs {r}: {verdict}"


_BINARY_GENDERS = frozenset({"male", "female"})


def _gender_value(query: PreparedSubject, record: PreparedSubject) -> float | None:
    if query.gender not in _BINARY_GENDERS or record.gender not in _BINARY_GENDERS:
        return None
    return 1.0 if query.gender == record.gender else -1.0


def _gender_explain(query: PreparedSubject, record: PreparedSubject) -> str:
    if _gender_value(query, record) is None:
        return f"gender {query.gender or 'unknown'} vs {record.gender or 'unknown'}: not compared"
    verdict = "same" if query.gender == record.gender else "different"
    return f"gender {query.gender} vs {record.gender}: {verdict}"


@dataclass(frozen=True, slots=True)
class Feature:
    """One piece of evidence beside the name; see the module docstring for the table."""

    name: str
    support: float
    contradict: float
    value: Callable[[PreparedSubject, PreparedSubject], float | None]
    explain: Callable[[PreparedSubject, PreparedSubject], str]

    def delta(self, value: float) -> float:
        return self.support * value if value >= 0.0 else self.contradict * value


FEATURES: tuple[Feature, ...] = (
    Feature("birth_date", 0.05, 0.25, _date_value, _date_explain),
    Feature("nationality", 0.03, 0.10, _nationality_value, _nationality_explain),
    Feature("gender", 0.0, 0.15, _gender_value, _gender_explain),
    Feature("identifier", 0.20, 0.0, _identifier_value, _identifier_explain),
)


# ---------------------------------------------------------------------------------------------
# The two paths


def _name_score(query: PreparedSubject, record: PreparedSubject, weight: Weight | None) -> float:
    if not query.names or not record.names:
        return 0.0
    return name_score(query.names, record.names, weight)


def _combine(names: float, comparable: bool, deltas: dict[str, tuple[float, float]]) -> float:
    """Score from the name score and (value, delta) per comparable feature."""
    score = names + sum(d for _, d in deltas.values())
    identifier = deltas.get("identifier")
    if not comparable and identifier is not None and identifier[0] > 0.0:
        # The identifier is the whole question (a plate at a border post): it sets the base
        # instead of adding to a name score that does not exist.
        score += IDENTIFIER_ONLY_SCORE - identifier[1]
    return round(min(1.0, max(0.0, score)), 4)


# The most the other features can add to a name score (all agreeing).
_MAX_SUPPORT = sum(feature.support for feature in FEATURES)


def score_pair(
    query: PreparedSubject,
    record: PreparedSubject,
    weight: Weight | None = None,
    floor: float | None = None,
) -> float:
    """Fast path: the score alone.

    With ``floor``, a pair whose name score is too low for any other evidence to lift it to
    ``floor`` returns at once with a value below ``floor`` (not its exact score): ranking
    drops such pairs anyway, and most candidates are such pairs.
    """
    if decisive_identifier(query, record) is not None:
        return 1.0
    comparable = bool(query.names and record.names)
    names = _name_score(query, record, weight)
    if floor is not None and comparable and names + _MAX_SUPPORT < floor:
        return names
    deltas = {}
    for feature in FEATURES:
        value = feature.value(query, record)
        if value is not None:
            deltas[feature.name] = (value, feature.delta(value))
    return _combine(names, comparable, deltas)


@dataclass(frozen=True, slots=True)
class FeatureResult:
    """One line of an explanation: the feature, its value (None = not compared), its effect."""

    name: str
    value: float | None
    delta: float
    explanation: str


@dataclass(frozen=True, slots=True)
class ScoreResult:
    score: float
    match: bool
    features: tuple[FeatureResult, ...]

    @property
    def explanation(self) -> str:
        """One paragraph for an officer: every feature with its effect on the score."""
        parts = []
        for f in self.features:
            if f.value is None and f.name != "name":
                continue  # not compared: every line is kept in `features` for the record
            effect = f" ({f.delta:+.2f})" if f.delta else ""
            parts.append(f"{f.name}: {f.explanation}{effect}")
        return "; ".join(parts)


def explain_pair(
    query: PreparedSubject,
    record: PreparedSubject,
    weight: Weight | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> ScoreResult:
    """Explanation path: the score of :func:`score_pair` with one line per feature."""
    comparable = bool(query.names and record.names)
    if comparable:
        names = compare_names(query.names, record.names, weight)
        names_value = names.score
        name_line = FeatureResult(
            "name",
            names_value,
            0.0,
            f"{names.query} vs {names.candidate} {names_value:.2f}: {names.explanation}",
        )
    else:
        names_value = 0.0
        name_line = FeatureResult("name", None, 0.0, "no name on one side: not compared")
    lines = [name_line]
    deltas = {}
    for feature in FEATURES:
        value = feature.value(query, record)
        delta = 0.0 if value is None else feature.delta(value)
        if value is not None:
            deltas[feature.name] = (value, delta)
        lines.append(FeatureResult(feature.name, value, delta, feature.explain(query, record)))
    decisive = decisive_identifier(query, record)
    if decisive is not None:
        lines.insert(0, FeatureResult("decisive", 1.0, 0.0, f"{decisive}: a match on its own"))
        score = 1.0
    else:
        score = _combine(names_value, comparable, deltas)
    return ScoreResult(score, score >= threshold, tuple(lines))

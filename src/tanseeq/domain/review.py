"""The automatic checks of the notice review, as pure functions over plain facts.

Each check returns findings with a ``code``, a ``severity`` and a ``reason`` an officer can read:

  * ``error`` blocks publication until the owner fixes the notice (returned for changes);
  * ``warning`` is shown to the reviewer and the owner, nothing more;
  * ``flag`` needs a human decision: the reviewer publishes only after acknowledging it.

Codes: ``required_fields``, ``dates``, ``identifiers``, ``particulars``, ``article3``,
``duplicate``. What each kind requires (decided here, documented in docs/review.md):

  * red: warrant reference, legal basis and at least one offence (errors); person kinds (red,
    yellow, blue, black, green, UN special): a Person among the subjects (error); orange and
    purple: a summary describing the threat or modus operandi (warning).
  * identifying particulars of the Person subjects: a name and at least two of birth date,
    nationality, an identity document (on the person or a document record among the
    subjects), a physical description (description, appearance, height, eye or hair colour,
    images) and gender — an error for red notices (nobody is arrested on a name alone), a
    warning for yellow and blue; green and UN special need one besides the name (warning);
    black notices (unidentified bodies) need a physical description (warning), no name.
  * dates: a birth date after the notice's date, an age over 120, a death before the birth, a
    document issued after the notice or expiring before its issue — impossible facts: errors.
  * identifiers: values the matcher cannot parse (phone, e-mail, VIN, wallet, document number,
    an MRZ whose check digits fail) — warnings, since screening will miss them, except a
    failing MRZ, which is certainly mistyped: an error.
  * Article 3: words of the lexicon (tanseeq.domain.article3_lexicon) in the title, summary,
    offences or legal basis: a flag naming the matched terms.
  * duplicates: another submitted or published notice whose subjects match this one's at or
    above the threshold: a warning naming it and the score.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import Any

from tanseeq.domain.article3_lexicon import LEXICON
from tanseeq.domain.notices import PERSON_KINDS
from tanseeq.domain.types import NoticeKind
from tanseeq.matching import PreparedSubject, Subject, prepare_subject, score_pair
from tanseeq.matching.identifiers import IdentifierError, normalize_identifier, parse_mrz
from tanseeq.matching.names.normalize import is_arabic, normalize_arabic, normalize_latin


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    FLAG = "flag"


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    reason: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SubjectFacts:
    """A record as the checks see it: its FtM schema and properties."""

    id: str
    schema: str
    properties: Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class NoticeFacts:
    id: str
    kind: NoticeKind
    title: str
    summary: str | None
    offences: Sequence[str]
    legal_basis: str | None
    warrant_ref: str | None
    on: date  # the day the checks run: nothing about the subjects may lie after it
    subjects: Sequence[SubjectFacts]


DOCUMENT_SCHEMAS = frozenset({"Passport", "Identification"})
MAX_AGE = 120

# kind -> (severity, particulars needed besides the name)
PARTICULARS: dict[NoticeKind, tuple[Severity, int]] = {
    NoticeKind.RED: (Severity.ERROR, 2),
    NoticeKind.YELLOW: (Severity.WARNING, 2),
    NoticeKind.BLUE: (Severity.WARNING, 2),
    NoticeKind.GREEN: (Severity.WARNING, 1),
    NoticeKind.UN_SPECIAL: (Severity.WARNING, 1),
}
DESCRIPTION_PROPS = ("description", "appearance", "height", "eyeColor", "hairColor", "images")
PERSON_DOCUMENT_PROPS = ("passportNumber", "idNumber", "socialSecurityNumber")


def run_checks(
    notice: NoticeFacts, others: Sequence[NoticeFacts] = (), threshold: float = 0.8
) -> list[Finding]:
    """Every check, in a stable order (errors of one check before the next check)."""
    return [
        *required_fields(notice),
        *dates(notice),
        *identifiers(notice),
        *particulars(notice),
        *article3(notice),
        *duplicates(notice, others, threshold),
    ]


# -- required fields ----------------------------------------------------------------------------


def required_fields(n: NoticeFacts) -> list[Finding]:
    out = []

    def need(what: str, reason: str, severity: Severity = Severity.ERROR) -> None:
        out.append(Finding("required_fields", severity, reason, {"field": what}))

    if n.kind == NoticeKind.RED:
        if not (n.warrant_ref or "").strip():
            need("warrant_ref", "A red notice needs the reference of the arrest warrant.")
        if not (n.legal_basis or "").strip():
            need("legal_basis", "A red notice needs its legal basis (the law applied).")
        if not any(o.strip() for o in n.offences):
            need("offences", "A red notice needs at least one offence charged.")
    if n.kind in PERSON_KINDS and not any(s.schema == "Person" for s in n.subjects):
        need("records", f"A {n.kind.value} notice is about a person: add a Person record.")
    if n.kind in (NoticeKind.ORANGE, NoticeKind.PURPLE) and not (n.summary or "").strip():
        need(
            "summary",
            f"A {n.kind.value} notice should describe the threat or modus operandi.",
            Severity.WARNING,
        )
    return out


# -- dates --------------------------------------------------------------------------------------


_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def _bounds(value: str) -> tuple[date, date] | None:
    """The first and last day a partial ISO date can mean (``1980`` -> 1980-01-01 and
    1980-12-31); None when it is no date."""
    m = _PARTIAL_DATE.match(value.strip())
    if m is None:
        return None
    year, month, day = (int(g) if g else None for g in m.groups())
    assert year is not None
    try:
        if month is None:
            return date(year, 1, 1), date(year, 12, 31)
        if day is None:
            first = date(year, month, 1)
            following = date(year + (month == 12), month % 12 + 1, 1)
            return first, date.fromordinal(following.toordinal() - 1)
        return date(year, month, day), date(year, month, day)
    except ValueError:
        return None


def _values(s: SubjectFacts, prop: str) -> list[str]:
    return [v for v in s.properties.get(prop, ()) if v]


def dates(n: NoticeFacts) -> list[Finding]:
    out = []

    def bad(s: SubjectFacts, prop: str, value: str, reason: str) -> None:
        out.append(
            Finding(
                "dates", Severity.ERROR, reason, {"record": s.id, "property": prop, "value": value}
            )
        )

    for s in n.subjects:
        births = [(v, b) for v in _values(s, "birthDate") if (b := _bounds(v)) is not None]
        for value, (first, last) in births:
            if first > n.on:
                bad(s, "birthDate", value, f"Birth date {value} is after the notice ({n.on}).")
            elif n.on.year - last.year > MAX_AGE:
                bad(s, "birthDate", value, f"Birth date {value} makes the person over {MAX_AGE}.")
        for value in _values(s, "deathDate"):
            death = _bounds(value)
            if death is None:
                continue
            if death[0] > n.on:
                bad(s, "deathDate", value, f"Death date {value} is after the notice ({n.on}).")
            for birth_value, (born, _) in births:
                if death[1] < born:
                    bad(s, "deathDate", value, f"Death {value} before birth {birth_value}.")
        if s.schema in DOCUMENT_SCHEMAS:
            issued = [
                (v, b) for v in _values(s, "startDate") + _values(s, "date") if (b := _bounds(v))
            ]
            for value, (day, _) in issued:
                if day > n.on:
                    bad(s, "startDate", value, f"Document issued {value}, after the notice.")
            for value in _values(s, "endDate"):
                end = _bounds(value)
                for issue_value, (day, _) in issued:
                    if end is not None and end[1] < day:
                        reason = f"Document expires {value}, before its issue {issue_value}."
                        bad(s, "endDate", value, reason)
    return out


# -- identifiers --------------------------------------------------------------------------------

# property -> identifier kind of tanseeq.matching.identifiers
_IDENTIFIER_PROPS: dict[str, str] = {
    "phone": "phone",
    "email": "email",
    "passportNumber": "document",
    "idNumber": "document",
    "number": "document",
    "publicKey": "wallet",
    "cryptoAddress": "wallet",
}


def identifiers(n: NoticeFacts) -> list[Finding]:
    out = []
    for s in n.subjects:
        for prop, kind in _IDENTIFIER_PROPS.items():
            if prop == "number" and s.schema not in DOCUMENT_SCHEMAS:
                continue
            for value in _values(s, prop):
                if "<" in value and kind == "document":  # an MRZ typed into the number
                    try:
                        parse_mrz(value)
                    except (IdentifierError, ValueError) as exc:
                        out.append(
                            Finding(
                                "identifiers",
                                Severity.ERROR,
                                f"The machine-readable zone of {s.schema} {prop} fails: {exc}.",
                                {"record": s.id, "property": prop, "kind": "mrz"},
                            )
                        )
                    continue
                try:
                    normalize_identifier(kind, value)
                except (IdentifierError, ValueError) as exc:
                    out.append(
                        Finding(
                            "identifiers",
                            Severity.WARNING,
                            f"{s.schema} {prop} {value!r} is not a valid {kind} ({exc}); "
                            "screening cannot match it.",
                            {"record": s.id, "property": prop, "kind": kind, "value": value},
                        )
                    )
    return out


# -- identifying particulars ------------------------------------------------------------------


def _documents_of(person: SubjectFacts, subjects: Iterable[SubjectFacts]) -> bool:
    if any(_values(person, p) for p in PERSON_DOCUMENT_PROPS):
        return True
    return any(
        s.schema in DOCUMENT_SCHEMAS and person.id in s.properties.get("holder", ())
        for s in subjects
    )


def person_particulars(person: SubjectFacts, subjects: Iterable[SubjectFacts]) -> list[str]:
    """Which particulars besides the name a Person subject carries."""
    has = {
        "birth date": bool(_values(person, "birthDate")),
        "nationality": bool(_values(person, "nationality") or _values(person, "citizenship")),
        "identity document": _documents_of(person, subjects),
        "physical description": any(_values(person, p) for p in DESCRIPTION_PROPS),
        "gender": bool(_values(person, "gender")),
    }
    return [k for k, v in has.items() if v]


def particulars(n: NoticeFacts) -> list[Finding]:
    persons = [s for s in n.subjects if s.schema == "Person"]
    if n.kind == NoticeKind.BLACK:
        if persons and not any(any(_values(p, d) for d in DESCRIPTION_PROPS) for p in persons):
            return [
                Finding(
                    "particulars",
                    Severity.WARNING,
                    "A black notice needs a physical description of the body to identify.",
                )
            ]
        return []
    rule = PARTICULARS.get(n.kind)
    if rule is None:
        return []
    severity, needed = rule
    out = []
    for p in persons:
        named = bool(_values(p, "name") or _values(p, "firstName") or _values(p, "lastName"))
        has = person_particulars(p, n.subjects)
        if not named or len(has) < needed:
            missing = "a name and " if not named else ""
            out.append(
                Finding(
                    "particulars",
                    severity,
                    f"Too little to identify the person for a {n.kind.value} notice: needs "
                    f"{missing}{needed} of birth date, nationality, identity document, physical "
                    f"description, gender; has {', '.join(has) or 'none'}.",
                    {"record": p.id, "has": has, "needed": needed},
                )
            )
    return out


# -- Article 3 ------------------------------------------------------------------------------------

# Words with their combining marks (Latin accents written apart, Arabic harakat and shadda):
# \w alone would cut "الرِّدَّة" into pieces at each mark.
_WORD = re.compile(r"[\w\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]+")
_ARABIC_CLITICS = ("وال", "بال", "فال", "كال", "لل", "ال")


def _norm_token(token: str) -> str:
    if is_arabic(token):
        text = normalize_arabic(token)
        for clitic in _ARABIC_CLITICS:
            if text.startswith(clitic) and len(text) - len(clitic) >= 2:
                return text[len(clitic) :]
        if text.startswith("و") and len(text) >= 4:  # "and" attached to the word
            return text[1:]
        return text
    return normalize_latin(token)


def _tokens(text: str) -> list[str]:
    return [t for t in (_norm_token(w) for w in _WORD.findall(text)) if t]


@dataclass(frozen=True)
class _Term:
    text: str  # as written in the lexicon
    category: str
    words: tuple[str, ...]
    prefix: bool  # the last word matches any ending


@lru_cache(maxsize=1)
def _terms() -> tuple[_Term, ...]:
    out = []
    for category, by_language in LEXICON.items():
        for terms in by_language.values():
            for term in terms:
                prefix = term.endswith("*")
                words = tuple(_tokens(term.rstrip("*")))
                if words:
                    out.append(_Term(term, category, words, prefix))
    return tuple(out)


def _matches(term: _Term, tokens: Sequence[str], at: int) -> bool:
    if at + len(term.words) > len(tokens):
        return False
    for k, word in enumerate(term.words):
        token = tokens[at + k]
        last = k == len(term.words) - 1
        if not (token == word or (last and term.prefix and token.startswith(word))):
            return False
    return True


def article3_terms(text: str) -> list[tuple[str, str]]:
    """(term, category) pairs of the lexicon found in ``text``, each once, in lexicon order."""
    tokens = _tokens(text)
    found: dict[str, str] = {}
    for term in _terms():
        if term.text not in found and any(_matches(term, tokens, i) for i in range(len(tokens))):
            found[term.text] = term.category
    return list(found.items())


def article3(n: NoticeFacts) -> list[Finding]:
    fields = {
        "title": n.title,
        "summary": n.summary or "",
        "offences": " ; ".join(n.offences),
        "legal_basis": n.legal_basis or "",
    }
    hits: dict[str, list[str]] = {}
    categories: set[str] = set()
    for name, text in fields.items():
        for term, category in article3_terms(text):
            hits.setdefault(name, []).append(term)
            categories.add(category)
    if not hits:
        return []
    where = "; ".join(f"{name}: {', '.join(terms)}" for name, terms in hits.items())
    return [
        Finding(
            "article3",
            Severity.FLAG,
            f"Possible {'/'.join(sorted(categories))} character (Article 3) — {where}. "
            "Decide whether the case is ordinary crime before publishing.",
            {"terms": hits, "categories": sorted(categories)},
        )
    ]


# -- duplicates -----------------------------------------------------------------------------------


def _prepared(s: SubjectFacts) -> PreparedSubject | None:
    # Keyed by the record's id and content: a record's properties change only by an edit.
    key = (s.id, s.schema, json.dumps(s.properties, sort_keys=True, ensure_ascii=False))
    return _prepared_cached(key)


@lru_cache(maxsize=50_000)  # every check run compares with every reviewable notice's subjects
def _prepared_cached(key: tuple[str, str, str]) -> PreparedSubject | None:
    rid, schema, props = key
    try:
        subject = Subject.from_ftm({"id": rid, "schema": schema, "properties": json.loads(props)})
    except ValueError:
        return None
    if not (subject.names or subject.identifiers):
        return None
    return prepare_subject(subject)


def duplicates(
    n: NoticeFacts, others: Sequence[NoticeFacts], threshold: float = 0.8
) -> list[Finding]:
    mine = {s.id: p for s in n.subjects if (p := _prepared(s)) is not None}
    if not mine:
        return []
    out = []
    for other in others:
        if other.id == n.id:
            continue
        best = 0.0
        for s in other.subjects:
            candidate = _prepared(s)
            if candidate is None:
                continue
            shared = s.id in mine
            score = 1.0 if shared else max(score_pair(q, candidate) for q in mine.values())
            best = max(best, score)
        if best >= threshold:
            out.append(
                Finding(
                    "duplicate",
                    Severity.WARNING,
                    f"Likely a duplicate of {other.kind.value} notice {other.id}: "
                    f"subjects match with score {best:.2f}.",
                    {"notice": other.id, "score": round(best, 4)},
                )
            )
    return out

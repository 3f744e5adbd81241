"""The pure review checks: boundaries of dates, particulars, and the Article 3 lexicon's
spelling variants and near misses."""

from __future__ import annotations

from datetime import date

import pytest

from tanseeq.domain.review import (
    NoticeFacts,
    Severity,
    SubjectFacts,
    article3_terms,
    dates,
    particulars,
    run_checks,
)
from tanseeq.domain.types import NoticeKind

DAY = date(2026, 1, 15)


def _notice(kind: NoticeKind, *subjects: SubjectFacts, **fields: object) -> NoticeFacts:
    base: dict[str, object] = {
        "id": "n",
        "kind": kind,
        "title": "Wanted",
        "summary": None,
        "offences": ["armed robbery"],
        "legal_basis": "Penal code, art. 509",
        "warrant_ref": "W-1",
        "on": DAY,
        "subjects": subjects,
    }
    return NoticeFacts(**{**base, **fields})  # type: ignore[arg-type]


def _person(**props: list[str]) -> SubjectFacts:
    return SubjectFacts("p", "Person", {"name": ["Karim Idrissi"], **props})


@pytest.mark.parametrize(
    ("birth", "bad"),
    [
        ("1906-01-15", False),  # 120 today
        ("1905", True),  # 120 or 121, but surely born before 1906: over 120
        ("1906", False),  # at most 120
        ("2026-01", False),  # January 2026 may be before today
        ("2026-01-16", True),  # tomorrow
        ("2027", True),
    ],
)
def test_birth_date_boundaries(birth: str, bad: bool) -> None:
    found = dates(_notice(NoticeKind.RED, _person(birthDate=[birth])))
    assert bool(found) is bad, found
    assert all(f.severity == Severity.ERROR for f in found)


def test_document_dates_and_death() -> None:
    doc = SubjectFacts(
        "d", "Passport", {"number": ["X1"], "startDate": ["2020-05-01"], "endDate": ["2019"]}
    )
    dead = _person(birthDate=["1980-02-02"], deathDate=["1979"])
    found = dates(_notice(NoticeKind.RED, doc, dead))
    assert {f.detail["property"] for f in found} == {"endDate", "deathDate"}


def test_particulars_count_documents_held_elsewhere() -> None:
    person = _person(birthDate=["1980"])
    passport = SubjectFacts("d", "Passport", {"number": ["X1"], "holder": ["p"]})
    assert particulars(_notice(NoticeKind.RED, person, passport)) == []
    (finding,) = particulars(_notice(NoticeKind.RED, person))
    assert finding.severity == Severity.ERROR and finding.detail["has"] == ["birth date"]
    (finding,) = particulars(_notice(NoticeKind.YELLOW, person))
    assert finding.severity == Severity.WARNING
    assert particulars(_notice(NoticeKind.GREEN, person)) == []  # one besides the name
    assert particulars(_notice(NoticeKind.PURPLE, person)) == []  # not about a person


def test_a_clean_red_notice_passes_every_check() -> None:
    person = _person(birthDate=["1980-02-02"], nationality=["ma"], gender=["male"])
    assert run_checks(_notice(NoticeKind.RED, person)) == []


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("Organised PROTESTS against the regime", {"protest*", "regime"}),
        ("Désertion et insoumission", {"desertion", "insoumission"}),
        ("offense au Chef de l'État", {"offense au chef de l etat"}),
        ("أحتجاجات", {"احتجاج*"}),  # hamza on the alef, as many write it
        ("والمظاهرة", {"مظاهر*"}),  # "and the demonstration": proclitics removed
        ("الرِّدَّة", {"ردة"}),  # with diacritics
        ("ازدراء الأديان", {"ازدراء الاديان"}),
        ("Sahara desert smuggling route", set()),  # desert is no deserter
        ("coups et blessures volontaires", set()),  # French "coups" (blows) is no coup
        ("Drug trafficking, money laundering", set()),
        ("الاتجار بالمخدرات", set()),
    ],
)
def test_article3_lexicon(text: str, terms: set[str]) -> None:
    assert {t for t, _ in article3_terms(text)} == terms


def test_article3_is_a_flag_naming_fields_and_categories() -> None:
    n = _notice(
        NoticeKind.RED,
        _person(birthDate=["1980"], nationality=["ma"]),
        title="Blasphemy",
        offences=["insulting the king"],
    )
    (finding,) = [f for f in run_checks(n) if f.code == "article3"]
    assert finding.severity == Severity.FLAG
    assert finding.detail["terms"] == {"title": ["blasphem*"], "offences": ["insulting the king"]}
    assert finding.detail["categories"] == ["political", "religious"]

"""The records each demo agency holds, case by case: fictional people (see ``people``) with their
documents, phones, e-mails, vehicles, wallets, accounts, addresses and organisations, and the
links between them (Family, Associate, Membership, Ownership)."""

from __future__ import annotations

import random

from tanseeq.demo import identifiers as ids
from tanseeq.demo.belongings import add_belongings, link_case
from tanseeq.demo.organisations import address, organisation
from tanseeq.demo.people import Person, make_person
from tanseeq.demo.plans import REF, Case, Holdings, distribution, marking
from tanseeq.demo.profiles import PROFILES, Profile
from tanseeq.domain.types import DistributionKind
from tanseeq.schemas import DistributionIn, MarkingIn

ALL_CODES = tuple(PROFILES)


def _weighted(rng: random.Random, options: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def _new_case(rng: random.Random, h: Holdings, owner: str, profile: Profile) -> Case:
    theme = rng.choice(profile.themes)
    mode = _weighted(rng, profile.modes)
    if theme == "missing":
        mode = "all"  # missing persons are looked for everywhere
    elif mode == "agreement" and theme not in profile.agreement_themes:
        theme = rng.choice(profile.agreement_themes)
    others = tuple(c for c in ALL_CODES if c != owner and c not in profile.partners)
    return Case(
        key=h.key("c"),
        owner=owner,
        theme=theme,
        distribution=distribution(mode, rng, profile.partners, others),
        marking=marking(rng),
        blind_hits=mode in ("owner", "agencies") and rng.random() < 0.6,
    )


def person_properties(rng: random.Random, p: Person, with_arabic: bool) -> dict[str, list[str]]:
    spellings = p.latin_names()
    names = [spellings[0]]
    arabic = p.arabic_name()
    if arabic and with_arabic:
        names.append(arabic)
    # Many records carry the other transcriptions too, as FtM aliases.
    aliases = spellings[1:] if rng.random() < 0.6 else []
    props = {
        "name": names,
        "alias": aliases,
        "firstName": [p.first_name],
        "lastName": [p.last_name],
        "gender": [p.gender],
        "birthDate": [p.birth_date],
        "nationality": [p.nationality],
        "birthPlace": [p.birth_place] if p.birth_place and rng.random() < 0.5 else [],
    }
    return props


def _add_person(
    rng: random.Random, h: Holdings, case: Case, nationality: str, home: str | None
) -> str:
    person = make_person(rng, nationality)
    props = person_properties(rng, person, with_arabic=rng.random() < 0.92)
    if home:
        props["addressEntity"] = [REF + home]
    if rng.random() < 0.7:
        props["phone"] = [ids.mobile(rng, nationality)]
    if rng.random() < 0.4:
        props["email"] = [ids.email(rng, person.first_name, person.last_name)]
    key = h.add(case, "p", "Person", props)
    h.people[key] = person
    case.persons.append(key)
    return key


def plan_case(rng: random.Random, h: Holdings, owner: str, profile: Profile) -> Case:
    case = _new_case(rng, h, owner, profile)
    nationality = _weighted(rng, profile.nationalities)
    home = None
    if case.theme != "missing" and rng.random() < 0.3:
        home = h.add(case, "a", "Address", address(rng, nationality))
    if case.theme in ("scam", "drugs", "vehicles", "smuggling") and rng.random() < 0.45:
        case.organisations.append(h.add(case, "o", "Company", organisation(rng, nationality)))
    size = 1 if case.theme == "missing" else rng.randint(2, 5)
    for i in range(size):
        # Networks cross borders: a few members hold another nationality.
        nat = nationality if i == 0 or rng.random() < 0.7 else _weighted(rng, profile.nationalities)
        pkey = _add_person(rng, h, case, nat, home if i < 2 else None)
        if case.theme != "missing":
            add_belongings(rng, h, case, pkey)
    if case.persons[1:] or case.organisations:
        link_case(rng, h, case)
    h.cases.append(case)
    return case


def plan_unidentified(rng: random.Random, h: Holdings, owner: str, place: str, day: str) -> Case:
    """An unidentified body, for a black notice: FtM needs a name, so the finding describes it."""
    case = Case(
        key=h.key("c"),
        owner=owner,
        theme="missing",
        distribution=DistributionIn(kind=DistributionKind.ALL),
        marking=MarkingIn(),
        unidentified=True,
    )
    gender = rng.choice(("male", "female"))
    word = "man" if gender == "male" else "woman"
    key = h.add(
        case,
        "p",
        "Person",
        {
            "name": [f"Unidentified {word} found at {place} on {day}"],
            "gender": [gender],
            "height": [str(rng.randint(158, 188))],
            "description": [f"Estimated age {rng.randint(20, 45)}; found at {place}"],
        },
    )
    case.persons.append(key)
    h.cases.append(case)
    return case


def plan_duplicate(rng: random.Random, h: Holdings, source: str, owner: str) -> str:
    """Another agency's record of an already planned person, spelled its own way: what the
    screening engine is for."""
    person = h.people[source]
    theme = next(c.theme for c in h.cases if source in c.persons)
    case = Case(
        key=h.key("c"),
        owner=owner,
        theme=theme,
        distribution=DistributionIn(kind=DistributionKind.ALL),
        marking=marking(rng),
    )
    spellings = person.latin_names()
    name = spellings[-1] if len(spellings) > 1 else spellings[0].upper()
    props = {
        "name": [name],
        "gender": [person.gender],
        "birthDate": [person.birth_date[:4]],  # the other agency knows only the year
        "nationality": [person.nationality],
    }
    key = h.add(case, "p", "Person", props)
    case.persons.append(key)
    h.people[key] = person
    h.duplicates.append((key, source))
    h.cases.append(case)
    return key

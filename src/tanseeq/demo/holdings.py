"""The records each demo agency holds, case by case: fictional people (see ``people``) with their
documents, phones, e-mails, vehicles, wallets, accounts, addresses and organisations, and the
links between them (Family, Associate, Membership, Ownership)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from tanseeq.demo import identifiers as ids
from tanseeq.demo.organisations import address, organisation
from tanseeq.demo.people import Person, make_person
from tanseeq.demo.plans import REF, THEMES, Case, RecordPlan, distribution, marking
from tanseeq.demo.profiles import PROFILES, Profile
from tanseeq.schemas import DistributionIn, MarkingIn

ALL_CODES = tuple(PROFILES)
# What the relative is to the case's lead, by the relative's gender.
FAMILY_TIES = {
    "male": ("brother", "cousin", "spouse", "brother-in-law", "uncle", "son"),
    "female": ("sister", "cousin", "spouse", "sister-in-law", "aunt", "daughter"),
}
ASSOCIATE_TIES = ("associate", "business partner", "courier", "recruiter", "driver")
ACCOUNT_SERVICES = ("Telegram", "WhatsApp", "Signal", "Instagram")


@dataclass
class Holdings:
    records: list[RecordPlan] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    people: dict[str, Person] = field(default_factory=dict)
    _counter: int = 0

    def key(self, prefix: str) -> str:
        self._counter += 1
        return f"{prefix}{self._counter}"

    def add(
        self,
        case: Case,
        prefix: str,
        schema: str,
        props: dict[str, list[str]],
        dist: DistributionIn | None = None,
    ) -> str:
        key = self.key(prefix)
        self.records.append(
            RecordPlan(
                key=key,
                owner=case.owner,
                schema=schema,
                properties={k: v for k, v in props.items() if v},
                distribution=dist or case.distribution,
                marking=case.marking,
                crime_areas=THEMES[case.theme],
                blind_hits=case.blind_hits,
            )
        )
        return key


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
    key = h.key("p")
    person = make_person(rng, key, nationality)
    props = person_properties(rng, person, with_arabic=rng.random() < 0.92)
    if home:
        props["addressEntity"] = [REF + home]
    if rng.random() < 0.7:
        props["phone"] = [ids.mobile(rng, nationality)]
    if rng.random() < 0.4:
        props["email"] = [ids.email(rng, person.first_name, person.last_name)]
    h.records.append(
        RecordPlan(
            key=key,
            owner=case.owner,
            schema="Person",
            properties=props,
            distribution=case.distribution,
            marking=case.marking,
            crime_areas=THEMES[case.theme],
            blind_hits=case.blind_hits,
        )
    )
    h.people[key] = person
    case.persons.append(key)
    return key


def _add_belongings(rng: random.Random, h: Holdings, case: Case, pkey: str) -> None:
    person = h.people[pkey]
    country = person.nationality
    holder = REF + pkey
    if rng.random() < 0.65:
        h.add(
            case,
            "d",
            "Passport",
            {
                "holder": [holder],
                "number": [ids.passport_number(rng, country)],
                "country": [country],
                "givenName": [person.first_name],
                "surname": [person.last_name],
                "birthDate": [person.birth_date] if len(person.birth_date) == 10 else [],
                "endDate": [
                    f"{rng.randint(2026, 2034)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                ],
            },
        )
    if rng.random() < 0.35:
        h.add(
            case,
            "d",
            "Identification",
            {
                "holder": [holder],
                "number": [ids.id_card_number(rng, country)],
                "country": [country],
                "type": ["national identity card"],
            },
        )
    if (case.theme in ("vehicles", "drugs", "smuggling") and rng.random() < 0.35) or (
        rng.random() < 0.08
    ):
        vin, model = ids.vin(rng)
        plate_country = country if country in ("MA", "ES", "DE", "FR", "NO") else "MA"
        vkey = h.add(
            case,
            "v",
            "Vehicle",
            {
                "name": [model],
                "model": [model],
                "type": ["car"],
                "registrationNumber": [ids.plate(rng, plate_country)],
                "country": [plate_country],
                "buildDate": [str(rng.randint(2008, 2024))],
                # FtM has no VIN property: the VIN travels in the description.
                "description": [f"VIN {vin}"],
            },
        )
        case.vehicles.append(vkey)
        h.add(
            case,
            "l",
            "Ownership",
            {
                "owner": [holder],
                "asset": [REF + vkey],
                "role": ["registered keeper"],
            },
        )
    if case.theme in ("scam", "terror", "drugs") and rng.random() < 0.3:
        address_, currency = ids.wallet(rng)
        case.wallets.append(
            h.add(
                case,
                "w",
                "CryptoWallet",
                {
                    "publicKey": [address_],
                    "currency": [currency],
                    "holder": [holder],
                },
            )
        )
    if rng.random() < 0.15:
        service = rng.choice(ACCOUNT_SERVICES)
        handle = ids.ascii_slug(person.first_name)[:8] + str(rng.randrange(100, 999))
        h.add(
            case,
            "u",
            "UserAccount",
            {
                "username": [handle],
                "service": [service],
                "owner": [holder],
                "phone": [ids.mobile(rng, country)] if service != "Instagram" else [],
            },
        )


def _link_case(rng: random.Random, h: Holdings, case: Case) -> None:
    lead, *rest = case.persons
    for other in rest:
        if rng.random() < 0.3:
            h.add(
                case,
                "l",
                "Family",
                {
                    "person": [REF + lead],
                    "relative": [REF + other],
                    "relationship": [rng.choice(FAMILY_TIES[h.people[other].gender])],
                },
            )
        else:
            h.add(
                case,
                "l",
                "Associate",
                {
                    "person": [REF + lead],
                    "associate": [REF + other],
                    "relationship": [rng.choice(ASSOCIATE_TIES)],
                },
            )
    for org in case.organisations:
        members = [lead, *rng.sample(rest, min(len(rest), rng.randint(0, 2)))]
        for i, member in enumerate(members):
            h.add(
                case,
                "l",
                "Membership",
                {
                    "member": [REF + member],
                    "organization": [REF + org],
                    "role": ["manager" if i == 0 else "employee"],
                },
            )
        if rng.random() < 0.5:
            h.add(
                case,
                "l",
                "Ownership",
                {
                    "owner": [REF + lead],
                    "asset": [REF + org],
                    "percentage": [str(rng.choice((51, 60, 75, 100)))],
                },
            )


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
            _add_belongings(rng, h, case, pkey)
    if case.persons[1:] or case.organisations:
        _link_case(rng, h, case)
    h.cases.append(case)
    return case


def plan_unidentified(rng: random.Random, h: Holdings, owner: str, place: str, day: str) -> Case:
    """An unidentified body, for a black notice: FtM needs a name, so the finding describes it."""
    case = Case(
        key=h.key("c"),
        owner=owner,
        theme="missing",
        distribution=DistributionIn(kind="all"),  # type: ignore[arg-type]
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
    case = Case(
        key=h.key("c"),
        owner=owner,
        theme="drugs",
        distribution=DistributionIn(kind="all"),  # type: ignore[arg-type]
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
    h.cases.append(case)
    return key

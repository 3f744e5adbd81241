"""What a case's people have and how they are tied: passports and identity cards, vehicles
(with their VINs), crypto wallets, messaging accounts; Family, Associate, Membership and
Ownership links. All numbers are made up (see ``identifiers``)."""

from __future__ import annotations

import random

from tanseeq.demo import identifiers as ids
from tanseeq.demo.plans import REF, Case, Holdings

# What the relative is to the case's lead, by the relative's gender.
FAMILY_TIES = {
    "male": ("brother", "cousin", "spouse", "brother-in-law", "uncle", "son"),
    "female": ("sister", "cousin", "spouse", "sister-in-law", "aunt", "daughter"),
}
ASSOCIATE_TIES = ("associate", "business partner", "courier", "recruiter", "driver")
ACCOUNT_SERVICES = ("Telegram", "WhatsApp", "Signal", "Instagram")


def add_belongings(rng: random.Random, h: Holdings, case: Case, pkey: str) -> None:
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


def link_case(rng: random.Random, h: Holdings, case: Case) -> None:
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

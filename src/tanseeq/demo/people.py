"""Fictional people for the demo.

Every person here is invented: names are drawn at random from the pools in ``names`` (common
given and family names, surnames of public figures excluded), and dates, documents and numbers
are random. Any resemblance to a real person is a coincidence of common names, and the demo
marks none of them as anything but fictional test data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from tanseeq.demo.names import ARABIC_POOLS, MAURITANIA_FATHERS, NATIONALITY_POOLS, POOLS, Form

CITIES: dict[str, tuple[str, ...]] = {
    "MA": ("Casablanca", "Tangier", "Fès", "Marrakech", "Nador", "Oujda", "Agadir", "Tétouan"),
    "DZ": ("Oran", "Algiers", "Constantine"),
    "TN": ("Tunis", "Sfax", "Sousse"),
    "LY": ("Tripoli", "Benghazi"),
    "MR": ("Nouakchott", "Nouadhibou", "Rosso"),
    "EG": ("Cairo", "Alexandria", "Port Said"),
    "AE": ("Dubai", "Abu Dhabi", "Sharjah"),
    "SA": ("Jeddah", "Riyadh"),
    "SN": ("Dakar", "Saint-Louis", "Ziguinchor", "Touba"),
    "ET": ("Addis Ababa", "Dire Dawa", "Hawassa"),
    "NG": ("Lagos", "Kano", "Abuja", "Port Harcourt"),
    "ES": ("Madrid", "Algeciras", "Barcelona", "Málaga", "Ceuta"),
    "DE": ("Berlin", "Hamburg", "Frankfurt am Main", "Köln"),
    "FR": ("Marseille", "Paris", "Lyon", "Lille", "Toulouse"),
    "NO": ("Oslo", "Bergen", "Trondheim", "Stavanger"),
    "BR": ("São Paulo", "Rio de Janeiro", "Santos", "Recife"),
    "IN": ("Mumbai", "New Delhi", "Kochi", "Hyderabad"),
    "KR": ("Seoul", "Busan", "Incheon"),
}


@dataclass
class Person:
    """One invented person: the spellings they are recorded under and the facts about them."""

    gender: str  # "male" or "female"
    nationality: str
    pool: str
    given: Form
    family: Form
    connector: Form | None = None  # Ould/Mint or Ben: "son of"
    birth_date: str = ""
    birth_place: str = ""

    def spellings(self) -> list[tuple[str, str]]:
        """(given, family) spellings, usual one first: the i-th Latin variant of the given name
        with the i-th of the family name, so each spelling is one transcription style."""
        givens = list(self.given.latin)
        if POOLS[self.pool].english_first and len(givens) > 1:
            givens = givens[1:] + givens[:1]
        families = list(self.family.latin)
        mid = f"{self.connector.latin[0]} " if self.connector else ""
        out: list[tuple[str, str]] = []
        for i in range(max(len(givens), len(families))):
            pair = (givens[min(i, len(givens) - 1)], mid + families[min(i, len(families) - 1)])
            if pair not in out:
                out.append(pair)
        return out

    def latin_names(self) -> list[str]:
        return [f"{g} {f}" for g, f in self.spellings()]

    def arabic_name(self) -> str | None:
        if self.pool not in ARABIC_POOLS or self.given.arabic is None or not self.family.arabic:
            return None
        mid = f" {self.connector.arabic}" if self.connector and self.connector.arabic else ""
        return f"{self.given.arabic}{mid} {self.family.arabic}"

    @property
    def first_name(self) -> str:
        return self.spellings()[0][0]

    @property
    def last_name(self) -> str:
        return self.spellings()[0][1]


SON_OF = Form("ولد", ("Ould",))
DAUGHTER_OF = Form("منت", ("Mint",))


def _weighted(rng: random.Random, options: tuple[tuple[str, int], ...]) -> str:
    names = [o for o, _ in options]
    weights = [w for _, w in options]
    return rng.choices(names, weights=weights, k=1)[0]


def birth_date(rng: random.Random, oldest: int = 1958, youngest: int = 2006) -> str:
    """Full dates mostly; some records know only the year and month, or only the year."""
    start = date(oldest, 1, 1)
    day = start + timedelta(days=rng.randrange((date(youngest, 12, 31) - start).days))
    shape = rng.random()
    if shape < 0.75:
        return day.isoformat()
    if shape < 0.87:
        return day.isoformat()[:7]
    return str(day.year)


def make_person(rng: random.Random, nationality: str, gender: str | None = None) -> Person:
    pool_name = _weighted(rng, NATIONALITY_POOLS[nationality])
    pool = POOLS[pool_name]
    gender = gender or rng.choices(("male", "female"), weights=(4, 1), k=1)[0]
    given = rng.choice(pool.male if gender == "male" else pool.female)
    connector: Form | None = None
    if pool_name == "mauritania":
        connector = SON_OF if gender == "male" else DAUGHTER_OF
        family = rng.choice(MAURITANIA_FATHERS)
    else:
        family = rng.choice(pool.family)
    return Person(
        gender=gender,
        nationality=nationality,
        pool=pool_name,
        given=given,
        family=family,
        connector=connector,
        birth_date=birth_date(rng),
        birth_place=rng.choice(CITIES.get(nationality, ("",))),
    )

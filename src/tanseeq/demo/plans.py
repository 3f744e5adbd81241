"""What the demo will create, as plain data: records and notices that name each other by local
keys (``@p12``), resolved to server ids as they are stored. Planning is pure and seeded, so the
same seed plans the same world; ``build`` then hands every item to the services."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from tanseeq.demo.people import Person
from tanseeq.domain.types import TLP, DistributionKind, HandlingCode, NoticeKind, NoticeStatus
from tanseeq.schemas import DistributionIn, MarkingIn

REF = "@"  # a property value starting with this is the key of another planned record


@dataclass(frozen=True)
class RecordPlan:
    key: str
    owner: str  # agency code
    schema: str
    properties: dict[str, list[str]]
    distribution: DistributionIn
    marking: MarkingIn
    crime_areas: tuple[str, ...]
    blind_hits: bool = False


@dataclass(frozen=True)
class NoticePlan:
    key: str
    owner: str
    kind: NoticeKind
    status: NoticeStatus  # where its lifecycle ends in the demo
    title: str
    subjects: tuple[str, ...]  # record keys
    offences: tuple[str, ...]
    crime_areas: tuple[str, ...]
    distribution: DistributionIn
    marking: MarkingIn
    language: str = "en"
    summary: str | None = None
    legal_basis: str | None = None
    warrant_ref: str | None = None


@dataclass
class Case:
    """People one agency holds together: a network, or one missing person."""

    key: str
    owner: str
    theme: str
    distribution: DistributionIn
    marking: MarkingIn
    persons: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    vehicles: list[str] = field(default_factory=list)
    wallets: list[str] = field(default_factory=list)
    unidentified: bool = False
    blind_hits: bool = False  # restricted data others may still learn exists (a blind hit)


@dataclass
class Holdings:
    """The plan being drawn: records in creation order, cases, and who each person is."""

    records: list[RecordPlan] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    people: dict[str, Person] = field(default_factory=dict)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (copy, original) keys
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


THEMES: dict[str, tuple[str, ...]] = {
    "drugs": ("drug_trafficking", "organised_crime"),
    "smuggling": ("migrant_smuggling", "trafficking_in_persons"),
    "scam": ("cybercrime", "fraud"),
    "terror": ("terrorism", "financial_crime"),
    "violent": ("violent_crime", "firearms"),
    "vehicles": ("vehicle_crime", "organised_crime"),
    "missing": ("missing_persons",),
}

H3_NOTE = "Not to be passed to third countries without the owner's written consent."


def marking(rng: random.Random) -> MarkingIn:
    tlp = rng.choices(
        (TLP.CLEAR, TLP.GREEN, TLP.AMBER, TLP.AMBER_STRICT, TLP.RED), weights=(1, 2, 5, 2, 1)
    )[0]
    shape = rng.randrange(6)
    if shape == 3:
        return MarkingIn(tlp=tlp, handling=[HandlingCode.H0, HandlingCode.H1])
    if shape == 4:
        return MarkingIn(tlp=tlp, handling=[HandlingCode.H0, HandlingCode.H2])
    if shape == 5:
        return MarkingIn(
            tlp=tlp, handling=[HandlingCode.H0, HandlingCode.H3], handling_note=H3_NOTE
        )
    return MarkingIn(tlp=tlp, handling=[HandlingCode.H0])


def distribution(
    mode: str, rng: random.Random, partners: tuple[str, ...], others: tuple[str, ...]
) -> DistributionIn:
    """``partners``: agencies this owner names; ``others``: candidates for an exclusion."""
    if mode == "all":
        return DistributionIn(kind=DistributionKind.ALL)
    if mode == "all_excl":
        return DistributionIn(kind=DistributionKind.ALL, excluded=[rng.choice(others)])
    if mode == "agencies":
        k = min(len(partners), rng.randint(1, 3))
        return DistributionIn(kind=DistributionKind.AGENCIES, agencies=rng.sample(partners, k))
    if mode == "agreement":
        return DistributionIn(kind=DistributionKind.AGREEMENT)
    return DistributionIn(kind=DistributionKind.OWNER)

"""The demo's users: four per agency (officer, analyst, supervisor, agency admin), and at the hub
a compliance officer and a hub admin. Usernames say who they are (``ma.officer``); display names
are fictional."""

from __future__ import annotations

import random
from dataclasses import dataclass

from tanseeq.demo.agencies import AGENCIES
from tanseeq.demo.names import POOLS, Form
from tanseeq.domain.types import AgencyKind, Role

AGENCY_ROLES: tuple[tuple[str, Role], ...] = (
    ("officer", Role.OFFICER),
    ("analyst", Role.ANALYST),
    ("supervisor", Role.SUPERVISOR),
    ("admin", Role.AGENCY_ADMIN),
)
HUB_ROLES: tuple[tuple[str, Role], ...] = (
    ("compliance", Role.COMPLIANCE),
    ("admin", Role.HUB_ADMIN),
)

# Which name pool a staff member's display name comes from, by the agency's country.
_STAFF_POOL = {
    "MA": "maghreb",
    "TN": "maghreb",
    "DZ": "maghreb",
    "MR": "mauritania",
    "EG": "egypt",
    "AE": "gulf",
    "SN": "senegal",
    "ET": "ethiopia",
    "NG": "nigeria",
    "ES": "spain",
    "DE": "germany",
    "FR": "france",
    "NO": "norway",
    "BR": "brazil",
    "IN": "india",
    "KR": "korea",
    "NL": "germany",
}


@dataclass(frozen=True)
class StaffSpec:
    username: str
    agency: str
    role: Role
    display_name: str


def prefix(code: str, kind: AgencyKind, country: str | None) -> str:
    """An NCB by its country (``ma``), anything else by its code (``ma-bnpj``, ``afripol``)."""
    return (country or code).lower() if kind == AgencyKind.NCB else code.lower()


def _display(rng: random.Random, country: str | None) -> str:
    pool = POOLS[_STAFF_POOL.get(country or "", "maghreb")]
    given: Form = rng.choice(pool.male + pool.female)
    family = pool.family or pool.male  # Mauritanian pool: father's name as the last part
    return f"{given.latin[0]} {rng.choice(family).latin[0]}"


def staff(rng: random.Random) -> list[StaffSpec]:
    out = []
    for agency in AGENCIES:
        roles = HUB_ROLES if agency.kind == AgencyKind.SECRETARIAT else AGENCY_ROLES
        for suffix, role in roles:
            out.append(
                StaffSpec(
                    username=f"{prefix(agency.code, agency.kind, agency.country)}.{suffix}",
                    agency=agency.code,
                    role=role,
                    display_name=_display(rng, agency.country),
                )
            )
    return out

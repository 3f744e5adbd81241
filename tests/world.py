"""A small world for tests: the hub, three agencies (owner, partner under an agreement,
unrelated) and their users. One function, so every test module builds the same thing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tanseeq.schemas import AgencyIn, AgreementIn, TokenIn, UserIn
from tanseeq.services import agencies, agreements, users
from tanseeq.services.context import OPERATOR, Actor
from tanseeq.store.database import Database


@dataclass
class World:
    db: Database
    actors: dict[str, Actor]
    tokens: dict[str, str]
    agency_ids: dict[str, str]
    agreement_id: str


def build_world(db: Database) -> World:
    specs = [
        ("HUB", "secretariat", None, "Hub secretariat"),
        ("MA-NCB", "ncb", "MA", "NCB Rabat"),
        ("NO-POLICE", "ncb", "NO", "Norwegian National Police"),
        ("SN-NCB", "ncb", "SN", "NCB Dakar"),
    ]
    ids = {}
    for code, kind, country, name in specs:
        ids[code] = agencies.create(
            db,
            OPERATOR,
            AgencyIn(code=code, kind=kind, country=country, name_en=name),  # type: ignore[arg-type]
        ).id
    people = [
        ("owner", "MA-NCB", ["officer", "supervisor", "analyst"]),
        ("partner", "NO-POLICE", ["officer", "supervisor", "analyst"]),
        ("unrelated", "SN-NCB", ["officer", "supervisor", "analyst"]),
        ("owner_admin", "MA-NCB", ["agency_admin"]),
        ("hub_admin", "HUB", ["hub_admin"]),
        ("compliance", "HUB", ["compliance"]),
    ]
    actors, tokens = {}, {}
    for name, agency, roles in people:
        users.create_user(
            db,
            OPERATOR,
            UserIn(
                username=name,
                display_name=name,
                roles=roles,  # type: ignore[arg-type]
                agency=agency,
            ),
        )
        tokens[name] = users.issue_token(db, OPERATOR, TokenIn(user=name)).token
        actors[name] = users.authenticate(db, tokens[name])
    g = agreements.create(
        db,
        OPERATOR,
        AgreementIn(
            title="MoU on transnational organised crime",
            parties=["MA-NCB", "NO-POLICE"],
            crime_areas=["organised_crime", "drug_trafficking"],
            valid_from=date(2025, 11, 25),
            valid_to=date(2030, 11, 24),
        ),
    )
    return World(db, actors, tokens, ids, g.id)

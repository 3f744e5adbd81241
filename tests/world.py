"""A small world for tests: the hub, three agencies (owner, partner under an agreement,
unrelated) and their users. One function, so every test module builds the same thing.

``actors[name]`` act as the command line's ``--as name`` does (local, so fresh: they may
create tokens and export); ``tokens[name]`` are API tokens (never fresh).
``world.session(name)`` enrols the user (password ``PASSWORD`` and a TOTP seed kept in
``totp_seeds``) on first use and returns a fresh login session secret, through the real
services: argon2id costs a fraction of a second, so only tests that ask for one pay for it.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from tanseeq.errors import Unauthenticated
from tanseeq.schemas import (
    AgencyIn,
    AgreementIn,
    EnrolmentConfirmIn,
    EnrolmentStartIn,
    LoginIn,
    TokenIn,
    UserIn,
)
from tanseeq.services import agencies, agreements, enrolment, sessions, totp, users
from tanseeq.services.context import OPERATOR, Actor
from tanseeq.settings import Settings
from tanseeq.store.database import Database
from tanseeq.store.tables import User

PASSWORD = "Marrakech-Oslo 2026 fictional"  # every world user's password, once enrolled


@dataclass
class World:
    db: Database
    actors: dict[str, Actor]
    tokens: dict[str, str]
    agency_ids: dict[str, str]
    agreement_id: str
    totp_seeds: dict[str, str] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)

    def enrol(self, name: str, password: str = PASSWORD) -> str:
        """Enrol (or re-enrol) a user through the services; their TOTP seed."""
        issued = users.issue_enrolment(self.db, OPERATOR, name)
        setup = enrolment.start(
            self.db, EnrolmentStartIn(username=name, secret=issued.secret, password=password)
        )
        self.totp_seeds[name] = setup.totp_secret
        code = self.code(name, seed=setup.totp_secret)
        enrolment.confirm(
            self.db, EnrolmentConfirmIn(username=name, secret=issued.secret, totp=code)
        )
        self.sessions.pop(name, None)
        return setup.totp_secret

    def code(self, name: str, seed: str | None = None) -> str:
        """A TOTP code the node will accept now: the earliest step in the window not used yet
        (moving the clock 30 s on when the window is used up, as time would)."""
        secret = seed or self.totp_seeds[name]
        with self.db.transaction() as s:
            last = s.scalar(sa.select(User.totp_last_step).where(User.username == name))
        while True:
            now = totp.step_at(self.db.clock())
            for step in range(now - totp.WINDOW, now + totp.WINDOW + 1):
                if last is None or step > last:
                    return totp.code_at_step(secret, step)
            self.db.clock.advance(seconds=totp.STEP_SECONDS)  # type: ignore[attr-defined]

    def login(self, name: str, password: str = PASSWORD) -> str:
        """A new login session's secret."""
        if name not in self.totp_seeds:
            self.enrol(name)
        data = LoginIn(username=name, password=password, totp=self.code(name))
        return sessions.login(self.db, data).token

    def session(self, name: str) -> str:
        """A live, fresh session of ``name``: the last one while still fresh, else a new login."""
        secret = self.sessions.get(name)
        if secret is not None:
            try:
                if sessions.authenticate(self.db, secret).fresh:
                    return secret
            except Unauthenticated:
                pass
        self.sessions[name] = self.login(name)
        return self.sessions[name]


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
        actors[name] = users.actor_by_username(db, name)
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


def fresh_database(url: str, schema: str) -> Database:
    """A migrated, empty database at ``url`` for a benchmark; on PostgreSQL in a schema of its
    own (``schema``, dropped and made again), so the tests' tables are left alone."""
    if url.startswith("postgresql"):
        with sa.create_engine(url).begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
        url += f"?options=-csearch_path%3D{schema}"
    db = Database(Settings(database_url=url, data_dir=Path(tempfile.mkdtemp())))
    db.migrate()
    return db

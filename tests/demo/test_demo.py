"""The demo world, built once per module through the services into a database of its own (a
copy of the migrated SQLite template, or a PostgreSQL schema of its own), then read back the way
its users would."""

from __future__ import annotations

import re
import shutil
import unicodedata
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from conftest import TEST_URL, FakeClock, _pg_schema_url
from tanseeq.demo import DemoWorld, build_demo, people
from tanseeq.demo.world import plan_world
from tanseeq.domain.types import AgencyKind, NoticeKind, NoticeStatus, Role
from tanseeq.services import agreements, records, users
from tanseeq.services import notices as notice_service
from tanseeq.services.context import OPERATOR, Actor
from tanseeq.settings import Settings
from tanseeq.store.database import Database
from tanseeq.store.tables import AuditRow, Notice, NoticeEvent, Record, User

WHY = "demo check"  # searches and exports need a reason

GA_LAST_DAY = datetime(2025, 11, 27, 10, 0, tzinfo=UTC)
BUILD_SECONDS_LIMIT = 20.0

# Real people who must never appear among the demo's wanted or suspected people: officials of
# the hosts and partners of the 93rd General Assembly, heads of state and of police bodies.
REAL_SURNAMES = (
    "hammouchi",
    "akhannouch",
    "laftit",
    "tebboune",
    "bouteflika",
    "saied",
    "ghazouani",
    "sisi",
    "mubarak",
    "tinubu",
    "buhari",
    "abiy",
    "macron",
    "nunez",
    "scholz",
    "merz",
    "sanchez",
    "marlaska",
    "bolsonaro",
    "modi",
    "urquiza",
    "raisi",
    "de bolle",
    "bjornland",
    "støre",
    "chelba",
    "faye",
    "sonko",
    "ben ali",
    "gaddafi",
    "al nahyan",
    "al maktoum",
)
REAL_FULL_NAMES = (
    "abdellatif hammouchi",
    "aziz akhannouch",
    "abdelouafi laftit",
    "valdecy urquiza",
    "ahmed naser al-raisi",
    "jurgen stock",
    "mohamed salah",
    "catherine de bolle",
    "abiy ahmed",
    "bassirou diomaye faye",
    "mohamed ould ghazouani",
    "kais saied",
)


def _fresh_database(template: str, where: Path, clock: FakeClock) -> tuple[Database, str | None]:
    """A database of the test's own: PostgreSQL gets its own schema (the shared one is emptied
    by other tests' fixtures), SQLite a copy of the migrated template."""
    if template.startswith("postgresql"):
        schema = f"tanseeq_demo_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(TEST_URL)
        with admin.begin() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
        admin.dispose()
        db = Database(Settings(database_url=_pg_schema_url(TEST_URL, schema)), clock=clock)
        db.migrate()
        return db, schema
    path = where / f"demo-{uuid.uuid4().hex[:6]}.db"
    shutil.copyfile(template, path)
    return Database(Settings(database_url=f"sqlite:///{path}"), clock=clock), None


def _drop(db: Database, schema: str | None) -> None:
    db.dispose()
    if schema:
        admin = sa.create_engine(TEST_URL)
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


@pytest.fixture(scope="module")
def built(
    _template: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Database, DemoWorld]]:
    db, schema = _fresh_database(_template, tmp_path_factory.mktemp("demo"), FakeClock(GA_LAST_DAY))
    world = build_demo(db, seed=93)
    yield db, world
    _drop(db, schema)


def _actor(db: Database, world: DemoWorld, agency: str, role: Role) -> Actor:
    return users.authenticate(db, world.user(agency, role).token)


def _person_names(db: Database) -> list[str]:
    with db.transaction() as session:
        rows = session.scalars(sa.select(Record.properties).where(Record.schema == "Person"))
        return [n for props in rows for n in props.get("name", []) + props.get("alias", [])]


def test_agencies_are_the_expected_institutions(built: tuple[Database, DemoWorld]) -> None:
    _, world = built
    expected = {
        "HUB": AgencyKind.SECRETARIAT,
        "MA-NCB": AgencyKind.NCB,
        "MA-BNPJ": AgencyKind.NATIONAL,
        "NO-POLICE": AgencyKind.NCB,
        "ET-FPC": AgencyKind.NCB,
        "AFRIPOL": AgencyKind.REGIONAL,
        "EUROPOL": AgencyKind.REGIONAL,
        "AIMC": AgencyKind.REGIONAL,
        "ES-NCB": AgencyKind.NCB,
        "DE-NCB": AgencyKind.NCB,
        "SN-NCB": AgencyKind.NCB,
        "MR-NCB": AgencyKind.NCB,
        "BR-NCB": AgencyKind.NCB,
        "IN-NCB": AgencyKind.NCB,
        "KR-NCB": AgencyKind.NCB,
    }
    for code, kind in expected.items():
        assert world.agencies[code].kind == kind, code
    for agency in world.agencies.values():
        assert agency.name_ar and agency.name_fr and agency.name_en
        assert re.search("[\u0600-\u06ff]", agency.name_ar), agency.code
    assert world.agencies["MA-NCB"].country == "MA"
    assert world.agencies["MA-BNPJ"].parent_id == world.agencies["MA-NCB"].id


def test_the_marrakech_mous_are_in_force(built: tuple[Database, DemoWorld]) -> None:
    db, world = built
    stored = {g.title: g for g in agreements.list_agreements(db, OPERATOR)}
    ids = {code: a.id for code, a in world.agencies.items()}
    norway = stored[world.agreements["mou_norway"].title]
    ethiopia = stored[world.agreements["mou_ethiopia"].title]
    assert norway.in_force and ethiopia.in_force
    assert set(norway.parties) == {ids["MA-NCB"], ids["NO-POLICE"]}
    assert set(ethiopia.parties) == {ids["MA-NCB"], ids["ET-FPC"]}
    assert ethiopia.valid_from == date(2025, 11, 25)
    assert "violent_crime" in ethiopia.crime_areas
    assert "organised_crime" in norway.crime_areas
    assert not stored[world.agreements["expired_strait"].title].in_force
    assert world.counts["agreements_in_force"] == len(stored) - 1


def test_counts_are_in_range(built: tuple[Database, DemoWorld]) -> None:
    db, world = built
    c = world.counts
    assert 200 <= c["records.Person"] <= 500
    assert 600 <= c["records"] <= 2000
    for schema in (
        "Passport",
        "Identification",
        "Vehicle",
        "CryptoWallet",
        "UserAccount",
        "Company",
        "Address",
        "Family",
        "Associate",
        "Membership",
        "Ownership",
    ):
        assert c[f"records.{schema}"] >= 5, schema
    with db.transaction() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Record)) == c["records"]
        stored_users = session.scalar(sa.select(sa.func.count()).select_from(User))
        created = session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditRow)
            .where(AuditRow.action == "record.create")
        )
    assert stored_users == c["users"] == len(world.users)
    assert created == c["records"]  # one audit entry per record, as records.create writes
    assert f"{c['records.Person']} fictional people" in world.summary()


def test_every_notice_kind_and_state_is_present(built: tuple[Database, DemoWorld]) -> None:
    db, _ = built
    with db.transaction() as session:
        rows = session.execute(sa.select(Notice.kind, Notice.status)).all()
        reds = session.execute(
            sa.select(Notice.warrant_ref, Notice.legal_basis).where(Notice.kind == "red")
        ).all()
    assert {k for k, _ in rows} == {k.value for k in NoticeKind}
    assert {s for _, s in rows} >= {s.value for s in NoticeStatus if s != NoticeStatus.EXPIRED}
    assert reds and all(w and b for w, b in reds)


def test_publication_is_by_the_hub_or_the_owners_supervisor(
    built: tuple[Database, DemoWorld],
) -> None:
    db, world = built
    hub = world.agencies["HUB"].id
    with db.transaction() as session:
        rows = session.execute(
            sa.select(Notice.kind, Notice.owner_id, User.agency_id, User.roles)
            .join(NoticeEvent, NoticeEvent.notice_id == Notice.id)
            .join(User, User.id == NoticeEvent.user_id)
            .where(NoticeEvent.to_status == "published", NoticeEvent.from_status == "submitted")
        ).all()
    assert rows
    for kind, owner, agency, roles in rows:
        if kind == NoticeKind.DIFFUSION.value:
            assert agency == owner and Role.SUPERVISOR.value in roles
        else:
            assert agency == hub and Role.COMPLIANCE.value in roles


def test_many_people_have_an_arabic_name(built: tuple[Database, DemoWorld]) -> None:
    db, _ = built
    with db.transaction() as session:
        props = list(session.scalars(sa.select(Record.properties).where(Record.schema == "Person")))
    arabic = [p for p in props if any(re.search("[\u0600-\u06ff]", n) for n in p["name"])]
    both = [p for p in arabic if any(re.search("[A-Za-z]", n) for n in p["name"])]
    assert len(arabic) >= 100
    assert len(both) >= 80  # both scripts on one record
    assert any("Ould" in n for p in props for n in p["name"])


def test_users_see_different_things(built: tuple[Database, DemoWorld]) -> None:
    db, world = built
    ma = world.agencies["MA-NCB"].id
    norway = _actor(db, world, "NO-POLICE", Role.SUPERVISOR)
    senegal = _actor(db, world, "SN-NCB", Role.SUPERVISOR)

    def moroccan_ids(actor: Actor) -> set[str]:
        out: set[str] = set()
        offset = 0
        while True:
            page = records.list_records(
                db, actor, owner=ma, limit=500, offset=offset, justification=WHY
            )
            out |= {r.id for r in page.items}
            offset += 500
            if offset >= page.total:
                return out

    seen_by_norway, seen_by_senegal = moroccan_ids(norway), moroccan_ids(senegal)
    only_norway = seen_by_norway - seen_by_senegal
    assert only_norway
    with db.transaction() as session:
        kinds = set(session.scalars(sa.select(Record.dist_kind).where(Record.id.in_(only_norway))))
    assert "agreement" in kinds

    totals = {
        code: records.list_records(
            db, _actor(db, world, code, Role.ANALYST), limit=1, justification=WHY
        ).total
        for code in ("MA-NCB", "NO-POLICE", "SN-NCB", "ET-FPC", "EUROPOL", "KR-NCB")
    }
    assert len(set(totals.values())) >= 5, totals
    assert totals["MA-NCB"] > totals["SN-NCB"]
    notice_totals = {
        code: notice_service.list_notices(db, _actor(db, world, code, Role.OFFICER), limit=1).total
        for code in ("MA-NCB", "NO-POLICE", "SN-NCB", "ET-FPC", "EUROPOL", "KR-NCB")
    }
    assert len(set(notice_totals.values())) >= 3, notice_totals
    compliance = _actor(db, world, "HUB", Role.COMPLIANCE)
    submitted = notice_service.list_notices(
        db, compliance, status="submitted", limit=1, justification=WHY
    ).total
    assert submitted > 0  # the hub reviews what agencies submit
    assert (
        notice_service.list_notices(
            db, senegal, status="submitted", limit=1, justification=WHY
        ).total
        == 0
    )


def test_every_demo_token_authenticates_as_its_user(built: tuple[Database, DemoWorld]) -> None:
    db, world = built
    for user in world.users.values():
        actor = users.authenticate(db, user.token)
        assert actor.username == user.username
        assert actor.roles == frozenset(user.roles)
        assert actor.agency_id == world.agencies[user.agency].id
    roles = {r for u in world.users.values() for r in u.roles}
    assert roles == set(Role)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def test_no_real_person_is_portrayed(built: tuple[Database, DemoWorld]) -> None:
    db, world = built
    names = _person_names(db) + [u.display_name for u in world.users.values()]
    assert len(names) > 300
    for name in map(_fold, names):
        for surname in REAL_SURNAMES:
            assert not re.search(rf"\b{re.escape(_fold(surname))}\b", name), name
        for full in REAL_FULL_NAMES:
            assert _fold(full) not in name.replace("-", " "), name
    assert "fictional" in (people.__doc__ or "").lower()


def test_same_seed_same_world(
    built: tuple[Database, DemoWorld], _template: str, tmp_path: Path
) -> None:
    db, _ = built
    with db.transaction() as session:
        first = sorted(session.scalars(sa.select(Record.caption)))
    again, schema = _fresh_database(_template, tmp_path, FakeClock(GA_LAST_DAY))
    try:
        build_demo(again, seed=93)
        with again.transaction() as session:
            second = sorted(session.scalars(sa.select(Record.caption)))
    finally:
        _drop(again, schema)
    assert first == second
    other = sorted(r.properties.get("name", [""])[0] for r in plan_world(94).records)
    assert other != sorted(r.properties.get("name", [""])[0] for r in plan_world(93).records)


def test_build_is_quick_on_sqlite(built: tuple[Database, DemoWorld]) -> None:
    db, world = built
    if not db.is_sqlite:
        pytest.skip("the time limit is for the embedded default")
    # CPU time, not wall time: the suite shares its machine, and a loaded machine stretches
    # wall time without the build being any slower (idle, the two are close; under a load of
    # 10 on two CPUs we measured 6.7 s of CPU in 38 s). Wall time only guards against a
    # pathological slowdown.
    assert world.cpu_seconds < BUILD_SECONDS_LIMIT, world.cpu_seconds
    assert world.seconds < 6 * BUILD_SECONDS_LIMIT, world.seconds


def test_restricted_records_offer_blind_hits(built: tuple[Database, DemoWorld]) -> None:
    db, world = built
    with db.transaction() as session:
        rows = session.execute(
            sa.select(Record.dist_kind, sa.func.count())
            .where(Record.blind_hits.is_(True))
            .group_by(Record.dist_kind)
        ).all()
    kinds = {kind: n for kind, n in rows}
    assert sum(kinds.values()) == world.counts["records.blind_hits"] >= 20
    assert set(kinds) <= {"owner", "agencies"}  # only data others cannot see needs them


def _plan_digest(seed: int) -> str:
    import hashlib
    import json

    plan = plan_world(seed)
    parts = [
        [r.key, r.owner, r.schema, r.properties, r.distribution.model_dump(mode="json")]
        for r in plan.records
    ]
    parts += [[n.key, n.title, list(n.subjects), n.status.value] for n in plan.notices]
    parts += [[s.username, s.display_name] for s in plan.staff]
    blob = json.dumps(parts, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def test_the_plan_does_not_depend_on_the_hash_seed() -> None:
    import subprocess
    import sys

    code = "from test_demo import _plan_digest; print(_plan_digest(93))"
    here = str(Path(__file__).parent)
    digests = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={"PYTHONHASHSEED": seed, "PYTHONPATH": f"{here}:{here}/.."},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert digests == {_plan_digest(93)}


def test_identifiers_are_well_formed() -> None:
    from tanseeq.matching.identifiers import normalize_identifier

    plan = plan_world(93)
    kinds = {"phone": "phone", "publicKey": "wallet", "registrationNumber": "plate"}
    checked = 0
    for r in plan.records:
        for prop, kind in kinds.items():
            for value in r.properties.get(prop, []):
                if kind != "plate" or r.schema == "Vehicle":
                    normalize_identifier(kind, value)  # raises on a malformed value
                    checked += 1
        for note in r.properties.get("description", []):
            if note.startswith("VIN "):
                normalize_identifier("vin", note[4:])
                checked += 1
    assert checked > 300


def test_hints_tell_what_the_world_shows(built: tuple[Database, DemoWorld]) -> None:
    db, world = built
    ma = world.agencies["MA-NCB"].id

    def shared_with(code: str) -> int:
        actor = _actor(db, world, code, Role.ANALYST)
        page = records.list_records(db, actor, owner=ma, limit=500, justification=WHY)
        with db.transaction() as session:
            return len(
                list(
                    session.scalars(
                        sa.select(Record.id).where(
                            Record.id.in_([r.id for r in page.items]),
                            Record.dist_kind == "agreement",
                        )
                    )
                )
            )

    norway, ethiopia = (int(re.findall(r"sees (\d+) MA-NCB", h)[0]) for h in world.hints[:2])
    assert shared_with("NO-POLICE") >= norway > 0
    assert shared_with("ET-FPC") >= ethiopia > 0
    assert shared_with("SN-NCB") < norway
    screen = [h for h in world.hints if h.startswith("Screen")]
    assert screen and all(re.search("[\u0600-\u06ff]", h) for h in screen)


def test_screening_connects_spellings_across_scripts(built: tuple[Database, DemoWorld]) -> None:
    """The duplicates planted in the world are what screening is for: an Arabic name finds
    another agency's record of the same person written in a Latin transcription."""
    from tanseeq.services import screening

    db, world = built
    plan = plan_world(world.seed)
    by_key = {r.key: r for r in plan.records}
    officer = _actor(db, world, "KR-NCB", Role.OFFICER)
    checked = 0
    for copy_key, original_key in plan.holdings.duplicates:
        names = by_key[original_key].properties["name"]
        arabic = [n for n in names if re.search("[\u0600-\u06ff]", n)]
        if not arabic:
            continue
        query = {"q": {"schema": "Person", "properties": {"name": arabic[:1]}}}
        found = screening.match(db, officer, query, justification="demo world test")["q"]
        captions = {f.record.caption for f in found if f.record is not None and f.match}
        assert by_key[copy_key].properties["name"][0] in captions, (arabic, captions)
        checked += 1
    assert checked >= 3

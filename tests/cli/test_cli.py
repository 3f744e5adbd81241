"""The ``tanseeq`` command end to end, through Typer's runner, on the test database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner, Result

from tanseeq.cli.app import app
from tanseeq.services import records, users
from tanseeq.settings import Settings
from tanseeq.store.database import Database
from tanseeq.store.tables import AuditState, Base


class Cli:
    """Runs ``tanseeq --database-url <the test database> …``."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.runner = CliRunner()

    def __call__(self, *args: str | Path, code: int = 0) -> Result:
        argv = ["--database-url", self.db.settings.database_url, *map(str, args)]
        result = self.runner.invoke(app, argv)
        assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
        if code:
            # An expected failure ends with a message, never a traceback.
            assert isinstance(result.exception, SystemExit)
            assert "Traceback" not in result.stderr
        return result


@pytest.fixture
def cli(db: Database) -> Cli:
    return Cli(db)


def snapshot(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        counts = {
            t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in Base.metadata.sorted_tables
        }
        counts["tree_size"] = conn.execute(sa.select(AuditState.tree_size)).scalar_one()
    return counts


def lines(*entities: dict[str, Any]) -> str:
    return "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entities)


PEOPLE = lines(
    {"id": "doc", "schema": "Passport", "properties": {"number": ["P1"], "holder": ["yh"]}},
    {"id": "yh", "schema": "Person", "properties": {"name": ["Youssef Hammouchi", "يوسف حموشي"]}},
    {"id": "kh", "schema": "Person", "properties": {"name": ["Karim Hammouchi"]}},
    {"id": "fam", "schema": "Family", "properties": {"person": ["yh"], "relative": ["kh"]}},
)
VEHICLES = (
    "id,schema,name,registrationNumber,owner,tanseeq:tlp\n"
    "car,Vehicle,Toyota Hilux,12345-A-6,abd,RED\n"
    'abd,Person,"Abdelkader Mansouri;عبد القادر منصوري",,,\n'
)


def set_up_node(cli: Cli) -> None:
    """init → agencies → users → agreement, as an operator would."""
    first = cli("init")
    *_, enrolment, _, token = first.stdout.strip().splitlines()
    assert token.startswith("tsq_") and enrolment.startswith("tse_")
    assert users.authenticate(cli.db, token).username == "hub.admin"
    assert "hub admin exists" in cli("init").stdout  # a second run keeps what exists
    cli("agency", "create", "MA-NCB", "--kind", "ncb", "--country", "MA", "--name-en", "NCB")
    cli("agency", "create", "NO-POLICE", "--kind", "ncb", "--country", "NO", "--name-en", "Pol")
    roles = ["--role", "officer", "--role", "analyst", "--role", "supervisor"]
    cli("user", "create", "officer.rabat", "--agency", "MA-NCB", *roles)
    cli("user", "create", "analyst.oslo", "--agency", "NO-POLICE", *roles)
    cli("user", "create", "admin.oslo", "--agency", "NO-POLICE", "--role", "agency_admin")
    cli(
        "agreement", "create", "--title", "MoU", "--party", "MA-NCB", "--party", "NO-POLICE",
        "--crime-area", "organised_crime", "--valid-from", "2025-01-01",
    )  # fmt: skip


def test_node_set_up_import_and_export_round_trip(cli: Cli, tmp_path: Path) -> None:
    set_up_node(cli)
    agencies = json.loads(cli("agency", "list", "--json").stdout)
    assert [a["code"] for a in agencies] == ["HUB", "MA-NCB", "NO-POLICE"]
    issued = cli("token", "issue", "officer.rabat", "--label", "laptop")
    officer = users.authenticate(cli.db, issued.stdout.strip())
    assert officer.username == "officer.rabat" and "shown once" in issued.stderr
    agreements = json.loads(cli("agreement", "list", "--json").stdout)
    assert len(agreements) == 1 and agreements[0]["in_force"]

    people = tmp_path / "people.jsonl"
    people.write_text(PEOPLE, encoding="utf-8")
    shared = ["--distribution", "agreement", "--crime-area", "organised_crime"]
    out = cli("record", "import", people, "--as", "officer.rabat", *shared).stdout
    assert "imported 4 records from people.jsonl" in out
    vehicles = tmp_path / "vehicles.csv"
    vehicles.write_text(VEHICLES, encoding="utf-8")
    cli("record", "import", vehicles, "--as", "officer.rabat", "--format", "csv", *shared)

    export = tmp_path / "out.jsonl"
    result = cli("record", "export", "--as", "analyst.oslo", "-o", export, "--justification", "x")
    assert "exported 6 records" in result.stderr
    exported = [json.loads(line) for line in export.read_text(encoding="utf-8").splitlines()]
    by_schema = {e["schema"]: e for e in exported}
    assert by_schema["Vehicle"]["tanseeq"]["tlp"] == "RED"
    ids = {e["id"] for e in exported}
    assert by_schema["Passport"]["properties"]["holder"][0] in ids  # server ids, remapped

    # The exported lines re-import, references and all.
    out = cli("record", "import", export, "--as", "analyst.oslo").stdout
    assert "imported 6 records" in out
    oslo = users.actor_by_username(cli.db, "analyst.oslo")
    mine = [
        r for r in records.export(cli.db, oslo, "check") if r["tanseeq"]["owner"] == oslo.agency_id
    ]  # type: ignore[index]
    assert len(mine) == 6
    passport = next(r for r in mine if r["schema"] == "Passport")
    holder = passport["properties"]["holder"][0]  # type: ignore[index]
    assert holder in {r["id"] for r in mine} and holder not in ids

    # Export to stdout streams the same lines.
    streamed = cli(
        "record", "export", "--as", "officer.rabat", "--justification", "weekly copy"
    ).stdout.splitlines()
    assert len(streamed) == 6 and all(json.loads(line)["id"] for line in streamed)
    # No export without a reason, to a file or to stdout; nothing is written.
    refused = cli("record", "export", "--as", "officer.rabat", "-o", tmp_path / "x", code=2)
    assert "justification" in refused.stderr and not (tmp_path / "x").exists()
    assert cli("record", "export", "--as", "officer.rabat", code=2).stdout == ""


def test_user_token_and_agreement_management(cli: Cli) -> None:
    set_up_node(cli)
    cli("user", "update", "analyst.oslo", "--inactive")
    listed = {u["username"]: u for u in json.loads(cli("user", "list", "--json").stdout)}
    assert listed["analyst.oslo"]["active"] is False
    cli("token", "issue", "analyst.oslo", code=2)  # a disabled user gets no token
    cli("user", "update", "analyst.oslo", "--active", "--role", "officer")
    token = cli("token", "issue", "analyst.oslo").stdout.strip()
    token_id = next(t["id"] for t in json.loads(cli("token", "list", "--json").stdout)
                    if t["label"] == "cli")  # fmt: skip
    assert "revoked" in cli("token", "revoke", token_id).stdout
    with pytest.raises(Exception, match="invalid token"):
        users.authenticate(cli.db, token)
    cli("token", "revoke", "no-such-token", code=2)

    # Registered by the hub admin for the parties to accept, one by one.
    out = cli(
        "agreement", "create", "--title", "Second", "--party", "MA-NCB", "--party", "NO-POLICE",
        "--crime-area", "fraud", "--valid-from", "2025-01-01",
    ).stdout  # fmt: skip
    assert "in force" in out
    g = json.loads(cli("agreement", "list", "--json").stdout)[-1]
    assert "accepted" in cli("agreement", "accept", g["id"], "--as", "admin.oslo").stdout
    assert "not in force" in cli("agreement", "terminate", g["id"], "--reason", "ended").stdout
    cli("agreement", "accept", g["id"], "--as", "admin.oslo", code=2)  # terminated: conflict


def test_tables_for_people(cli: Cli) -> None:
    set_up_node(cli)
    out = cli("user", "list").stdout
    assert "officer.rabat" in out and "MA-NCB" in out
    assert "NO-POLICE" in cli("agency", "list").stdout
    assert "MoU" in cli("agreement", "list").stdout
    assert "hub.admin" in cli("token", "list").stdout


def test_bad_input_exits_2_with_a_message(cli: Cli) -> None:
    set_up_node(cli)
    # Taken code (Conflict), unknown agency (Invalid), unknown user (NotFound), a bad value
    # caught by the schemas (pydantic), and Click's own usage errors.
    r = cli("agency", "create", "MA-NCB", "--kind", "ncb", "--country", "MA", "--name-en", "x",
            code=2)  # fmt: skip
    assert "MA-NCB" in r.stderr
    assert "unknown agency" in cli("user", "create", "u1", "--agency", "XX", "--role", "officer",
                                   code=2).stderr  # fmt: skip
    assert "no active user" in cli("record", "export", "--as", "ghost", code=2).stderr
    assert "code" in cli("agency", "create", "bad code", "--kind", "ncb", "--country", "MA",
                         "--name-en", "x", code=2).stderr  # fmt: skip
    cli("user", "create", "u2", "--agency", "MA-NCB", "--role", "boss", code=2)


def test_other_errors_exit_1(cli: Cli, tmp_path: Path) -> None:
    set_up_node(cli)
    people = tmp_path / "p.jsonl"
    people.write_text(PEOPLE, encoding="utf-8")
    # An agency admin may not create records: Forbidden is not bad input.
    r = cli("record", "import", people, "--as", "admin.oslo", code=1)
    assert "may not record.create" in r.stderr
    r = cli("record", "export", "--as", "officer.rabat", "-o", tmp_path / "nodir" / "x", code=1)
    assert "No such file or directory" in r.stderr


def test_an_uninitialised_database_says_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["--database-url", f"sqlite:///{tmp_path / 'empty.db'}", "agency", "list"]
    )
    assert result.exit_code == 1 and "tanseeq init" in result.stderr


BAD_LINES = [
    ("malformed JSON", '{"schema": "Person", "properties": {"name": ["A"]', "not valid JSON"),
    (
        "unknown schema",
        '{"schema": "Persona", "properties": {"name": ["A"]}}',
        "schema: unknown schema",
    ),
    (
        "unknown property",
        '{"schema": "Person", "properties": {"name": ["A"], "wingspan": ["2 m"]}}',
        "properties.wingspan: Person has no property",
    ),
    (
        "invalid date",
        '{"schema": "Person", "properties": {"name": ["A"], "birthDate": ["1980-02-31"]}}',
        "properties.birthDate[0]: not a valid date",
    ),
    (
        "unknown reference",
        '{"schema": "Passport", "properties": {"number": ["9"], "holder": ["zz"]}}',
        "properties.holder[0]: unknown reference 'zz'",
    ),
]


def bad_file(tmp_path: Path, bad: bytes) -> Path:
    good = (
        PEOPLE.encode()
        + lines(
            {"schema": "Person", "properties": {"name": ["Samir Alaoui"]}},
            {"id": "v", "schema": "Vehicle", "properties": {"name": ["Car"], "owner": ["kh"]}},
        ).encode()
    )
    rows = good.splitlines(keepends=True)
    rows.insert(6, bad + b"\n")  # line 7
    rows.append(lines({"schema": "Person", "properties": {"name": ["Last"]}}).encode())
    path = tmp_path / "records.jsonl"
    path.write_bytes(b"".join(rows))
    return path


@pytest.mark.parametrize(("why", "bad", "expect"), BAD_LINES, ids=[b[0] for b in BAD_LINES])
def test_failed_import_changes_nothing(
    cli: Cli, tmp_path: Path, why: str, bad: str, expect: str
) -> None:
    set_up_node(cli)
    path = bad_file(tmp_path, bad.encode())
    content = path.read_bytes()
    before = snapshot(cli.db)
    result = cli("record", "import", path, "--as", "officer.rabat", code=2)
    assert f"line 7: {expect}" in result.stderr
    assert snapshot(cli.db) == before
    assert path.read_bytes() == content

    result = cli("record", "import", path, "--as", "officer.rabat", "--skip-invalid")
    assert "imported 7 records" in result.stdout
    assert "Skipped 1 row" in result.stdout and expect in result.stdout
    assert snapshot(cli.db)["records"] == before["records"] + 7
    assert snapshot(cli.db)["tree_size"] == before["tree_size"] + 1


def test_undecodable_bytes(cli: Cli, tmp_path: Path) -> None:
    set_up_node(cli)
    path = bad_file(tmp_path, b'{"schema": "Person", "properties": {"name": ["Ab\xe9"]}}')
    before = snapshot(cli.db)
    result = cli("record", "import", path, "--as", "officer.rabat", code=2)
    assert "line 7: not UTF-8 text" in result.stderr
    assert snapshot(cli.db) == before


def test_skip_invalid_lists_rows_that_refer_to_skipped_rows(cli: Cli, tmp_path: Path) -> None:
    set_up_node(cli)
    path = tmp_path / "r.jsonl"
    path.write_text(
        lines(
            {"id": "a", "schema": "Person", "properties": {"name": ["A"], "birthDate": ["no"]}},
            {"id": "d", "schema": "Passport", "properties": {"number": ["1"], "holder": ["a"]}},
            {"id": "b", "schema": "Person", "properties": {"name": ["B"]}},
        ),
        encoding="utf-8",
    )
    out = cli("record", "import", path, "--as", "officer.rabat", "--skip-invalid").stdout
    assert "imported 1 record " in out
    assert "refers to line 1" in out


@pytest.mark.slow
def test_demo_builds_a_fresh_file_and_prints_tokens(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    path.write_bytes(b"an old demo")  # re-created, not reused
    argv = ["demo", "--no-serve", "--db-file", str(path)]
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 0, result.stderr
    assert "demo world built" in result.stdout and "records" in result.stdout
    tokens = [w for w in result.stdout.split() if w.startswith("tsq_")]
    assert len(tokens) >= 5
    db = Database(Settings(database_url=f"sqlite:///{path}"))
    try:
        assert users.authenticate(db, tokens[0]).user_id is not None
    finally:
        db.dispose()

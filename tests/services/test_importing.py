"""Import of FtM JSON lines and CSV files, and export back to JSON lines."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tanseeq.domain.types import TLP, DistributionKind, HandlingCode
from tanseeq.errors import Forbidden, Invalid
from tanseeq.schemas import DistributionIn, MarkingIn, RecordIn
from tanseeq.services import importing, records
from tanseeq.services.context import OPERATOR
from tanseeq.services.importing import Format, ImportDefaults
from tanseeq.store.database import Database
from tanseeq.store.tables import AuditRow, AuditState, Base, RecordRef
from world import World


def jsonl(*entities: dict[str, Any]) -> str:
    return "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entities)


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def snapshot(db: Database) -> dict[str, int]:
    """Row counts of every table and the audit tree size: what a failed import must not move."""
    with db.engine.connect() as conn:
        counts = {
            t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in Base.metadata.sorted_tables
        }
        counts["tree_size"] = conn.execute(sa.select(AuditState.tree_size)).scalar_one()
    return counts


PERSON = {
    "id": "p1",
    "schema": "Person",
    "properties": {"name": ["Youssef Hammouchi", "يوسف حموشي"], "birthDate": ["1979-03-02"]},
}
PASSPORT = {
    "id": "doc-1",
    "schema": "Passport",
    "properties": {"number": ["X1234567"], "holder": ["p1"], "country": ["ma"]},
}
BROTHER = {"id": "p2", "schema": "Person", "properties": {"name": ["Karim Hammouchi"]}}
FAMILY = {
    "id": "f1",
    "schema": "Family",
    "properties": {"person": ["p1"], "relative": ["p2"], "relationship": ["brother"]},
}


def test_jsonl_references_are_remapped_in_any_order(world: World, tmp_path: Path) -> None:
    db, owner = world.db, world.actors["owner"]
    # References before the rows they name: the file is read in two passes.
    path = write(tmp_path, "people.jsonl", jsonl(PASSPORT, FAMILY, PERSON, BROTHER))
    calls: list[tuple[int, int]] = []
    result = importing.import_file(
        db, owner, path, progress=lambda done, total: calls.append((done, total))
    )
    assert result.imported == 4 and result.skipped == []
    assert set(result.ids) == {"p1", "p2", "doc-1", "f1"}
    assert "p1" not in result.ids.values()  # the file's ids are not kept
    passport = records.get(db, owner, result.ids["doc-1"])
    assert passport.properties["holder"] == [result.ids["p1"]]
    family = records.get(db, owner, result.ids["f1"])
    assert family.properties["person"] == [result.ids["p1"]]
    assert family.properties["relative"] == [result.ids["p2"]]
    neighbours = {r.id for r in records.links(db, owner, result.ids["p1"])}
    assert neighbours == {result.ids["doc-1"], result.ids["f1"]}
    assert calls[-1] == (4, 4) and len(calls) == 4


def test_one_audit_entry_names_file_and_count(world: World, tmp_path: Path) -> None:
    db, owner = world.db, world.actors["owner"]
    before = snapshot(db)["tree_size"]
    path = write(tmp_path, "people.jsonl", jsonl(PERSON, PASSPORT))
    result = importing.import_file(db, owner, path)
    assert snapshot(db)["tree_size"] == before + 1
    with db.engine.connect() as conn:
        row = conn.execute(sa.select(AuditRow).where(AuditRow.seq == result.audit_seq)).one()
    assert row.action == "record.import"
    assert row.detail == {"file": "people.jsonl", "count": 2, "skipped": 0}
    assert sorted(row.object_ids) == sorted(result.ids.values())
    assert row.user_id == owner.user_id


def test_defaults_and_per_row_markings(world: World, tmp_path: Path) -> None:
    db, owner, partner = world.db, world.actors["owner"], world.actors["partner"]
    shared = dict(PERSON, tanseeq={"tlp": "RED", "handling": ["H0", "H2"]})
    hidden = dict(BROTHER, tanseeq={"distribution": "owner"})
    path = write(tmp_path, "x.ndjson", jsonl(shared, hidden))
    defaults = ImportDefaults(
        distribution=DistributionIn(kind=DistributionKind.AGREEMENT),
        marking=MarkingIn(tlp=TLP.GREEN),
        crime_areas=("organised_crime",),
    )
    result = importing.import_file(db, owner, path, defaults=defaults)
    first = records.get(db, partner, result.ids["p1"])
    assert first.tlp == TLP.RED and first.handling == [HandlingCode.H0, HandlingCode.H2]
    assert first.crime_areas == ["organised_crime"]
    with pytest.raises(Exception, match="no record"):
        records.get(db, partner, result.ids["p2"])
    assert records.get(db, owner, result.ids["p2"]).tlp == TLP.GREEN


CSV = (
    "id,schema,name,birthDate,number,holder,nationality,tanseeq:tlp,tanseeq:crime_areas\n"
    "doc,Passport,,,P-998877,per,,,\n"
    'per,Person,"Ahmed Benali;أحمد بن علي",1985-07-14,,,ma;fr,RED,fraud;organised_crime\n'
    "veh,Vehicle,Toyota Hilux,,,,,,\n"
)


def test_csv_with_references_multi_values_and_columns(world: World, tmp_path: Path) -> None:
    db, owner = world.db, world.actors["owner"]
    result = importing.import_file(db, owner, write(tmp_path, "list.csv", CSV))
    assert result.imported == 3
    person = records.get(db, owner, result.ids["per"])
    assert person.properties["name"] == ["Ahmed Benali", "أحمد بن علي"]
    assert person.properties["nationality"] == ["ma", "fr"]
    assert person.tlp == TLP.RED and person.crime_areas == ["fraud", "organised_crime"]
    passport = records.get(db, owner, result.ids["doc"])
    assert passport.properties["holder"] == [result.ids["per"]]
    assert passport.tlp == TLP.AMBER  # the default marking


def test_csv_quoted_cell_across_lines_keeps_line_numbers(world: World, tmp_path: Path) -> None:
    content = 'id,schema,name,notes\na,Person,A B,"first\nsecond"\nb,Person,C D,\nc,Person,,\n'
    with pytest.raises(Invalid) as err:
        importing.import_file(world.db, world.actors["owner"], write(tmp_path, "n.csv", content))
    assert err.value.detail.startswith("line 5: ")  # the Person without a name


BAD_JSONL = [
    ("malformed JSON", '{"id": "x", "schema": "Person", "properties": {"name": ["A"]}', "JSON"),
    ("not an object", '["Person"]', "JSON object"),
    ("unknown schema", '{"id": "x", "schema": "Persona", "properties": {"name": ["A"]}}', "schema"),
    ("abstract schema", '{"id": "x", "schema": "Thing", "properties": {"name": ["A"]}}', "schema"),
    ("no schema", '{"id": "x", "properties": {"name": ["A"]}}', "schema: required"),
    (
        "unknown property",
        '{"id": "x", "schema": "Person", "properties": {"name": ["A"], "wingspan": ["2m"]}}',
        "properties.wingspan",
    ),
    (
        "invalid date",
        '{"schema": "Person", "properties": {"name": ["A"], "birthDate": ["1979-13-45"]}}',
        "properties.birthDate[0]",
    ),
    (
        "unknown reference",
        '{"id": "x", "schema": "Passport", "properties": {"number": ["1"], "holder": ["nobody"]}}',
        "properties.holder[0]",
    ),
    (
        "bad tlp",
        '{"schema": "Person", "properties": {"name": ["A"]}, "tanseeq": {"tlp": "PINK"}}',
        "marking.tlp",
    ),
    (
        "unknown crime area",
        '{"schema": "Person", "properties": {"name": ["A"]}, "tanseeq": {"crime_areas": ["x"]}}',
        "crime_areas",
    ),
    (
        "duplicate id",
        '{"id": "p1", "schema": "Person", "properties": {"name": ["B"]}}',
        "also on line 1",
    ),
]


@pytest.mark.parametrize(("why", "bad", "expect"), BAD_JSONL, ids=[b[0] for b in BAD_JSONL])
def test_bad_line_fails_the_whole_file(
    world: World, tmp_path: Path, why: str, bad: str, expect: str
) -> None:
    db = world.db
    lines = [json.dumps(e) for e in (PERSON, BROTHER, PASSPORT, FAMILY, BROTHER | {"id": "p3"})]
    lines += [json.dumps({"schema": "Vehicle", "properties": {"name": ["Car"]}})]
    lines.insert(6, bad)  # line 7
    path = write(tmp_path, "bad.jsonl", "\n".join(lines) + "\n")
    content = path.read_bytes()
    before = snapshot(db)
    with pytest.raises(Invalid) as err:
        importing.import_file(db, world.actors["owner"], path)
    assert err.value.detail.startswith("line 7"), err.value.detail
    assert expect in err.value.detail
    assert snapshot(db) == before
    assert path.read_bytes() == content


def test_undecodable_bytes_name_the_line(world: World, tmp_path: Path) -> None:
    # A Latin-1 "é" in the middle of a UTF-8 file.
    content = jsonl(PERSON).encode() + b'{"schema": "Person", "properties": {"name": ["Ab\xe9"]}}\n'
    before = snapshot(world.db)
    with pytest.raises(Invalid, match=r"^line 2: not UTF-8 text \(byte 0xe9"):
        importing.import_file(world.db, world.actors["owner"], write(tmp_path, "l.jsonl", content))
    assert snapshot(world.db) == before


def test_skip_invalid_imports_the_rest_and_skips_dependants(world: World, tmp_path: Path) -> None:
    db, owner = world.db, world.actors["owner"]
    bad_person = {"id": "p1", "schema": "Person", "properties": {"birthDate": ["nope"]}}
    lines = [
        jsonl(PASSPORT),  # 1: refers to p1, which is bad
        "{broken\n",  # 2
        jsonl(bad_person),  # 3
        jsonl(BROTHER),  # 4
        jsonl(
            {"id": "f", "schema": "Family", "properties": {"person": ["p2"], "relative": ["p1"]}}
        ),
        jsonl({"id": "v", "schema": "Vehicle", "properties": {"name": ["Car"], "owner": ["zz"]}}),
    ]
    path = write(tmp_path, "mixed.jsonl", "".join(lines))
    calls: list[tuple[int, int]] = []
    result = importing.import_file(
        db, owner, path, skip_invalid=True, progress=lambda *c: calls.append(c)
    )
    assert calls[-1] == (5, 5)  # skipped rows count as handled: the bar reaches its end
    assert result.imported == 1 and set(result.ids) == {"p2"}
    assert [s.line for s in result.skipped] == [1, 2, 3, 5, 6]
    reasons = {s.line: s.reason for s in result.skipped}
    assert "refers to line 3" in reasons[1]
    assert "JSON" in reasons[2]
    assert "birthDate" in reasons[3]
    assert "refers to line 3" in reasons[5]
    assert "unknown reference 'zz'" in reasons[6]


def test_skip_invalid_skips_rows_failing_in_the_database_checks(
    world: World, tmp_path: Path
) -> None:
    # A Passport's holder must be a legal entity: only records.insert knows, after the row
    # it refers to was inserted; the savepoint keeps the rest of the import.
    vehicle = {"id": "car", "schema": "Vehicle", "properties": {"name": ["Car"]}}
    wrong = {"id": "d", "schema": "Passport", "properties": {"number": ["1"], "holder": ["car"]}}
    path = write(tmp_path, "r.jsonl", jsonl(vehicle, wrong, PERSON))
    result = importing.import_file(world.db, world.actors["owner"], path, skip_invalid=True)
    assert result.imported == 2
    assert [(s.line, "must be a LegalEntity" in s.reason) for s in result.skipped] == [(2, True)]


def test_reference_cycles_are_reported(world: World, tmp_path: Path) -> None:
    a = {"id": "a", "schema": "Company", "properties": {"name": ["A"], "parent": ["b"]}}
    b = {"id": "b", "schema": "Company", "properties": {"name": ["B"], "parent": ["a"]}}
    path = write(tmp_path, "c.jsonl", jsonl(PERSON, a, b))
    with pytest.raises(Invalid, match=r"^line 2: part of a cycle"):
        importing.import_file(world.db, world.actors["owner"], path)


def test_references_to_stored_records_follow_the_sharing_policy(
    world: World, tmp_path: Path
) -> None:
    db = world.db
    person = RecordIn(schema="Person", properties=PERSON["properties"])
    mine = records.create(db, world.actors["owner"], person)
    theirs = records.create(db, world.actors["unrelated"], person)
    ok = dict(PASSPORT, properties={"number": ["1"], "holder": [mine.id]})
    result = importing.import_file(db, world.actors["owner"], write(tmp_path, "a.jsonl", jsonl(ok)))
    assert records.get(db, world.actors["owner"], result.ids["doc-1"]).properties["holder"] == [
        mine.id
    ]
    hidden = dict(PASSPORT, properties={"number": ["1"], "holder": [theirs.id]})
    with pytest.raises(Invalid, match=r"^line 1: properties\.holder"):
        importing.import_file(db, world.actors["owner"], write(tmp_path, "b.jsonl", jsonl(hidden)))


def test_roles_and_empty_files(world: World, tmp_path: Path) -> None:
    path = write(tmp_path, "p.jsonl", jsonl(PERSON))
    with pytest.raises(Forbidden):
        importing.import_file(world.db, world.actors["owner_admin"], path)
    with pytest.raises(Forbidden, match="use --as"):
        importing.import_file(world.db, OPERATOR, path)
    with pytest.raises(Invalid, match="no records"):
        importing.import_file(world.db, world.actors["owner"], write(tmp_path, "e.jsonl", "\n"))
    with pytest.raises(Invalid, match="format"):
        importing.import_file(world.db, world.actors["owner"], write(tmp_path, "p.txt", "x"))


def test_csv_header_problems(world: World, tmp_path: Path) -> None:
    owner = world.actors["owner"]
    for header, expect in [
        ("id,name", "'schema' column"),
        ("id,schema,tanseeq:colour", "tanseeq:colour"),
        ("schema,name,name", "named twice"),
    ]:
        path = write(tmp_path, "h.csv", header + "\nPerson,A,B\n")
        with pytest.raises(Invalid, match=f"^line 1: .*{expect}"):
            importing.import_file(world.db, owner, path, fmt=Format.CSV)


def test_export_round_trip(world: World, tmp_path: Path) -> None:
    db = world.db
    path = write(tmp_path, "in.jsonl", jsonl(PASSPORT, FAMILY, PERSON, BROTHER))
    defaults = ImportDefaults(
        distribution=DistributionIn(kind=DistributionKind.AGREEMENT),
        crime_areas=("organised_crime",),
    )
    first = importing.import_file(db, world.actors["owner"], path, defaults=defaults)
    out = tmp_path / "out.jsonl"
    assert importing.export_file(db, world.actors["partner"], out, "case 2026/17") == 4
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {e["id"] for e in lines} == set(first.ids.values())
    assert all(e["tanseeq"]["tlp"] == "AMBER" for e in lines)
    again = importing.import_file(db, world.actors["partner"], out)
    assert again.imported == 4
    copy = records.get(db, world.actors["partner"], again.ids[first.ids["doc-1"]])
    assert copy.properties["holder"] == [again.ids[first.ids["p1"]]]
    assert (
        copy.crime_areas == ["organised_crime"]
        and copy.owner_id == world.actors["partner"].agency_id
    )


def ten_thousand_lines(path: Path) -> Path:
    """5,000 people and their passports, each passport before its holder (forward references)."""
    with path.open("w", encoding="utf-8") as out:
        for i in range(5000):
            passport = {"number": [f"X{i:07d}"], "holder": [f"p{i}"], "country": ["ma"]}
            person = {
                "name": [f"Person Number {i}", "يوسف حموشي"],
                "birthDate": ["1980-01-02"],
                "nationality": ["ma"],
            }
            out.write(jsonl({"id": f"d{i}", "schema": "Passport", "properties": passport}))
            out.write(jsonl({"id": f"p{i}", "schema": "Person", "properties": person}))
    return path


@pytest.mark.slow
def test_ten_thousand_lines(world: World, tmp_path: Path) -> None:
    db = world.db
    path = ten_thousand_lines(tmp_path / "big.jsonl")
    started, cpu = time.perf_counter(), time.process_time()
    result = importing.import_file(db, world.actors["owner"], path)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    # Run with -s to see the rate; CPU time is this process's (not the database server's).
    print(f"\n10,000 lines on {db.engine.dialect.name}: {seconds:.1f} s "
          f"({10_000 / seconds:,.0f} rows/s), {cpu:.1f} s CPU")  # fmt: skip
    assert result.imported == 10_000
    with db.engine.connect() as conn:
        refs = conn.execute(sa.select(RecordRef.target_id)).scalars().all()
    assert len(refs) == 5000 and set(refs) == {result.ids[f"p{i}"] for i in range(5000)}
    assert seconds < 300  # about 25 s on SQLite on a busy two-CPU machine

"""``tanseeq screen``: bulk screening from the command line, against a file or the hub."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa
from typer.testing import CliRunner

from cli.test_cli import Cli, lines
from tanseeq.cli.app import app
from tanseeq.schemas import RecordIn
from tanseeq.services import records
from tanseeq.store.tables import Hit
from world import World

WATCHLIST = lines(
    {
        "id": "w1",
        "schema": "Person",
        "properties": {"name": ["يوسف الحموشي"], "birthDate": ["1979-03-02"]},
    },
    {"id": "w2", "schema": "Person", "properties": {"name": ["Mariama Ba"]}},
)
QUERIES = (
    "id,name,birth_date,nationality\nd1,Youssef Hamouchi,1979-03-02,MA\nd2,Olav Nordmann,1980,NO\n"
)


def _files(tmp_path: Path, queries: str = QUERIES) -> tuple[Path, Path]:
    q, w = tmp_path / "delegates.csv", tmp_path / "watchlist.jsonl"
    q.write_text(queries, encoding="utf-8")
    w.write_text(WATCHLIST, encoding="utf-8")
    return q, w


def test_screen_a_list_against_a_watchlist_file(tmp_path: Path) -> None:
    q, w = _files(tmp_path)
    out = tmp_path / "hits.jsonl"
    result = CliRunner().invoke(
        app, ["screen", str(q), "--against", str(w), "-o", str(out), "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    hits = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(h["query_id"], h["record_id"], h["match"]) for h in hits] == [("d1", "w1", True)]
    assert set(hits[0]) >= {"query_id", "record_id", "score", "match", "explanation"}


def test_csv_output(tmp_path: Path) -> None:
    q, w = _files(tmp_path)
    result = CliRunner().invoke(
        app, ["screen", str(q), "--against", str(w), "--format", "csv", "--workers", "1"]
    )
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith("query_id,record_id,score,match")


def test_bad_query_files_exit_2_naming_the_line(tmp_path: Path) -> None:
    cases = {
        "id,name,colour\nx,A,red\n": "colour",
        "id,name,birth_date\nx,A,1980\ny,B,31/31/1980\n": "line 3",
        # A quote left open would swallow the rest of the file into one name.
        'id,name\nx,A\ny,"B\nz,C\n': "line 3: not valid CSV",
        f"id,name\nx,{'a' * 5_001}\n": "line 2, column 'name': 5001 characters (at most 5000)",
    }
    for text, expected in cases.items():
        q, w = _files(tmp_path, text)
        result = CliRunner().invoke(app, ["screen", str(q), "--against", str(w)])
        assert result.exit_code == 2, result.output
        assert expected in result.stderr
    q, w = _files(tmp_path)
    q.write_bytes(b"id,name\nx,\xff\xfe\n")
    result = CliRunner().invoke(app, ["screen", str(q), "--against", str(w)])
    assert result.exit_code == 2 and "line 2" in result.stderr


def test_a_missing_or_unreadable_file_exits_2_naming_it(tmp_path: Path) -> None:
    q, w = _files(tmp_path)
    for args, expected in (
        ([str(tmp_path / "none.csv"), "--against", str(w)], "queries"),
        ([str(q), "--against", str(tmp_path / "none.jsonl")], "watchlist"),
        ([str(q), "--against", str(tmp_path)], "watchlist"),
    ):
        result = CliRunner().invoke(app, ["screen", *args])
        assert result.exit_code == 2, result.output
        assert expected in result.stderr


def test_a_bad_watchlist_line_exits_2_naming_line_and_property(tmp_path: Path) -> None:
    q, w = _files(tmp_path)
    good = lines(
        *(
            {"id": f"p{i}", "schema": "Person", "properties": {"name": [f"Name {i}"]}}
            for i in range(300)
        )
    )
    cases = {
        '{"id": "b", "schema": "Person", "properties": {"name": \n': "line 301",
        '{"id": "b", "schema": "Person", "properties": {"nme": ["X"]}}\n': "properties.nme",
        '{"id": "b", "schema": "Person", "properties": {"name": "Youssef"}}\n': "list of strings",
        '{"id": "b", "schema": "Persn", "properties": {}}\n': "Persn",
        lines({"id": "b", "schema": "Person", "properties": {"name": ["b" * 5_001]}}): "5001 char",
    }
    for bad, expected in cases.items():
        w.write_text(good + bad, encoding="utf-8")
        result = CliRunner().invoke(app, ["screen", str(q), "--against", str(w), "--workers", "2"])
        assert result.exit_code == 2, result.output
        assert expected in result.stderr and "line 301" in result.stderr


def test_a_large_watchlist_is_built_on_several_cores_with_the_same_hits(tmp_path: Path) -> None:
    q, w = _files(tmp_path)
    crowd = lines(
        *(
            {"id": f"p{i}", "schema": "Person", "properties": {"name": [f"Person Number{i}"]}}
            for i in range(3000)
        )
    )
    w.write_text(WATCHLIST + crowd, encoding="utf-8")
    outputs = []
    for workers in ("1", "2"):
        out = tmp_path / f"hits{workers}.jsonl"
        args = ["screen", str(q), "--against", str(w), "-o", str(out), "--workers", workers]
        assert CliRunner().invoke(app, args).exit_code == 0
        outputs.append(out.read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1] and '"record_id": "w1"' in outputs[0]


def test_screen_against_the_hub_records_hits(world: World, tmp_path: Path) -> None:
    shared = records.create(
        world.db,
        world.actors["owner"],
        RecordIn.model_validate(
            {
                "schema": "Person",
                "properties": {"name": ["يوسف الحموشي"]},
                "distribution": {"kind": "agreement"},
                "crime_areas": ["organised_crime"],
            }
        ),
    ).id
    q, _ = _files(tmp_path)
    cli = Cli(world.db)
    cli("screen", q, "--against", "hub", code=2)  # no user, no justification
    result = cli(
        "screen",
        q,
        "--against",
        "hub",
        "--as",
        "partner",
        "--justification",
        "GA accreditation",
        "--workers",
        "1",
    )
    hits = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [(h["query_id"], h["record_id"]) for h in hits] == [("d1", shared)]
    with world.db.transaction() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Hit)) == 1
    # The unrelated agency screens the same list and finds nothing.
    result = cli(
        "screen",
        q,
        "--against",
        "hub",
        "--as",
        "unrelated",
        "--justification",
        "x",
        "--workers",
        "1",
    )
    assert not [line for line in result.stdout.splitlines() if line.startswith("{")]

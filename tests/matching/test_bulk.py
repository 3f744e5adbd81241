"""Bulk screening: same rows whether one process or a forked pool does the work."""

import io

import pytest

from tanseeq.matching.bulk import screen_bulk
from tanseeq.matching.index import MatchIndex
from tanseeq.matching.subject import Subject, read_query_csv

FAMILIES = ["Hassan", "Hammouchi", "Benali", "Haddad", "Khoury", "Nasser", "Saleh", "Mansour"]
GIVEN = ["Mohamed", "Youssef", "Omar", "Karim", "Fatima", "Layla", "Samir", "Nadia"]


@pytest.fixture(scope="module")
def index() -> MatchIndex:
    idx = MatchIndex()
    for i, given in enumerate(GIVEN):
        for j, family in enumerate(FAMILIES):
            idx.add(Subject(f"r{i}-{j}", names=[f"{given} {family}"], birth_dates=[f"{1960 + j}"]))
    idx.add(Subject("van", schema="Vehicle", names=["Van"], identifiers={"plate": ["AB123CD"]}))
    return idx


def _queries() -> list[Subject]:
    queries = [
        Subject(f"q{i}-{j}", names=[f"{g} {f}"])
        for i, g in enumerate(GIVEN)
        for j, f in enumerate(FAMILIES)
    ]
    queries.append(Subject("plate", identifiers={"plate": ["ab 123 cd"]}))
    queries.append(Subject("nobody", names=["Zzyzx Qwerty"]))
    queries.append(Subject("bad", names=["X"], identifiers={"vin": ["nonsense"]}))
    return queries


def _key(row: dict[str, object]) -> tuple[object, ...]:
    return (row["query_id"], row["record_id"], row["score"], row["match"])


@pytest.mark.parametrize("processes", [1, 2])
def test_rows_and_progress(index: MatchIndex, processes: int) -> None:
    seen: list[tuple[int, int | None]] = []
    queries = _queries()
    rows = list(
        screen_bulk(
            index,
            queries,
            processes=processes,
            chunk_size=7,
            progress=lambda done, total: seen.append((done, total)),
        )
    )
    by_query = {row["query_id"] for row in rows}
    # Every name query finds at least its own record, which is the best row for it.
    for i in range(len(GIVEN)):
        for j in range(len(FAMILIES)):
            best = max((r for r in rows if r["query_id"] == f"q{i}-{j}"), key=lambda r: r["score"])
            assert best["record_id"] == f"r{i}-{j}"
            assert best["match"] is True
    assert {r["record_id"] for r in rows if r["query_id"] == "plate"} == {"van"}
    assert "nobody" not in by_query
    (bad,) = [r for r in rows if r["query_id"] == "bad"]
    assert bad["record_id"] is None and "query rejected" in bad["explanation"]
    assert seen[-1] == (len(queries), len(queries))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert set(rows[0]) == {"query_id", "record_id", "score", "match", "explanation"}


def test_pool_gives_the_same_rows_as_one_process(index: MatchIndex) -> None:
    one = sorted(map(_key, screen_bulk(index, _queries(), processes=1)), key=repr)
    two = sorted(map(_key, screen_bulk(index, _queries(), processes=2, chunk_size=5)), key=repr)
    assert one == two


def test_streams_a_csv_without_a_length(index: MatchIndex) -> None:
    text = "id,name,plate\nq1,Omar Haddad,\nq2,,AB-123-CD\n"
    seen: list[tuple[int, int | None]] = []
    rows = list(
        screen_bulk(
            index,
            read_query_csv(io.StringIO(text)),
            processes=2,
            progress=lambda d, t: seen.append((d, t)),
        )
    )
    assert {(r["query_id"], r["record_id"]) for r in rows if r["match"]} >= {
        ("q1", "r2-3"),
        ("q2", "van"),
    }
    assert seen[-1] == (2, None)

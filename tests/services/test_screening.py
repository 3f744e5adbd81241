"""Screening in the hub: results only from what the caller may see, hits stored and shown to the
owner, blind hits that name only the owner, and every search audited with its justification."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from concurrency import imports_writes_and_syncs
from conftest import TEST_URL, DatabaseFactory, FakeClock
from tanseeq.errors import Invalid
from tanseeq.matching import MatchIndex, Subject
from tanseeq.schemas import RecordIn
from tanseeq.services import records, screening
from tanseeq.store.database import utc_now
from tanseeq.store.tables import AuditRow, Hit, Record
from world import World, build_world

WHY = "border check, flight AT 801"


def _record(
    world: World, who: str, props: dict[str, Any], schema: str = "Person", **extra: Any
) -> str:
    return records.create(
        world.db,
        world.actors[who],
        RecordIn.model_validate({"schema": schema, "properties": props, **extra}),
    ).id


def _subject(name: str) -> Subject:
    return Subject("q", names=[name])


def _query(name: str, **props: Any) -> dict[str, Any]:
    return {"schema": "Person", "properties": {"name": [name], **props}}


def test_cross_script_match_within_what_the_caller_may_see(world: World) -> None:
    shared = _record(
        world,
        "owner",
        {"name": ["يوسف الحموشي"], "birthDate": ["1979-03-02"]},
        distribution={"kind": "agreement"},
        crime_areas=["organised_crime"],
    )
    out = screening.match(
        world.db, world.actors["partner"], {"q1": _query("Youssef Hamouchi")}, justification=WHY
    )
    assert [f.record.id for f in out["q1"] if f.record and f.match] == [shared]
    # The unrelated agency gets nothing: not the record, not a hint.
    out = screening.match(
        world.db, world.actors["unrelated"], {"q1": _query("Youssef Hamouchi")}, justification=WHY
    )
    assert out["q1"] == []


def test_hits_are_stored_and_shown_to_the_owner(world: World) -> None:
    rid = _record(
        world, "owner", {"name": ["Mamadou Ould Abdallahi"]}, distribution={"kind": "all"}
    )
    screening.match(
        world.db,
        world.actors["unrelated"],
        {"q": _query("Mamadou Ould Abdallahi")},
        justification=WHY,
    )
    received, total = screening.list_hits(world.db, world.actors["owner"], "received")
    assert total == 1 and received[0].record_id == rid
    assert received[0].justification == WHY
    assert received[0].searcher_agency_id == world.agency_ids["SN-NCB"]
    assert screening.list_hits(world.db, world.actors["partner"], "received")[1] == 0


def test_blind_hit_names_only_the_owner(world: World) -> None:
    rid = _record(world, "owner", {"name": ["Khadija Benslimane"]}, blind_hits=True)
    out = screening.match(
        world.db, world.actors["unrelated"], {"q": _query("Khadija Ben Slimane")}, justification=WHY
    )
    [found] = out["q"]
    assert found.record is None and found.blind_owner == world.agency_ids["MA-NCB"]
    assert rid not in repr(found)
    received, _ = screening.list_hits(world.db, world.actors["owner"], "received")
    assert received[0].blind and received[0].searcher_user_id == world.actors["unrelated"].user_id
    sent, _ = screening.list_hits(world.db, world.actors["unrelated"], "sent")
    assert sent[0].record_id is None


def test_restricted_record_without_blind_hits_is_invisible(world: World) -> None:
    _record(world, "owner", {"name": ["Khadija Benslimane"]})
    out = screening.match(
        world.db, world.actors["unrelated"], {"q": _query("Khadija Benslimane")}, justification=WHY
    )
    assert out["q"] == []


def test_identifier_check_hit_and_no_hit(world: World) -> None:
    person = _record(world, "owner", {"name": ["Omar Diallo"]}, distribution={"kind": "all"})
    _record(
        world,
        "owner",
        {"number": ["AB1234567"], "holder": [person], "country": ["ma"]},
        schema="Passport",
        distribution={"kind": "all"},
    )
    ans = screening.check_identifier(
        world.db, world.actors["partner"], "document", "ab 123 4567", justification=WHY
    )
    assert ans.hit and ans.records[0].schema_ == "Passport"
    ans = screening.check_identifier(
        world.db, world.actors["partner"], "document", "ZZ9999999", justification=WHY
    )
    assert not ans.hit


def test_withdrawn_records_leave_the_index(world: World) -> None:
    rid = _record(world, "owner", {"name": ["Fatoumata Sow"]}, distribution={"kind": "all"})
    q = {"q": _query("Fatoumata Sow")}
    assert screening.match(world.db, world.actors["partner"], q, justification=WHY)["q"]
    records.withdraw(world.db, world.actors["owner"], rid, "entered in error")
    assert screening.match(world.db, world.actors["partner"], q, justification=WHY)["q"] == []


def test_search_needs_a_justification_and_is_audited(world: World) -> None:
    with pytest.raises(Invalid, match="justification"):
        screening.match(world.db, world.actors["partner"], {"q": _query("x y")}, justification="")
    with pytest.raises(Invalid, match=r"queries\.q\.properties\.birthDate"):
        screening.match(
            world.db,
            world.actors["partner"],
            {"q": _query("x y", birthDate=["31/31/2001"])},
            justification=WHY,
        )
    screening.match(
        world.db, world.actors["partner"], {"q": _query("Awa Ndiaye")}, justification=WHY
    )
    with world.db.transaction() as s:
        row = s.scalars(sa.select(AuditRow).where(AuditRow.action == "match.run")).one()
        assert row.justification == WHY and row.user_id == world.actors["partner"].user_id


@pytest.mark.parametrize("workers", [1, 2])
def test_bulk_screening_against_the_hub(
    world: World, workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With 2 workers the private index is built on two processes too (as a large one is).
    monkeypatch.setattr(screening, "PARALLEL_BUILD_MIN", 0)
    a = _record(world, "owner", {"name": ["Aminata Traoré"]}, distribution={"kind": "all"})
    _record(world, "owner", {"name": ["Ibrahima Fall"]})  # owner only: never found by others
    subjects = [Subject("1", names=["Aminata Traore"]), Subject("2", names=["Ibrahima Fall"])]
    rows = list(
        screening.screen_hub(
            world.db, world.actors["partner"], subjects, justification=WHY, workers=workers
        )
    )
    assert [(r["query_id"], r["record_id"]) for r in rows if r["match"]] == [("1", a)]
    with world.db.transaction() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Hit)) == 1


@pytest.mark.skipif(
    not TEST_URL.startswith("postgresql"),
    reason="SQLite serialises write transactions (BEGIN IMMEDIATE): none commits out of order",
)
def test_a_write_committed_after_a_later_stamped_one_still_reaches_the_index(
    world: World, clock: FakeClock
) -> None:
    # On PostgreSQL a long write (an import) stamps its records when it writes them and commits
    # later; a search in between, which sees a record stamped after them, must not make the
    # index pass them over once they commit.
    clock.now = datetime.now(UTC)  # stamps comparable with the server's transaction clock
    partner = world.actors["partner"]
    with world.db.transaction() as session:
        slow = records.insert(
            session,
            world.db,
            world.actors["owner"],
            RecordIn.model_validate(
                {
                    "schema": "Person",
                    "properties": {"name": ["Fatoumata Sow"]},
                    "distribution": {"kind": "all"},
                }
            ),
        ).id
        clock.advance(minutes=30)
        fast = _record(world, "owner", {"name": ["Aminata Diallo"]}, distribution={"kind": "all"})
        q = {"q": _query("Aminata Diallo")}
        assert [
            f.record.id
            for f in screening.match(world.db, partner, q, justification=WHY)["q"]
            if f.record
        ] == [fast]
    q = {"q": _query("Fatoumata Sow")}
    found = screening.match(world.db, partner, q, justification=WHY)["q"]
    assert [f.record.id for f in found if f.record] == [slow]


def _names_found(world: World, name: str) -> list[str]:
    found = screening.match(
        world.db, world.actors["partner"], {"q": _query(name)}, justification=WHY
    )
    return [f.record.id for f in found["q"] if f.record]


def test_a_record_stamped_before_an_earlier_sync_is_indexed_within_a_recheck(
    world: World, clock: FakeClock
) -> None:
    _record(world, "owner", {"name": ["Aminata Diallo"]}, distribution={"kind": "all"})
    assert _names_found(world, "Aminata Diallo")  # a sync: the newest stamp is now's
    # A write whose stamp was taken 10 s before it reached the database (a wait for a
    # connection), committed after that sync: older than the newest stamp the index saw.
    late = _record(world, "owner", {"name": ["Fatoumata Sow"]}, distribution={"kind": "all"})
    with world.db.transaction() as session:
        session.execute(
            sa.update(Record)
            .where(Record.id == late)
            .values(updated_at=clock() - timedelta(seconds=10))
        )
    clock.advance(seconds=1)  # the recheck interval
    assert _names_found(world, "Fatoumata Sow") == [late]


def test_a_sync_does_not_index_an_unchanged_record_again(
    world: World, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("Aminata Diallo", "Fatoumata Sow", "Ousmane Ba"):
        _record(world, "owner", {"name": [name]}, distribution={"kind": "all"})
    screening.hub_index(world.db)
    added: list[str] = []
    real_add = MatchIndex.add

    def add(index: MatchIndex, subject: Subject) -> None:
        added.append(subject.id)
        real_add(index, subject)

    monkeypatch.setattr(MatchIndex, "add", add)
    for _ in range(3):
        clock.advance(seconds=1)  # a recheck every time
        screening.hub_index(world.db)
    assert added == []
    rid = _record(world, "owner", {"name": ["Mariama Barry"]}, distribution={"kind": "all"})
    screening.hub_index(world.db)
    assert added == [rid]


@pytest.mark.slow
def test_bulk_screening_against_a_hub_larger_than_a_statements_parameter_limit(
    world: World,
) -> None:
    # PostgreSQL takes at most 65,535 parameters a statement (SQLite here 250,000): what the
    # caller may see must not be passed back to the database as a list of ids.
    first = _record(world, "owner", {"name": ["Aminata Traoré"]}, distribution={"kind": "all"})
    _copies(world, first, 66_000, "Zeynab Copy{i}")
    subjects = [Subject("1", names=["Aminata Traore"]), Subject("2", names=["Zeynab Copy"])]
    rows = list(
        screening.screen_hub(world.db, world.actors["partner"], subjects, justification=WHY)
    )
    found = [(r["query_id"], r["record_id"]) for r in rows if r["match"]]
    assert [rid for q, rid in found if q == "1"] == [first]
    assert all(rid.startswith("copy-") for q, rid in found if q == "2")
    assert len([q for q, _ in found if q == "2"]) > 0


@pytest.mark.slow
@pytest.mark.skipif(
    not TEST_URL.startswith("postgresql"),
    reason="SQLite serialises write transactions (BEGIN IMMEDIATE): none commits out of order",
)
def test_imports_single_writes_and_searches_at_once_leave_no_record_unindexed(
    make_db: DatabaseFactory,
) -> None:
    db = make_db(utc_now)  # real time: the stamps and the server's transaction starts agree
    imports_writes_and_syncs(db, build_world(db).actors["owner"], imports=3, size=500)
    index = screening.hub_index(db).index
    with db.transaction() as session:
        stored = set(session.scalars(sa.select(Record.id)))
    assert len(stored) > 1500
    assert [rid for rid in stored if rid not in index] == []


def _copies(world: World, template_id: str, n: int, name: str, prefix: str = "copy") -> None:
    """``n`` copies of a stored record (ids copy-000000…, or another prefix), named ``name``
    ({i}: the number), written at once: many records without the cost of creating them one
    by one."""
    with world.db.transaction() as session:
        row = session.execute(sa.select(Record.__table__).where(Record.id == template_id)).one()
        session.execute(
            sa.insert(Record.__table__),
            [
                {
                    **row._asdict(),
                    "id": f"{prefix}-{i:06d}",
                    "properties": {"name": [name.format(i=i)]},
                }
                for i in range(n)
            ],
        )


def test_a_crowd_of_records_the_caller_may_not_see_never_hides_one_it_may(world: World) -> None:
    hidden = _record(world, "owner", {"name": ["Fatoumata Sow"]})  # the owner's alone
    _copies(world, hidden, 300, "Fatoumata Sow")  # more than the index's first-stage cut
    shared = _record(world, "owner", {"name": ["Fatoumata Sow"]}, distribution={"kind": "all"})
    assert _names_found(world, "Fatoumata Sow") == [shared]


def test_hidden_namesakes_ahead_of_a_visible_record_take_a_deeper_look_not_a_full_read(
    world: World,
) -> None:
    hidden = _record(world, "owner", {"name": ["Fatoumata Sow"]})
    _copies(world, hidden, 300, "Fatoumata Sow")  # ahead of the shared one in the key ranking
    shared = _record(world, "owner", {"name": ["Fatoumata Sow"]}, distribution={"kind": "all"})
    others = _record(world, "owner", {"name": ["x"]}, distribution={"kind": "all"})
    _copies(world, others, 200, "Zeynab Kane{i}", prefix="other")  # visible, never candidates
    hub = screening.hub_index(world.db)
    query = _subject("Fatoumata Sow")
    with world.db.transaction() as session:
        admitted = screening._admitted_for(
            session, world.db, world.actors["partner"], None, hub.index, [query]
        )
    assert admitted.visible == {shared}  # asked about the namesakes only, not read whole
    assert _names_found(world, "Fatoumata Sow") == [shared]


def test_a_scoped_search_finds_the_agencys_record_behind_other_agencies_namesakes(
    world: World,
) -> None:
    theirs = _record(world, "unrelated", {"name": ["Fatoumata Sow"]}, distribution={"kind": "all"})
    _copies(world, theirs, 300, "Fatoumata Sow")  # shared too, but outside the scope
    mine = _record(world, "owner", {"name": ["Fatoumata Sow"]}, distribution={"kind": "all"})
    found = screening.match(
        world.db, world.actors["partner"], {"q": _query("Fatoumata Sow")},
        justification=WHY, scope="MA-NCB", limit=100,
    )  # fmt: skip
    assert [f.record.id for f in found["q"] if f.record] == [mine]
    hub = screening.hub_index(world.db)
    owner = screening.scope_owner(world.db, "MA-NCB")
    query = _subject("Fatoumata Sow")
    with world.db.transaction() as session:
        admitted = screening._admitted_for(
            session, world.db, world.actors["partner"], owner, hub.index, [query]
        )
    assert admitted.visible == {mine}


def test_the_search_among_the_considered_records_equals_the_search_among_all_visible(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i, name in enumerate(["Aminata Diallo", "Amina Diallo", "Aminata Dialo", "Ousmane Ba"]):
        kind = "all" if i % 2 == 0 else "owner"
        _record(world, "owner", {"name": [name]}, distribution={"kind": kind})
    _copies(
        world,
        _record(world, "owner", {"name": ["x"]}, distribution={"kind": "all"}),
        40,
        "Aminata Diallo",
    )
    hub = screening.hub_index(world.db)
    # A first cut of 16 (of 256): the namesakes take deeper looks, some queries longer than
    # others in one request.
    monkeypatch.setattr(hub.index, "prerank_candidates", hub.index.max_candidates)
    partner = world.actors["partner"]
    names = ("Aminata Diallo", "Amina Dialo", "Ousmane Ba", "Nobody Known")
    batch = [Subject(f"q{i}", names=[name]) for i, name in enumerate(names)]

    def admitted_for(queries: list[Subject]) -> screening.Candidates:
        with world.db.transaction() as session:
            return screening._admitted_for(session, world.db, partner, None, hub.index, queries)

    together = admitted_for(batch)  # all in one request
    with world.db.transaction() as session:
        full = screening.candidates(session, world.db, partner)

    def found(query: Subject, admitted: screening.Candidates) -> list[tuple[str, float]]:
        mask = hub.index.allowed_mask(admitted.visible | admitted.blind.keys())
        results = hub.index.search(query, threshold=0.5, allowed=mask)
        return [(r.record_id, r.score) for r in results]

    for query in batch:
        alone = admitted_for([query])
        assert found(query, alone) == found(query, together) == found(query, full), query.names
    assert len(together.visible) < len(full.visible)  # not the whole visible set

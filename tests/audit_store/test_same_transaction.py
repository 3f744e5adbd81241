"""Every service action writes exactly one audit entry, in the same transaction as its change.

For each action the test first makes the audit append impossible: a row already sits at the
next ``seq`` (a primary-key clash, raised by the database at commit). The action must then fail
and leave every table exactly as it was: no change without its entry, and no read without its
entry either. With the obstacle removed, the same action succeeds and appends one entry naming
its actor and objects. Failing actions (refused, not found, invalid, conflicting) write
nothing at all: refusals are not logged by the services today.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from tanseeq.domain.types import Role
from tanseeq.errors import Conflict, Forbidden, Invalid, NotFound
from tanseeq.schemas import (
    AgencyIn,
    AgreementIn,
    NoticeIn,
    NoticeUpdate,
    RecordIn,
    RecordUpdate,
    TokenIn,
    TransitionIn,
    UserIn,
    UserUpdate,
)
from tanseeq.services import (
    agencies,
    agreements,
    auditing,
    importing,
    notices,
    records,
    screening,
    users,
)
from tanseeq.services.context import OPERATOR, Actor
from world import World

from .helpers import LOG, audit_size, block_audit, content, person, unblock_audit

WHY = "case 2026/114"
SHARED = {"distribution": {"kind": "agreement"}, "crime_areas": ["organised_crime"]}


@dataclass
class Step:
    action: str
    who: str | None  # None: the node operator
    run: Callable[[World, Actor, dict[str, Any]], Any]
    objects: Callable[[dict[str, Any]], list[str]] = lambda ids: []


def _import(world: World, actor: Actor, ids: dict[str, Any]) -> Any:
    line = json.dumps(
        {"id": "f1", "schema": "Person", "properties": {"name": ["Imported Person"]}}
    ).encode()
    result = importing.import_lines(
        world.db, actor, io.BytesIO(line + b"\n"), name="batch.jsonl", fmt=importing.Format.JSONL
    )
    ids["imported"] = result
    return result


def _set(key: str, fn: Callable[[World, Actor, dict[str, Any]], Any]) -> Any:
    def run(world: World, actor: Actor, ids: dict[str, Any]) -> Any:
        out = fn(world, actor, ids)
        ids[key] = out.id
        return out

    return run


STEPS: list[Step] = [
    Step(
        "agency.create",
        None,
        _set(
            "agency",
            lambda w, a, i: agencies.create(
                w.db,
                a,
                AgencyIn(code="FR-NCB", kind="ncb", country="FR", name_en="NCB Paris"),  # type: ignore[arg-type]
            ),
        ),
        lambda i: [i["agency"]],
    ),
    Step(
        "user.create",
        "owner_admin",
        _set(
            "user",
            lambda w, a, i: users.create_user(
                w.db,
                a,
                UserIn(username="new-officer", display_name="N", roles=["officer"]),  # type: ignore[list-item]
            ),
        ),
        lambda i: [i["user"]],
    ),
    Step(
        "user.update",
        "owner_admin",
        lambda w, a, i: users.update_user(w.db, a, i["user"], UserUpdate(display_name="Renamed")),
        lambda i: [i["user"]],
    ),
    Step(
        "token.create",
        "owner",
        _set("token", lambda w, a, i: users.issue_token(w.db, a, TokenIn(label="spare"))),
        lambda i: [i["token"]],
    ),
    Step(
        "token.revoke",
        "owner",
        lambda w, a, i: users.revoke_token(w.db, a, i["token"]),
        lambda i: [i["token"]],
    ),
    Step(
        "agreement.create",
        "owner_admin",
        _set(
            "agreement",
            lambda w, a, i: agreements.create(
                w.db,
                a,
                AgreementIn(
                    title="MA-SN memorandum",
                    parties=["MA-NCB", "SN-NCB"],
                    crime_areas=["fraud"],
                    valid_from=date(2025, 6, 1),
                ),
            ),
        ),
        lambda i: [i["agreement"]],
    ),
    Step(
        "agreement.accept",
        "owner_admin",
        lambda w, a, i: agreements.accept(w.db, a, i["agreement"]),
        lambda i: [i["agreement"]],
    ),
    Step(
        "agreement.terminate",
        "owner_admin",
        lambda w, a, i: agreements.terminate(w.db, a, i["agreement"], "superseded"),
        lambda i: [i["agreement"]],
    ),
    Step(
        "record.create",
        "owner",
        _set(
            "record",
            lambda w, a, i: records.create(
                w.db,
                a,
                RecordIn.model_validate(
                    {"schema": "Person", "properties": {"name": ["Youssef Hammouchi"]}, **SHARED}
                ),
            ),
        ),
        lambda i: [i["record"]],
    ),
    Step(
        "record.get",
        "partner",
        lambda w, a, i: records.get(w.db, a, i["record"], justification=WHY),
        lambda i: [i["record"]],
    ),
    Step(
        "record.search",
        "partner",
        lambda w, a, i: records.list_records(w.db, a, q="youssef", justification=WHY),
    ),
    Step(
        "record.links",
        "owner",
        lambda w, a, i: records.links(w.db, a, i["record"]),
        lambda i: [i["record"]],
    ),
    Step(
        "record.update",
        "owner",
        lambda w, a, i: records.update(
            w.db,
            a,
            i["record"],
            RecordUpdate(properties={"name": ["Youssef Hammouchi", "يوسف الحموشي"]}),
        ),
        lambda i: [i["record"]],
    ),
    Step("record.export", "partner", lambda w, a, i: list(records.export(w.db, a, WHY))),
    Step(
        "notice.create",
        "owner",
        _set(
            "notice",
            lambda w, a, i: notices.create(
                w.db,
                a,
                NoticeIn.model_validate(
                    {"kind": "yellow", "title": "Missing", "records": [i["record"]], **SHARED}
                ),
            ),
        ),
        lambda i: [i["notice"]],
    ),
    Step(
        "notice.update",
        "owner",
        lambda w, a, i: notices.update(w.db, a, i["notice"], NoticeUpdate(title="Missing child")),
        lambda i: [i["notice"]],
    ),
    Step(
        "notice.submit",
        "owner",
        lambda w, a, i: notices.transition(w.db, a, i["notice"], TransitionIn(action="submit")),
        lambda i: [i["notice"]],
    ),
    Step(
        "notice.publish",
        "compliance",
        lambda w, a, i: notices.transition(w.db, a, i["notice"], TransitionIn(action="publish")),
        lambda i: [i["notice"]],
    ),
    Step(
        "notice.get",
        "partner",
        lambda w, a, i: notices.get(w.db, a, i["notice"], justification=WHY),
        lambda i: [i["notice"]],
    ),
    Step("notice.search", "partner", lambda w, a, i: notices.list_notices(w.db, a)),
    Step("record.import", "owner", _import),
    Step(
        "record.withdraw",
        "owner",
        lambda w, a, i: records.withdraw(w.db, a, i["record"], "entered in error"),
        lambda i: [i["record"]],
    ),
    Step(
        "audit.read",
        "compliance",
        lambda w, a, i: auditing.list_entries(w.db, a, limit=5),
    ),
]


# Screening lives in its own list: the matcher underneath is developed separately, and a
# failure there should not hide the result for the core services.
SCREENING_STEPS: list[Step] = [
    Step(
        "match.run",
        "partner",
        lambda w, a, i: screening.match(
            w.db,
            a,
            {"q": {"schema": "Person", "properties": {"name": ["Youssef Hamouchi"]}}},
            justification=WHY,
        ),
    ),
    Step(
        "match.identifier",
        "partner",
        lambda w, a, i: screening.check_identifier(
            w.db, a, "document", "ZZ9999999", justification=WHY
        ),
    ),
    Step(
        "hit.list_received",
        "owner",
        lambda w, a, i: screening.list_hits(w.db, a, "received"),
    ),
]


def _run(world: World, steps: list[Step], ids: dict[str, Any]) -> None:
    db = world.db
    for step in steps:
        actor = OPERATOR if step.who is None else world.actors[step.who]
        # 1. The entry cannot be written: the action must fail and change nothing.
        block_audit(db)
        before = content(db)
        with pytest.raises(sa.exc.IntegrityError):
            step.run(world, actor, ids)
        assert content(db) == before, f"{step.action} changed data without its audit entry"
        unblock_audit(db)
        # 2. It can: one entry, naming the action, the actor and the objects.
        size = audit_size(db)
        step.run(world, actor, ids)
        assert audit_size(db) == size + 1, f"{step.action} wrote {audit_size(db) - size} entries"
        with db.transaction() as s:
            row = s.execute(sa.select(LOG).where(LOG.c.seq == size)).one()
        assert row.action == step.action
        assert row.user_id == (actor.user_id or "operator")
        assert row.agency_id == (actor.agency_id or "node")
        assert set(step.objects(ids)) <= set(row.object_ids), step.action
    assert auditing.verify(db).ok


def test_every_action_commits_with_its_entry_or_not_at_all(world: World) -> None:
    _run(world, STEPS, {})


def test_every_screening_action_commits_with_its_entry(world: World) -> None:
    records.create(
        world.db,
        world.actors["owner"],
        RecordIn.model_validate(
            {"schema": "Person", "properties": {"name": ["Youssef Hammouchi"]}, **SHARED}
        ),
    )
    _run(world, SCREENING_STEPS, {})


def test_failing_actions_write_nothing(world: World) -> None:
    db = world.db
    a = world.actors
    theirs = person(world, "unrelated", "Mamadou Diallo")
    shared = records.create(
        db,
        a["owner"],
        RecordIn.model_validate(
            {"schema": "Person", "properties": {"name": ["Shared Person"]}, **SHARED}
        ),
    ).id
    nid = notices.create(
        db,
        a["owner"],
        NoticeIn.model_validate({"kind": "yellow", "title": "T", "records": [shared], **SHARED}),
    ).id
    bad_line = b'{"schema": "NoSuchSchema", "properties": {}}\n'
    failures: list[tuple[type[Exception], Callable[[], Any]]] = [
        (
            Forbidden,
            lambda: records.create(
                db,
                a["compliance"],
                RecordIn.model_validate({"schema": "Person", "properties": {"name": ["X"]}}),
            ),
        ),
        (NotFound, lambda: records.get(db, a["owner"], theirs, justification=WHY)),
        (NotFound, lambda: records.get(db, a["owner"], "no-such-id", justification=WHY)),
        (
            Invalid,
            lambda: records.create(
                db, a["owner"], RecordIn.model_validate({"schema": "Nope", "properties": {}})
            ),
        ),
        (
            NotFound,
            lambda: records.update(db, a["unrelated"], shared, RecordUpdate(blind_hits=True)),
        ),
        (
            Forbidden,
            lambda: records.update(db, a["partner"], shared, RecordUpdate(blind_hits=True)),
        ),
        (Forbidden, lambda: records.withdraw(db, a["partner"], shared, "not mine")),
        (Conflict, lambda: notices.transition(db, a["owner"], nid, TransitionIn(action="renew"))),
        (Forbidden, lambda: agreements.accept(db, a["partner"], world.agreement_id)),
        (Forbidden, lambda: auditing.list_entries(db, a["owner"])),
        (Forbidden, lambda: auditing.sign_head(db, a["owner_admin"])),
        (
            Invalid,
            lambda: importing.import_lines(
                db, a["owner"], io.BytesIO(bad_line), name="x.jsonl", fmt=importing.Format.JSONL
            ),
        ),
        (
            Invalid,
            lambda: screening.match(db, a["partner"], {"q": {"schema": "Person"}}),
        ),
        (
            Forbidden,
            lambda: users.create_user(
                db, a["owner"], UserIn(username="sneaky", display_name="x", roles=[Role.OFFICER])
            ),
        ),
    ]
    for expected, call in failures:
        before = content(db)
        with pytest.raises(expected):
            call()
        assert content(db) == before
    assert auditing.verify(db).ok

"""The notice lifecycle: each transition by the role allowed to make it, with its reason kept."""

from __future__ import annotations

import pytest

from conftest import FakeClock
from tanseeq.errors import Conflict, Forbidden, Invalid, NotFound
from tanseeq.schemas import NoticeIn, RecordIn, TransitionIn
from tanseeq.services import notices, records
from world import World


def _person(world: World, who: str = "owner", **extra: object) -> str:
    return records.create(
        world.db,
        world.actors[who],
        RecordIn.model_validate(
            {
                "schema": "Person",
                "properties": {"name": ["Amina Ould Cheikh", "أمينة ولد الشيخ"]},
                **extra,
            }
        ),
    ).id


def _notice(world: World, kind: str = "yellow", **extra: object) -> str:
    data = {
        "kind": kind,
        "title": "Missing person",
        "records": [_person(world)],
        "distribution": {"kind": "all"},
        **extra,
    }
    return notices.create(world.db, world.actors["owner"], NoticeIn.model_validate(data)).id


def _do(world: World, who: str, nid: str, action: str, reason: str | None = None) -> str:
    return notices.transition(
        world.db, world.actors[who], nid, TransitionIn(action=action, reason=reason)
    ).status


def test_full_lifecycle_with_reasons(world: World) -> None:
    nid = _notice(world)
    with pytest.raises(NotFound):  # drafts are the owner's alone
        notices.get(world.db, world.actors["partner"], nid)
    assert _do(world, "owner", nid, "submit") == "submitted"
    with pytest.raises(Forbidden):  # owners do not publish their own notices
        _do(world, "owner", nid, "publish")
    assert _do(world, "compliance", nid, "publish") == "published"
    got = notices.get(world.db, world.actors["unrelated"], nid)
    assert got.status == "published" and got.review_date is not None and got.records
    with pytest.raises(Invalid):
        _do(world, "owner", nid, "suspend")  # a reason is required
    assert _do(world, "owner", nid, "suspend", "complaint under examination") == "suspended"
    with pytest.raises(NotFound):
        notices.get(world.db, world.actors["unrelated"], nid)
    assert _do(world, "owner", nid, "withdraw", "located") == "withdrawn"
    history = notices.get(world.db, world.actors["owner"], nid).history
    assert [h.to_status for h in history] == [
        "draft",
        "submitted",
        "published",
        "suspended",
        "withdrawn",
    ]
    assert history[3].reason == "complaint under examination"


def test_red_notice_needs_warrant_and_legal_basis(world: World) -> None:
    nid = _notice(world, kind="red")
    with pytest.raises(Invalid) as err:
        _do(world, "owner", nid, "submit")
    assert {e.loc for e in err.value.errors} == {"warrant_ref", "legal_basis"}


def test_wrong_transition_is_a_conflict(world: World) -> None:
    nid = _notice(world)
    _do(world, "owner", nid, "withdraw", "entered by mistake")
    with pytest.raises(Conflict):
        _do(world, "owner", nid, "submit")


def test_notice_about_another_agencys_record_is_refused(world: World) -> None:
    foreign = _person(world, who="partner", distribution={"kind": "all"})
    with pytest.raises(Invalid, match="unknown record"):
        notices.create(
            world.db,
            world.actors["owner"],
            NoticeIn.model_validate({"kind": "blue", "title": "x", "records": [foreign]}),
        )


def test_diffusion_goes_to_named_agencies_and_skips_review(world: World) -> None:
    nid = notices.create(
        world.db,
        world.actors["owner"],
        NoticeIn.model_validate(
            {
                "kind": "diffusion",
                "title": "Locate vehicle",
                "records": [_person(world)],
                "distribution": {"kind": "agencies", "agencies": ["NO-POLICE"]},
            }
        ),
    ).id
    _do(world, "owner", nid, "submit")
    with pytest.raises(NotFound):  # the hub does not review diffusions
        notices.get(world.db, world.actors["compliance"], nid)
    assert _do(world, "owner", nid, "publish") == "published"
    assert notices.get(world.db, world.actors["partner"], nid).status == "published"
    with pytest.raises(NotFound):
        notices.get(world.db, world.actors["unrelated"], nid)


def test_published_notice_expires_at_review_date_unless_renewed(
    world: World, clock: FakeClock
) -> None:
    nid = _notice(world)
    _do(world, "owner", nid, "submit")
    _do(world, "compliance", nid, "publish")
    clock.advance(days=365 * 5 + 2)
    with pytest.raises(NotFound):
        notices.get(world.db, world.actors["partner"], nid)
    assert notices.get(world.db, world.actors["owner"], nid).status == "expired"
    assert _do(world, "owner", nid, "renew", "still missing") == "published"
    assert notices.get(world.db, world.actors["partner"], nid).status == "published"

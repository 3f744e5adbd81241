"""The sharing policy's tricky cases, one example each, through the real services.

The world (tests/world.py): owner MA-NCB and partner NO-POLICE under an agreement in force
(organised_crime, drug_trafficking; 2025-11-25 to 2030-11-24, accepted by both), unrelated
SN-NCB, and at the hub secretariat a hub admin and a compliance reviewer. The clock starts on
2026-01-15.
"""

from __future__ import annotations

from datetime import date

import pytest

from conftest import FakeClock
from tanseeq.errors import Forbidden, Invalid, NotFound
from tanseeq.schemas import (
    AgreementIn,
    NoticeIn,
    NoticeUpdate,
    RecordIn,
    RecordUpdate,
    TransitionIn,
    UserIn,
)
from tanseeq.services import agreements, notices, records, users
from tanseeq.services.context import OPERATOR, Actor
from world import World

WHY = "policy example check"  # searches and exports need a reason


def _record(world: World, who: str = "owner", schema: str = "Person", **extra: object) -> str:
    props = extra.pop("properties", {"name": ["Amina Ould Cheikh", "أمينة ولد الشيخ"]})
    data = {"schema": schema, "properties": props, **extra}
    return records.create(world.db, world.actors[who], RecordIn.model_validate(data)).id


def _sees(world: World, who: str, record_id: str) -> bool:
    """Visible through get, and consistently through list, count and export."""
    actor = world.actors[who]
    try:
        records.get(world.db, actor, record_id)
        got = True
    except NotFound:
        got = False
    page = records.list_records(world.db, actor, limit=500, justification=WHY)
    assert (record_id in {r.id for r in page.items}) == got
    assert page.total == len(page.items)
    try:
        exported = {row["id"] for row in records.export(world.db, actor, WHY)}
    except Forbidden:  # compliance officers read but do not export
        return got
    assert (record_id in exported) == got
    return got


def _sees_notice(world: World, who: str, notice_id: str) -> bool:
    actor = world.actors[who]
    try:
        notices.get(world.db, actor, notice_id)
        got = True
    except NotFound:
        got = False
    listed = {n.id for n in notices.list_notices(world.db, actor, limit=500).items}
    assert (notice_id in listed) == got
    return got


def _notice(world: World, subjects: list[str], kind: str = "yellow", **extra: object) -> str:
    data = {"kind": kind, "title": "Missing person", "records": subjects, **extra}
    return notices.create(world.db, world.actors["owner"], NoticeIn.model_validate(data)).id


def _act(world: World, who: str, notice_id: str, action: str) -> str:
    out = notices.transition(
        world.db, world.actors[who], notice_id, TransitionIn(action=action, reason="checked")
    )
    return out.status


def _admin(world: World, agency: str) -> Actor:
    name = f"admin-{agency.lower()}"
    users.create_user(
        world.db,
        OPERATOR,
        UserIn(username=name, display_name=name, roles=["agency_admin"], agency=agency),  # type: ignore[list-item]
    )
    return users.actor_by_username(world.db, name)


def test_excluded_beats_named(world: World) -> None:
    named_and_excluded = _record(
        world,
        distribution={"kind": "agencies", "agencies": ["NO-POLICE"], "excluded": ["NO-POLICE"]},
    )
    all_but = _record(world, distribution={"kind": "all", "excluded": ["NO-POLICE"]})
    assert not _sees(world, "partner", named_and_excluded)
    assert not _sees(world, "partner", all_but)
    assert _sees(world, "unrelated", all_but)
    assert _sees(world, "owner", named_and_excluded)


def test_exclusion_also_holds_against_a_published_notice(world: World) -> None:
    """Bug found by the state machine: a notice disclosed its subject to an agency the record
    itself excludes. ``excluded`` always wins, on every path."""
    person = _record(world, distribution={"kind": "owner", "excluded": ["NO-POLICE"]})
    nid = _notice(world, [person], distribution={"kind": "all"})
    _act(world, "owner", nid, "submit")
    _act(world, "compliance", nid, "publish")
    assert _sees_notice(world, "partner", nid)
    assert not _sees(world, "partner", person)
    got = notices.get(world.db, world.actors["partner"], nid)
    assert got.records == []
    assert _sees(world, "unrelated", person)


def test_agreement_with_an_unaccepted_party_shares_nothing(world: World) -> None:
    g = agreements.create(
        world.db,
        world.actors["owner_admin"],  # accepts for MA-NCB only
        AgreementIn(
            title="MoU on fraud",
            parties=["MA-NCB", "SN-NCB"],
            crime_areas=["fraud"],
            valid_from=date(2026, 1, 1),
        ),
    )
    assert not g.in_force
    rid = _record(world, distribution={"kind": "agreement"}, crime_areas=["fraud"])
    assert not _sees(world, "unrelated", rid)
    agreements.accept(world.db, _admin(world, "SN-NCB"), g.id)
    assert _sees(world, "unrelated", rid)
    assert not _sees(world, "partner", rid)  # NO-POLICE's agreement does not cover fraud


def test_terminated_agreement_stops_sharing_at_once(world: World) -> None:
    rid = _record(world, distribution={"kind": "agreement"}, crime_areas=["organised_crime"])
    assert _sees(world, "partner", rid)
    agreements.terminate(world.db, world.actors["owner_admin"], world.agreement_id, "ended")
    assert not _sees(world, "partner", rid)
    assert _sees(world, "owner", rid)


def test_expired_agreement_stops_sharing_the_day_after_valid_to(
    world: World, clock: FakeClock
) -> None:
    rid = _record(
        world,
        distribution={"kind": "agreement"},
        crime_areas=["drug_trafficking"],
        review_date=date(2031, 1, 10),
    )
    clock.advance(days=(date(2030, 11, 24) - clock().date()).days)
    assert _sees(world, "partner", rid)  # valid_to is the last day in force
    clock.advance(days=1)
    assert not _sees(world, "partner", rid)


def test_agreement_not_yet_in_force_shares_nothing(world: World, clock: FakeClock) -> None:
    agreements.create(
        world.db,
        OPERATOR,
        AgreementIn(
            title="Future MoU",
            parties=["MA-NCB", "SN-NCB"],
            crime_areas=["fraud"],
            valid_from=date(2026, 2, 1),
        ),
    )
    rid = _record(world, distribution={"kind": "agreement"}, crime_areas=["fraud"])
    assert not _sees(world, "unrelated", rid)
    clock.advance(days=17)
    assert _sees(world, "unrelated", rid)


def test_crime_areas_scope_an_agreement(world: World) -> None:
    outside = _record(world, distribution={"kind": "agreement"}, crime_areas=["fraud"])
    inside = _record(
        world, distribution={"kind": "agreement"}, crime_areas=["fraud", "organised_crime"]
    )
    no_area = _record(world, distribution={"kind": "agreement"})
    assert not _sees(world, "partner", outside)
    assert _sees(world, "partner", inside)
    assert not _sees(world, "partner", no_area)
    records.update(
        world.db, world.actors["owner"], outside, RecordUpdate(crime_areas=["drug_trafficking"])
    )
    assert _sees(world, "partner", outside)
    assert not _sees(world, "unrelated", outside)  # not a party


def test_data_categories_scope_an_agreement_and_hidden_references_are_stripped(
    world: World,
) -> None:
    agreements.create(
        world.db,
        OPERATOR,
        AgreementIn(
            title="Documents only",
            parties=["MA-NCB", "SN-NCB"],
            crime_areas=["fraud"],
            data_categories=["document"],
            valid_from=date(2026, 1, 1),
        ),
    )
    person = _record(world, distribution={"kind": "agreement"}, crime_areas=["fraud"])
    passport = _record(
        world,
        schema="Passport",
        properties={"number": ["P1234567"], "holder": [person]},
        distribution={"kind": "agreement"},
        crime_areas=["fraud"],
    )
    assert not _sees(world, "unrelated", person)
    assert _sees(world, "unrelated", passport)
    seen = records.get(world.db, world.actors["unrelated"], passport)
    assert "holder" not in seen.properties  # the holder exists, but not for SN-NCB
    assert records.links(world.db, world.actors["unrelated"], passport) == []
    assert records.get(world.db, world.actors["owner"], passport).properties["holder"] == [person]


def test_a_notice_discloses_its_owners_subjects(world: World) -> None:
    person = _record(world)  # owner only
    nid = _notice(world, [person], distribution={"kind": "all"})
    _act(world, "owner", nid, "submit")
    assert not _sees(world, "partner", person)
    assert _act(world, "compliance", nid, "publish") == "published"
    assert _sees(world, "partner", person) and _sees(world, "unrelated", person)
    assert notices.get(world.db, world.actors["partner"], nid).records == [person]
    _act(world, "owner", nid, "suspend")
    assert not _sees(world, "partner", person)
    assert not _sees_notice(world, "partner", nid)


def test_a_notice_never_discloses_another_agencys_record(world: World) -> None:
    theirs = _record(world, distribution={"kind": "all"})  # visible to the partner
    mine = _record(world, "partner", distribution={"kind": "owner"})
    data = {"kind": "yellow", "title": "x", "records": [theirs], "distribution": {"kind": "all"}}
    with pytest.raises(Invalid):
        notices.create(world.db, world.actors["partner"], NoticeIn.model_validate(data))
    data["records"] = [mine]
    nid = notices.create(world.db, world.actors["partner"], NoticeIn.model_validate(data)).id
    with pytest.raises(Invalid):
        notices.update(world.db, world.actors["partner"], nid, NoticeUpdate(records=[mine, theirs]))
    # Withdrawn by its owner, it disappears from the partner's notice too.
    records.withdraw(world.db, world.actors["owner"], theirs, "wrong")
    assert not _sees(world, "partner", theirs)


def test_withdrawn_and_expired_records_are_visible_only_to_their_owner(
    world: World, clock: FakeClock
) -> None:
    withdrawn = _record(world, distribution={"kind": "all"})
    expiring = _record(world, distribution={"kind": "all"}, review_date=date(2026, 2, 14))
    nid = _notice(world, [withdrawn, expiring], distribution={"kind": "all"})
    _act(world, "owner", nid, "submit")
    _act(world, "compliance", nid, "publish")
    records.withdraw(world.db, world.actors["owner"], withdrawn, "duplicate")
    assert not _sees(world, "partner", withdrawn)
    assert _sees(world, "owner", withdrawn)
    assert notices.get(world.db, world.actors["partner"], nid).records == [expiring]
    clock.advance(days=30)
    assert _sees(world, "partner", expiring)  # the review date is the last day
    clock.advance(days=1)
    assert not _sees(world, "partner", expiring)
    assert not _sees(world, "compliance", expiring)
    assert _sees(world, "owner", expiring)
    assert notices.get(world.db, world.actors["partner"], nid).records == []


def test_hub_admin_reads_nothing_even_when_named(world: World) -> None:
    rid = _record(world, distribution={"kind": "agencies", "agencies": ["HUB"]})
    nid = _notice(world, [rid], distribution={"kind": "all"})
    _act(world, "owner", nid, "submit")
    admin = world.actors["hub_admin"]
    for read in (
        lambda: records.get(world.db, admin, rid),
        lambda: records.list_records(world.db, admin, justification=WHY),
        lambda: records.links(world.db, admin, rid),
        lambda: list(records.export(world.db, admin, WHY)),
        lambda: notices.get(world.db, admin, nid),
        lambda: notices.list_notices(world.db, admin),
    ):
        with pytest.raises(Forbidden):
            read()
    assert _sees(world, "compliance", rid)  # the secretariat was named: explicit, not implicit


def test_reviewer_sees_submitted_notices_but_not_diffusions(world: World) -> None:
    person = _record(world)
    yellow = _notice(world, [person], distribution={"kind": "agencies", "agencies": ["NO-POLICE"]})
    diffusion = _notice(
        world,
        [person],
        kind="diffusion",
        distribution={"kind": "agencies", "agencies": ["NO-POLICE"]},
    )
    assert not _sees_notice(world, "compliance", yellow)  # a draft is the owner's
    _act(world, "owner", yellow, "submit")
    _act(world, "owner", diffusion, "submit")
    assert _sees_notice(world, "compliance", yellow)
    assert _sees(world, "compliance", person)  # the subject, to review it
    assert not _sees_notice(world, "compliance", diffusion)
    assert not _sees_notice(world, "partner", yellow)
    with pytest.raises(NotFound):
        _act(world, "compliance", diffusion, "publish")
    assert _act(world, "owner", diffusion, "publish") == "published"
    assert _sees_notice(world, "partner", diffusion)
    assert not _sees_notice(world, "compliance", diffusion)
    assert not _sees_notice(world, "unrelated", diffusion)
    _act(world, "owner", yellow, "withdraw")
    assert not _sees_notice(world, "compliance", yellow)


def test_reviewer_does_not_see_expired_notices(world: World, clock: FakeClock) -> None:
    """Bug found by the state machine: a published notice past its review date ("expired")
    stayed visible to the reviewer."""
    person = _record(world)
    nid = _notice(world, [person], distribution={"kind": "agencies", "agencies": ["NO-POLICE"]})
    _act(world, "owner", nid, "submit")
    _act(world, "compliance", nid, "publish")
    clock.advance(days=5 * 365 + 2)
    assert notices.get(world.db, world.actors["owner"], nid).status == "expired"
    assert not _sees_notice(world, "compliance", nid)
    assert not _sees_notice(world, "partner", nid)
    _act(world, "owner", nid, "renew")
    assert _sees_notice(world, "compliance", nid) and _sees_notice(world, "partner", nid)
    assert not _sees(world, "partner", person)  # its own review date has passed


def test_visible_is_not_editable(world: World) -> None:
    rid = _record(world, distribution={"kind": "all"})
    hidden = _record(world)
    partner = world.actors["partner"]
    with pytest.raises(Forbidden):
        records.update(world.db, partner, rid, RecordUpdate(crime_areas=["fraud"]))
    with pytest.raises(Forbidden):
        records.withdraw(world.db, partner, rid, "mine now")
    with pytest.raises(NotFound):
        records.update(world.db, partner, hidden, RecordUpdate(crime_areas=["fraud"]))
    with pytest.raises(NotFound):
        records.withdraw(world.db, partner, hidden, "mine now")


def test_a_link_cannot_point_at_a_record_the_creator_cannot_see(world: World) -> None:
    hidden = _record(world)
    shown = _record(world, distribution={"kind": "all"})
    mine = _record(world, "partner")
    family = {"person": [mine], "relative": [hidden]}
    with pytest.raises(Invalid):
        _record(world, "partner", schema="Family", properties=family)
    family["relative"] = [shown]
    link = _record(
        world, "partner", schema="Family", properties=family, distribution={"kind": "all"}
    )
    # The owner of ``shown`` restricts it again: the partner's link no longer names it to anyone
    # who cannot see it, and the record's neighbours follow.
    private = RecordUpdate.model_validate({"distribution": {"kind": "owner"}})
    records.update(world.db, world.actors["owner"], shown, private)
    assert "relative" not in records.get(world.db, world.actors["partner"], link).properties
    assert records.get(world.db, world.actors["owner"], link).properties["relative"] == [shown]
    neighbours = {r.id for r in records.links(world.db, world.actors["unrelated"], link)}
    assert neighbours == set()
    assert {r.id for r in records.links(world.db, world.actors["owner"], shown)} == {link}

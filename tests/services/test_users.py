"""Users, roles and tokens: who may manage whom, and which tokens authenticate."""

from __future__ import annotations

from datetime import timedelta

import pytest

from conftest import FakeClock
from tanseeq.errors import Forbidden, NotFound, Unauthenticated
from tanseeq.schemas import TokenIn, UserIn, UserUpdate
from tanseeq.services import users
from world import World


def _user(name: str, roles: list[str], agency: str | None = None) -> UserIn:
    return UserIn(username=name, display_name=name, roles=roles, agency=agency)  # type: ignore[arg-type]


def test_usernames_are_normalised(world: World) -> None:
    admin = world.actors["owner_admin"]
    u = users.create_user(world.db, admin, _user("  Ｏfficer.ONE ", ["officer"]))
    assert u.username == "officer.one"
    with pytest.raises(Exception, match="taken"):
        users.create_user(world.db, admin, _user("OFFICER.one", ["officer"]))


@pytest.mark.parametrize("roles", [["hub_admin"], ["officer", "hub_admin"]])
def test_agency_admin_cannot_grant_above_own_rank(world: World, roles: list[str]) -> None:
    with pytest.raises((Forbidden, Exception)):
        users.create_user(world.db, world.actors["owner_admin"], _user("x", roles))


def test_agency_admin_cannot_touch_other_agencies(world: World) -> None:
    admin = world.actors["owner_admin"]
    with pytest.raises(Forbidden):
        users.create_user(world.db, admin, _user("spy", ["officer"], agency="NO-POLICE"))
    with pytest.raises(NotFound):
        users.update_user(world.db, admin, "partner", UserUpdate(active=False))
    with pytest.raises(NotFound):
        users.issue_token(world.db, admin, TokenIn(user="partner"))


def test_nobody_changes_their_own_roles(world: World) -> None:
    admin = world.actors["owner_admin"]
    with pytest.raises(Forbidden):
        users.update_user(
            world.db, admin, "owner_admin", UserUpdate(roles=["agency_admin", "officer"])
        )  # type: ignore[list-item]


def test_hub_admin_onboards_but_cannot_act_as_officers(world: World) -> None:
    hub = world.actors["hub_admin"]
    users.create_user(world.db, hub, _user("sn.admin", ["agency_admin"], agency="SN-NCB"))
    with pytest.raises(Forbidden):
        users.create_user(world.db, hub, _user("sn.officer", ["officer"], agency="SN-NCB"))
    assert users.issue_token(world.db, hub, TokenIn(user="sn.admin")).token
    with pytest.raises(Forbidden):
        users.issue_token(world.db, hub, TokenIn(user="unrelated"))
    # Onboarding only: no second token, so the hub cannot step into an admin already at work.
    with pytest.raises(Forbidden, match="already has a token"):
        users.issue_token(world.db, hub, TokenIn(user="sn.admin"))
    with pytest.raises(Forbidden, match="already has a token"):
        users.issue_token(world.db, hub, TokenIn(user="owner_admin"))


def test_tokens_expire_and_revoke(world: World, clock: FakeClock) -> None:
    db = world.db
    issued = users.issue_token(db, world.actors["owner"], TokenIn(label="short", days=1))
    assert users.authenticate(db, issued.token).username == "owner"
    assert len(issued.token) >= 40  # 256 bits, URL-safe base64
    clock.advance(days=1, seconds=1)
    with pytest.raises(Unauthenticated):
        users.authenticate(db, issued.token)
    other = users.issue_token(db, world.actors["owner"], TokenIn(label="other"))
    users.revoke_token(db, world.actors["owner"], other.id)
    with pytest.raises(Unauthenticated):
        users.authenticate(db, other.token)


def test_only_issued_tokens_authenticate(world: World) -> None:
    db = world.db
    owner = world.actors["owner"]
    for forged in [
        owner.user_id or "",
        f"tsq_{owner.user_id}",
        "tsq_",
        "",
        "Bearer x",
        users.hash_token(world.tokens["owner"]),
    ]:
        with pytest.raises(Unauthenticated):
            users.authenticate(db, forged)


def test_disabled_user_is_refused_on_next_use(world: World) -> None:
    users.update_user(world.db, world.actors["owner_admin"], "owner", UserUpdate(active=False))
    with pytest.raises(Unauthenticated):
        users.authenticate(world.db, world.tokens["owner"])


def test_clock_moves_without_sleeping(clock: FakeClock) -> None:
    before = clock()
    clock.advance(days=400)
    assert clock() - before == timedelta(days=400)


def test_unstorable_characters_are_refused_by_field_on_every_backend(world: World) -> None:
    from tanseeq.errors import Invalid
    from tanseeq.schemas import RecordIn
    from tanseeq.services import records

    for bad in ("Amina\x00", "\x00"):
        with pytest.raises(Invalid, match=r"properties\.name\[0\]"):
            records.create(
                world.db,
                world.actors["owner"],
                RecordIn.model_validate({"schema": "Person", "properties": {"name": [bad]}}),
            )

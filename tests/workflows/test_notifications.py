"""The inbox: who ``notify`` reaches, and that each user reads and marks only their own."""

from __future__ import annotations

from typing import Any

from api.conftest import Api
from tanseeq.domain.types import NotificationKind, Role
from tanseeq.schemas import UserIn, UserUpdate
from tanseeq.services import notifications, users
from tanseeq.services.context import OPERATOR
from world import World


def tell(world: World, agency: str, **kw: Any) -> list[str]:
    with world.db.transaction() as session:
        return notifications.notify(
            session,
            world.db,
            agency_id=world.agency_ids[agency],
            kind=kw.pop("kind", NotificationKind.REVIEW_DECISION),
            title=kw.pop("title", "Notice returned for changes"),
            **kw,
        )


def inbox_of(api: Api, who: str, **params: Any) -> dict[str, Any]:
    r = api.get(who, "/notifications", params=params)
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()
    return out


def test_recipients_are_active_readers_of_the_agency_only(api: Api) -> None:
    world = api.world
    users.create_user(
        world.db,
        OPERATOR,
        UserIn(username="retired", display_name="R", roles=[Role.OFFICER], agency="MA-NCB"),
    )
    users.update_user(world.db, OPERATOR, "retired", UserUpdate(active=False))
    # Readers by default: the owner (officer, supervisor, analyst), not the agency admin, nor
    # the disabled officer.
    assert len(tell(world, "MA-NCB")) == 1
    assert inbox_of(api, "owner")["total"] == 1
    assert inbox_of(api, "owner_admin")["total"] == 0
    # Roles narrow it; ids of another agency's users are ignored, whatever is passed.
    assert len(tell(world, "MA-NCB", roles={Role.AGENCY_ADMIN})) == 1
    stray = tell(world, "MA-NCB", user_ids=[world.actors["partner"].user_id or ""])
    assert stray == []
    assert inbox_of(api, "partner")["total"] == 0


def test_each_user_reads_and_marks_only_their_own(api: Api) -> None:
    world = api.world
    tell(world, "MA-NCB", title="first\r\nBcc: someone@example.org", refs={"notice": "n1"})
    tell(world, "MA-NCB", kind=NotificationKind.RETENTION_REMINDER, title="second")
    mine = inbox_of(api, "owner")
    assert mine["total"] == 2 and mine["unread"] == 2
    titles = {n["title"] for n in mine["items"]}
    assert "first Bcc: someone@example.org" in titles  # no line break reaches a header
    first = next(n for n in mine["items"] if n["refs"] == {"notice": "n1"})

    assert api.post("partner", f"/notifications/{first['id']}/read").status_code == 404
    r = api.post("owner", f"/notifications/{first['id']}/read")
    assert r.status_code == 200 and r.json()["read_at"] is not None
    assert inbox_of(api, "owner")["unread"] == 1
    assert inbox_of(api, "owner", unread=True)["total"] == 1

    r = api.post("owner", "/notifications/read-all", params={"kind": "review_decision"})
    assert r.json() == {"marked": 0}
    r = api.post("owner", "/notifications/read-all", params={"kind": "retention_reminder"})
    assert r.json() == {"marked": 1}
    assert inbox_of(api, "owner")["unread"] == 0
    assert inbox_of(api, "partner")["total"] == 0


def test_preferences_are_set_by_the_user_or_their_own_agency_admin(api: Api) -> None:
    pref = {"user": "owner", "email": "officer@dgsn.example", "email_opt_in": True}
    r = api.call("owner_admin", "PUT", "/notifications/prefs", json=pref)
    assert r.status_code == 200 and r.json()["email"] == "officer@dgsn.example"
    assert api.get("owner", "/notifications/prefs").json()["email_opt_in"] is True
    # Another agency's user is unknown here, to its admin and to the hub alike: an address
    # decides where an agency's notifications go.
    other = {**pref, "user": "partner"}
    assert api.call("owner_admin", "PUT", "/notifications/prefs", json=other).status_code == 404
    assert api.call("hub_admin", "PUT", "/notifications/prefs", json=other).status_code == 404
    assert api.get("hub_admin", "/notifications/prefs", params={"user": "owner"}).status_code == 404
    # A user without an admin role sets only their own.
    mine = {**pref, "user": "owner_admin"}
    assert api.call("owner", "PUT", "/notifications/prefs", json=mine).status_code == 403

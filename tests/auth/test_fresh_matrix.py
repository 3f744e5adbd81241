"""The role decisions of the operations that want a fresh login, made with fresh sessions (the
access matrix calls with API tokens, which these operations refuse whatever the role)."""

from __future__ import annotations

from api.conftest import Api

WHO = ("owner", "partner", "unrelated", "owner_admin", "hub_admin", "compliance")


def test_fresh_sessions_meet_the_role_checks(api: Api) -> None:
    mine = api.world.actors["owner"].user_id
    theirs = api.world.actors["unrelated"].user_id
    got: dict[str, dict[str, int]] = {}
    for who in WHO:
        fresh = who + "*"
        got[who] = {
            "token": api.post(fresh, "/tokens", json={"label": "fresh"}).status_code,
            "export": api.get(fresh, "/records/export", params={"justification": "m"}).status_code,
            "roles mine": api.patch(
                fresh, f"/users/{mine}", json={"roles": ["analyst"]}
            ).status_code,
            "roles theirs": api.patch(
                fresh, f"/users/{theirs}", json={"roles": ["analyst"]}
            ).status_code,
        }
    want = {
        "owner": {"token": 201, "export": 200, "roles mine": 403, "roles theirs": 403},
        "partner": {"token": 201, "export": 200, "roles mine": 403, "roles theirs": 403},
        "unrelated": {"token": 201, "export": 200, "roles mine": 403, "roles theirs": 403},
        # an agency admin changes its own agency's users only
        "owner_admin": {"token": 201, "export": 403, "roles mine": 200, "roles theirs": 404},
        # the hub creates only agency admins in other agencies
        "hub_admin": {"token": 201, "export": 403, "roles mine": 403, "roles theirs": 403},
        "compliance": {"token": 201, "export": 403, "roles mine": 403, "roles theirs": 403},
    }
    assert got == want

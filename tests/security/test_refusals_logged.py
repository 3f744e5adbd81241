"""Refused authorisations are logged (ASVS: every authorisation decision on sensitive data).

A 403 of an authenticated caller writes one entry with outcome ``denied``: who, which API
operation, the ids in the path, and the reason; the refused action's own transaction is rolled
back, the entry is written in one of its own. A 404 from a service (unknown or invisible, the
same answer) writes ``not_found`` alike for both. A 401 writes nothing: there is no user to
name. No credential ever reaches the log."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from api.conftest import Api, state_of
from api.test_api_access import MATRIX
from api.test_api_access import ids as ids  # a fixture, found by name
from security.conftest import last_entries
from tanseeq.store.tables import AuditRow


def _text(row: AuditRow) -> str:
    return json.dumps(
        [row.user_id, row.agency_id, row.action, row.object_ids, row.justification, row.detail],
        ensure_ascii=False,
    )


def _one_more_entry(api: Api, before: dict[str, int]) -> AuditRow:
    after = state_of(api.world.db)
    grown = {k for k in before if before[k] != after[k]}
    assert grown == {"audit", "audit_log"}, grown
    assert after["audit"] == before["audit"] + 1
    return last_entries(api.world.db)[0]


def test_a_role_refusal_is_logged_with_who_what_and_why(api: Api, objects: dict[str, str]) -> None:
    before = state_of(api.world.db)
    r = api.get("owner_admin", "/records", params={"justification": "curious"})
    assert r.status_code == 403
    entry = _one_more_entry(api, before)
    admin = api.world.actors["owner_admin"]
    assert (entry.user_id, entry.agency_id) == (admin.user_id, admin.agency_id)
    assert (entry.action, entry.outcome) == ("api.records_list", "denied")
    assert "record.read" in entry.detail["reason"]


def test_a_refusal_inside_a_transaction_rolls_it_back_and_is_logged(
    api: Api, objects: dict[str, str]
) -> None:
    """The partner sees record_mine but may not edit it: refused after the record was read in
    the action's transaction; the edit is gone, the refusal stays."""
    rid = objects["record_mine"]
    before = state_of(api.world.db)
    r = api.patch("partner", f"/records/{rid}", json={"properties": {"name": ["Changed"]}})
    assert r.status_code == 403
    entry = _one_more_entry(api, before)
    assert (entry.action, entry.outcome, entry.object_ids) == (
        "api.records_update",
        "denied",
        [rid],
    )
    assert entry.user_id == api.world.actors["partner"].user_id
    assert api.get("owner", f"/records/{rid}").json()["properties"]["name"] != ["Changed"]


def test_a_reauthentication_refusal_is_logged(api: Api) -> None:
    before = state_of(api.world.db)
    r = api.post("owner", "/tokens", json={"label": "with a token"})
    assert r.status_code == 403
    entry = _one_more_entry(api, before)
    assert (entry.action, entry.outcome) == ("api.tokens_issue", "denied")


def test_unknown_and_invisible_objects_are_logged_alike(api: Api, objects: dict[str, str]) -> None:
    unknown = "11111111-2222-4333-8444-555555555555"
    entries = []
    for rid in (objects["record_mine"], unknown):
        before = state_of(api.world.db)
        assert api.get("unrelated", f"/records/{rid}").status_code == 404
        entry = _one_more_entry(api, before)
        assert entry.object_ids == [rid]
        entries.append((entry.action, entry.outcome, _text(entry).replace(rid, "ID")))
    assert entries[0] == entries[1]
    assert entries[0][:2] == ("api.records_get", "not_found")


def test_unauthenticated_requests_write_nothing(api: Api, objects: dict[str, str]) -> None:
    before = state_of(api.world.db)
    for headers in ({}, {"Authorization": "Bearer tsq_" + "A" * 43}, {"Authorization": "Basic x"}):
        r = api.client.patch(
            f"/records/{objects['record_mine']}", json={"properties": {}}, headers=headers
        )
        assert r.status_code == 401
    assert state_of(api.world.db) == before


def test_no_credential_reaches_the_log(api: Api, objects: dict[str, str]) -> None:
    """A token pasted into a path, a session secret used for a refused action: neither is
    written, in any field."""
    own = api.world.tokens["owner"]
    session = api.world.session("partner")
    calls = [
        ("owner", "POST", f"/tokens/{own}/revoke", {}, {}),
        ("owner", "GET", f"/records/{own}", {}, {}),
        ("owner_admin", "GET", f"/agreements/{own}/x", {}, {}),
        (
            "partner",
            "PATCH",
            f"/records/{objects['record_mine']}",
            {"Authorization": f"Bearer {session}"},
            {"properties": {"name": ["X"]}},
        ),
    ]
    for who, method, path, headers, body in calls:
        r = api.call(who, method, path, headers=headers, json=body)
        assert r.status_code in (403, 404, 405), (path, r.status_code)
    secrets = [own, own[4:], session, *api.world.tokens.values()]
    for entry in last_entries(api.world.db, 50):
        text = _text(entry)
        assert not [s for s in secrets if s in text], text


def test_every_refusal_in_the_access_matrix_is_logged(api: Api, ids: dict[str, str]) -> None:
    """Every operation, every role: each 403 writes exactly one ``denied`` entry naming the
    caller, each service 404 one ``not_found`` entry; nothing else is written by a refusal."""
    failures, counted = [], Counter[int]()
    for r in MATRIX:
        path = r.path
        if r.target is not None:
            path = path.replace(path[path.index("{") : path.index("}") + 1], ids[r.target])
        for who in ("owner", "partner", "unrelated", "owner_admin", "hub_admin", "compliance"):
            before = state_of(api.world.db)
            kw: dict[str, Any] = {"params": r.query}
            if r.body is not None:
                kw["json"] = r.body(who, ids)
            got = api.call(who, r.method, path, **kw)
            if got.status_code not in (403, 404):
                continue
            counted[got.status_code] += 1
            where = f"{r.method} {r.path} [{r.target}] as {who}: {got.status_code}"
            try:
                entry = _one_more_entry(api, before)
            except AssertionError as exc:
                failures.append(f"{where}: {exc}")
                continue
            outcome = "denied" if got.status_code == 403 else "not_found"
            actor = api.world.actors[who]
            if (entry.outcome, entry.user_id, entry.agency_id) != (
                outcome,
                actor.user_id,
                actor.agency_id,
            ) or not entry.action.startswith("api."):
                failures.append(f"{where}: logged {entry.action} {entry.outcome} {entry.user_id}")
    assert not failures, "\n".join(failures)
    assert counted[403] >= 40 and counted[404] >= 20, counted

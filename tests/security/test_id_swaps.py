"""Authorise one object, change another (MISP CVE-2026-56424, CVE-2018-8949; OpenCTI
CVE-2025-61781). Ids in a path are covered by the access matrix (own and foreign objects for
every operation); here the ids carried in a body or a query: each must name something the
caller may touch, swapped for another agency's they are refused and change nothing."""

from __future__ import annotations

from api.conftest import Api, state_of

WHY = {"justification": "id swap check"}


def test_ids_in_bodies_must_be_the_callers_to_use(api: Api, objects: dict[str, str]) -> None:
    theirs, mine = objects["record_theirs"], objects["record_mine"]
    draft = objects["notice_draft"]
    holder = {"holder": [theirs], "number": ["ZX0000001"]}
    cases = [
        ("owner", "POST", "/notices", {"kind": "yellow", "title": "T", "records": [theirs]}),
        ("owner", "POST", "/notices", {"kind": "yellow", "title": "T", "records": [mine, theirs]}),
        ("owner", "PATCH", f"/notices/{draft}", {"records": [theirs]}),
        ("owner", "POST", "/records", {"schema": "Passport", "properties": holder}),
        ("owner", "PATCH", f"/records/{mine}", {"properties": {"name": ["A"], "parent": [theirs]}}),
        ("owner_admin", "POST", "/tokens", {"user": "unrelated", "label": "x"}),
        ("owner_admin", "POST", "/tokens", {"user": objects["user_theirs"], "label": "x"}),
        ("owner_admin", "PATCH", f"/users/{objects['user_theirs']}", {"active": False}),
        ("owner_admin", "PATCH", "/users/unrelated", {"roles": ["officer"]}),
        (
            "owner_admin",
            "POST",
            "/users",
            {"username": "x1", "display_name": "X", "roles": ["officer"], "agency": "SN-NCB"},
        ),
    ]
    failures = []
    for who, method, path, body in cases:
        before = state_of(api.world.db)
        r = api.call(who, method, path, json=body)
        if r.status_code < 400 or r.status_code >= 500:
            failures.append(f"{who} {method} {path} {body}: {r.status_code}")
        after = state_of(api.world.db)
        grown = {k for k in before if before[k] != after[k]} - {"audit", "audit_log"}
        if grown or after["audit"] - before["audit"] > 1:
            failures.append(f"{who} {method} {path}: wrote {grown}")
    assert not failures, "\n".join(failures)
    # The draft still names the owner's own record only.
    assert api.get("owner", f"/notices/{draft}").json()["records"] == [mine]


def test_ids_in_queries_only_narrow_what_the_caller_sees(api: Api, objects: dict[str, str]) -> None:
    """Filtering by another agency's id or scoping a match to it shows no more than that
    agency has shared with the caller: nothing, for the unrelated one."""
    sn = api.world.agency_ids["SN-NCB"]
    for owner in (sn, "SN-NCB"):
        page = api.get("owner", "/records", params={"owner": owner, **WHY}).json()
        assert page["total"] == 0 and page["items"] == []
    query = {"q": {"schema": "Person", "properties": {"name": ["Mamadou Diallo"]}}}
    for scope in ("SN-NCB", sn):
        r = api.post("owner", f"/match/{scope}", params=WHY, json={"queries": query})
        assert r.status_code == 200, r.text
        assert r.json()["responses"]["q"]["results"] == []
    # The same agency's own query finds its record: the filter works, it only narrows.
    page = api.get("unrelated", "/records", params={"owner": sn, **WHY}).json()
    assert objects["record_theirs"] in {x["id"] for x in page["items"]}

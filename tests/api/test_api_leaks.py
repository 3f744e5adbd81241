"""Derived data never leaks: adding something a caller may not see leaves every response that
caller gets — lists, totals, searches, links, notices, exports — byte for byte as it was.
(The audit log is left out: it records the caller's own consultations.)"""

from __future__ import annotations

from typing import Any

from api.conftest import SHARED, Api
from tanseeq.schemas import NoticeIn, RecordIn, TransitionIn
from tanseeq.services import notices, records

NAME = "Youssef Hammouchi"


def _views(api: Api, who: str, ids: dict[str, str]) -> dict[str, tuple[int, bytes]]:
    owner_agency = api.world.agency_ids["MA-NCB"]
    requests: list[tuple[str, dict[str, Any]]] = [
        ("/records", {}),
        ("/records", {"q": "hammouchi"}),
        ("/records", {"q": "يوسف"}),
        ("/records", {"schema": "Person"}),
        ("/records", {"schema": "Passport"}),
        ("/records", {"owner": owner_agency}),
        ("/records", {"limit": 1}),
        ("/records", {"offset": 1}),
        (f"/records/{ids['record_mine']}", {}),
        (f"/records/{ids['record_mine']}/links", {}),
        (f"/records/{ids['record_theirs']}/links", {}),
        ("/records/export", {}),
        ("/notices", {}),
        ("/notices", {"kind": "yellow"}),
        ("/notices", {"status": "draft"}),
        ("/notices", {"status": "published", "limit": 1}),
        (f"/notices/{ids['notice_published']}", {}),
        ("/agreements", {}),
        ("/agencies", {}),
    ]
    out = {}
    for path, params in requests:
        # Every search and export carries a reason; it changes nothing in the answer.
        r = api.get(who, path, params={**params, "justification": "leak test"})
        out[f"{path} {params}"] = (r.status_code, r.content)
    # Screening, when the app serves it: matches and identifier checks see no hidden record.
    paths = set(api.client.get("/openapi.json").json()["paths"])
    why = {"justification": "leak test"}
    if "/match/{scope}" in paths:
        query = {"q1": {"schema": "Person", "properties": {"name": [NAME]}}}
        r = api.post(who, "/match/hub", params=why, json={"queries": query})
        out["match"] = (r.status_code, r.content)
    if "/check" in paths:
        r = api.post(who, "/check", params=why, json={"kind": "document", "value": "ZZ0001"})
        out["check"] = (r.status_code, r.content)
    return out


def _hidden_variants(callers: list[str]) -> list[tuple[str, dict[str, Any]]]:
    return [
        ("owner only", {"distribution": {"kind": "owner"}, "crime_areas": ["organised_crime"]}),
        (
            "outside the agreement's areas",
            {"distribution": {"kind": "agreement"}, "crime_areas": ["fraud"]},
        ),
        ("everyone but the caller", {"distribution": {"kind": "all", "excluded": callers}}),
        ("named other agencies", {"distribution": {"kind": "agencies", "agencies": ["HUB"]}}),
    ]


CALLERS = ("partner", "unrelated")


def test_hidden_data_changes_nothing_the_callers_get(api: Api, objects: dict[str, str]) -> None:
    world, db = api.world, api.world.db
    owner = world.actors["owner"]
    agencies = [world.actors[who].agency_id or "" for who in CALLERS]
    before = {who: _views(api, who, objects) for who in CALLERS}
    links = f"/records/{objects['record_mine']}/links {{}}"
    assert before["partner"][links][0] == 200 and before["unrelated"][links][0] == 404

    def check(what: str) -> None:
        for who in CALLERS:
            after = _views(api, who, objects)
            changed = [k for k in before[who] if before[who][k] != after[k]]
            assert not changed, f"{who} sees a difference after adding {what}: {changed}"

    for label, sharing in _hidden_variants(agencies):
        # A namesake (found by the same searches) and a passport pointing at the shared
        # record (a neighbour in its links), both hidden from the caller.
        records.create(
            db,
            owner,
            RecordIn.model_validate(
                {"schema": "Person", "properties": {"name": [NAME, "يوسف حموشي"]}, **sharing}
            ),
        )
        passport = records.create(
            db,
            owner,
            RecordIn.model_validate(
                {
                    "schema": "Passport",
                    "properties": {"number": ["ZZ0001"], "holder": [objects["record_mine"]]},
                    **sharing,
                }
            ),
        )
        # A notice about the hidden passport, with the same sharing (published unless
        # owner-only).
        nid = notices.create(
            db,
            owner,
            NoticeIn.model_validate(
                {"kind": "orange", "title": "Forged passport", "records": [passport.id], **sharing}
            ),
        ).id
        if sharing["distribution"]["kind"] != "owner":
            notices.transition(db, owner, nid, TransitionIn(action="submit"))
            notices.transition(db, world.actors["compliance"], nid, TransitionIn(action="publish"))
        check(f"records and a notice about them, shared as {label}")

    # Shared with the caller once, then withdrawn: gone without a trace.
    rec = records.create(
        db,
        owner,
        RecordIn.model_validate(
            {
                "schema": "Passport",
                "properties": {"number": ["ZZ0002"], "holder": [objects["record_mine"]]},
                **SHARED,
            }
        ),
    )
    records.withdraw(db, owner, rec.id, "entered in error")
    check("a withdrawn record")

"""End-to-end happy paths over HTTP: onboarding an agency, agreements, records, notices."""

from __future__ import annotations

import json

from api.conftest import SHARED, Api
from conftest import FakeClock

WHY = {"justification": "case 2026/17"}  # every search and export says why

PERSON = {
    "schema": "Person",
    "properties": {"name": ["Karim Benali", "كريم بن علي"], "birthDate": ["1984-07-02"]},
    **SHARED,
}


def test_onboarding_an_agency(api: Api) -> None:
    r = api.post(
        "hub_admin",
        "/agencies",
        json={
            "code": "TN-NCB",
            "kind": "ncb",
            "country": "tn",
            "name_en": "NCB Tunis",
            "name_ar": "المكتب المركزي الوطني تونس",
        },
    )
    assert r.status_code == 201, r.text
    tn = r.json()
    assert tn["country"] == "TN"
    assert api.get("owner", "/agencies/TN-NCB").json() == tn
    assert api.get("owner", f"/agencies/{tn['id']}").json() == tn
    assert "TN-NCB" in [a["code"] for a in api.get("partner", "/agencies").json()]

    # The hub creates the agency's first admin and a token for them.
    r = api.post(
        "hub_admin",
        "/users",
        json={
            "username": "Admin.Tunis",
            "display_name": "مدير",
            "roles": ["agency_admin"],
            "agency": "TN-NCB",
        },
    )
    assert r.status_code == 201, r.text
    assert r.json()["username"] == "admin.tunis"
    r = api.post("hub_admin*", "/tokens", json={"user": "admin.tunis", "label": "onboarding"})
    assert r.status_code == 201, r.text
    api.world.tokens["tn_admin"] = r.json()["token"]

    # The agency admin takes over: an officer, the officer's token, an agreement with MA-NCB.
    r = api.post(
        "tn_admin",
        "/users",
        json={"username": "officer.tunis", "display_name": "Officer", "roles": ["officer"]},
    )
    assert r.status_code == 201, r.text
    officer_id = r.json()["id"]
    assert r.json()["agency_id"] == tn["id"]
    assert [u["username"] for u in api.get("tn_admin", "/users").json()] == [
        "admin.tunis",
        "officer.tunis",
    ]
    # Minting a token wants a fresh login: the new admin enrols and logs in for it.
    r = api.post("admin.tunis*", "/tokens", json={"user": "officer.tunis", "days": 30})
    assert r.status_code == 201, r.text
    api.world.tokens["tn_officer"] = r.json()["token"]
    assert [t["user_id"] for t in api.get("tn_officer", "/tokens").json()] == [officer_id]

    r = api.post(
        "tn_admin",
        "/agreements",
        json={
            "title": "MoU DGSN – Tunisian police",
            "parties": ["TN-NCB", "MA-NCB"],
            "crime_areas": ["drug_trafficking"],
            "valid_from": "2026-01-01",
        },
    )
    assert r.status_code == 201, r.text
    g = r.json()
    assert g["accepted_by"] == [tn["id"]] and not g["in_force"]
    r = api.post("owner_admin", f"/agreements/{g['id']}/accept")
    assert r.status_code == 200 and r.json()["in_force"]
    assert api.get("owner_admin", f"/agreements/{g['id']}").json()["in_force"]
    assert g["id"] in [x["id"] for x in api.get("owner_admin", "/agreements").json()]

    # Sharing under it works both ways within its crime areas.
    r = api.post(
        "tn_officer",
        "/records",
        json={
            "schema": "Vehicle",
            "properties": {"registrationNumber": ["123 TU 4567"]},
            "distribution": {"kind": "agreement"},
            "crime_areas": ["drug_trafficking"],
        },
    )
    assert r.status_code == 201, r.text
    assert api.get("owner", f"/records/{r.json()['id']}").status_code == 200
    assert api.get("partner", f"/records/{r.json()['id']}").status_code == 404

    # Deactivating the officer takes effect on the next request.
    r = api.patch("tn_admin", f"/users/{officer_id}", json={"active": False})
    assert r.status_code == 200 and not r.json()["active"]
    assert api.get("tn_officer", "/tokens").status_code == 401
    r = api.post("tn_admin", f"/agreements/{g['id']}/terminate", json={"reason": "expired MoU"})
    assert r.status_code == 200 and r.json()["terminated_at"] and not r.json()["in_force"]


def test_token_revoked_and_expired(api: Api, clock: FakeClock) -> None:
    r = api.post("owner*", "/tokens", json={"label": "laptop", "days": 2})
    assert r.status_code == 201
    issued = r.json()
    api.world.tokens["laptop"] = issued["token"]
    assert api.get("laptop", "/tokens").status_code == 200
    assert issued["token"] not in api.get("owner", "/tokens").text
    clock.advance(days=3)
    assert api.get("laptop", "/tokens").status_code == 401
    r = api.post("owner*", "/tokens", json={"label": "phone"})
    api.world.tokens["phone"] = r.json()["token"]
    r = api.post("owner", f"/tokens/{r.json()['id']}/revoke")
    assert r.status_code == 200 and r.json()["revoked_at"]
    assert api.get("phone", "/tokens").status_code == 401


def test_records_from_creation_to_withdrawal(api: Api) -> None:
    r = api.post("owner", "/records", json=PERSON)
    assert r.status_code == 201, r.text
    person = r.json()
    assert person["schema"] == "Person" and person["distribution"]["kind"] == "agreement"
    assert person["caption"] == "Karim Benali"
    r = api.post(
        "owner",
        "/records",
        json={
            "schema": "Passport",
            "properties": {"number": ["AB1234567"], "holder": [person["id"]], "country": ["ma"]},
            **SHARED,
            "marking": {"tlp": "RED", "handling": ["H1", "H3"], "handling_note": "not for court"},
        },
    )
    assert r.status_code == 201, r.text
    passport = r.json()

    got = api.get("partner", f"/records/{person['id']}", params={"justification": "case 17/26"})
    assert got.status_code == 200
    assert got.json()["distribution"] is None  # only the owner sees who else may
    assert {k: v for k, v in got.json().items() if k != "distribution"} == {
        k: v for k, v in person.items() if k != "distribution"
    }

    links = api.get("partner", f"/records/{person['id']}/links").json()
    assert [x["id"] for x in links] == [passport["id"]]
    assert [x["id"] for x in api.get("owner", f"/records/{passport['id']}/links").json()] == [
        person["id"]
    ]

    page = api.get("partner", "/records", params={"q": "بن علي", "schema": "Person", **WHY}).json()
    assert page["total"] == 1 and page["items"][0]["id"] == person["id"]
    page = api.get("partner", "/records", params={"owner": person["owner_id"], **WHY}).json()
    assert page["total"] == 2

    r = api.patch(
        "owner",
        f"/records/{person['id']}",
        json={"properties": {"name": ["Karim Benali"], "nationality": ["ma"]}},
    )
    assert r.status_code == 200, r.text
    assert r.json()["properties"]["nationality"] == ["ma"]
    assert (
        api.get("partner", f"/records/{person['id']}").json()["properties"]
        == r.json()["properties"]
    )

    r = api.get("partner*", "/records/export", params={"justification": "weekly sync"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in r.text.splitlines()]
    assert {e["id"] for e in lines} == {person["id"], passport["id"]}
    marks = {e["id"]: e["tanseeq"] for e in lines}
    assert marks[passport["id"]]["tlp"] == "RED"
    assert marks[passport["id"]]["handling"] == ["H1", "H3"]
    assert marks[passport["id"]]["handling_note"] == "not for court"
    assert all(m["owner"] == person["owner_id"] for m in marks.values())

    r = api.post("owner", f"/records/{person['id']}/withdraw", json={"reason": "identified"})
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    assert api.get("partner", f"/records/{person['id']}").status_code == 404
    assert api.get("owner", f"/records/{person['id']}").status_code == 200


def test_pagination_totals(api: Api) -> None:
    ids = [
        api.post(
            "owner", "/records", json={**PERSON, "properties": {"name": [f"Person {i}"]}}
        ).json()["id"]
        for i in range(7)
    ]
    seen = []
    for offset in (0, 3, 6):
        page = api.get("partner", "/records", params={"limit": 3, "offset": offset, **WHY}).json()
        assert page["total"] == 7 and page["limit"] == 3 and page["offset"] == offset
        seen += [x["id"] for x in page["items"]]
    assert sorted(seen) == sorted(ids) and len(seen) == 7
    assert api.get("partner", "/records", params={"offset": 7, **WHY}).json()["items"] == []
    # Unknown query parameters change nothing.
    assert api.get("partner", "/records", params={"limit": 3, "colour": "red", **WHY}).json() == (
        api.get("partner", "/records", params={"limit": 3, **WHY}).json()
    )
    assert api.get("partner", "/records", params=WHY).json()["limit"] == 50  # default_page_size
    for bad in (0, 501, "x"):
        r = api.get("partner", "/records", params={"limit": bad, **WHY})
        assert r.status_code == 422 and r.json()["errors"][0]["loc"] == "limit", r.text
    r = api.get("partner", "/records", params={"offset": -1, **WHY})
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == "offset"


def test_notice_from_draft_to_partner(api: Api) -> None:
    person = api.post("owner", "/records", json={**PERSON, "distribution": {"kind": "owner"}})
    pid = person.json()["id"]
    r = api.post(
        "owner",
        "/notices",
        json={
            "kind": "yellow",
            "title": "Missing: Karim Benali",
            "records": [pid],
            "language": "ar",
            "summary": "شوهد آخر مرة في طنجة",
            **SHARED,
        },
    )
    assert r.status_code == 201, r.text
    nid = r.json()["id"]
    assert r.json()["status"] == "draft"
    r = api.patch("owner", f"/notices/{nid}", json={"title": "Missing: Karim BENALI"})
    assert r.status_code == 200 and r.json()["title"] == "Missing: Karim BENALI"
    assert api.get("partner", f"/notices/{nid}").status_code == 404
    assert api.get("partner", f"/records/{pid}").status_code == 404

    r = api.post("owner", f"/notices/{nid}/transitions", json={"action": "submit"})
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    assert (
        api.get("compliance", "/notices", params={"status": "submitted", **WHY}).json()["total"]
        == 1
    )
    r = api.post("compliance", f"/notices/{nid}/transitions", json={"action": "publish"})
    assert r.status_code == 200 and r.json()["status"] == "published"

    got = api.get("partner", f"/notices/{nid}")
    assert got.status_code == 200
    assert got.json()["records"] == [pid]  # publishing discloses the subject
    assert [e["to_status"] for e in got.json()["history"]] == ["draft", "submitted", "published"]
    assert api.get("partner", f"/records/{pid}").status_code == 200
    page = api.get("partner", "/notices", params={"kind": "yellow", **WHY}).json()
    assert [n["id"] for n in page["items"]] == [nid] and page["total"] == 1
    assert api.get("unrelated", f"/notices/{nid}").status_code == 404
    assert api.get("unrelated", "/notices").json()["total"] == 0

    r = api.post(
        "owner", f"/notices/{nid}/transitions", json={"action": "suspend", "reason": "under review"}
    )
    assert r.status_code == 200 and r.json()["status"] == "suspended"
    assert api.get("partner", f"/notices/{nid}").status_code == 404


def test_health_and_docs(api: Api) -> None:
    assert api.get(None, "/health").json() == {"status": "ok"}
    assert api.get(None, "/docs").status_code == 200
    doc = api.get(None, "/openapi.json").json()
    ops = {o["operationId"] for p in doc["paths"].values() for o in p.values()}
    assert {"records_get", "records_list", "notices_transition", "tokens_revoke"} <= ops
    record_in = doc["components"]["schemas"]["RecordIn"]["properties"]
    assert record_in["schema"]["examples"] == ["Person"]
    get_record = doc["paths"]["/records/{record_id}"]["get"]
    assert get_record["tags"] == ["records"]
    assert {"401", "403", "404", "422"} <= set(get_record["responses"])
    assert get_record["security"] == [{"token": []}]
    assert "security" not in doc["paths"]["/health"]["get"]

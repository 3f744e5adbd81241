"""Screening over HTTP: yente's /match request and response, identifier checks, hits, and bad
input that writes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from api.conftest import Api, person, state_of

WHY = {"justification": "accreditation check, delegates list 3"}
SHARED_ALL = {"distribution": {"kind": "all"}}


def _match(api: Api, who: str, queries: dict[str, Any], scope: str = "hub", **params: Any) -> Any:
    return api.post(who, f"/match/{scope}", json={"queries": queries}, params={**WHY, **params})


def test_yente_shaped_request_and_response(api: Api) -> None:
    rid = person(api.world, "owner", "يوسف بن علي", **SHARED_ALL)
    got = _match(
        api, "partner", {"q1": {"schema": "Person", "properties": {"name": "Youssef Ben Ali"}}}
    )
    assert got.status_code == 200, got.text
    body = got.json()
    assert set(body) == {"responses", "matcher", "limit"}
    q1 = body["responses"]["q1"]
    assert q1["status"] == 200 and q1["total"]["relation"] == "eq"
    [top] = [r for r in q1["results"] if r["match"]]
    assert top["id"] == rid and top["schema"] == "Person" and top["score"] >= 0.7
    assert top["datasets"] == [api.world.agency_ids["MA-NCB"]] and top["tlp"] == "AMBER"
    assert "name" in top["features"] and top["explanation"]
    assert "name" in body["matcher"]["features"]


def test_scope_limits_results_to_one_agency(api: Api) -> None:
    person(api.world, "owner", "Ousmane Sarr", **SHARED_ALL)
    q = {"q": {"schema": "Person", "properties": {"name": ["Ousmane Sarr"]}}}
    assert _match(api, "unrelated", q, scope="MA-NCB").json()["responses"]["q"]["results"]
    assert _match(api, "unrelated", q, scope="NO-POLICE").json()["responses"]["q"]["results"] == []


def test_blind_hit_over_http_hides_the_record(api: Api) -> None:
    rid = person(api.world, "owner", "Khadija Benslimane", blind_hits=True)
    got = _match(
        api,
        "unrelated",
        {"q": {"schema": "Person", "properties": {"name": ["Khadija Benslimane"]}}},
    )
    text = got.text
    assert got.status_code == 200 and rid not in text
    [hit] = got.json()["responses"]["q"]["results"]
    assert hit["blind"] and hit["owner"] == api.world.agency_ids["MA-NCB"] and not hit["properties"]
    received = api.get("owner", "/hits").json()
    assert received["total"] == 1 and received["items"][0]["record_id"] == rid


def test_identifier_check(api: Api) -> None:
    holder = person(api.world, "owner", "Omar Diallo", **SHARED_ALL)
    api.post(
        "owner",
        "/records",
        json={
            "schema": "Passport",
            **SHARED_ALL,
            "properties": {"number": ["AB1234567"], "holder": [holder], "country": ["ma"]},
        },
    )
    hit = api.post("partner", "/check", params=WHY, json={"kind": "document", "value": "AB1234567"})
    assert hit.json()["hit"] is True
    miss = api.post("partner", "/check", params=WHY, json={"kind": "document", "value": "XY999"})
    assert miss.json() == {"hit": False, "records": [], "blind_owners": [], "judgements": []}


@pytest.mark.parametrize(
    ("params", "body", "status", "loc"),
    [
        (
            {},
            {"queries": {"q": {"schema": "Person", "properties": {"name": ["A B"]}}}},
            422,
            "justification",
        ),
        (WHY, {"queries": {"q": {"schema": "Nope", "properties": {"name": ["A"]}}}}, 422, "schema"),
        (
            WHY,
            {"queries": {"q": {"schema": "Person", "properties": {"colour": ["red"]}}}},
            422,
            "queries.q.properties.colour",
        ),
        (
            WHY,
            {"queries": {"q": {"schema": "Person", "properties": {"birthDate": ["1980-13-45"]}}}},
            422,
            "queries.q.properties.birthDate[0]",
        ),
        (WHY, {"queries": "everyone"}, 422, "queries"),
        (WHY, {"queries": {}}, 422, "queries"),
        (
            {**WHY, "limit": 0},
            {"queries": {"q": {"schema": "Person", "properties": {"name": "A"}}}},
            422,
            "limit",
        ),
        (
            WHY,
            {
                "queries": {
                    f"q{i}": {"schema": "Person", "properties": {"name": ["A"]}}
                    for i in range(1001)
                }
            },
            413,
            None,
        ),
    ],
)
def test_bad_match_requests_write_nothing(
    api: Api, params: dict[str, Any], body: Any, status: int, loc: str | None
) -> None:
    before = state_of(api.world.db)
    got = api.post("partner", "/match/hub", json=body, params=params)
    assert got.status_code == status, got.text
    assert got.headers["content-type"].startswith("application/problem+json")
    if loc is not None:
        assert any(loc in e["loc"] for e in got.json().get("errors", [])), got.json()
    assert state_of(api.world.db) == before


def test_bad_identifier_check_writes_nothing(api: Api) -> None:
    before = state_of(api.world.db)
    for body in (
        {"kind": "dna", "value": "x"},
        {"kind": "phone", "value": "not a phone"},
        {"kind": "document"},
        {"kind": "vin", "value": "1HGCM82633A00435X"},
    ):
        got = api.post("partner", "/check", params=WHY, json=body)
        assert got.status_code == 422, (body, got.text)
    assert state_of(api.world.db) == before

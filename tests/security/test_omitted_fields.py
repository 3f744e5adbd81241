"""Check skipped when a field is omitted (MISP CVE-2026-85533: the sharing group was checked
only when ``distribution == 4``). Every sharing field of a record or notice — omitted, null,
given twice, its list items doubled — and the unrelated agency never gets access."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

from api.conftest import Api

WHY = {"justification": "omitted-field check"}
# Shared with the partner by name; the unrelated agency (SN-NCB) is excluded besides. No
# subset of these fields admits SN-NCB, so whatever is left out, it must never see the object.
DISTRIBUTION = {"kind": "agencies", "agencies": ["NO-POLICE"], "excluded": ["SN-NCB"]}
RECORD: dict[str, Any] = {
    "schema": "Person",
    "properties": {"name": ["Salma Bennani"]},
    "distribution": DISTRIBUTION,
    "marking": {"tlp": "AMBER", "handling": ["H0"]},
    "crime_areas": ["organised_crime"],
    "blind_hits": False,
}


def _variants(body: dict[str, Any]) -> Iterator[tuple[str, bytes]]:
    """(label, raw JSON) for each mutation of each sharing field, top level and nested."""
    for key in [k for k in ("distribution", "marking", "crime_areas", "blind_hits") if k in body]:
        for how in ("omit", "null", "twice", "doubled"):
            out = copy.deepcopy(body)
            if how == "omit":
                out.pop(key)
            elif how == "null":
                out[key] = None
            elif how == "doubled" and isinstance(out[key], list):
                out[key] = out[key] * 2
            elif how == "twice":
                # The key given twice, the second time as the widest sharing there is.
                widest = {"kind": "all"} if key == "distribution" else out[key]
                raw = json.dumps(out)[:-1] + f', "{key}": {json.dumps(widest)}}}'
                yield f"{key} {how}", raw.encode()
                continue
            yield f"{key} {how}", json.dumps(out).encode()
    for key in ("kind", "agencies", "excluded"):
        for how in ("omit", "null", "doubled"):
            out = copy.deepcopy(body)
            dist = out["distribution"]
            if how == "omit":
                dist.pop(key)
            elif how == "null":
                dist[key] = None
            elif isinstance(dist[key], list):
                dist[key] = dist[key] * 2
            yield f"distribution.{key} {how}", json.dumps(out).encode()
        out = copy.deepcopy(body)
        raw = json.dumps(out).replace('"kind": "agencies"', f'"kind": "agencies", "{key}": "all"')
        raw = raw.replace('"all"', '["SN-NCB"]') if key != "kind" else raw
        yield f"distribution.{key} twice", raw.encode()


def _unrelated_sees_record(api: Api, rid: str) -> list[str]:
    seen = []
    if api.get("unrelated", f"/records/{rid}").status_code != 404:
        seen.append("get")
    page = api.get("unrelated", "/records", params={"q": "bennani", "limit": 500, **WHY}).json()
    if rid in {r["id"] for r in page["items"]}:
        seen.append("search")
    query = {"q": {"schema": "Person", "properties": {"name": ["Salma Bennani"]}}}
    found = api.post("unrelated", "/match/hub", params=WHY, json={"queries": query}).json()
    if any(r["id"] == rid or r["blind"] for r in found["responses"]["q"]["results"]):
        seen.append("match")
    return seen


def test_records_mutated_sharing_fields_never_admit_a_foreign_agency(api: Api) -> None:
    # The probe sees what it should: shared with all, the unrelated agency finds the record.
    open_to_all = {**RECORD, "distribution": {"kind": "all"}}
    probe = api.post("owner", "/records", json=open_to_all).json()["id"]
    assert _unrelated_sees_record(api, probe) == ["get", "search", "match"]
    json_type = {"content-type": "application/json"}
    failures, created = [], 0
    for label, raw in _variants(RECORD):
        r = api.post("owner", "/records", content=raw, headers=json_type)
        if r.status_code >= 500 or r.status_code not in (201, 422):
            failures.append(f"{label}: {r.status_code}")
            continue
        if r.status_code == 201:
            created += 1
            seen = _unrelated_sees_record(api, r.json()["id"])
            if seen:
                failures.append(f"{label}: the unrelated agency sees it by {seen}")
    assert not failures, "\n".join(failures)
    assert created >= 10  # most mutations are legal input; they were really checked


def test_record_updates_with_fields_left_out_never_widen_sharing(api: Api) -> None:
    rid = api.post("owner", "/records", json=RECORD).json()["id"]
    update = {k: v for k, v in RECORD.items() if k not in ("schema", "properties")}
    json_type = {"content-type": "application/json"}
    failures = []
    for label, raw in _variants(update):
        r = api.patch("owner", f"/records/{rid}", content=raw, headers=json_type)
        if r.status_code not in (200, 422):
            failures.append(f"{label}: {r.status_code}")
        seen = _unrelated_sees_record(api, rid)
        if seen:
            failures.append(f"{label}: the unrelated agency sees it by {seen}")
    assert not failures, "\n".join(failures)


def test_notices_mutated_sharing_fields_never_admit_a_foreign_agency(api: Api) -> None:
    """Published (which discloses the subject), the notice and its subject stay hidden from
    the unrelated agency whatever was left out of the notice's sharing."""
    subject = api.post("owner", "/records", json={**RECORD, "distribution": {"kind": "owner"}})
    notice = {
        "kind": "yellow",
        "title": "Missing: Salma Bennani",
        "records": [subject.json()["id"]],
        "distribution": DISTRIBUTION,
        "marking": {"tlp": "AMBER", "handling": ["H0"]},
        "crime_areas": ["organised_crime"],
    }
    json_type = {"content-type": "application/json"}
    failures, published = [], 0
    for label, raw in _variants(notice):
        r = api.post("owner", "/notices", content=raw, headers=json_type)
        if r.status_code not in (201, 422):
            failures.append(f"{label}: {r.status_code} {r.text[:200]}")
            continue
        if r.status_code != 201:
            continue
        nid = r.json()["id"]
        api.post("owner", f"/notices/{nid}/transitions", json={"action": "submit"})
        publish = {"action": "publish"}
        if api.post("compliance", f"/notices/{nid}/transitions", json=publish).status_code == 200:
            published += 1
        if api.get("unrelated", f"/notices/{nid}").status_code != 404:
            failures.append(f"{label}: the unrelated agency sees the notice")
        listed = api.get("unrelated", "/notices", params={"limit": 500}).json()["items"]
        if nid in {n["id"] for n in listed}:
            failures.append(f"{label}: the notice is in the unrelated agency's list")
        seen = _unrelated_sees_record(api, subject.json()["id"])
        if seen:
            failures.append(f"{label}: the unrelated agency sees the subject by {seen}")
    assert not failures, "\n".join(failures)
    assert published >= 5

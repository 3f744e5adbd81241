"""Hit → thread → judgement → no repeat hit, over HTTP, with three agencies: the owner (MA-NCB),
the searcher (NO-POLICE, the world's partner) and an unrelated agency (SN-NCB) that sees none
of it, nor do the hub's admin and compliance officer, who are party to nothing here."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from api.conftest import SHARED, Api, person
from tanseeq.store.tables import AuditRow

WHY = {"justification": "border check, case 2026/17"}
QUERY = {"schema": "Person", "properties": {"name": ["Youssef Hammouchi"], "birthDate": ["1979"]}}


def match(api: Api, who: str, query: dict[str, Any] = QUERY) -> dict[str, Any]:
    r = api.post(who, "/match/hub", params=WHY, json={"queries": {"q": query}})
    assert r.status_code == 200, r.text
    (best,) = [x for x in r.json()["responses"]["q"]["results"] if x["match"]]
    return best


def hits(api: Api, who: str, direction: str) -> list[dict[str, Any]]:
    r = api.get(who, "/hits", params={"direction": direction})
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    assert r.json()["total"] == len(items)
    return items


def inbox(api: Api, who: str, **params: Any) -> dict[str, Any]:
    r = api.get(who, "/notifications", params=params)
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()
    return out


def actions(api: Api) -> list[AuditRow]:
    with api.world.db.transaction() as session:
        return list(session.scalars(sa.select(AuditRow).order_by(AuditRow.seq)))


def assert_unseen(api: Api, thread_id: str, hit_id: str) -> None:
    """The unrelated agency and the hub's staff see nothing of the thread, hit or judgement."""
    unknown = "11111111-2222-4333-8444-555555555555"
    for who in ("unrelated", "compliance"):
        assert api.get(who, "/threads").json()["total"] == 0
        for path in ("/threads/{}", "/hits/{}/judgement"):
            ident = thread_id if path.startswith("/threads") else hit_id
            hidden = api.get(who, path.format(ident))
            made_up = api.get(who, path.format(unknown))
            assert hidden.status_code == made_up.status_code == 404, (who, path)
            assert hidden.text.replace(ident, "X") == made_up.text.replace(unknown, "X")
        assert inbox(api, who)["total"] == 0
    r = api.post("unrelated", f"/threads/{thread_id}/messages", json={"body": "hello?"})
    assert r.status_code == 404
    assert api.post("unrelated", f"/hits/{hit_id}/thread", json={}).status_code == 404
    assert hits(api, "unrelated", "received") == hits(api, "unrelated", "sent") == []
    assert api.get("hub_admin", "/threads").status_code == 403
    assert api.get("hub_admin", f"/threads/{thread_id}").status_code == 403


def test_hit_thread_judgement_and_no_repeat_hit(api: Api) -> None:
    record_id = person(
        api.world,
        "owner",
        "Youssef Hammouchi",
        properties={"name": ["Youssef Hammouchi"], "birthDate": ["1979-03-02"]},
        **SHARED,
    )
    no_police = api.world.agency_ids["NO-POLICE"]

    # 1. The partner searches and hits the owner's record; the owner is told who, when, why.
    found = match(api, "partner")
    assert found["id"] == record_id and found["judgement"] is None
    (hit,) = hits(api, "partner", "sent")
    assert hit["verdict"] is None
    assert hits(api, "owner", "received")[0]["id"] == hit["id"]
    (told,) = inbox(api, "owner")["items"]
    assert told["kind"] == "hit" and told["refs"]["hit"] == hit["id"]
    assert "NO-POLICE" in told["title"] and WHY["justification"] in told["body"]
    assert inbox(api, "partner")["total"] == 0

    # 2. The searcher opens the hit's thread; the owner joins the same one.
    r = api.post(
        "partner",
        f"/hits/{hit['id']}/thread",
        json={
            "message": {"body": "Is this your subject?", "refs": [{"kind": "hit", "id": hit["id"]}]}
        },
    )
    assert r.status_code == 200, r.text
    thread = r.json()
    assert thread["hit_id"] == hit["id"] and thread["status"] == "open"
    assert sorted(thread["parties"]) == sorted([no_police, api.world.agency_ids["MA-NCB"]])
    assert "Hammouchi" not in thread["subject"]
    (request,) = [n for n in inbox(api, "owner")["items"] if n["kind"] == "request"]
    assert request["refs"] == {"thread": thread["id"]}
    assert api.get("owner", "/threads").json()["items"][0]["unread"] == 1
    joined = api.post("owner", f"/hits/{hit['id']}/thread", json={})
    assert joined.status_code == 200 and joined.json()["id"] == thread["id"]

    # 3. The owner answers with a reference to its record; the thread is answered.
    r = api.post(
        "owner",
        f"/threads/{thread['id']}/messages",
        json={"body": "We hold this person.", "refs": [{"kind": "record", "id": record_id}]},
    )
    assert r.status_code == 201, r.text
    seen = api.get("partner", f"/threads/{thread['id']}").json()
    assert seen["status"] == "answered"
    assert seen["messages"][1]["refs"] == [
        {"kind": "record", "id": record_id, "available": True, "label": "Youssef Hammouchi"}
    ]
    # The owner sees that the partner read its answer; the partner sees no receipts of it.
    assert seen["messages"][1]["read_by"] is None
    mine = api.get("owner", f"/threads/{thread['id']}").json()["messages"][1]
    assert [x["agency_id"] for x in mine["read_by"]] == [no_police]

    # 4. The owner judges: not the same person. Both sides see it; the searcher is told.
    verdict = {"verdict": "rejected", "reason": "different birth place; fingerprints differ"}
    r = api.post("partner", f"/hits/{hit['id']}/judgement", json=verdict)
    assert r.status_code == 403  # the searcher does not judge the owner's data
    r = api.post("owner", f"/hits/{hit['id']}/judgement", json=verdict)
    assert r.status_code == 200, r.text
    judgement = r.json()
    assert api.get("partner", f"/hits/{hit['id']}/judgement").json() == judgement
    for who, direction in (("partner", "sent"), ("owner", "received")):
        assert [h["verdict"] for h in hits(api, who, direction)] == ["rejected"]
    assert api.get("partner", f"/threads/{thread['id']}").json()["judgement"] == judgement
    told = [n for n in inbox(api, "partner", unread=True)["items"] if n["kind"] == "judgement"]
    assert len(told) == 1
    assert "not the same person" in told[0]["title"] and verdict["reason"] in told[0]["body"]

    # 5. The same query (spelt differently) raises no new hit and tells the owner nothing;
    # the searcher's result carries the owner's answer.
    owner_inbox = inbox(api, "owner")["total"]
    again = match(
        api,
        "partner",
        {
            "schema": "Person",
            "properties": {"name": ["  youssef HAMMOUCHI"], "birthDate": ["1979"]},
        },
    )
    assert again["judgement"] == judgement
    last_search = [r for r in actions(api) if r.action == "match.run"][-1]
    assert last_search.detail == {"queries": 1, "hits": 0, "judged": 1}
    assert len(hits(api, "partner", "sent")) == 1
    assert len(hits(api, "owner", "received")) == 1
    assert inbox(api, "owner")["total"] == owner_inbox
    # A different query (another name known for the person) is a new pair: a new hit.
    other = {"schema": "Person", "properties": {"name": ["Youssef Hammouchi", "Youssef Hamouchi"]}}
    assert match(api, "partner", other)["judgement"] is None
    assert len(hits(api, "partner", "sent")) == 2

    assert_unseen(api, thread["id"], hit["id"])

    # 6. Every step is in the audit log, with the ids and recipients it concerns.
    log = actions(api)
    by_action = {row.action: row for row in log}
    for action in (
        "match.run",
        "hit.list_received",
        "hit.thread_open",
        "hit.thread_join",
        "thread.post",
        "thread.read",
        "thread.list",
        "hit.judge",
        "hit.judgement_read",
        "notification.list",
    ):
        assert action in by_action, action
    assert hit["id"] in by_action["hit.judge"].object_ids
    assert by_action["hit.judge"].recipients == [no_police]
    post = next(r for r in log if r.action == "thread.post")
    assert post.recipients == [no_police] and thread["id"] in post.object_ids
    opened = next(r for r in log if r.action == "hit.thread_open")
    assert opened.agency_id == no_police and hit["id"] in opened.object_ids


def test_blind_hit_follow_up_never_reveals_the_record(api: Api) -> None:
    record_id = person(
        api.world,
        "owner",
        "Youssef Hammouchi",
        properties={"name": ["Youssef Hammouchi"], "birthDate": ["1979-03-02"]},
        blind_hits=True,
    )
    found = match(api, "partner")
    assert found["blind"] and found["id"] != record_id
    (hit,) = hits(api, "partner", "sent")
    assert hit["record_id"] is None
    thread = api.post("partner", f"/hits/{hit['id']}/thread", json={}).json()

    # The searcher cannot reference what it cannot see; the owner's reference reaches the
    # searcher as "unavailable", without the id.
    r = api.post(
        "partner",
        f"/threads/{thread['id']}/messages",
        json={"body": "this one?", "refs": [{"kind": "record", "id": record_id}]},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == "refs[0].id"
    api.post(
        "owner",
        f"/threads/{thread['id']}/messages",
        json={"body": "See our file.", "refs": [{"kind": "record", "id": record_id}]},
    )
    text = api.get("partner", f"/threads/{thread['id']}").text
    assert record_id not in text
    assert '"available":false' in text.replace(" ", "")

    r = api.post(
        "owner", f"/hits/{hit['id']}/judgement", json={"verdict": "confirmed", "reason": "same"}
    )
    assert r.status_code == 200
    assert record_id not in api.get("partner", f"/hits/{hit['id']}/judgement").text
    again = match(api, "partner")
    assert again["blind"] and again["judgement"]["verdict"] == "confirmed"
    assert record_id not in str(again)
    assert len(hits(api, "partner", "sent")) == 1


def test_identifier_checks_are_judged_too(api: Api) -> None:
    holder = person(api.world, "owner", "Amina Tazi", **SHARED)
    passport = {
        "schema": "Passport",
        "properties": {"number": ["AB1234567"], "holder": [holder]},
        **SHARED,
    }
    r = api.post("owner", "/records", json=passport)
    assert r.status_code == 201, r.text
    check = {"kind": "document", "value": "ab 1234567"}
    assert api.post("partner", "/check", params=WHY, json=check).json()["hit"] is True
    (hit,) = hits(api, "partner", "sent")
    api.post(
        "owner",
        f"/hits/{hit['id']}/judgement",
        json={"verdict": "rejected", "reason": "forged copy"},
    )
    answer = api.post("partner", "/check", params=WHY, json=check).json()
    assert answer["hit"] is True
    assert [j["verdict"] for j in answer["judgements"]] == ["rejected"]
    assert len(hits(api, "partner", "sent")) == 1


def test_an_agency_brought_into_a_hit_thread_reads_messages_not_the_hit(api: Api) -> None:
    person(api.world, "owner", "Youssef Hammouchi", **SHARED)
    match(api, "partner")
    (hit,) = hits(api, "partner", "sent")
    r = api.post("partner", f"/hits/{hit['id']}/thread")  # no body: no first message
    assert r.status_code == 200, r.text
    thread = r.json()
    api.post("owner", f"/hits/{hit['id']}/judgement", json={"verdict": "rejected", "reason": "no"})
    added = {"agency": "SN-NCB", "reason": "the subject's associate is in Dakar"}
    assert api.post("owner", f"/threads/{thread['id']}/parties", json=added).status_code == 200
    seen = api.get("unrelated", f"/threads/{thread['id']}").json()
    assert seen["judgement"] is None
    assert api.get("unrelated", f"/hits/{hit['id']}/judgement").status_code == 404
    assert api.post("unrelated", f"/hits/{hit['id']}/thread").status_code == 404
    assert (
        api.get("partner", f"/threads/{thread['id']}").json()["judgement"]["verdict"] == "rejected"
    )

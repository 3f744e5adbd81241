"""Requests for assistance over HTTP: parties, status, markings, references, attachments, read
receipts. MA-NCB (owner) asks NO-POLICE (partner); SN-NCB (unrelated) and the hub's staff are
outsiders until a party brings them in."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from api.conftest import SHARED, Api, person, state_of
from conftest import FakeClock

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def attached(content: bytes, media_type: str, filename: str = "file") -> dict[str, str]:
    return {
        "filename": filename,
        "media_type": media_type,
        "content": base64.b64encode(content).decode(),
    }


def open_thread(api: Api, who: str = "owner", **extra: Any) -> dict[str, Any]:
    body = {
        "subject": "Request for identification",
        "priority": "urgent",
        "parties": ["NO-POLICE"],
        "marking": {"tlp": "AMBER+STRICT", "handling": ["H0", "H2"]},
        "deadline": "2026-02-01",
        "message": {"body": "Please identify the subject in the attached statement."},
        **extra,
    }
    r = api.post(who, "/threads", json=body)
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


def test_markings_status_and_closing(api: Api, clock: FakeClock) -> None:
    thread = open_thread(api)
    tid = thread["id"]
    assert thread["status"] == "open" and thread["priority"] == "urgent"
    assert thread["deadline"] == "2026-02-01" and not thread["overdue"]
    clock.advance(days=30)  # the deadline has passed: the thread is overdue until closed
    first = thread["messages"][0]
    # The thread's marking is the default of every message; a message may carry its own.
    assert first["tlp"] == "AMBER+STRICT" and first["handling"] == ["H0", "H2"]
    r = api.post(
        "partner",
        f"/threads/{tid}/messages",
        json={"body": "Identified.", "marking": {"tlp": "RED", "handling": ["H1"]}},
    )
    assert r.status_code == 201 and r.json()["tlp"] == "RED"
    assert api.get("owner", f"/threads/{tid}").json()["status"] == "answered"
    api.post("owner", f"/threads/{tid}/messages", json={"body": "One more question."})
    assert api.get("owner", f"/threads/{tid}").json()["status"] == "open"

    closing = {"status": "closed", "reason": "answered in full"}
    assert api.post("partner", f"/threads/{tid}/status", json=closing).status_code == 403
    assert api.get("owner", "/threads").json()["items"][0]["overdue"] is True
    r = api.post("owner", f"/threads/{tid}/status", json=closing)
    assert r.status_code == 200 and r.json()["status"] == "closed"
    assert r.json()["overdue"] is False
    assert api.post("owner", f"/threads/{tid}/status", json=closing).status_code == 409
    r = api.post("partner", f"/threads/{tid}/messages", json={"body": "Late addition."})
    assert r.status_code == 409
    listed = api.get("partner", "/threads", params={"status": "closed"}).json()
    assert [t["id"] for t in listed["items"]] == [tid]
    assert api.get("partner", "/threads", params={"status": "open"}).json()["total"] == 0
    r = api.post("owner", f"/threads/{tid}/status", json={"status": "open"})
    assert r.status_code == 200 and r.json()["status"] == "open"


def test_attachments_are_hashed_sniffed_and_downloaded_by_parties_only(api: Api) -> None:
    message = {
        "body": "Statement and photo attached.",
        "attachments": [
            attached(PDF, "application/pdf", "statement.pdf"),
            attached(PNG, "image/png", "photo.png"),
        ],
    }
    thread = open_thread(api, message=message)
    files = {a["filename"]: a for a in thread["messages"][0]["attachments"]}
    assert files["statement.pdf"]["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert files["statement.pdf"]["size"] == len(PDF)
    r = api.get("partner", f"/attachments/{files['statement.pdf']['id']}")
    assert r.status_code == 200 and r.content == PDF
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["x-content-type-options"] == "nosniff"
    digest = base64.b64encode(hashlib.sha256(PDF).digest()).decode()
    assert r.headers["repr-digest"] == f"sha-256=:{digest}:"
    assert "attachment" in r.headers["content-disposition"]
    for who in ("unrelated", "compliance"):
        assert api.get(who, f"/attachments/{files['photo.png']['id']}").status_code == 404

    # Refused: too large, not what it says it is, a type the node does not take. Nothing is
    # written, not even the thread.
    before = state_of(api.world.db)
    limit = api.world.db.settings.max_attachment_bytes
    for bad, status in (
        (attached(b"a" * (limit + 1), "text/plain"), 413),
        (attached(PNG, "application/pdf"), 422),
        (attached(b"\xff\xfe\x00bad", "text/plain"), 422),
        (attached(b"<html><script>alert(1)</script>", "text/html"), 422),
        (attached(b"{not json", "application/json"), 422),
    ):
        r = api.post(
            "owner",
            "/threads",
            json={
                "subject": "x",
                "parties": ["NO-POLICE"],
                "message": {"body": "x", "attachments": [bad]},
            },
        )
        assert r.status_code == status, (bad["media_type"], r.text)
        assert r.json()["errors"][0]["loc"].startswith("message.attachments[0]")
    assert state_of(api.world.db) == before


def test_outsiders_see_nothing_until_a_party_brings_them_in(api: Api) -> None:
    record = person(api.world, "owner", "Karim Benali", **SHARED)
    thread = open_thread(
        api,
        message={"body": "About our subject.", "refs": [{"kind": "record", "id": record}]},
    )
    tid = thread["id"]
    for who in ("unrelated", "compliance"):
        assert api.get(who, "/threads").json() == {
            "items": [],
            "total": 0,
            "limit": 50,
            "offset": 0,
        }
        assert api.get(who, f"/threads/{tid}").status_code == 404
        assert api.get(who, "/notifications").json()["total"] == 0
    assert api.get("hub_admin", "/threads").status_code == 403

    # Only a supervisor of a party brings another agency in; it reads the history from then
    # on, but not what it may not see: the record reference is "unavailable", without its id.
    reason = {"agency": "SN-NCB", "reason": "the subject travelled through Dakar"}
    assert api.post("unrelated", f"/threads/{tid}/parties", json=reason).status_code == 404
    r = api.post("partner", f"/threads/{tid}/parties", json=reason)
    assert r.status_code == 200, r.text
    assert api.post("owner", f"/threads/{tid}/parties", json=reason).status_code == 409
    seen = api.get("unrelated", f"/threads/{tid}")
    assert seen.status_code == 200
    assert seen.json()["messages"][0]["refs"] == [
        {"kind": "record", "id": None, "available": False, "label": None}
    ]
    assert record not in seen.text and "Karim" not in seen.text
    (told,) = api.get("unrelated", "/notifications").json()["items"]
    assert told["kind"] == "request" and told["refs"] == {"thread": tid}
    # The hub's compliance officer still sees nothing: the hub is no party.
    assert api.get("compliance", f"/threads/{tid}").status_code == 404


def test_the_hub_reads_threads_it_is_party_to(api: Api) -> None:
    thread = open_thread(api, parties=["HUB"])
    assert api.get("compliance", f"/threads/{thread['id']}").status_code == 200
    assert api.get("partner", f"/threads/{thread['id']}").status_code == 404


def test_read_receipts_and_unread_counts(api: Api) -> None:
    thread = open_thread(api)
    tid = thread["id"]
    assert api.get("partner", "/threads").json()["items"][0]["unread"] == 1
    assert api.get("owner", "/threads").json()["items"][0]["unread"] == 0  # its own message
    assert api.get("owner", f"/threads/{tid}").json()["messages"][0]["read_by"] == []
    api.get("partner", f"/threads/{tid}")
    assert api.get("partner", "/threads").json()["items"][0]["unread"] == 0
    receipts = api.get("owner", f"/threads/{tid}").json()["messages"][0]["read_by"]
    partner = api.world.actors["partner"]
    assert [(r["agency_id"], r["user_id"]) for r in receipts] == [
        (partner.agency_id, partner.user_id)
    ]
    # Opening it again adds no second receipt; the reader sees no receipts of others' messages.
    seen = api.get("partner", f"/threads/{tid}").json()
    assert seen["messages"][0]["read_by"] is None
    assert len(api.get("owner", f"/threads/{tid}").json()["messages"][0]["read_by"]) == 1

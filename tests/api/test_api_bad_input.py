"""Bad input for every write endpoint: a clear 4xx problem naming the field, and nothing written
(every table's row count and the audit tree size are unchanged)."""

from __future__ import annotations

import base64
from typing import Any

from api.conftest import SHARED, Api, state_of

# Arabic, Latin, a right-to-left override, markup, NUL, and far too long.
HOSTILE = "يوسف Youssef \u202e<script>alert(1)</script>\x00" + "ا" * 10_000
# The same without NUL and within limits: legal data, kept and returned exactly.
ODD_BUT_LEGAL = "يوسف Youssef \u202e<script>alert(1)</script> \u200f«»"

PERSON: dict[str, Any] = {"schema": "Person", "properties": {"name": ["Amina"]}}
AGENCY = {"code": "TN-NCB", "kind": "ncb", "country": "TN", "name_en": "NCB Tunis"}
USER = {"username": "new.officer", "display_name": "New", "roles": ["officer"]}
AGREEMENT = {
    "title": "MoU",
    "parties": ["MA-NCB", "SN-NCB"],
    "crime_areas": ["fraud"],
    "valid_from": "2026-01-01",
}
MATCH = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Amina"]}}}}
LOGIN = {"username": "owner", "password": "long enough password", "totp": "123456"}  # H1
ENROL = {"username": "owner", "secret": "tse_" + "A" * 43, "password": "long enough password"}
NEW_PW = {"password": "long enough password", "new_password": "x" * 14, "totp": "123456"}
NOTICE = {"kind": "yellow", "title": "Missing person", "records": ["{record_mine}"]}


def with_(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    out = {**base, **changes}
    return {k: v for k, v in out.items() if v is not ...}


# H3: a request for assistance and its attachments (an oversized one, one whose content is not
# what its media type says, one that is not base64).
def _attached(content: bytes | str, media_type: str = "text/plain") -> dict[str, Any]:
    text = content if isinstance(content, str) else base64.b64encode(content).decode()
    return {"filename": "note.txt", "media_type": media_type, "content": text}


MESSAGE = {"body": "Please advise."}
THREAD = {"subject": "Request", "parties": ["NO-POLICE"], "message": MESSAGE}
TOO_BIG = _attached(b"a" * 1_000_001)


def _msg(**changes: Any) -> dict[str, Any]:
    return with_(MESSAGE, **changes)


THREAD_CASES: list[tuple[str, str, str, Any, int, str | None]] = [
    ("owner", "POST", "/threads", with_(THREAD, subject=...), 422, "subject"),
    ("owner", "POST", "/threads", with_(THREAD, subject=HOSTILE), 422, "subject"),
    ("owner", "POST", "/threads", with_(THREAD, parties=[]), 422, "parties"),
    ("owner", "POST", "/threads", with_(THREAD, parties=["MA-NCB"]), 422, "parties"),
    ("owner", "POST", "/threads", with_(THREAD, parties=["ZZ-NOPE"]), 422, "parties[0]"),
    ("owner", "POST", "/threads", with_(THREAD, priority="whenever"), 422, "priority"),
    ("owner", "POST", "/threads", with_(THREAD, deadline="2020-01-01"), 422, "deadline"),
    ("owner", "POST", "/threads", with_(THREAD, message=...), 422, "message"),
    ("owner", "POST", "/threads", with_(THREAD, message=_msg(body="")), 422, "message.body"),
    (
        "owner",
        "POST",
        "/threads",
        with_(THREAD, marking={"tlp": "RED", "handling": ["H3"]}),
        422,
        "marking.handling_note",
    ),
    (
        "owner",
        "POST",
        "/threads",
        with_(THREAD, message=_msg(refs=[{"kind": "record", "id": "{record_theirs}"}])),
        422,
        "message.refs[0].id",
    ),
    (
        "owner",
        "POST",
        "/threads",
        with_(THREAD, message=_msg(refs=[{"kind": "hit", "id": "no-such-hit"}])),
        422,
        "message.refs[0].id",
    ),
    (
        "owner",
        "POST",
        "/threads",
        with_(THREAD, message=_msg(attachments=[TOO_BIG])),
        413,
        "message.attachments[0].content",
    ),
    (
        "owner",
        "POST",
        "/threads",
        with_(THREAD, message=_msg(attachments=[_attached(b"<html>", "application/pdf")])),
        422,
        "message.attachments[0].content",
    ),
    (
        "owner",
        "POST",
        "/threads",
        with_(THREAD, message=_msg(attachments=[_attached(b"MZ", "application/x-msdownload")])),
        422,
        "message.attachments[0].media_type",
    ),
    (
        "owner",
        "POST",
        "/threads",
        with_(THREAD, message=_msg(attachments=[_attached("not base64!")])),
        422,
        "message.attachments[0].content",
    ),
    ("owner", "POST", "/threads/{thread_mine}/messages", {"body": ""}, 422, "body"),
    ("owner", "POST", "/threads/{thread_mine}/messages", _msg(tlp="RED"), 422, "tlp"),
    (
        "owner",
        "POST",
        "/threads/{thread_mine}/messages",
        _msg(refs=[{"kind": "person", "id": "x"}]),
        422,
        "refs[0].kind",
    ),
    (
        "partner",
        "POST",
        "/threads/{thread_mine}/messages",
        _msg(refs=[{"kind": "notice", "id": "{notice_draft}"}]),
        422,
        "refs[0].id",
    ),
    ("owner", "POST", "/threads/no-such-thread/messages", MESSAGE, 404, None),
    ("unrelated", "POST", "/threads/{thread_mine}/messages", MESSAGE, 404, None),
    ("owner", "POST", "/threads/{thread_mine}/status", {"status": "bogus"}, 422, "status"),
    ("owner", "POST", "/threads/{thread_mine}/status", {"status": "answered"}, 422, "status"),
    ("owner", "POST", "/threads/no-such-thread/status", {"status": "closed"}, 404, None),
    (
        "owner",
        "POST",
        "/threads/{thread_mine}/parties",
        {"agency": "ZZ-NOPE", "reason": "x"},
        422,
        "agency",
    ),
    ("owner", "POST", "/threads/{thread_mine}/parties", {"agency": "SN-NCB"}, 422, "reason"),
    ("owner", "POST", "/hits/{hit_mine}/thread", {"message": {"body": ""}}, 422, "message.body"),
    ("owner", "POST", "/hits/no-such-hit/thread", {}, 404, None),
    (
        "owner",
        "POST",
        "/hits/{hit_mine}/judgement",
        {"verdict": "maybe", "reason": "x"},
        422,
        "verdict",
    ),
    ("owner", "POST", "/hits/{hit_mine}/judgement", {"verdict": "rejected"}, 422, "reason"),
    (
        "owner",
        "POST",
        "/hits/{hit_mine}/judgement",
        {"verdict": "rejected", "reason": "  "},
        422,
        "reason",
    ),
    (
        "owner",
        "POST",
        "/hits/no-such-hit/judgement",
        {"verdict": "rejected", "reason": "x"},
        404,
        None,
    ),
    ("owner", "POST", "/notifications/no-such-notification/read", None, 404, None),
    ("owner", "POST", "/notifications/{notification_partner}/read", None, 404, None),
    ("owner", "POST", "/notifications/read-all?kind=bogus", None, 422, "kind"),
    ("owner", "PUT", "/notifications/prefs", {"email": "not an address"}, 422, "email"),
    ("owner", "PUT", "/notifications/prefs", {"email": "a@b.example\r\nBcc: x@y.z"}, 422, "email"),
    ("owner", "PUT", "/notifications/prefs", {"email_opt_in": True}, 422, "email"),
    ("owner_admin", "PUT", "/notifications/prefs", {"user": "{user_theirs}"}, 404, None),
]


# (caller, method, path, body, status, loc the problem must name); ``{name}`` in the path or in
# a string of the body is an id from the ``objects`` fixture; loc None: a 404 without fields.
CASES: list[tuple[str, str, str, Any, int, str | None]] = [
    # agencies
    ("hub_admin", "POST", "/agencies", with_(AGENCY, kind="bogus"), 422, "kind"),
    ("hub_admin", "POST", "/agencies", with_(AGENCY, country="XX"), 422, "country"),
    ("hub_admin", "POST", "/agencies", with_(AGENCY, country=["TN"]), 422, "country"),
    ("hub_admin", "POST", "/agencies", with_(AGENCY, name_en=...), 422, "name_en"),
    ("hub_admin", "POST", "/agencies", with_(AGENCY, name_en=5), 422, "name_en"),
    ("hub_admin", "POST", "/agencies", with_(AGENCY, name_en=HOSTILE), 422, "name_en"),
    ("hub_admin", "POST", "/agencies", with_(AGENCY, name_ar=HOSTILE[:40]), 422, "name_ar"),
    ("hub_admin", "POST", "/agencies", with_(AGENCY, code="tn ncb"), 422, "code"),
    ("hub_admin", "POST", "/agencies", with_(AGENCY, extra=1), 422, "extra"),
    (
        "hub_admin",
        "POST",
        "/agencies",
        with_(AGENCY, kind="national_agency", parent="ZZ-NOPE"),
        422,
        "parent",
    ),
    # users
    ("owner_admin", "POST", "/users", with_(USER, roles=["wizard"]), 422, "roles[0]"),
    ("owner_admin", "POST", "/users", with_(USER, roles="officer"), 422, "roles"),
    ("owner_admin", "POST", "/users", with_(USER, roles=[]), 422, "roles"),
    ("owner_admin", "POST", "/users", with_(USER, username=...), 422, "username"),
    ("owner_admin", "POST", "/users", with_(USER, username={"a": 1}), 422, "username"),
    ("owner_admin", "POST", "/users", with_(USER, display_name=HOSTILE), 422, "display_name"),
    ("owner_admin", "POST", "/users", with_(USER, agency="ZZ-NOPE"), 422, "agency"),
    ("owner_admin", "POST", "/users", with_(USER, is_admin=True), 422, "is_admin"),
    ("owner_admin", "PATCH", "/users/{user_mine}", {"active": "maybe"}, 422, "active"),
    ("owner_admin", "PATCH", "/users/{user_mine}", {"roles": [{"x": 1}]}, 422, "roles[0]"),
    ("owner_admin", "PATCH", "/users/{user_mine}", {"agency_id": "x"}, 422, "agency_id"),
    ("owner_admin", "PATCH", "/users/{user_mine}", {"display_name": HOSTILE}, 422, "display_name"),
    ("owner_admin", "PATCH", "/users/no-such-user", {"active": False}, 404, None),
    # tokens
    ("owner", "POST", "/tokens", {"days": 0}, 422, "days"),
    ("owner", "POST", "/tokens", {"days": "ten"}, 422, "days"),
    ("owner", "POST", "/tokens", {"label": HOSTILE}, 422, "label"),
    ("owner", "POST", "/tokens", {"label": ["a"]}, 422, "label"),
    ("owner_admin*", "POST", "/tokens", {"user": "no-such-user"}, 404, None),
    ("owner", "POST", "/tokens", {"expires_at": "2099-01-01"}, 422, "expires_at"),
    ("owner", "POST", "/tokens/no-such-token/revoke", None, 404, None),
    # agreements
    ("owner_admin", "POST", "/agreements", with_(AGREEMENT, parties=["MA-NCB"]), 422, "parties"),
    (
        "owner_admin",
        "POST",
        "/agreements",
        with_(AGREEMENT, parties=["MA-NCB", "ZZ-NOPE"]),
        422,
        "parties[1]",
    ),
    (
        "owner_admin",
        "POST",
        "/agreements",
        with_(AGREEMENT, crime_areas=["jaywalking"]),
        422,
        "crime_areas[0]",
    ),
    (
        "owner_admin",
        "POST",
        "/agreements",
        with_(AGREEMENT, crime_areas={"fraud": True}),
        422,
        "crime_areas",
    ),
    (
        "owner_admin",
        "POST",
        "/agreements",
        with_(AGREEMENT, valid_from="2026-13-45"),
        422,
        "valid_from",
    ),
    (
        "owner_admin",
        "POST",
        "/agreements",
        with_(AGREEMENT, valid_from=20260101),
        422,
        "valid_from",
    ),
    (
        "owner_admin",
        "POST",
        "/agreements",
        with_(AGREEMENT, valid_to="2025-01-01"),
        422,
        "valid_to",
    ),
    (
        "owner_admin",
        "POST",
        "/agreements",
        with_(AGREEMENT, data_categories=["planets"]),
        422,
        "data_categories[0]",
    ),
    ("owner_admin", "POST", "/agreements", with_(AGREEMENT, title=HOSTILE), 422, "title"),
    ("owner_admin", "POST", "/agreements", with_(AGREEMENT, title=...), 422, "title"),
    ("owner_admin", "POST", "/agreements", with_(AGREEMENT, accepted=True), 422, "accepted"),
    ("owner_admin", "POST", "/agreements/no-such-agreement/accept", None, 404, None),
    ("owner_admin", "POST", "/agreements/no-such-agreement/terminate", {"reason": "x"}, 404, None),
    ("owner_admin", "POST", "/agreements/{agreement_mine}/terminate", {}, 422, "reason"),
    (
        "owner_admin",
        "POST",
        "/agreements/{agreement_mine}/terminate",
        {"reason": " "},
        422,
        "reason",
    ),
    (
        "owner_admin",
        "POST",
        "/agreements/{agreement_mine}/terminate",
        {"reason": HOSTILE},
        422,
        "reason",
    ),
    ("owner_admin", "POST", "/agreements/{agreement_mine}/terminate", {"reason": 1}, 422, "reason"),
    # records
    ("owner", "POST", "/records", with_(PERSON, schema="Spaceship"), 422, "schema"),
    ("owner", "POST", "/records", with_(PERSON, schema="Thing"), 422, "schema"),
    ("owner", "POST", "/records", with_(PERSON, schema=...), 422, "schema"),
    ("owner", "POST", "/records", with_(PERSON, properties=...), 422, "properties"),
    (
        "owner",
        "POST",
        "/records",
        with_(PERSON, properties={"name": ["A"], "warpDrive": ["on"]}),
        422,
        "properties.warpDrive",
    ),
    (
        "owner",
        "POST",
        "/records",
        with_(PERSON, properties={"name": ["A"], "nationality": ["Atlantis"]}),
        422,
        "properties.nationality[0]",
    ),
    (
        "owner",
        "POST",
        "/records",
        with_(PERSON, properties={"name": ["A"], "birthDate": ["1979-13-45"]}),
        422,
        "properties.birthDate[0]",
    ),
    ("owner", "POST", "/records", with_(PERSON, properties={"name": [5]}), 422, "properties.name"),
    (
        "owner",
        "POST",
        "/records",
        with_(PERSON, properties={"name": {"a": "b"}}),
        422,
        "properties.name",
    ),
    (
        "owner",
        "POST",
        "/records",
        with_(PERSON, properties={"name": [HOSTILE]}),
        422,
        "properties.name[0]",
    ),
    (
        "owner",
        "POST",
        "/records",
        with_(PERSON, properties={"name": [HOSTILE[:60]]}),
        422,
        "properties.name[0]",
    ),
    (
        "owner",
        "POST",
        "/records",
        with_(PERSON, properties={"na\x00me": ["A"]}),
        422,
        "properties.na\x00me",
    ),
    ("owner", "POST", "/records", with_(PERSON, properties=["name", "A"]), 422, "properties"),
    ("owner", "POST", "/records", with_(PERSON, crime_areas={"a": 1}), 422, "crime_areas"),
    ("owner", "POST", "/records", with_(PERSON, crime_areas=["jaywalking"]), 422, "crime_areas[0]"),
    ("owner", "POST", "/records", with_(PERSON, owner_id="{record_theirs}"), 422, "owner_id"),
    ("owner", "POST", "/records", with_(PERSON, id="abc"), 422, "id"),
    (
        "owner",
        "POST",
        "/records",
        with_(PERSON, distribution={"kind": "agencies", "agencies": ["ZZ-NOPE"]}),
        422,
        "distribution.agencies[0]",
    ),
    (
        "owner",
        "POST",
        "/records",
        with_(PERSON, distribution={"kind": "everyone"}),
        422,
        "distribution.kind",
    ),
    ("owner", "POST", "/records", with_(PERSON, marking={"tlp": "PURPLE"}), 422, "marking.tlp"),
    (
        "owner",
        "POST",
        "/records",
        with_(PERSON, marking={"handling": ["H3"]}),
        422,
        "marking.handling_note",
    ),
    ("owner", "POST", "/records", with_(PERSON, review_date="tomorrow"), 422, "review_date"),
    ("owner", "POST", "/records", with_(PERSON, review_date="2040-01-01"), 422, "review_date"),
    (
        "owner",
        "POST",
        "/records",
        {"schema": "Passport", "properties": {"number": ["X1"], "holder": ["no-such-record"]}},
        422,
        "properties.holder[0]",
    ),
    (
        "owner",  # a record of another agency the owner cannot see is "unknown", like any other
        "POST",
        "/records",
        {"schema": "Passport", "properties": {"number": ["X1"], "holder": ["{record_theirs}"]}},
        422,
        "properties.holder[0]",
    ),
    (
        "owner",
        "PATCH",
        "/records/{record_mine}",
        {"properties": {"warpDrive": ["on"]}},
        422,
        "properties.warpDrive",
    ),
    (
        "owner",
        "PATCH",
        "/records/{record_mine}",
        {"properties": {"name": [HOSTILE]}},
        422,
        "properties.name[0]",
    ),
    ("owner", "PATCH", "/records/{record_mine}", {"schema": "Vehicle"}, 422, "schema"),
    (
        "owner",
        "PATCH",
        "/records/{record_mine}",
        {"marking": {"handling": ["H9"]}},
        422,
        "marking.handling[0]",
    ),
    ("owner", "PATCH", "/records/{record_mine}", {"blind_hits": {"x": 1}}, 422, "blind_hits"),
    ("owner", "PATCH", "/records/{record_mine}", {"owner_id": "{record_theirs}"}, 422, "owner_id"),
    ("owner", "PATCH", "/records/no-such-record", {"blind_hits": True}, 404, None),
    ("owner", "POST", "/records/{record_mine}/withdraw", {}, 422, "reason"),
    ("owner", "POST", "/records/{record_mine}/withdraw", {"reason": ""}, 422, "reason"),
    ("owner", "POST", "/records/{record_mine}/withdraw", {"reason": HOSTILE}, 422, "reason"),
    ("owner", "POST", "/records/no-such-record/withdraw", {"reason": "x"}, 404, None),
    # notices
    ("owner", "POST", "/notices", with_(NOTICE, kind="pink"), 422, "kind"),
    ("owner", "POST", "/notices", with_(NOTICE, records=[]), 422, "records"),
    ("owner", "POST", "/notices", with_(NOTICE, records="{record_mine}"), 422, "records"),
    ("owner", "POST", "/notices", with_(NOTICE, records=["no-such-record"]), 422, "records[0]"),
    ("owner", "POST", "/notices", with_(NOTICE, records=["{record_theirs}"]), 422, "records[0]"),
    ("owner", "POST", "/notices", with_(NOTICE, language="xx"), 422, "language"),
    ("owner", "POST", "/notices", with_(NOTICE, title=HOSTILE), 422, "title"),
    ("owner", "POST", "/notices", with_(NOTICE, title=...), 422, "title"),
    ("owner", "POST", "/notices", with_(NOTICE, status="published"), 422, "status"),
    (
        "owner",
        "POST",
        "/notices",
        with_(NOTICE, kind="diffusion", **SHARED),
        422,
        "distribution.kind",
    ),
    ("owner", "POST", "/notices", with_(NOTICE, summary=HOSTILE[:100]), 422, "summary"),
    (
        "owner",
        "PATCH",
        "/notices/{notice_draft}",
        {"records": ["no-such-record"]},
        422,
        "records[0]",
    ),
    ("owner", "PATCH", "/notices/{notice_draft}", {"language": 5}, 422, "language"),
    ("owner", "PATCH", "/notices/{notice_draft}", {"kind": "red"}, 422, "kind"),
    ("owner", "PATCH", "/notices/{notice_draft}", {"offences": [HOSTILE]}, 422, "offences[0]"),
    ("owner", "PATCH", "/notices/no-such-notice", {"title": "x"}, 404, None),
    ("owner", "POST", "/notices/{notice_draft}/transitions", {"action": "explode"}, 422, "action"),
    ("owner", "POST", "/notices/{notice_draft}/transitions", {}, 422, "action"),
    ("owner", "POST", "/notices/{notice_draft}/transitions", {"action": "withdraw"}, 422, "reason"),
    ("owner", "POST", "/notices/{notice_draft}/transitions", {"action": ["submit"]}, 422, "action"),
    ("owner", "POST", "/notices/no-such-notice/transitions", {"action": "submit"}, 404, None),
    # screening
    ("owner", "POST", "/match/{scope_hub}", MATCH, 422, "justification"),
    ("owner", "POST", "/match/{scope_hub}?justification=", MATCH, 422, "justification"),
    ("owner", "POST", "/match/{scope_hub}?justification=x", {"queries": ["q"]}, 422, "queries"),
    ("owner", "POST", "/match/{scope_hub}?justification=x&limit=0", MATCH, 422, "limit"),
    ("owner", "POST", "/match/no-such-agency?justification=x", MATCH, 404, None),
    ("owner", "POST", "/check?justification=x", {"kind": "document"}, 422, "value"),
    ("owner", "POST", "/check?justification=x", {"kind": "document", "value": ""}, 422, "value"),
    (
        "owner",
        "POST",
        "/check?justification=x",
        {"kind": "document", "value": HOSTILE},
        422,
        "value",
    ),
    ("owner", "POST", "/check", {"kind": "document", "value": "AB1234567"}, 422, "justification"),
    # H3: requests for assistance, hit follow-up, notifications
    *THREAD_CASES,
    # H4: notice review decisions and checks, record renewal
    *[
        ("compliance", "POST", "/review/notices/{notice_submitted}/decision", body, 422, loc)
        for body, loc in (
            ({"decision": "explode"}, "decision"),
            ({}, "decision"),
            ({"decision": ["publish"]}, "decision"),
            ({"decision": "reject"}, "reason"),
            ({"decision": "return", "reason": "   "}, "reason"),
            ({"decision": "block", "reason": HOSTILE * 3}, "reason"),
            ({"decision": "publish", "acknowledge": "article3"}, "acknowledge"),
            ({"decision": "publish", "acknowledge": ["x" * 41]}, "acknowledge[0]"),
            ({"decision": "publish", "status": "published"}, "status"),
        )
    ],
    (
        "compliance",
        "POST",
        "/review/notices/no-such-notice/decision",
        {"decision": "publish"},
        404,
        None,
    ),
    (
        "compliance",
        "POST",
        "/review/notices/{notice_draft}/decision",
        {"decision": "publish"},
        404,
        None,
    ),
    ("compliance", "POST", "/review/notices/no-such-notice/checks", None, 404, None),
    ("owner", "POST", "/records/{record_mine}/renew", {}, 422, "justification"),
    ("owner", "POST", "/records/{record_mine}/renew", {"justification": " "}, 422, "justification"),
    (
        "owner",
        "POST",
        "/records/{record_mine}/renew",
        {"justification": HOSTILE},
        422,
        "justification",
    ),
    ("owner", "POST", "/records/{record_mine}/renew", {"reason": "x"}, 422, "reason"),
    ("owner", "POST", "/records/no-such-record/renew", {"justification": "x"}, 404, None),
    # --- H1 (human login and enrolment): bad input is refused before any credential is
    # checked, so it neither counts as a failed login nor writes an audit entry.
    ("owner", "POST", "/sessions", with_(LOGIN, password=...), 422, "password"),
    ("owner", "POST", "/sessions", with_(LOGIN, totp="12345"), 422, "totp"),
    ("owner", "POST", "/sessions", with_(LOGIN, totp=123456), 422, "totp"),
    ("owner", "POST", "/sessions", with_(LOGIN, username=HOSTILE), 422, "username"),
    ("owner", "POST", "/sessions", with_(LOGIN, username="a\x00b"), 422, "username"),
    ("owner", "POST", "/sessions", with_(LOGIN, password="x" * 1025), 422, "password"),
    ("owner", "POST", "/sessions", with_(LOGIN, extra=1), 422, "extra"),
    (None, "POST", "/enrolment", with_(ENROL, password=...), 422, "password"),
    (None, "POST", "/enrolment", with_(ENROL, secret=["x"]), 422, "secret"),
    (None, "POST", "/enrolment/confirm", with_(ENROL, password=..., totp="abc"), 422, "totp"),
    ("owner", "POST", "/sessions/current/reauth", {"password": "x" * 12}, 422, "totp"),
    ("owner", "DELETE", "/sessions/current", None, 404, None),
    ("owner", "POST", "/sessions/current/password", {"password": "x" * 12}, 422, "new_password"),
    (
        "owner*",
        "POST",
        "/sessions/current/password",
        with_(NEW_PW, new_password="short"),
        422,
        "new_password",
    ),
    ("owner_admin*", "POST", "/users/no-such-user/enrolment", None, 404, None),
]


def _fill(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format_map(ids) if "{" in value and "}" in value else value
    if isinstance(value, dict):
        return {_fill(k, ids): _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


def _check(api: Api, ids: dict[str, str], case: tuple[Any, ...], **send: Any) -> list[str]:
    who, method, path, body, status, loc = case
    api.headers(who)  # a fresh session ("name*") is logged into before counting rows
    before = state_of(api.world.db)
    if "content" not in send and body is not None:
        send["json"] = _fill(body, ids)
    r = api.call(who, method, _fill(path, ids), **send)
    after = state_of(api.world.db)
    if r.status_code in (403, 404) and status == r.status_code:
        # H2: a refusal of an authenticated caller is logged, one audit entry and nothing else.
        before = {**before, "audit": before["audit"] + 1, "audit_log": before["audit_log"] + 1}
    label = f"{method} {path} {str(body)[:80]!r}"
    problems = []
    if r.status_code != status:
        problems.append(f"{label}: {r.status_code} (wanted {status}) {r.text[:300]}")
        return problems
    if r.headers["content-type"] != "application/problem+json":
        problems.append(f"{label}: content-type {r.headers['content-type']}")
    doc = r.json()
    if {"type", "title", "status", "detail", "instance"} - set(doc) or doc["status"] != status:
        problems.append(f"{label}: not a problem document: {doc}")
    if loc is not None:
        locs = [e["loc"] for e in doc.get("errors", [])]
        if loc not in locs:
            problems.append(f"{label}: errors name {locs}, not {loc!r}")
    if before != after:
        changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
        problems.append(f"{label}: wrote {changed}")
    return problems


def test_every_bad_input_is_a_clear_4xx_and_writes_nothing(
    api: Api, objects: dict[str, str]
) -> None:
    ids = {**objects, "scope_hub": "hub"}
    failures = [p for case in CASES for p in _check(api, ids, case)]
    assert not failures, "\n".join(failures)


def test_every_write_endpoint_is_covered(api: Api) -> None:
    doc = api.get(None, "/openapi.json").json()
    writes = {
        (m.upper(), p)
        for p, ops in doc["paths"].items()
        for m in ops
        if m in ("post", "patch", "put", "delete")
    }
    template = {(method, path.replace("{user_mine}", "{ref}")) for _, method, path, *_ in CASES}
    import re

    covered = {
        (m, re.sub(r"\{[a-z_]+\}|no-such-[a-z]+", "{}", p.split("?")[0])) for m, p in template
    }
    wanted = {(m, re.sub(r"\{[a-z_]+\}", "{}", p)) for m, p in writes}
    assert wanted <= covered, f"write endpoints without bad-input cases: {wanted - covered}"


BODY_ENDPOINTS = [
    ("hub_admin", "POST", "/agencies"),
    ("owner_admin", "POST", "/users"),
    ("owner_admin", "PATCH", "/users/{user_mine}"),
    ("owner", "POST", "/tokens"),
    ("owner_admin", "POST", "/agreements"),
    ("owner_admin", "POST", "/agreements/{agreement_mine}/terminate"),
    ("owner", "POST", "/records"),
    ("owner", "PATCH", "/records/{record_mine}"),
    ("owner", "POST", "/records/{record_mine}/withdraw"),
    ("owner", "POST", "/notices"),
    ("owner", "PATCH", "/notices/{notice_draft}"),
    ("owner", "POST", "/notices/{notice_draft}/transitions"),
    ("compliance", "POST", "/review/notices/{notice_submitted}/decision"),
    ("owner", "POST", "/records/{record_mine}/renew"),
    # H3: requests for assistance, judgements, notification preferences
    ("owner", "POST", "/threads"),
    ("owner", "POST", "/threads/{thread_mine}/messages"),
    ("owner", "POST", "/hits/{hit_mine}/judgement"),
    ("owner", "PUT", "/notifications/prefs"),
]


def test_malformed_oversized_and_mistyped_bodies(api: Api, objects: dict[str, str]) -> None:
    limit = api.world.db.settings.max_body_bytes
    big = b'{"x": "' + b"a" * limit + b'"}'

    def chunks() -> Any:  # no Content-Length: counted while it streams
        for _ in range(limit // 50_000 + 2):
            yield b"a" * 50_000

    json_type = {"content-type": "application/json"}
    cases = [
        ({"content": b'{"reason": "x", ', "headers": json_type}, 422, "body"),
        ({"content": b"", "headers": json_type}, 422, "body"),
        ({"content": b"[1, 2]", "headers": json_type}, 422, "body"),
        ({"content": b'{"reason": "x"}', "headers": {"content-type": "text/plain"}}, 415, None),
        (
            {
                "content": b"reason=x",
                "headers": {"content-type": "application/x-www-form-urlencoded"},
            },
            415,
            None,
        ),
        ({"content": b'{"reason": "x"}', "headers": {}}, 415, None),
        ({"content": big, "headers": json_type}, 413, None),
        ({"content": chunks(), "headers": json_type}, 413, None),
    ]
    failures = []
    for who, method, path in BODY_ENDPOINTS:
        for send, status, loc in cases:
            if not isinstance(send["content"], bytes):
                send = {**send, "content": chunks()}  # a generator is spent once
            failures += _check(api, objects, (who, method, path, None, status, loc), **send)
    assert not failures, "\n".join(failures)


def test_odd_but_legal_strings_are_kept_exactly(api: Api) -> None:
    body = with_(PERSON, properties={"name": [ODD_BUT_LEGAL]})
    r = api.post("owner", "/records", json=body)
    assert r.status_code == 201, r.text
    got = api.get("owner", f"/records/{r.json()['id']}")
    # Stored as given (FtM's name cleaning drops only invisible marks such as U+200F), returned
    # as JSON data, never as markup.
    assert got.headers["content-type"] == "application/json"
    (name,) = got.json()["properties"]["name"]
    assert name == r.json()["properties"]["name"][0]
    assert name.startswith("يوسف Youssef \u202e<script>alert(1)</script>")


def test_nul_in_path_or_query_is_a_422_on_every_backend(api: Api) -> None:
    before = state_of(api.world.db)
    for path, params in [
        ("/records/a%00b", {}),
        ("/records", {"q": "a\x00b"}),
        ("/records", {"schema": "Person\x00"}),
        ("/notices/%00", {}),
        ("/agencies/%00", {}),
        ("/records", {"q\x00": "x"}),
    ]:
        r = api.get("owner", path, params=params)
        assert r.status_code == 422, (path, params, r.text)
        assert r.json()["errors"][0]["msg"].startswith("contains a NUL")
    assert state_of(api.world.db) == before


def test_a_key_given_twice_is_refused(api: Api, objects: dict[str, str]) -> None:
    """Parsers disagree on which duplicate wins; the hub refuses to guess."""
    json_type = {"content-type": "application/json"}
    cases = [
        (
            "owner",
            "POST",
            "/records",
            b'{"schema": "Person", "properties": {"name": ["A"]},'
            b' "distribution": {"kind": "owner"}, "distribution": {"kind": "all"}}',
            "distribution",
        ),
        (
            "owner",
            "PATCH",
            "/records/{record_mine}",
            b'{"marking": {"tlp": "RED", "tlp": "CLEAR"}}',
            "tlp",
        ),
    ]
    failures = []
    for who, method, path, raw, loc in cases:
        send = {"content": raw, "headers": json_type}
        failures += _check(api, objects, (who, method, path, None, 422, loc), **send)
    assert not failures, "\n".join(failures)

"""The access matrix, generated from the app's own OpenAPI document.

``MATRIX`` gives, for every operation and each object it can be pointed at, the status every
caller must get. An operation in the OpenAPI document without a row fails the test, so a new
endpoint cannot ship without its access decisions written down; any 2xx the table does not
expect is reported as a leak.

Objects (see ``objects`` in conftest.py): ``mine`` belong to MA-NCB, the agency of ``owner`` and
``owner_admin``, and are shared with NO-POLICE (``partner``) under their agreement; ``theirs``
belong to SN-NCB (``unrelated``) alone. Writes that change what others see (withdraw,
terminate, submit) get objects of their own, and within a row the callers expected to succeed
go last, so the order of requests cannot change an answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.conftest import SHARED, Api, person
from conftest import FakeClock
from review.matrix import review_matrix_objects
from tanseeq.api.app import create_app
from tanseeq.schemas import AgreementIn, NoticeIn
from tanseeq.services import agreements, notices
from tanseeq.services.context import OPERATOR
from workflows.factories import workflow_matrix_objects

CALLERS = ("owner", "partner", "unrelated", "owner_admin", "hub_admin", "compliance", None, "bad")
PUBLIC = frozenset(
    {"/health", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
    | {"/sessions", "/enrolment", "/enrolment/confirm"}  # H1: login and enrolment
)

Body = Callable[[str | None, dict[str, str]], Any] | None


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    target: str | None  # which object the path's id names (a key of the ids fixture)
    expect: dict[str | None, int]
    body: Body = field(default=None, compare=False)
    query: dict[str, Any] = field(default_factory=dict, compare=False)


def row(
    method: str,
    path: str,
    target: str | None = None,
    body: Body = None,
    *,
    query: dict[str, Any] | None = None,
    owner: int,
    partner: int,
    unrelated: int,
    owner_admin: int,
    hub_admin: int,
    compliance: int,
    anonymous: int = 401,
) -> Row:
    expect: dict[str | None, int] = {
        "owner": owner,
        "partner": partner,
        "unrelated": unrelated,
        "owner_admin": owner_admin,
        "hub_admin": hub_admin,
        "compliance": compliance,
        None: anonymous,
        "bad": anonymous,
    }
    return Row(method, path, target, expect, body, query or {})


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(
        ("owner", "partner", "unrelated", "owner_admin", "hub_admin", "compliance"), status
    )


def only(status: int, default: int, **who: int) -> dict[str, int]:
    out = everyone(default)
    out.update({k: status if v == 1 else v for k, v in who.items()})
    return out


def fixed(body: Any) -> Body:
    return lambda _who, _ids: body


REASON = fixed({"reason": "matrix"})
# Compliance officers at the hub see the subjects of the notices they review (record_mine is
# the subject of notice_published), and nothing else.
READ_RECORD_MINE = dict(
    owner=200, partner=200, unrelated=404, owner_admin=403, hub_admin=403, compliance=200
)
READ_RECORD_THEIRS = dict(
    owner=404, partner=404, unrelated=200, owner_admin=403, hub_admin=403, compliance=404
)
READERS_ONLY = dict(
    owner=200, partner=200, unrelated=200, owner_admin=403, hub_admin=403, compliance=200
)
# H3: a thread or hit between MA-NCB (owner) and NO-POLICE (partner).
THREAD_MINE = dict(
    owner=200, partner=200, unrelated=404, owner_admin=403, hub_admin=403, compliance=404
)

WHY = {"justification": "matrix check"}
MATCH = fixed({"queries": {"q": {"schema": "Person", "properties": {"name": ["Rachid Alaoui"]}}}})
SEARCHERS = only(200, 403, owner=1, partner=1, unrelated=1)
READERS_REFUSED = only(422, 403, owner=1, partner=1, unrelated=1, compliance=1)

MATRIX: list[Row] = [
    row("GET", "/health", **everyone(200), anonymous=200),
    # agencies: a public directory for members; only the hub adds to it
    row("GET", "/agencies", **everyone(200)),
    row("GET", "/agencies/{ref}", "agency_mine", **everyone(200)),
    row("GET", "/agencies/{ref}", "agency_theirs", **everyone(200)),
    row(
        "POST",
        "/agencies",
        None,
        fixed({"code": "TN-NCB", "kind": "ncb", "country": "TN", "name_en": "NCB Tunis"}),
        **only(201, 403, hub_admin=1),
    ),
    # users
    row("GET", "/users", **only(200, 403, owner_admin=1, hub_admin=1)),
    row(
        "POST",
        "/users",
        None,
        lambda who, _ids: {"username": f"new.{who}", "display_name": "N", "roles": ["officer"]},
        **only(201, 403, owner_admin=1, hub_admin=1),
    ),
    row(
        "PATCH",
        "/users/{ref}",
        "user_mine",
        fixed({"display_name": "Renamed"}),
        **only(200, 403, owner_admin=1, hub_admin=1),
    ),
    row(
        "PATCH",
        "/users/{ref}",
        "user_theirs",
        fixed({"display_name": "Renamed"}),
        **only(200, 403, owner_admin=404, hub_admin=1),
    ),
    # tokens: everyone has their own; agency admins see and revoke their agency's
    row("GET", "/tokens", **everyone(200)),
    # Token creation and export want a fresh login session: with an API token, as here, every
    # caller is refused (403, re-authentication required); tests/auth/test_fresh_matrix.py has
    # the role decisions with fresh sessions.
    row("POST", "/tokens", None, fixed({"label": "matrix"}), **everyone(403)),
    row(
        "POST", "/tokens/{token_id}/revoke", "token_mine", **only(200, 404, owner=1, owner_admin=1)
    ),
    row("POST", "/tokens/{token_id}/revoke", "token_theirs", **only(200, 404, unrelated=1)),
    # agreements
    row("GET", "/agreements", **everyone(200)),
    row(
        "POST",
        "/agreements",
        None,
        fixed(
            {
                "title": "MoU",
                "parties": ["MA-NCB", "SN-NCB"],
                "crime_areas": ["fraud"],
                "valid_from": "2026-01-01",
            }
        ),
        **only(201, 403, owner_admin=1, hub_admin=1),
    ),
    row(
        "GET",
        "/agreements/{agreement_id}",
        "agreement_mine",
        owner=200,
        partner=200,
        unrelated=404,
        owner_admin=200,
        hub_admin=200,
        compliance=404,
    ),
    row(
        "GET",
        "/agreements/{agreement_id}",
        "agreement_theirs",
        owner=404,
        partner=200,
        unrelated=200,
        owner_admin=404,
        hub_admin=200,
        compliance=404,
    ),
    row(
        "POST",
        "/agreements/{agreement_id}/accept",
        "agreement_mine",
        **only(200, 403, owner_admin=1),
    ),
    row(
        "POST",
        "/agreements/{agreement_id}/accept",
        "agreement_theirs",
        **only(404, 403, owner_admin=1),
    ),
    row(
        "POST",
        "/agreements/{agreement_id}/terminate",
        "agreement_mine_ending",
        REASON,
        **only(200, 403, owner_admin=1, hub_admin=1),
    ),
    row(
        "POST",
        "/agreements/{agreement_id}/terminate",
        "agreement_theirs",
        REASON,
        **only(200, 403, owner_admin=404, hub_admin=1),
    ),
    # records
    row("GET", "/records", query=WHY, **READERS_ONLY),
    row(
        "POST",
        "/records",
        None,
        fixed({"schema": "Person", "properties": {"name": ["N"]}}),
        **only(201, 403, owner=1, partner=1, unrelated=1),
    ),
    row("GET", "/records/export", query=WHY, **everyone(403)),
    row("GET", "/records/{record_id}", "record_mine", **READ_RECORD_MINE),
    row("GET", "/records/{record_id}", "record_theirs", **READ_RECORD_THEIRS),
    row(
        "GET",
        "/records/{record_id}",
        "record_unknown",
        **only(404, 403, owner=1, partner=1, unrelated=1, compliance=1),
    ),
    row("GET", "/records/{record_id}/links", "record_mine", **READ_RECORD_MINE),
    row("GET", "/records/{record_id}/links", "record_theirs", **READ_RECORD_THEIRS),
    row(
        "PATCH",
        "/records/{record_id}",
        "record_mine",
        fixed({"properties": {"name": ["Renamed"]}}),
        owner=200,
        partner=403,
        unrelated=404,
        owner_admin=403,
        hub_admin=403,
        compliance=403,
    ),
    row(
        "PATCH",
        "/records/{record_id}",
        "record_theirs",
        fixed({"properties": {"name": ["Renamed"]}}),
        owner=404,
        partner=404,
        unrelated=200,
        owner_admin=403,
        hub_admin=403,
        compliance=403,
    ),
    row(
        "POST",
        "/records/{record_id}/withdraw",
        "record_mine_withdrawn",
        REASON,
        owner=200,
        partner=403,
        unrelated=404,
        owner_admin=403,
        hub_admin=403,
        compliance=403,
    ),
    row(
        "POST",
        "/records/{record_id}/withdraw",
        "record_theirs",
        REASON,
        owner=404,
        partner=404,
        unrelated=200,
        owner_admin=403,
        hub_admin=403,
        compliance=403,
    ),
    # notices
    row("GET", "/notices", **READERS_ONLY),
    row(
        "POST",
        "/notices",
        None,
        lambda _who, ids: {"kind": "yellow", "title": "T", "records": [ids["record_mine"]]},
        owner=201,
        partner=422,
        unrelated=422,
        owner_admin=403,
        hub_admin=403,
        compliance=403,
    ),
    row(
        "GET",
        "/notices/{notice_id}",
        "notice_published",
        owner=200,
        partner=200,
        unrelated=404,
        owner_admin=403,
        hub_admin=403,
        compliance=200,
    ),
    row(
        "GET",
        "/notices/{notice_id}",
        "notice_draft",
        owner=200,
        partner=404,
        unrelated=404,
        owner_admin=403,
        hub_admin=403,
        compliance=404,
    ),
    row(
        "GET",
        "/notices/{notice_id}",
        "notice_theirs",
        owner=404,
        partner=404,
        unrelated=200,
        owner_admin=403,
        hub_admin=403,
        compliance=404,
    ),
    row(
        "PATCH",
        "/notices/{notice_id}",
        "notice_draft",
        fixed({"title": "Renamed"}),
        owner=200,
        partner=404,
        unrelated=404,
        owner_admin=403,
        hub_admin=403,
        compliance=403,
    ),
    row(
        "PATCH",
        "/notices/{notice_id}",
        "notice_published",
        fixed({"title": "Renamed"}),
        owner=409,
        partner=403,
        unrelated=404,
        owner_admin=403,
        hub_admin=403,
        compliance=403,
    ),
    row(
        "PATCH",
        "/notices/{notice_id}",
        "notice_theirs",
        fixed({"title": "Renamed"}),
        owner=404,
        partner=404,
        unrelated=200,
        owner_admin=403,
        hub_admin=403,
        compliance=403,
    ),
    row(
        "POST",
        "/notices/{notice_id}/transitions",
        "notice_draft_submitted",
        fixed({"action": "submit"}),
        owner=200,
        partner=404,
        unrelated=404,
        owner_admin=403,
        hub_admin=404,
        compliance=404,
    ),
    row(
        "POST",
        "/notices/{notice_id}/transitions",
        "notice_submitted",
        fixed({"action": "publish"}),
        owner=403,
        partner=404,
        unrelated=404,
        owner_admin=403,
        hub_admin=404,
        compliance=200,
    ),
    row(
        "POST",
        "/notices/{notice_id}/transitions",
        "notice_published",
        fixed({"action": "suspend"}),  # no reason: refused on the role or as input, never done
        owner=422,
        partner=403,
        unrelated=404,
        owner_admin=403,
        hub_admin=404,  # an agreement the hub is no party to
        compliance=422,
    ),
    row(
        "POST",
        "/notices/{notice_id}/transitions",
        "notice_theirs_submitted",
        fixed({"action": "submit"}),
        owner=404,
        partner=404,
        unrelated=200,
        owner_admin=404,
        hub_admin=404,
        compliance=404,
    ),
    # audit: heads and proofs for every member (a head is signed before the key exists, so
    # the head row comes first); entries for compliance officers only
    row("GET", "/audit/head", **everyone(200)),
    row("GET", "/audit/key", **everyone(200)),
    row("GET", "/audit/proof/inclusion", query={"seq": 0}, **everyone(200)),
    row("GET", "/audit/proof/consistency", query={"old": 1, "new": 2}, **everyone(200)),
    row("GET", "/audit/entries", **only(200, 403, compliance=1)),
    # screening: officers, analysts and supervisors search; a justification is always given
    row("POST", "/match/{scope}", "scope_hub", MATCH, query=WHY, **SEARCHERS),
    row("POST", "/match/{scope}", "scope_mine", MATCH, query=WHY, **SEARCHERS),
    row(
        "POST",
        "/match/{scope}",
        "scope_unknown",
        MATCH,
        query=WHY,
        **only(404, 403, owner=1, partner=1, unrelated=1),
    ),
    row(
        "POST",
        "/check",
        None,
        fixed({"kind": "document", "value": "AB1234567"}),
        query=WHY,
        **SEARCHERS,
    ),
    row("GET", "/hits", **READERS_ONLY),
    row("GET", "/hits", query={"direction": "sent"}, **READERS_ONLY),
    # --- H2 (justification everywhere): searches and exports without a reason are refused as
    # input (422 naming `justification`) before any role check; the unfiltered notice list is
    # the agency's inbox and needs none.
    row("GET", "/records", **everyone(422)),
    row("GET", "/records", query={"justification": "  "}, **READERS_REFUSED),
    row("GET", "/records/export", **everyone(422)),
    row("GET", "/notices", query={"kind": "yellow"}, **READERS_REFUSED),
    row("GET", "/notices", query={"kind": "yellow", **WHY}, **READERS_ONLY),
    row("POST", "/check", None, fixed({"kind": "document", "value": "AB1"}), **everyone(422)),
    # --- H3 (requests for assistance, hit follow-up, notifications): threads belong to the
    # readers of their party agencies (thread_mine: MA-NCB and NO-POLICE); the hub's staff and
    # other agencies get 404 like an unknown id. A hit is its searcher's (partner) and owner's.
    row("GET", "/threads", **READERS_ONLY),
    row(
        "POST",
        "/threads",
        None,
        fixed(
            {
                "subject": "Matrix request",
                "parties": ["MA-NCB", "SN-NCB"],
                "message": {"body": "Please advise."},
            }
        ),
        **only(201, 403, owner=1, partner=1, unrelated=1, compliance=1),
    ),
    row("GET", "/threads/{thread_id}", "thread_mine", **THREAD_MINE),
    row(
        "POST",
        "/threads/{thread_id}/messages",
        "thread_mine",
        fixed({"body": "Reply."}),
        **{**THREAD_MINE, "owner": 201, "partner": 201},
    ),
    row(
        "POST",
        "/threads/{thread_id}/status",
        "thread_mine_closing",
        fixed({"status": "closed", "reason": "matrix"}),
        **{**THREAD_MINE, "partner": 403},  # only the initiating agency closes
    ),
    row(
        "POST",
        "/threads/{thread_id}/parties",
        "thread_mine_parties",
        lambda who, _ids: {"agency": "SN-NCB" if who == "owner" else "HUB", "reason": "matrix"},
        **{**THREAD_MINE, "compliance": 403},  # supervisors of a party agency
    ),
    row("GET", "/attachments/{attachment_id}", "attachment_mine", **THREAD_MINE),
    row(
        "POST",
        "/hits/{hit_id}/thread",
        "hit_mine",
        fixed({}),
        **{**THREAD_MINE, "compliance": 403},
    ),
    row(
        "POST",
        "/hits/{hit_id}/judgement",
        "hit_mine",
        fixed({"verdict": "rejected", "reason": "matrix"}),
        **{**THREAD_MINE, "partner": 403, "compliance": 403},  # the owner judges
    ),
    row("GET", "/hits/{hit_id}/judgement", "hit_mine", **THREAD_MINE),
    row("GET", "/notifications", **everyone(200)),
    row("POST", "/notifications/read-all", **everyone(200)),
    row(
        "POST",
        "/notifications/{notification_id}/read",
        "notification_partner",
        **only(200, 404, partner=1),
    ),
    row("GET", "/notifications/prefs", **everyone(200)),
    row(
        "PUT",
        "/notifications/prefs",
        None,
        fixed({"email": "duty@police.example", "email_opt_in": True}),
        **everyone(200),
    ),
    # --- H1 (human login): the login and enrolment are public (a token changes nothing, and
    # wrong credentials are a 401 for everyone); the current session is 404 to API tokens;
    # issuing an enrolment wants a fresh session (403 with a token, whatever the role).
    row(
        "POST",
        "/sessions",
        None,
        lambda who, _ids: {"username": f"matrix.{who}", "password": "x" * 12, "totp": "000000"},
        **everyone(401),
    ),
    row(
        "POST",
        "/enrolment",
        None,
        fixed({"username": "owner", "secret": "tse_" + "A" * 43, "password": "x" * 14}),
        **everyone(401),
    ),
    row(
        "POST",
        "/enrolment/confirm",
        None,
        fixed({"username": "owner", "secret": "tse_" + "A" * 43, "totp": "000000"}),
        **everyone(401),
    ),
    row("GET", "/sessions/current", **everyone(404)),
    row(
        "POST",
        "/sessions/current/reauth",
        None,
        fixed({"password": "x" * 12, "totp": "000000"}),
        **everyone(404),
    ),
    row(
        "POST",
        "/sessions/current/password",
        None,
        fixed({"password": "x" * 12, "new_password": "y" * 14, "totp": "000000"}),
        **everyone(404),
    ),
    row("DELETE", "/sessions/current", **everyone(404)),
    row("POST", "/users/{ref}/enrolment", "user_mine", **everyone(403)),
    row("POST", "/users/{ref}/enrolment", "user_theirs", **everyone(403)),
    # --- H4 (notice review, retention): the queue, checks and decisions are for compliance
    # officers of the hub secretariat alone (403 for every other role, 404 for a notice they
    # do not review); renewing a record is its owner's supervisors'.
    row("GET", "/review/notices", **only(200, 403, compliance=1)),
    row("GET", "/review/notices/{notice_id}", "notice_review", **only(200, 403, compliance=1)),
    row("GET", "/review/notices/{notice_id}", "notice_theirs", **only(404, 403, compliance=1)),
    row(
        "POST",
        "/review/notices/{notice_id}/checks",
        "notice_review",
        **only(200, 403, compliance=1),
    ),
    row(
        "POST",
        "/review/notices/{notice_id}/checks",
        "notice_theirs",
        **only(404, 403, compliance=1),
    ),
    row(
        "POST",
        "/review/notices/{notice_id}/decision",
        "notice_theirs",
        fixed({"decision": "reject", "reason": "matrix"}),
        **only(404, 403, compliance=1),
    ),
    row(
        "POST",
        "/review/notices/{notice_id}/decision",
        "notice_review",
        fixed({"decision": "return", "reason": "matrix"}),
        **only(200, 403, compliance=1),
    ),
    row(
        "POST",
        "/records/{record_id}/renew",
        "record_mine",
        fixed({"justification": "matrix"}),
        **only(403, 403, owner=200, unrelated=404),
    ),
    row(
        "POST",
        "/records/{record_id}/renew",
        "record_theirs",  # withdrawn by a row above: nothing to renew
        fixed({"justification": "matrix"}),
        **only(403, 403, owner=404, partner=404, unrelated=409),
    ),
]


@pytest.fixture
def ids(api: Api, objects: dict[str, str]) -> dict[str, str]:
    """The shared objects plus some that a row may change for good."""
    world, db, a = api.world, api.world.db, api.world.actors
    out = dict(objects)
    out["agency_mine"] = "MA-NCB"
    out["agency_theirs"] = world.agency_ids["SN-NCB"]
    out["record_unknown"] = "00000000-0000-4000-8000-000000000000"
    out["scope_hub"] = "hub"
    out["scope_mine"] = "MA-NCB"
    out["scope_unknown"] = "XX-NOWHERE"
    out["record_mine_withdrawn"] = person(world, "owner", "Rachid Alaoui", **SHARED)
    out["agreement_mine_ending"] = agreements.create(
        db,
        OPERATOR,
        AgreementIn(
            title="Second MoU",
            parties=["MA-NCB", "NO-POLICE"],
            crime_areas=["fraud"],
            valid_from=date(2026, 1, 1),
        ),
    ).id
    for name, who, record in (
        ("notice_draft_submitted", "owner", out["record_mine"]),
        ("notice_theirs_submitted", "unrelated", out["record_theirs"]),
    ):
        data = {"kind": "yellow", "title": "Missing", "records": [record]}
        out[name] = notices.create(db, a[who], NoticeIn.model_validate(data)).id
    out.update(workflow_matrix_objects(world))  # H3: threads a row may close or extend
    out.update(review_matrix_objects(world))  # H4: a submitted notice a row decides
    return out


def _operations(api: Api | TestClient) -> set[tuple[str, str]]:
    client = api.client if isinstance(api, Api) else api
    doc = client.get("/openapi.json").json()
    return {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}


def test_every_operation_has_its_access_decisions_written_down(make_db: Any) -> None:
    operations = _operations(TestClient(create_app(db=make_db())))
    in_table = {(r.method, r.path) for r in MATRIX}
    missing = operations - in_table
    assert not missing, f"operations without a row in MATRIX: {sorted(missing)}"
    stale = in_table - operations
    assert not stale, f"rows for operations that do not exist: {sorted(stale)}"


def test_access_matrix(api: Api, ids: dict[str, str]) -> None:
    api.world.tokens["bad"] = "tsq_" + "A" * 43
    assert _operations(api) <= {(r.method, r.path) for r in MATRIX}
    mismatches, leaks = [], []
    for r in MATRIX:
        path = r.path
        if r.target is not None:
            path = path.replace(path[path.index("{") : path.index("}") + 1], ids[r.target])
        # Those expected to succeed go last: a successful write cannot change another answer.
        for who in sorted(CALLERS, key=lambda c: 200 <= r.expect[c] < 300):
            kw: dict[str, Any] = {"params": r.query}
            if r.body is not None:
                kw["json"] = r.body(who, ids)
            got = api.call(who, r.method, path, **kw)
            want = r.expect[who]
            where = f"{r.method} {r.path} [{r.target}] as {who}: {got.status_code}, want {want}"
            if got.status_code != want:
                mismatches.append(f"{where} {got.text[:200]}")
                if 200 <= got.status_code < 300:
                    leaks.append(where)
            elif got.status_code >= 400:
                assert got.headers["content-type"] == "application/problem+json", where
    assert not leaks, "unexpected 2xx:\n" + "\n".join(leaks)
    assert not mismatches, "\n".join(mismatches)


def test_refusals_give_no_hint_whether_the_object_exists(api: Api, ids: dict[str, str]) -> None:
    """Unknown and invisible answer alike: same status, same body but for the id itself."""
    for who, hidden in (
        ("unrelated", ids["record_mine"]),
        ("compliance", ids["record_theirs"]),
        ("hub_admin", ids["record_mine"]),
        ("partner", ids["notice_draft"]),
    ):
        kind = (
            "notices" if hidden.startswith("notice") or hidden == ids["notice_draft"] else "records"
        )
        unknown = "11111111-2222-4333-8444-555555555555"
        a = api.get(who, f"/{kind}/{hidden}")
        b = api.get(who, f"/{kind}/{unknown}")
        assert a.status_code == b.status_code and a.status_code in (403, 404), (who, a.text)
        assert a.headers == b.headers or (
            {k: v for k, v in a.headers.items() if k != "content-length"}
            == {k: v for k, v in b.headers.items() if k != "content-length"}
        )
        assert a.text.replace(hidden, "ID") == b.text.replace(unknown, "ID")


def test_only_issued_live_tokens_authenticate(
    api: Api, objects: dict[str, str], clock: FakeClock
) -> None:
    world = api.world
    owner_token = world.tokens["owner"]
    revoked = api.post("owner*", "/tokens", json={"label": "to revoke"}).json()
    api.post("owner", f"/tokens/{revoked['id']}/revoke")
    short = api.post("owner*", "/tokens", json={"label": "short", "days": 1}).json()
    some_token_row = next(t for t in api.get("owner", "/tokens").json() if t["label"] == "spare")
    credentials = {
        "revoked": f"Bearer {revoked['token']}",
        "user id": f"Bearer {world.actors['owner'].user_id}",
        "token row id": f"Bearer {some_token_row['id']}",
        "prefixed user id": f"Bearer tsq_{world.actors['owner'].user_id}",
        "prefixed token row id": f"Bearer tsq_{some_token_row['id']}",
        "agency id": f"Bearer {world.agency_ids['MA-NCB']}",
        "token without scheme": owner_token,
        "basic scheme": f"Basic {owner_token}",
        "token with junk": f"Bearer {owner_token}x",
        "empty bearer": "Bearer ",
        "bearer twice": f"Bearer Bearer {owner_token}",
    }
    clock.advance(days=2)
    credentials["expired"] = f"Bearer {short['token']}"
    operations = sorted(_operations(api))
    failures = []
    for method, template in operations:
        if template in PUBLIC:
            continue
        path = template
        for name in ("record_id", "notice_id", "agreement_id", "token_id", "ref"):
            path = path.replace("{" + name + "}", objects["record_mine"])
        for label, header in credentials.items():
            got = api.client.request(method, path, headers={"Authorization": header}, json={})
            if got.status_code != 401:
                failures.append(f"{method} {template} with {label}: {got.status_code}")
        # Credentials anywhere but the Authorization header are not credentials.
        got = api.client.request(
            method, path, params={"token": owner_token}, cookies={"token": owner_token}, json={}
        )
        if got.status_code != 401:
            failures.append(f"{method} {template} with token in query/cookie: {got.status_code}")
    assert not failures, "\n".join(failures)
    assert api.get("owner", "/tokens").status_code == 200  # the real one still works


HEADER_VARIANTS: list[dict[str, str]] = [
    {"Accept": "application/json"},
    {"Accept": "text/html"},
    {"X-HTTP-Method-Override": "GET"},
    {"X-Method-Override": "GET"},
    {"synchronized-upsert": "true"},
    {"X-Forwarded-For": "127.0.0.1", "X-Real-IP": "127.0.0.1"},
    {"X-Tanseeq-Agency": "MA-NCB", "X-User": "owner"},
    {"Content-Type": "application/merge-patch+json"},
    {"Content-Type": "application/json; charset=latin-1"},
    {"Content-Type": "text/plain"},
]


def test_headers_methods_and_media_types_change_no_decision(api: Api, ids: dict[str, str]) -> None:
    """Refused requests stay refused, whatever else the request says about itself."""
    mine, draft = ids["record_mine"], ids["notice_draft"]
    refused = [
        ("partner", "PATCH", f"/records/{mine}", {"properties": {"name": ["X"]}}),
        ("partner", "POST", f"/records/{mine}/withdraw", {"reason": "x"}),
        ("unrelated", "PATCH", f"/records/{mine}", {"properties": {"name": ["X"]}}),
        (
            "owner",
            "POST",
            "/agencies",
            {"code": "TN-NCB", "kind": "ncb", "country": "TN", "name_en": "x"},
        ),
        ("owner_admin", "PATCH", f"/users/{ids['user_theirs']}", {"roles": ["agency_admin"]}),
        ("partner", "POST", f"/notices/{draft}/transitions", {"action": "submit"}),
    ]
    failures = []
    for who, method, path, body in refused:
        baseline = api.call(who, method, path, json=body).status_code
        assert baseline in (403, 404), (who, method, path, baseline)
        for headers in HEADER_VARIANTS:
            got = api.call(who, method, path, json=body, headers=headers).status_code
            if got < 400:
                failures.append(f"{who} {method} {path} with {headers}: {got}")
        # Nor does leaving fields out or sending them as null.
        variants = [{}, dict.fromkeys(body)]
        variants += [{k: v for k, v in body.items() if k != key} for key in body]
        for variant in variants:
            got = api.call(who, method, path, json=variant).status_code
            if got < 400:
                failures.append(f"{who} {method} {path} with body {variant}: {got}")
    # Other methods on a path are not another way in.
    for who, method, path in (
        ("unrelated", "HEAD", f"/records/{mine}"),
        ("unrelated", "PUT", f"/records/{mine}"),
        ("partner", "DELETE", f"/records/{mine}"),
        ("partner", "POST", f"/records/{mine}"),
        ("partner", "OPTIONS", f"/records/{mine}"),
    ):
        got = api.call(who, method, path, json={"properties": {"name": ["X"]}})
        if got.status_code != 405:
            failures.append(f"{who} {method} {path}: {got.status_code}")
    assert not failures, "\n".join(failures)
    assert api.get("owner", f"/records/{mine}").json()["properties"]["name"] != ["X"]

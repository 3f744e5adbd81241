"""Every search, match, screening and export says why (Directive 2016/680 Art. 25), and the
reason is in its audit entry. Without one the request is an input error naming
``justification`` and nothing runs or is written."""

from __future__ import annotations

from typing import Any

import pytest

from api.conftest import Api, state_of
from security.conftest import last_entries
from tanseeq.errors import Invalid
from tanseeq.services import screening

MATCH = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Youssef Hammouchi"]}}}}
CHECK = {"kind": "document", "value": "AB1234567"}

# (method, path, query without the justification, body, the audit action it writes)
SEARCHES: list[tuple[str, str, dict[str, Any], Any, str]] = [
    ("GET", "/records", {}, None, "record.search"),
    ("GET", "/records", {"q": "hammouchi"}, None, "record.search"),
    ("GET", "/records", {"schema": "Person"}, None, "record.search"),
    ("GET", "/records", {"owner": "MA-NCB", "limit": 5}, None, "record.search"),
    ("GET", "/records/export", {}, None, "record.export"),
    ("GET", "/notices", {"kind": "yellow"}, None, "notice.search"),
    ("GET", "/notices", {"status": "published"}, None, "notice.search"),
    ("POST", "/match/hub", {}, MATCH, "match.run"),
    ("POST", "/check", {}, CHECK, "match.check"),
]


def _entry_actions(api: Api) -> list[str]:
    return [e.action for e in last_entries(api.world.db, 5)]


@pytest.mark.parametrize("blank", [None, "", "   ", "\t\n"])
def test_searches_and_exports_without_a_reason_are_refused(
    api: Api, objects: dict[str, str], blank: str | None
) -> None:
    failures = []
    for method, path, query, body, _ in SEARCHES:
        params = dict(query) if blank is None else {**query, "justification": blank}
        before = state_of(api.world.db)
        r = api.call("partner", method, path, params=params, json=body)
        label = f"{method} {path} {params}"
        if r.status_code != 422:
            failures.append(f"{label}: {r.status_code} {r.text[:200]}")
            continue
        assert r.headers["content-type"] == "application/problem+json", label
        if "justification" not in [e["loc"] for e in r.json()["errors"]]:
            failures.append(f"{label}: errors {r.json()['errors']}")
        if state_of(api.world.db) != before:
            failures.append(f"{label}: wrote something")
    assert not failures, "\n".join(failures)


def test_the_reason_is_kept_in_the_audit_entry(api: Api, objects: dict[str, str]) -> None:
    for i, (method, path, query, body, action) in enumerate(SEARCHES):
        why = f"  case 2026/{i} (Rabat–Oslo)  "
        # A bulk export needs a fresh login session (H1's re-authentication), not a token.
        fresh = {"Authorization": f"Bearer {api.world.session('partner')}"}
        headers = fresh if path.endswith("/export") else {}
        r = api.call(
            "partner",
            method,
            path,
            params={**query, "justification": why},
            json=body,
            headers=headers,
        )
        assert r.status_code == 200, (path, r.text)
        entry = last_entries(api.world.db)[0]
        assert entry.action.startswith(action.split(".")[0]), (path, entry.action)
        assert entry.justification == why.strip(), (path, entry.justification)
        assert entry.user_id == api.world.actors["partner"].user_id


def test_reading_by_id_and_the_notice_inbox_need_no_reason(
    api: Api, objects: dict[str, str]
) -> None:
    """Decided: a get by id names its object in the log (the id came from a search, a hit or a
    notice that was itself justified); the unfiltered notice list is the inbox of notices
    addressed to the agency. Both are logged; a reason, when given, is kept."""
    assert api.get("partner", f"/records/{objects['record_mine']}").status_code == 200
    assert last_entries(api.world.db)[0].justification is None
    assert api.get("partner", "/notices").status_code == 200
    got = api.get(
        "partner", f"/notices/{objects['notice_published']}", params={"justification": "x"}
    )
    assert got.status_code == 200 and last_entries(api.world.db)[0].justification == "x"


def test_bulk_screening_needs_a_reason(api: Api) -> None:
    actor = api.world.actors["partner"]
    for blank in (None, "", "  "):
        with pytest.raises(Invalid) as refused:
            list(screening.screen_hub(api.world.db, actor, [], justification=blank))
        assert [e.loc for e in refused.value.errors] == ["justification"]

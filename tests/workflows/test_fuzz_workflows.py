"""The fuzzing of tests/api/test_api_fuzz.py over the workflow endpoints: mutated bodies and
foreign or garbage ids never give a 5xx, and a refused request writes nothing (a refused
authorisation only its audit entry)."""

from __future__ import annotations

import base64
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.conftest import Api
from api.test_api_fuzz import send_mutated

PDF = base64.b64encode(b"%PDF-1.4\n%%EOF\n").decode()
MESSAGE = {
    "body": "Please advise.",
    "marking": {"tlp": "AMBER", "handling": ["H0"]},
    "refs": [{"kind": "record", "id": "{record_mine}"}],
    "attachments": [{"filename": "a.pdf", "media_type": "application/pdf", "content": PDF}],
}
ENDPOINTS: list[tuple[str, str, str, dict[str, Any]]] = [
    (
        "owner",
        "POST",
        "/threads",
        {
            "subject": "Request",
            "priority": "urgent",
            "parties": ["NO-POLICE"],
            "deadline": "2026-03-01",
            "marking": {"tlp": "GREEN", "handling": ["H0"]},
            "message": MESSAGE,
        },
    ),
    ("owner", "POST", "/threads/{thread_mine}/messages", MESSAGE),
    ("owner", "POST", "/threads/{thread_mine}/status", {"status": "closed", "reason": "done"}),
    ("owner", "POST", "/threads/{thread_mine}/parties", {"agency": "SN-NCB", "reason": "x"}),
    ("partner", "POST", "/hits/{hit_mine}/thread", {"message": MESSAGE}),
    ("owner", "POST", "/hits/{hit_mine}/judgement", {"verdict": "rejected", "reason": "no"}),
    ("owner", "PUT", "/notifications/prefs", {"email": "a@b.example", "email_opt_in": True}),
]


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_mutated_workflow_bodies_never_fail_the_server(
    api: Api, objects: dict[str, str], data: st.DataObject
) -> None:
    send_mutated(api, objects, data, ENDPOINTS)


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    path=st.sampled_from(["/threads", "/notifications", "/notifications/prefs"]),
    params=st.dictionaries(
        st.sampled_from(["status", "unread", "limit", "offset", "user", "kind"]),
        st.text(max_size=20) | st.integers(-5, 2**70).map(str),
        max_size=3,
    ),
)
def test_list_parameters_never_fail_the_server(
    api: Api, objects: dict[str, str], path: str, params: dict[str, str]
) -> None:
    r = api.get("owner", path, params=params)
    assert r.status_code < 500, (path, params, r.text)

"""schemathesis over the app's own ``/openapi.json``: every operation, as real world users.

Each operation gets cases generated from its declared parameters and bodies (examples first),
sent in process (ASGI) with the token of a world user drawn from several roles, and sometimes
pointed at real objects of the world instead of generated ids, so the success paths answer
too. Every response must pass schemathesis' checks: no server error, a declared status code,
the declared content type, headers and body schema.

The backend follows ``TANSEEQ_TEST_DATABASE_URL`` (the ``api`` fixture's database), so the
same run covers SQLite and PostgreSQL. Generation is derandomized, so a run is reproducible;
``TANSEEQ_SCHEMATHESIS_EXAMPLES`` sets the cases per operation (default 20).
"""

from __future__ import annotations

import os
import traceback
from collections import Counter
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode, checks
from schemathesis.core import NOT_SET

from api.conftest import Api
from api.test_api_access import MATRIX
from api.test_api_access import ids as ids  # a fixture, found by name
from tanseeq.api.ratelimit import RateLimiter

NEGATIVE = GenerationMode.NEGATIVE
EXAMPLES = int(os.environ.get("TANSEEQ_SCHEMATHESIS_EXAMPLES", "20"))
# Several roles: data readers of two agencies, the reviewer, both kinds of admin.
ROLES = ("owner", "partner", "compliance", "hub_admin", "owner_admin")
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


def _run_operation(
    api: Api, operation: Any, targets: list[str], seen: Counter[int], answered: set[str]
) -> None:
    # API tokens, and for each role a fresh login session too: bulk export, token creation
    # and role changes answer only to a session (re-authentication).
    credentials = {**api.world.tokens, **{f"{w} session": api.world.session(w) for w in ROLES}}

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(
        # Valid input, and input that breaks the schema (the answer must still conform).
        case=operation.as_strategy() | operation.as_strategy(generation_mode=NEGATIVE),
        who=st.sampled_from([*ROLES, *(f"{w} session" for w in ROLES)]),
        target=st.none() | st.sampled_from(targets),
    )
    def run(case: Any, who: str, target: str | None) -> None:
        if target is not None and case.path_parameters:
            for name in case.path_parameters:
                case.path_parameters[name] = target
        headers = {"Authorization": f"Bearer {credentials[who]}"}
        response = case.call(headers=headers)
        seen[response.status_code] += 1
        if 200 <= response.status_code < 300:
            answered.add(operation.label)
        case.validate_response(response, checks=CHECKS, headers=headers)

    run()


def test_every_operation_keeps_its_schema(api: Api, objects: dict[str, str]) -> None:
    app = api.client.app
    # Thousands of requests at a frozen clock: no rate limit here (tests/security tests it).
    app.state.rate_limiter = RateLimiter(1e9, 10**9, api.world.db.clock)  # type: ignore[attr-defined]
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    targets = [*objects.values(), "hub", "MA-NCB", "SN-NCB"]
    failures: list[str] = []
    seen: Counter[int] = Counter()
    answered: set[str] = set()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30, len(operations)  # the whole API, not a filtered part of it
    for operation in operations:
        try:
            _run_operation(api, operation, targets, seen, answered)
        except BaseException as exc:  # collected: one report naming every broken operation
            if isinstance(exc, KeyboardInterrupt):
                raise
            text = "".join(traceback.format_exception_only(exc))
            failures.append(f"{operation.label}: {text[:3000]}")
    assert not failures, f"{len(failures)} operations break:\n" + "\n\n".join(failures)
    # Not a run of refusals only (the matrix test below covers every success path).
    assert len(answered) >= len(operations) // 3, (sorted(answered), seen)


def test_every_matrix_request_keeps_its_schema(
    api: Api,
    ids: dict[str, str],
) -> None:
    """The access matrix's requests (every operation, own and foreign objects, real bodies),
    as tokens and as fresh sessions of each role: the success answers that random generation
    rarely reaches are checked against the schema too."""
    app = api.client.app
    app.state.rate_limiter = RateLimiter(1e9, 10**9, api.world.db.clock)  # type: ignore[attr-defined]
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    credentials = {
        **{w: api.world.tokens[w] for w in ROLES},
        **{f"{w} session": api.world.session(w) for w in ROLES},
    }
    failures: list[str] = []
    seen: Counter[int] = Counter()
    for r in MATRIX:
        operation = schema[r.path][r.method]
        params = {}
        if r.target is not None:
            name = r.path[r.path.index("{") + 1 : r.path.index("}")]
            params = {name: ids[r.target]}
        for who, secret in credentials.items():
            body = r.body(who.split()[0], ids) if r.body is not None else NOT_SET
            case = schema.make_case(
                operation=operation,
                path_parameters=params,
                query=dict(r.query),
                body=body,
                media_type="application/json" if body is not NOT_SET else None,
            )
            headers = {"Authorization": f"Bearer {secret}"}
            response = case.call(headers=headers)
            seen[response.status_code] += 1
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except BaseException as exc:
                if isinstance(exc, KeyboardInterrupt):
                    raise
                text = "".join(traceback.format_exception_only(exc))
                failures.append(f"{r.method} {r.path} [{r.target}] as {who}: {text[:2000]}")
    assert not failures, f"{len(failures)} responses break the schema:\n" + "\n\n".join(failures)
    assert seen[200] + seen[201] > len(MATRIX), seen

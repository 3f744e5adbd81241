"""Backend-specific injection (MISP CVE-2021-39302: SQL injection on PostgreSQL only). The
whole suite runs on SQLite and PostgreSQL (``TANSEEQ_TEST_DATABASE_URL``); this test feeds
SQL and LIKE metacharacters through every text filter and checks the answers are the literal
matches, the same on both."""

from __future__ import annotations

from api.conftest import Api

NAMES = [
    "O'Brien; DROP TABLE records; --",
    "100% Hassan",
    "Under_score Amrani",
    "Back\\slash Idrissi",
    '"Quoted" Tazi',
    "$1 Bennani",
    "يوسف' OR '1'='1",
]


def test_metacharacters_are_literal_on_every_backend(api: Api) -> None:
    ids = {}
    for name in NAMES:
        r = api.post("owner", "/records", json={"schema": "Person", "properties": {"name": [name]}})
        assert r.status_code == 201, r.text
        ids[name] = r.json()["id"]
    why = {"justification": "injection check"}
    for q, want in [
        ("'", {NAMES[0], NAMES[6]}),
        ("%", {NAMES[1]}),
        ("_", {NAMES[2]}),
        ("\\", {NAMES[3]}),
        ('"', {NAMES[4]}),
        ("$1", {NAMES[5]}),
        ("' or '1'='1", {NAMES[6]}),
        ("drop table", {NAMES[0]}),
        ("%' --", set()),
    ]:
        r = api.get("owner", "/records", params={"q": q, "limit": 500, **why})
        assert r.status_code == 200, (q, r.text)
        got = {x["id"] for x in r.json()["items"]}
        assert got == {ids[n] for n in want}, (q, got)
    for value in ("' OR 1=1 --", "%", "_", "\\"):
        for path, params in (
            ("/records", {"schema": value}),
            ("/records", {"owner": value}),
            ("/notices", {"kind": value}),
            ("/notices", {"status": value}),
            ("/audit/entries", {"action": value}),
        ):
            who = "compliance" if path.startswith("/audit") else "owner"
            r = api.get(who, path, params={**params, **why})
            assert r.status_code in (200, 422), (params, r.text)
            if r.status_code == 200:
                assert r.json()["total"] == 0, params

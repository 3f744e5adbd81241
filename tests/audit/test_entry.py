"""Audit entries: the canonical bytes are pinned, validation names the field, secrets never pass."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tanseeq.audit import (
    AuditEntry,
    InvalidAuditEntry,
    SecretInAuditEntry,
    leaf_hash,
)

from .factories import T0, make_entry

# Pinned: changing the encoding would make every existing log unverifiable, so a change here
# must come with a new FORMAT_VERSION, never silently.
PINNED_BYTES = (
    '{"action":"record.share","agency_id":"MA-DGSN","at":"2026-11-23T09:00:00.123456Z",'
    '"detail":{"hits":3,"query":"محمد","terms":["a",1,true,null]},'
    '"justification":"طلب من الشريك","object_ids":["rec-1","rec-2"],"outcome":"ok",'
    '"recipients":["TN-DGSN"],"seq":42,"user_id":"u-7","v":1}'
).encode()


def _pinned() -> AuditEntry:
    return AuditEntry(
        seq=42,
        at=T0,
        user_id="u-7",
        agency_id="MA-DGSN",
        action="record.share",
        object_ids=("rec-1", "rec-2"),
        outcome="ok",
        justification="طلب من الشريك",
        recipients=("TN-DGSN",),
        detail={"terms": ["a", 1, True, None], "query": "محمد", "hits": 3},
    )


def test_canonical_bytes_are_pinned() -> None:
    entry = _pinned()
    assert entry.canonical_bytes() == PINNED_BYTES
    assert entry.leaf_hash() == hashlib.sha256(b"\x00" + PINNED_BYTES).digest()
    assert entry.leaf_hash() == leaf_hash(PINNED_BYTES)


def test_arabic_is_utf8_not_escaped() -> None:
    assert "محمد".encode() in _pinned().canonical_bytes()
    assert b"\\u" not in _pinned().canonical_bytes()


def test_detail_order_does_not_change_the_hash() -> None:
    a = make_entry(1, detail={"a": 1, "b": "x"})
    b = make_entry(1, detail={"b": "x", "a": 1})
    assert a.canonical_bytes() == b.canonical_bytes()


def test_times_are_normalised_to_utc_with_microseconds() -> None:
    plus_three = timezone(timedelta(hours=3))
    local = make_entry(0, at=datetime(2026, 11, 23, 12, 0, tzinfo=plus_three))
    assert local.at == datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    assert local.to_dict()["at"] == "2026-11-23T09:00:00.000000Z"
    assert (
        local.canonical_bytes()
        == make_entry(0, at=datetime(2026, 11, 23, 9, tzinfo=UTC)).canonical_bytes()
    )


def test_every_field_is_covered_by_the_hash() -> None:
    base = make_entry(3)
    assert base.with_seq(4).leaf_hash() != base.leaf_hash()
    changes: dict[str, Any] = {
        "at": base.at + timedelta(microseconds=1),
        "user_id": "someone-else",
        "agency_id": "XX-OTHER",
        "action": "audit.verify",
        "object_ids": (*base.object_ids, "rec-x"),
        "outcome": "denied" if base.outcome != "denied" else "ok",
        "justification": None,
        "recipients": ("JO-PSD",),
        "detail": {**base.detail, "hits": 99},
    }
    for name, value in changes.items():
        assert make_entry(3, **{name: value}).leaf_hash() != base.leaf_hash(), name


def test_round_trip_through_dict_and_canonical_json() -> None:
    entry = _pinned()
    assert AuditEntry.from_dict(entry.to_dict()) == entry
    assert AuditEntry.from_dict(json.loads(entry.canonical_bytes())) == entry


def test_entries_are_immutable_and_hashable() -> None:
    entry = make_entry(1, detail={"terms": ["a", "b"]})
    assert entry.detail["terms"] == ("a", "b")
    with pytest.raises(TypeError):
        entry.detail["terms"] = "changed"  # type: ignore[index]
    with pytest.raises(AttributeError):
        entry.seq = 2  # type: ignore[misc]
    assert len({entry, make_entry(1, detail={"terms": ["a", "b"]})}) == 1


def test_with_seq_moves_the_entry() -> None:
    entry = make_entry(5)
    moved = entry.with_seq(9)
    assert moved.seq == 9 and moved.detail == entry.detail
    assert moved.leaf_hash() != entry.leaf_hash()


@pytest.mark.parametrize(
    ("field", "value", "needle"),
    [
        ("seq", -1, "seq"),
        ("seq", True, "seq"),
        ("at", datetime(2026, 1, 1), "timezone"),  # naive: refused rather than guessed
        ("at", "2026-01-01T00:00:00Z", "timezone"),
        ("user_id", "", "user_id"),
        ("agency_id", 7, "agency_id"),
        ("action", "GET /records", "action"),
        ("action", "record", "action"),
        ("outcome", "allowed", "outcome"),
        ("object_ids", "rec-1", "object_ids"),  # a bare string is not a list of ids
        ("object_ids", ("rec-1", 2), "object_ids"),
        ("recipients", None, "recipients"),
        ("justification", "\ud800", "Unicode"),  # lone surrogate cannot be stored as UTF-8
        ("detail", {"ratio": 0.5}, "float"),
        ("detail", {"nested": {"a": 1}}, "dict"),
        ("detail", {"items": [["a"]]}, "list"),
        ("detail", {1: "x"}, "detail key"),
        ("detail", ["x"], "mapping"),
    ],
)
def test_invalid_entries_name_the_field(field: str, value: Any, needle: str) -> None:
    with pytest.raises(InvalidAuditEntry, match=needle):
        make_entry(1, **{field: value})


@pytest.mark.parametrize(
    "key",
    [
        "password",
        "new_password",
        "newPassword",
        "passwd",
        "api_token",
        "apiToken",
        "access-token",
        "client_secret",
        "TOTP",
        "totp_code",
        "seed",
        "recovery_seed",
        "api_key",
        "privateKey",
        "credentials",
    ],
)
def test_secret_keys_are_refused(key: str) -> None:
    with pytest.raises(SecretInAuditEntry, match="secret"):
        make_entry(1, detail={key: "x"})


@pytest.mark.parametrize("key", ["query", "reason", "changed", "count", "schema", "hits", "code"])
def test_ordinary_keys_pass(key: str) -> None:
    assert make_entry(1, detail={key: "x"}).detail[key] == "x"


@pytest.mark.parametrize(
    "value",
    [
        "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
        "$2b$12$KIXQJQ6j4bB9n0hF0m4M1eX6bG2tS7r0yQ9xk4mJ9Yk6YQ3m7o1iW",
        "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI...",
        "-----BEGIN OPENSSH PRIVATE KEY-----",
    ],
)
def test_secret_looking_values_are_refused(value: str) -> None:
    with pytest.raises(SecretInAuditEntry):
        make_entry(1, detail={"changed": value})
    with pytest.raises(SecretInAuditEntry):
        make_entry(1, detail={"changed": ["ok", value]})
    with pytest.raises(SecretInAuditEntry):
        make_entry(1, justification=f"see {value}")


def test_from_dict_refuses_other_versions_and_missing_fields() -> None:
    data = json.loads(_pinned().canonical_bytes())
    with pytest.raises(InvalidAuditEntry, match="format"):
        AuditEntry.from_dict({**data, "v": 2})
    del data["user_id"]
    with pytest.raises(InvalidAuditEntry, match="user_id"):
        AuditEntry.from_dict(data)
    with pytest.raises(InvalidAuditEntry, match="'Z'"):
        AuditEntry.from_dict({**_pinned().to_dict(), "at": "2026-11-23T09:00:00+00:00"})


text = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
scalar = st.one_of(st.none(), st.booleans(), st.integers(-(2**63), 2**63), text)
detail = st.dictionaries(
    st.sampled_from(["q", "reason", "schema", "count", "kind", "فئة"]),
    st.one_of(scalar, st.lists(scalar, max_size=4)),
)


@given(
    seq=st.integers(0, 2**40),
    at=st.datetimes(timezones=st.just(UTC)),
    user=text.filter(bool),
    justification=st.none() | text,
    ids=st.lists(text, max_size=4),
    det=detail,
)
def test_round_trip_is_exact_for_any_content(
    seq: int,
    at: datetime,
    user: str,
    justification: str | None,
    ids: list[str],
    det: dict[str, Any],
) -> None:
    entry = AuditEntry(
        seq=seq,
        at=at,
        user_id=user,
        agency_id="MA-DGSN",
        action="record.get",
        object_ids=tuple(ids),
        justification=justification,
        detail=det,
    )
    again = AuditEntry.from_dict(json.loads(entry.canonical_bytes()))
    assert again == entry
    assert again.canonical_bytes() == entry.canonical_bytes()

"""One audit-log entry and the exact bytes that get hashed into the Merkle tree.

Directive 2016/680 Art. 25 asks for who, what, when, the justification and the recipients of
every consultation and disclosure; CJIS 5.4 adds the outcome. ``AuditEntry`` carries exactly
that, and nothing that could be a secret (MISP CVE-2017-16946 put password hashes into its
audit log: ``detail`` keys naming secrets and values that look like password hashes or private
keys are refused at construction, so they can never reach the table).

The hash covers ``canonical_bytes()``: JSON with sorted keys, no whitespace, UTF-8 (not
``\\u`` escapes, so Arabic stays readable), timestamps as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``, and a
format version ``"v": 1`` so the encoding can evolve without making old entries unverifiable.
It is simple enough that a partner agency can recompute a leaf hash in any language. Floats are
refused in ``detail``: their text form differs between languages, so they would make the hash
depend on the verifier's JSON library; write such numbers as strings.

``seq`` is inside the hashed content, so moving an entry to another position changes its hash.
"""

from __future__ import annotations

import json
import re
import types
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, Literal, TypeAlias, cast

from tanseeq.audit import merkle

__all__ = [
    "FORMAT_VERSION",
    "OUTCOMES",
    "AuditEntry",
    "DetailScalar",
    "DetailValue",
    "InvalidAuditEntry",
    "Outcome",
    "SecretInAuditEntry",
]

FORMAT_VERSION: Final = 1

Outcome: TypeAlias = Literal["ok", "denied", "not_found", "error"]
OUTCOMES: Final[frozenset[str]] = frozenset({"ok", "denied", "not_found", "error"})

DetailScalar: TypeAlias = str | int | bool | None
# Lists are accepted on input for convenience and stored as tuples, so a built entry's
# detail only ever holds scalars and tuples.
DetailValue: TypeAlias = DetailScalar | tuple[DetailScalar, ...] | list[DetailScalar]

# Substrings, matched on the key lower-cased with separators removed, so "apiToken",
# "api_token" and "API-TOKEN" are all caught. Over-matching ("seedling") is acceptable: detail
# keys are chosen by our own code, so a false positive surfaces in development, not in the field.
_SECRET_KEY_PARTS: Final = (
    "password",
    "passwd",
    "passphrase",
    "token",
    "secret",
    "totp",
    "seed",
    "apikey",
    "privatekey",
    "credential",
)
# Values that are secrets whatever the key says: password hashes and PEM private keys.
_SECRET_VALUE = re.compile(
    r"\$argon2(?:id|i|d)\$|\$2[abxy]\$\d\d\$|\$scrypt\$|\$pbkdf2|-----BEGIN [A-Z ]*PRIVATE KEY-----"
)
_ACTION = re.compile(r"^[a-z][a-z0-9_-]*(?:\.[a-z][a-z0-9_-]*)+$")
_KEY_SEPARATORS = re.compile(r"[^a-z0-9]")


class InvalidAuditEntry(ValueError):
    """The entry cannot be logged as given; the message names the field."""


class SecretInAuditEntry(InvalidAuditEntry):
    """A field would put a secret into the audit log."""


def _check_text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise InvalidAuditEntry(f"{what} must be a string, got {type(value).__name__}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        # Lone surrogates cannot be stored as UTF-8, so the hash could never be recomputed.
        raise InvalidAuditEntry(f"{what} is not valid Unicode text") from exc
    return value


def _check_secret_value(value: str, what: str) -> None:
    if _SECRET_VALUE.search(value):
        raise SecretInAuditEntry(f"{what} looks like a password hash or private key")


def _str_tuple(value: object, what: str) -> tuple[str, ...]:
    # A bare string is iterable too; taking it as a tuple of characters would log garbage.
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise InvalidAuditEntry(f"{what} must be a tuple of strings")
    return tuple(_check_text(v, f"{what} item") for v in value)


def _scalar(value: object, what: str) -> DetailScalar:
    if value is None or isinstance(value, bool | int):
        return cast(DetailScalar, value)
    if isinstance(value, str):
        _check_text(value, what)
        _check_secret_value(value, what)
        return value
    if isinstance(value, float):
        raise InvalidAuditEntry(f"{what}: floats are not allowed, write the number as a string")
    raise InvalidAuditEntry(f"{what}: {type(value).__name__} is not a JSON scalar")


def _freeze_detail(detail: object) -> Mapping[str, DetailValue]:
    if not isinstance(detail, Mapping):
        raise InvalidAuditEntry("detail must be a mapping of str to JSON scalars or lists")
    frozen: dict[str, DetailValue] = {}
    for key, value in detail.items():
        _check_text(key, "detail key")
        squashed = _KEY_SEPARATORS.sub("", key.lower())
        for part in _SECRET_KEY_PARTS:
            if part in squashed:
                raise SecretInAuditEntry(f"detail key {key!r} names a secret ({part})")
        if isinstance(value, list | tuple):
            frozen[key] = tuple(_scalar(v, f"detail[{key!r}] item") for v in value)
        else:
            frozen[key] = _scalar(value, f"detail[{key!r}]")
    # A read-only view: the entry is frozen, and its hash must not change behind its back.
    return types.MappingProxyType(frozen)


def _format_time(at: datetime) -> str:
    # isoformat pads the year to four digits, which strftime("%Y") does not on every libc.
    return at.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _parse_time(text: str) -> datetime:
    if not isinstance(text, str) or not text.endswith("Z"):
        raise InvalidAuditEntry("at must be an ISO-8601 UTC time ending in 'Z'")
    try:
        return datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)
    except ValueError as exc:
        raise InvalidAuditEntry(f"at is not an ISO-8601 time: {text!r}") from exc


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One consultation, change, disclosure or erasure, as it is hashed into the log.

    Validation happens here, once, so every entry that exists can be logged: ``at`` must be
    timezone-aware (it is normalised to UTC; naive times are refused rather than guessed),
    ``outcome`` one of ``OUTCOMES``, ``action`` a dotted lower-case name like ``record.get``.
    Lists given for ``object_ids``, ``recipients`` or ``detail`` values become tuples.
    """

    seq: int
    at: datetime
    user_id: str
    agency_id: str
    action: str
    object_ids: tuple[str, ...] = ()
    outcome: Outcome = "ok"
    justification: str | None = None
    recipients: tuple[str, ...] = ()
    detail: Mapping[str, DetailValue] = field(
        default_factory=lambda: types.MappingProxyType({}), hash=False
    )

    def __post_init__(self) -> None:
        if not isinstance(self.seq, int) or isinstance(self.seq, bool) or self.seq < 0:
            raise InvalidAuditEntry("seq must be an integer >= 0")
        if not isinstance(self.at, datetime) or self.at.utcoffset() is None:
            raise InvalidAuditEntry("at must be a timezone-aware datetime (UTC)")
        object.__setattr__(self, "at", self.at.astimezone(UTC))
        for name in ("user_id", "agency_id"):
            if not _check_text(getattr(self, name), name):
                raise InvalidAuditEntry(f"{name} must not be empty")
        if not _ACTION.match(_check_text(self.action, "action")):
            raise InvalidAuditEntry(f"action {self.action!r} must look like 'record.get'")
        if self.outcome not in OUTCOMES:
            raise InvalidAuditEntry(f"outcome must be one of {sorted(OUTCOMES)}")
        if self.justification is not None:
            _check_text(self.justification, "justification")
            _check_secret_value(self.justification, "justification")
        object.__setattr__(self, "object_ids", _str_tuple(self.object_ids, "object_ids"))
        object.__setattr__(self, "recipients", _str_tuple(self.recipients, "recipients"))
        object.__setattr__(self, "detail", _freeze_detail(self.detail))

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form that ``canonical_bytes`` encodes (without the version)."""
        return {
            "seq": self.seq,
            "at": _format_time(self.at),
            "user_id": self.user_id,
            "agency_id": self.agency_id,
            "action": self.action,
            "object_ids": list(self.object_ids),
            "outcome": self.outcome,
            "justification": self.justification,
            "recipients": list(self.recipients),
            "detail": {k: list(v) if isinstance(v, tuple) else v for k, v in self.detail.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AuditEntry:
        """Inverse of ``to_dict`` (also accepts a decoded ``canonical_bytes``)."""
        version = data.get("v", FORMAT_VERSION)
        if version != FORMAT_VERSION:
            raise InvalidAuditEntry(f"unsupported audit entry format v={version!r}")
        try:
            return cls(
                seq=data["seq"],
                at=_parse_time(data["at"]),
                user_id=data["user_id"],
                agency_id=data["agency_id"],
                action=data["action"],
                object_ids=tuple(data.get("object_ids", ())),
                outcome=data.get("outcome", "ok"),
                justification=data.get("justification"),
                recipients=tuple(data.get("recipients", ())),
                detail=data.get("detail", {}),
            )
        except KeyError as exc:
            raise InvalidAuditEntry(f"missing field {exc.args[0]!r}") from exc

    def canonical_bytes(self) -> bytes:
        """The deterministic encoding that is hashed: sorted keys, no spaces, UTF-8."""
        doc = self.to_dict()
        doc["v"] = FORMAT_VERSION
        return json.dumps(
            doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        ).encode("utf-8")

    def leaf_hash(self) -> bytes:
        """RFC 6962 leaf hash of ``canonical_bytes()``; what ``audit_log.leaf_hash`` stores."""
        return merkle.leaf_hash(self.canonical_bytes())

    def with_seq(self, seq: int) -> AuditEntry:
        """The same entry at another position; the writer fills ``seq`` in at append time."""
        return AuditEntry(
            seq=seq,
            at=self.at,
            user_id=self.user_id,
            agency_id=self.agency_id,
            action=self.action,
            object_ids=self.object_ids,
            outcome=self.outcome,
            justification=self.justification,
            recipients=self.recipients,
            detail=self.detail,
        )

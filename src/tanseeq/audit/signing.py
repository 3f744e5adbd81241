"""Ed25519 signed tree heads: the statements partner agencies keep as witnesses.

A signed tree head (STH) says "on <timestamp> our audit log had <tree_size> entries and this
Merkle root", signed with the node's log key. An agency that stores our heads can later ask for
a consistency proof to today's head; if we had rewritten, reordered or truncated anything
before that size, no proof would exist. Because the statement is signed, a head a partner shows
cannot be disowned, and one we never signed cannot be planted.

The signed message is a fixed binary layout, easy to rebuild in any language::

    b"tanseeq/audit/sth/v1\\x00"  (domain separation: this key signs nothing else with this prefix)
    key_id        32 bytes   SHA-256 of the raw 32-byte Ed25519 public key
    tree_size      8 bytes   unsigned big-endian
    timestamp      8 bytes   unsigned big-endian, microseconds since 1970-01-01T00:00:00Z
    root_hash     32 bytes

The private key file is written with mode 0600 and, by default, refused when loaded if anyone
but its owner can read it, as ssh does: a leaked log key lets an attacker sign a rewritten log.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import stat
import struct
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from tanseeq.audit.merkle import HASH_SIZE

__all__ = [
    "STH_DOMAIN",
    "KeyFileError",
    "SignedTreeHead",
    "generate_key",
    "key_id",
    "load_private_key",
    "load_public_key",
    "public_key_from_raw",
    "public_key_raw",
    "save_private_key",
    "save_public_key",
    "sign_head",
    "verify_head",
]

STH_DOMAIN: Final = b"tanseeq/audit/sth/v1\x00"
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)


class KeyFileError(ValueError):
    """A key file is missing, of the wrong kind, or readable by others."""


def generate_key() -> Ed25519PrivateKey:
    """A fresh Ed25519 log signing key."""
    return Ed25519PrivateKey.generate()


def public_key_raw(public_key: Ed25519PublicKey) -> bytes:
    """The raw 32-byte public key, the form partners exchange and ``key_id`` hashes."""
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_from_raw(raw: bytes) -> Ed25519PublicKey:
    """Inverse of ``public_key_raw``."""
    return Ed25519PublicKey.from_public_bytes(raw)


def key_id(public_key: Ed25519PublicKey) -> str:
    """Hex SHA-256 of the raw public key; names the key in heads, survives key rotation."""
    return hashlib.sha256(public_key_raw(public_key)).hexdigest()


def save_private_key(
    key: Ed25519PrivateKey,
    path: str | os.PathLike[str],
    *,
    password: bytes | None = None,
    overwrite: bool = False,
) -> None:
    """Write the key as PKCS#8 PEM with mode 0600, optionally encrypted with ``password``.

    Refuses to replace an existing file unless ``overwrite``: losing the log key by accident
    would leave every head we signed with it unverifiable for the future.
    """
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if overwrite else os.O_EXCL)
    # Created 0600 from the start, never world-readable even for an instant; fchmod also
    # fixes the mode of a file we overwrite.
    fd = os.open(path, flags, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, pem)
        os.fsync(fd)
    finally:
        os.close(fd)


def load_private_key(
    path: str | os.PathLike[str],
    *,
    password: bytes | None = None,
    strict_permissions: bool = True,
) -> Ed25519PrivateKey:
    """Read a PEM Ed25519 private key; refuse it if group or others may read it."""
    p = Path(path)
    try:
        mode = p.stat().st_mode
        data = p.read_bytes()
    except OSError as exc:
        raise KeyFileError(f"cannot read private key {p}: {exc.strerror}") from exc
    if strict_permissions and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyFileError(f"private key {p} is accessible by others (mode {mode & 0o777:o})")
    try:
        key = serialization.load_pem_private_key(data, password=password)
    except (ValueError, TypeError) as exc:
        raise KeyFileError(f"{p} is not a readable PEM private key: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{p} holds a {type(key).__name__}, not an Ed25519 key")
    return key


def save_public_key(public_key: Ed25519PublicKey, path: str | os.PathLike[str]) -> None:
    """Write a PEM SubjectPublicKeyInfo, the file handed to partner agencies."""
    Path(path).write_bytes(
        public_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )


def load_public_key(path: str | os.PathLike[str]) -> Ed25519PublicKey:
    """Read a PEM Ed25519 public key."""
    p = Path(path)
    try:
        key = serialization.load_pem_public_key(p.read_bytes())
    except OSError as exc:
        raise KeyFileError(f"cannot read public key {p}: {exc.strerror}") from exc
    except ValueError as exc:
        raise KeyFileError(f"{p} is not a readable PEM public key: {exc}") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFileError(f"{p} holds a {type(key).__name__}, not an Ed25519 key")
    return key


def _micros(ts: datetime) -> int:
    delta = ts - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _format_ts(ts: datetime) -> str:
    return ts.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


@dataclass(frozen=True, slots=True)
class SignedTreeHead:
    """A signed statement of the log's size and root at a moment.

    ``root_hash`` and ``key_id`` are lower-case hex, ``signature`` standard base64, and
    ``timestamp`` a UTC datetime; this is also the JSON shape given to partners.
    """

    tree_size: int
    root_hash: str
    timestamp: datetime
    key_id: str
    signature: str

    def __post_init__(self) -> None:
        if (
            not isinstance(self.tree_size, int)
            or isinstance(self.tree_size, bool)
            or not 0 <= self.tree_size < 2**64
        ):
            raise ValueError("tree_size must be an integer in [0, 2**64)")
        if not isinstance(self.timestamp, datetime) or self.timestamp.utcoffset() is None:
            raise ValueError("timestamp must be a timezone-aware datetime")
        object.__setattr__(self, "timestamp", self.timestamp.astimezone(UTC))
        if _micros(self.timestamp) < 0:
            raise ValueError("timestamp must not be before 1970")
        for name in ("root_hash", "key_id"):
            value = getattr(self, name)
            if not isinstance(value, str) or len(value) != 2 * HASH_SIZE:
                raise ValueError(f"{name} must be {2 * HASH_SIZE} hex characters")
            try:
                bytes.fromhex(value)
            except ValueError as exc:
                raise ValueError(f"{name} is not hex") from exc
            object.__setattr__(self, name, value.lower())
        if not isinstance(self.signature, str):
            raise ValueError("signature must be a base64 string")

    @property
    def root(self) -> bytes:
        """``root_hash`` as bytes, for the Merkle functions."""
        return bytes.fromhex(self.root_hash)

    def signed_message(self) -> bytes:
        """The exact bytes the signature covers (layout in the module docstring)."""
        return (
            STH_DOMAIN
            + bytes.fromhex(self.key_id)
            + struct.pack(">QQ", self.tree_size, _micros(self.timestamp))
            + self.root
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "tree_size": self.tree_size,
            "root_hash": self.root_hash,
            "timestamp": _format_ts(self.timestamp),
            "key_id": self.key_id,
            "signature": self.signature,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SignedTreeHead:
        try:
            ts = data["timestamp"]
            if not isinstance(ts, str) or not ts.endswith("Z"):
                raise ValueError("timestamp must be ISO-8601 UTC ending in 'Z'")
            return cls(
                tree_size=data["tree_size"],
                root_hash=data["root_hash"],
                timestamp=datetime.fromisoformat(ts[:-1]).replace(tzinfo=UTC),
                key_id=data["key_id"],
                signature=data["signature"],
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"malformed signed tree head: {exc}") from exc

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes) -> SignedTreeHead:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ValueError(f"signed tree head is not JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise ValueError("signed tree head must be a JSON object")
        return cls.from_dict(data)


def sign_head(
    private_key: Ed25519PrivateKey,
    tree_size: int,
    root_hash: bytes,
    timestamp: datetime,
) -> SignedTreeHead:
    """Sign the head of a tree of ``tree_size`` leaves with root ``root_hash`` at ``timestamp``.

    The caller passes the time (the service's injected clock), so tests never depend on now.
    """
    if not isinstance(root_hash, bytes) or len(root_hash) != HASH_SIZE:
        raise ValueError(f"root_hash must be {HASH_SIZE} bytes")
    unsigned = SignedTreeHead(
        tree_size=tree_size,
        root_hash=root_hash.hex(),
        timestamp=timestamp,
        key_id=key_id(private_key.public_key()),
        signature="",
    )
    signature = private_key.sign(unsigned.signed_message())
    return SignedTreeHead(
        tree_size=unsigned.tree_size,
        root_hash=unsigned.root_hash,
        timestamp=unsigned.timestamp,
        key_id=unsigned.key_id,
        signature=base64.b64encode(signature).decode("ascii"),
    )


def verify_head(head: SignedTreeHead, public_key: Ed25519PublicKey) -> bool:
    """True only if ``head`` was signed by ``public_key`` and names that key."""
    if head.key_id != key_id(public_key):
        return False
    try:
        signature = base64.b64decode(head.signature, validate=True)
    except (binascii.Error, ValueError):
        return False
    # One signature, one spelling: refuse base64 variants with stray padding bits.
    if base64.b64encode(signature).decode("ascii") != head.signature:
        return False
    try:
        public_key.verify(signature, head.signed_message())
    except InvalidSignature:
        return False
    return True

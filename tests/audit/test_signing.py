"""Signed tree heads: signatures bind every field, keys are stored safely, JSON round-trips."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tanseeq.audit import (
    STH_DOMAIN,
    KeyFileError,
    SignedTreeHead,
    generate_key,
    key_id,
    load_private_key,
    load_public_key,
    public_key_from_raw,
    public_key_raw,
    root,
    save_private_key,
    save_public_key,
    sign_head,
    verify_head,
)

from .factories import T0, make_log

ROOT = root(make_log(5)[1])


def test_sign_and_verify(log_key: Ed25519PrivateKey) -> None:
    head = sign_head(log_key, 5, ROOT, T0)
    assert head.tree_size == 5
    assert head.root == ROOT and head.root_hash == ROOT.hex()
    assert head.key_id == hashlib.sha256(public_key_raw(log_key.public_key())).hexdigest()
    assert verify_head(head, log_key.public_key())


def test_signed_message_layout_is_fixed(log_key: Ed25519PrivateKey) -> None:
    # Partners rebuild these bytes in their own language; pin the layout.
    head = sign_head(log_key, 5, ROOT, T0)
    micros = int((T0 - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds()) * 10**6 + 123456
    expected = (
        b"tanseeq/audit/sth/v1\x00"
        + bytes.fromhex(head.key_id)
        + (5).to_bytes(8, "big")
        + micros.to_bytes(8, "big")
        + ROOT
    )
    assert STH_DOMAIN == b"tanseeq/audit/sth/v1\x00"
    assert head.signed_message() == expected
    log_key.public_key().verify(base64.b64decode(head.signature), expected)


@pytest.mark.parametrize(
    "change",
    [
        {"tree_size": 6},
        {"tree_size": 4},
        {"root_hash": root(make_log(6)[1]).hex()},
        {"timestamp": T0 + timedelta(microseconds=1)},
    ],
)
def test_every_field_is_signed(log_key: Ed25519PrivateKey, change: dict[str, object]) -> None:
    head = sign_head(log_key, 5, ROOT, T0)
    assert not verify_head(dataclasses.replace(head, **change), log_key.public_key())  # type: ignore[arg-type]


def test_wrong_key_or_key_id_fails(
    log_key: Ed25519PrivateKey, other_key: Ed25519PrivateKey
) -> None:
    head = sign_head(log_key, 5, ROOT, T0)
    assert not verify_head(head, other_key.public_key())
    # A head re-labelled with another key id is refused before the signature is even tried.
    relabelled = dataclasses.replace(head, key_id=key_id(other_key.public_key()))
    assert not verify_head(relabelled, other_key.public_key())
    assert not verify_head(relabelled, log_key.public_key())


def test_bad_signature_encodings_fail(log_key: Ed25519PrivateKey) -> None:
    head = sign_head(log_key, 5, ROOT, T0)
    raw = base64.b64decode(head.signature)
    flipped = base64.b64encode(bytes([raw[0] ^ 1]) + raw[1:]).decode()
    for sig in [flipped, "", "not base64!", head.signature + "==", head.signature[:-4]]:
        assert not verify_head(dataclasses.replace(head, signature=sig), log_key.public_key())
    # Ed25519 signatures are 64 bytes: base64 ends in "==" with 4 unused bits. Setting them
    # spells the same bytes differently; we accept only the canonical spelling.
    last = head.signature[-3]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    variant = head.signature[:-3] + alphabet[alphabet.index(last) | 1] + "=="
    if variant != head.signature:
        assert base64.b64decode(variant) == raw
        assert not verify_head(dataclasses.replace(head, signature=variant), log_key.public_key())


def test_json_round_trip(log_key: Ed25519PrivateKey) -> None:
    head = sign_head(log_key, 5, ROOT, T0)
    text = head.to_json()
    again = SignedTreeHead.from_json(text)
    assert again == head
    assert verify_head(again, log_key.public_key())
    assert '"timestamp":"2026-11-23T09:00:00.123456Z"' in text


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        "{}",
        '{"tree_size": 1, "root_hash": "00", "timestamp": "2026-01-01T00:00:00.000000Z",'
        ' "key_id": "00", "signature": ""}',
        '{"tree_size": -1, "root_hash": "' + "00" * 32 + '", "timestamp": '
        '"2026-01-01T00:00:00.000000Z", "key_id": "' + "00" * 32 + '", "signature": ""}',
        '{"tree_size": 1, "root_hash": "' + "00" * 32 + '", "timestamp": '
        '"2026-01-01T00:00:00", "key_id": "' + "00" * 32 + '", "signature": ""}',
    ],
)
def test_malformed_heads_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        SignedTreeHead.from_json(text)


def test_sign_head_refuses_bad_input(log_key: Ed25519PrivateKey) -> None:
    with pytest.raises(ValueError):
        sign_head(log_key, 5, ROOT[:31], T0)
    with pytest.raises(ValueError):
        sign_head(log_key, 5, ROOT, datetime(2026, 1, 1))  # naive time
    with pytest.raises(ValueError):
        sign_head(log_key, -1, ROOT, T0)


def test_private_key_file_is_0600_and_round_trips(tmp_path: Path) -> None:
    key = generate_key()
    path = tmp_path / "log.key"
    old_umask = os.umask(0)  # even with a permissive umask the file is private
    try:
        save_private_key(key, path)
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = load_private_key(path)
    assert public_key_raw(loaded.public_key()) == public_key_raw(key.public_key())


def test_private_key_is_not_overwritten_by_accident(tmp_path: Path) -> None:
    path = tmp_path / "log.key"
    first = generate_key()
    save_private_key(first, path)
    with pytest.raises(FileExistsError):
        save_private_key(generate_key(), path)
    assert key_id(load_private_key(path).public_key()) == key_id(first.public_key())
    path.chmod(0o644)
    second = generate_key()
    save_private_key(second, path, overwrite=True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert key_id(load_private_key(path).public_key()) == key_id(second.public_key())


def test_readable_private_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "log.key"
    save_private_key(generate_key(), path)
    path.chmod(0o640)
    with pytest.raises(KeyFileError, match="accessible by others"):
        load_private_key(path)
    load_private_key(path, strict_permissions=False)


def test_encrypted_private_key(tmp_path: Path) -> None:
    path = tmp_path / "log.key"
    key = generate_key()
    save_private_key(key, path, password=b"correct horse")
    assert b"ENCRYPTED" in path.read_bytes()
    with pytest.raises(KeyFileError):
        load_private_key(path)
    with pytest.raises(KeyFileError):
        load_private_key(path, password=b"wrong")
    assert key_id(load_private_key(path, password=b"correct horse").public_key()) == key_id(
        key.public_key()
    )


def test_non_ed25519_and_missing_keys_are_refused(tmp_path: Path) -> None:
    ec_key = ec.generate_private_key(ec.SECP256R1())
    path = tmp_path / "ec.key"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(
        fd,
        ec_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )
    os.close(fd)
    with pytest.raises(KeyFileError, match="not an Ed25519"):
        load_private_key(path)
    pub = tmp_path / "ec.pub"
    pub.write_bytes(
        ec_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    with pytest.raises(KeyFileError, match="not an Ed25519"):
        load_public_key(pub)
    with pytest.raises(KeyFileError):
        load_private_key(tmp_path / "absent.key")
    with pytest.raises(KeyFileError):
        load_public_key(tmp_path / "absent.pub")


def test_public_key_files_and_raw_form(tmp_path: Path, log_key: Ed25519PrivateKey) -> None:
    path = tmp_path / "log.pub"
    save_public_key(log_key.public_key(), path)
    assert b"BEGIN PUBLIC KEY" in path.read_bytes()
    loaded = load_public_key(path)
    head = sign_head(log_key, 5, ROOT, T0)
    assert verify_head(head, loaded)
    assert verify_head(head, public_key_from_raw(public_key_raw(log_key.public_key())))

"""Passwords: argon2id hashes and the password policy.

Hashes are PHC strings (``$argon2id$v=19$m=…,t=…,p=…$salt$hash``) made with the node's
``password_hash_*`` settings; a hash made with other parameters still verifies and is replaced
at the next successful login (``needs_rehash``), so raising the cost needs no migration.

Policy (NIST SP 800-63B rather than composition rules): at least 12 characters after NFC
normalisation, at most 1024 (argon2 accepts any length, but a megabyte password is a cheap way
to burn server CPU), not the username in any spelling, and not blank.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from tanseeq.errors import invalid
from tanseeq.settings import Settings

MIN_LENGTH = 12
MAX_LENGTH = 1024


@cache
def _hasher(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(
        time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism, type=Type.ID
    )


def hasher(settings: Settings) -> PasswordHasher:
    return _hasher(
        settings.password_hash_time_cost,
        settings.password_hash_memory_kib,
        settings.password_hash_parallelism,
    )


def _normal(password: str) -> str:
    # NFC so that "é" typed as one code point or two is the same password on every keyboard.
    return unicodedata.normalize("NFC", password)


def check_policy(password: str, username: str, loc: str = "password") -> None:
    """Refuse a password the policy does not allow; the message never repeats it."""
    value = _normal(password)
    if len(value) < MIN_LENGTH:
        raise invalid(loc, f"at least {MIN_LENGTH} characters")
    if len(value) > MAX_LENGTH:
        raise invalid(loc, f"at most {MAX_LENGTH} characters")
    if not value.strip():
        raise invalid(loc, "must not be blank")
    folded = unicodedata.normalize("NFKC", value).strip().casefold()
    if folded == unicodedata.normalize("NFKC", username).strip().casefold():
        raise invalid(loc, "must not be the username")


def hash_password(settings: Settings, password: str) -> str:
    return hasher(settings).hash(_normal(password))


def verify(settings: Settings, stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored``. With no stored hash (unknown user, never
    enrolled) a dummy hash is checked all the same, so the answer takes as long either way."""
    if len(password) > MAX_LENGTH * 4:
        return False  # never hash an attacker's megabytes
    target = stored or _dummy(settings)
    try:
        ok = hasher(settings).verify(target, _normal(password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return ok and stored is not None


def needs_rehash(settings: Settings, stored: str) -> bool:
    return hasher(settings).check_needs_rehash(stored)


@cache
def _dummy_for(time_cost: int, memory_kib: int, parallelism: int) -> str:
    return _hasher(time_cost, memory_kib, parallelism).hash("not a password of anyone's")


def _dummy(settings: Settings) -> str:
    return _dummy_for(
        settings.password_hash_time_cost,
        settings.password_hash_memory_kib,
        settings.password_hash_parallelism,
    )

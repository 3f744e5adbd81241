"""Throttling failed logins, per username, in the database.

The key is the SHA-256 of ``users.normalise_username`` (NFKC, case-folded, stripped): ``Amina``,
``amina `` and ``ＡＭＩＮＡ`` are one counter, and unknown usernames are counted exactly like
known ones, so a locked answer never tells whether the account exists. Kept in the database,
the count holds across API workers, processes and restarts.

After ``login_max_failures`` failures the name is locked for ``login_lockout_seconds``; every
failure after a lock ends doubles the next lock, up to ``login_lockout_max_seconds``. A success
clears the count; failures are forgotten after ``login_failure_memory_hours`` without another.
While locked, no credential is even looked at: the answer is 429 with ``Retry-After``, the same
for a right and a wrong password, so a lockout cannot be used as an oracle.

The row is locked (``SELECT … FOR UPDATE``; SQLite's ``BEGIN IMMEDIATE`` holds the write lock)
for the whole attempt, password check included, so parallel guesses are counted one by one and
cannot race past the limit.
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from tanseeq.settings import Settings
from tanseeq.store.tables import LoginThrottle


def key_of(normalised_username: str) -> str:
    return hashlib.sha256(normalised_username.encode("utf-8")).hexdigest()


def acquire(session: Session, key: str, now: datetime) -> LoginThrottle:
    """The counter row for ``key``, created if need be and locked for this transaction."""
    values = {"key": key, "failures": 0, "last_failure_at": now, "locked_until": None}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        stmt = postgresql.insert(LoginThrottle).values(values).on_conflict_do_nothing()
        session.execute(stmt)
    else:
        session.execute(sqlite.insert(LoginThrottle).values(values).on_conflict_do_nothing())
    return session.scalars(
        sa.select(LoginThrottle)
        .where(LoginThrottle.key == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def retry_after(row: LoginThrottle, now: datetime) -> int | None:
    """Seconds until the name may try again, or None when it is not locked."""
    if row.locked_until is None or row.locked_until <= now:
        return None
    return math.ceil((row.locked_until - now).total_seconds())


def fail(settings: Settings, row: LoginThrottle, now: datetime) -> int | None:
    """Count one failure; the lock's length in seconds when this failure starts one."""
    if now - row.last_failure_at > timedelta(hours=settings.login_failure_memory_hours):
        row.failures = 0
    row.failures += 1
    row.last_failure_at = now
    over = row.failures - settings.login_max_failures
    if over < 0:
        return None
    seconds: int = min(
        settings.login_lockout_seconds * 2 ** min(over, 30), settings.login_lockout_max_seconds
    )
    row.locked_until = now + timedelta(seconds=seconds)
    return seconds


def succeed(row: LoginThrottle) -> None:
    row.failures = 0
    row.locked_until = None

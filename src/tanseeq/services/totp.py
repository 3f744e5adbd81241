"""TOTP second factor (RFC 6238 via ``pyotp``): 6 digits, 30-second steps, SHA-1 — what every
authenticator app reads from an ``otpauth://`` URI.

A code is accepted for the current step or one step either side (clock drift), and only for a
step later than the last one accepted for that user: a code seen once — over a shoulder, in a
proxy log — can never be replayed, not even within its own 30 seconds. Time comes from the
database clock, so tests move a FakeClock instead of sleeping.
"""

from __future__ import annotations

import hmac
from datetime import datetime

import pyotp

STEP_SECONDS = 30
DIGITS = 6
WINDOW = 1  # steps accepted either side of the current one


def new_secret() -> str:
    """160 random bits, base32 (RFC 4226's recommended seed length)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, username: str, issuer: str) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=username, issuer_name=issuer
    )


def step_at(now: datetime) -> int:
    return int(now.timestamp()) // STEP_SECONDS


def code_at_step(secret: str, step: int) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).generate_otp(step)


def accepted_step(secret: str, code: str, now: datetime, last_step: int | None) -> int | None:
    """The step ``code`` belongs to, if it is valid now and newer than ``last_step``; else None.
    Every candidate step is compared (in constant time), so timing says nothing about which."""
    current = step_at(now)
    found: int | None = None
    for step in range(current - WINDOW, current + WINDOW + 1):
        if (
            hmac.compare_digest(code_at_step(secret, step).encode(), code.encode())
            and found is None
        ):
            found = step
    if found is None or (last_step is not None and found <= last_step):
        return None
    return found

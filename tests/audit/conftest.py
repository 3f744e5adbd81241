# How fixtures are built: entries and logs come from the one-line factories in factories.py
# (fixed clock, so hashes are reproducible); signing keys are deterministic Ed25519 keys from
# fixed seeds, so a failing run replays exactly. Nothing here reads the environment or the clock.
from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


@pytest.fixture
def log_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes(range(32)))


@pytest.fixture
def other_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))

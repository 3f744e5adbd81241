"""The API fixtures of tests/api, over a database whose argon2id parameters are the lowest the
settings allow: these tests check the logic of logins, not the cost of a hash, and they log in
hundreds of times (test_enrolment checks the node's default parameters separately)."""

from __future__ import annotations

import pytest

from api.conftest import api, objects  # noqa: F401 - fixtures, found by name
from conftest import DatabaseFactory, FakeClock
from tanseeq.store.database import Database

CHEAP_HASHES = {
    "password_hash_memory_kib": 8192,
    "password_hash_time_cost": 1,
    "password_hash_parallelism": 1,
}


@pytest.fixture
def db(make_db: DatabaseFactory, clock: FakeClock) -> Database:
    return make_db(clock, **CHEAP_HASHES)

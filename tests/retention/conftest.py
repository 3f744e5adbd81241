"""The API fixtures of tests/api (``api``, ``objects``), for the retention tests, over a
database whose API tokens outlive the years these tests move the clock through."""

import pytest

from api.conftest import api, objects  # noqa: F401 - fixtures, re-exported
from conftest import DatabaseFactory, FakeClock
from tanseeq.store.database import Database


@pytest.fixture
def db(make_db: DatabaseFactory, clock: FakeClock) -> Database:
    return make_db(clock, token_days=20 * 366)

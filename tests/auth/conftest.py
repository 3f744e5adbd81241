"""The API fixtures of tests/api, for the authentication tests."""

from api.conftest import api, objects  # noqa: F401 - fixtures, found by name

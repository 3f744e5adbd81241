"""The API fixtures of tests/api (``api``, ``objects``), for the review tests."""

from api.conftest import api, objects  # noqa: F401 - fixtures, re-exported

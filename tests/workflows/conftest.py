"""The API fixtures (``api``, ``objects``) of tests/api, for the workflow tests over HTTP."""

from __future__ import annotations

from api.conftest import api, objects

__all__ = ["api", "objects"]

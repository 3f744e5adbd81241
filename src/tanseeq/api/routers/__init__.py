"""One router per capability; ``ROUTERS`` is the order ``create_app`` includes them in."""

from __future__ import annotations

from fastapi import APIRouter

from tanseeq.api.routers import (
    agencies,
    agreements,
    audit,
    health,
    matching,
    notices,
    records,
    tokens,
    users,
)

ROUTERS: tuple[APIRouter, ...] = (
    health.router,
    agencies.router,
    users.router,
    tokens.router,
    agreements.router,
    records.router,
    notices.router,
    matching.router,
    audit.router,
)

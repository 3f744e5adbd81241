"""One router per capability; ``ROUTERS`` is the order ``create_app`` includes them in."""

from __future__ import annotations

from fastapi import APIRouter

from tanseeq.api.routers import (
    agencies,
    agreements,
    audit,
    followup,
    health,
    matching,
    notices,
    notifications,
    records,
    review,
    sessions,
    threads,
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
    sessions.public,
    sessions.authenticated,
    # Requests for assistance, hit follow-up, notifications (issue 5)
    threads.router,
    followup.router,
    notifications.router,
    # Notice review (issue 5)
    review.router,
)

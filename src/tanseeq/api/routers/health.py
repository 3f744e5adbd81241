"""``/health``: for load balancers; public, and says nothing but whether the database answers."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter

from tanseeq.api.deps import DbDep
from tanseeq.api.models import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
def health(db: DbDep) -> Health:
    with db.engine.connect() as conn:
        conn.execute(sa.text("SELECT 1"))
    return Health(status="ok")

"""``create_app()``: middleware, routers, problem handlers and lifespan wired in one place."""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.routing import APIRoute

from tanseeq import __version__
from tanseeq.api import problems, scheduler
from tanseeq.api.limits import BodySizeLimit
from tanseeq.api.models import PROBLEM_RESPONSES
from tanseeq.api.routers import ROUTERS
from tanseeq.api.routing import AuthenticatedRoute
from tanseeq.services import mailer, retention, screening
from tanseeq.settings import Settings
from tanseeq.store.database import Database

DESCRIPTION = """\
The Tanseeq hub: member agencies share records (FtM entities) and notices under agreements,
every consultation audited. Authenticate with `Authorization: Bearer <token>`.
Errors are RFC 9457 problem details (`application/problem+json`); input errors name each field
in `errors: [{loc, msg}]`. An object you may not see answers 404, exactly like one that does
not exist.
"""


def _operation_id(route: APIRoute) -> str:
    # The function names (``records_get``) are the operation ids: stable and readable.
    return route.name


def create_app(settings: Settings | None = None, db: Database | None = None) -> FastAPI:
    """The API over ``db`` (or a database opened from ``settings``, closed on shutdown).
    The schema is not migrated here: that is the operator's ``tanseeq migrate``."""
    if settings is None:
        settings = db.settings if db is not None else Settings()
    owned = db is None
    database = db if db is not None else Database(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        jobs = []
        if settings.index_warmup:
            warm = functools.partial(screening.hub_index, database)
            jobs.append(asyncio.create_task(scheduler.once(warm, "screening index warm-up")))
        if settings.retention_interval_seconds > 0:
            job = functools.partial(retention.run, database)
            interval = settings.retention_interval_seconds
            jobs.append(asyncio.create_task(scheduler.every(interval, job, "retention")))
        if settings.smtp_host and settings.mail_interval_seconds > 0:
            send = functools.partial(mailer.deliver_pending, database)
            interval = settings.mail_interval_seconds
            jobs.append(asyncio.create_task(scheduler.every(interval, send, "e-mail")))
        yield
        for task in jobs:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if owned:
            database.dispose()

    app = FastAPI(
        title="Tanseeq hub API",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        generate_unique_id_function=_operation_id,
    )
    app.state.db = database
    app.state.settings = settings
    problems.install(app)
    for router in ROUTERS:
        # Authenticated routers document the refusals every one of their operations can give.
        authenticated = router.route_class is AuthenticatedRoute
        app.include_router(router, responses=PROBLEM_RESPONSES if authenticated else None)
    # Outermost: refuses oversized bodies before any other layer sees a byte of them.
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    return app

"""Jobs of the server (retention periodically, the index warm-up once), run in a worker thread
from the lifespan.

The first run comes one interval after start-up, not at it: a server restarting in a loop must
not hammer the database, and cron (``tanseeq retention run``) covers nodes that want a run now.
A failing run is logged and tried again at the next interval; it never stops the server.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[object]]
_sleep: Sleep = asyncio.sleep  # replaced in tests, which move time instead of waiting


async def once(job: Callable[[], object], name: str) -> None:
    """Run ``job`` once now, in a worker thread (a failure is logged, as in :func:`every`)."""
    try:
        await asyncio.to_thread(job)
    except Exception:
        log.exception("%s failed", name)


async def every(interval: float, job: Callable[[], object], name: str) -> None:
    """Run ``job`` every ``interval`` seconds until cancelled."""
    while True:
        await _sleep(interval)
        # A bad run must not end the schedule; the next one may succeed.
        await once(job, f"scheduled {name}")

"""The API fixtures of tests/api, for the security tests; ``last_entries`` reads the log."""

from __future__ import annotations

import sqlalchemy as sa

from api.conftest import api, objects  # noqa: F401 - fixtures, found by name
from tanseeq.store.database import Database
from tanseeq.store.tables import AuditRow


def last_entries(db: Database, n: int = 1) -> list[AuditRow]:
    """The newest ``n`` audit rows, oldest first."""
    with db.transaction() as session:
        rows = list(session.scalars(sa.select(AuditRow).order_by(AuditRow.seq.desc()).limit(n)))
        session.expunge_all()
    return rows[::-1]

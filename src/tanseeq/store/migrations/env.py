"""Alembic environment: runs migrations on the engine handed over by ``Database.migrate``."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from tanseeq.store.tables import Base

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # plain `alembic` command line: take the URL from the ini or environment
    from tanseeq.settings import Settings

    engine = sa.create_engine(Settings().database_url)

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()

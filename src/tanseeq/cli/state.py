"""What the root options decide (the database), handed to every command through Click's context."""

from __future__ import annotations

from dataclasses import dataclass, field

import typer

from tanseeq.services import users
from tanseeq.services.context import Actor
from tanseeq.settings import Settings
from tanseeq.store.database import Database


@dataclass
class State:
    database_url: str | None = None
    _db: Database | None = field(default=None, repr=False)
    # The user the command acts as (``--as``) and the command, for logging a refusal.
    actor: Actor | None = None
    command: str = ""

    def settings(self) -> Settings:
        if self.database_url:
            return Settings(database_url=self.database_url)
        return Settings()

    def db(self) -> Database:
        """Opened on first use, so `--help` and `demo` never touch the node's database."""
        if self._db is None:
            self._db = Database(self.settings())
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
            self._db = None


def state_of(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    if not isinstance(obj, State):  # a sub-app invoked on its own, as in some tests
        obj = ctx.find_root().obj = State()
        ctx.call_on_close(obj.close)
    return obj


def db_of(ctx: typer.Context) -> Database:
    return state_of(ctx).db()


def act_as(ctx: typer.Context, username: str) -> Actor:
    """The user a command acts as; remembered, so that a refusal is logged in their name."""
    state = state_of(ctx)
    actor = users.actor_by_username(state.db(), username)
    state.actor, state.command = actor, ctx.command_path
    return actor

"""The ``tanseeq`` command: node administration, record import/export, the API server and the demo.

Commands are thin: they parse options, call one service and render the result. Administrative
commands act as the node operator (``services.context.OPERATOR``), who administers the node but
reads no agency's data; commands that touch records act as a named user (``--as``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import pydantic
import sqlalchemy.exc
import typer
from typer.core import TyperGroup

from tanseeq import __version__
from tanseeq.cli import admin, output, recordio, screen
from tanseeq.cli.audit import audit_app
from tanseeq.cli.retention import retention_app
from tanseeq.cli.state import State, state_of
from tanseeq.cli.workflows import notifications_app, thread_app
from tanseeq.errors import Forbidden, NotFound, TanseeqError
from tanseeq.services import audit_trail
from tanseeq.settings import Settings
from tanseeq.store.database import Database

HUB_CODE = "HUB"
HUB_ADMIN = "hub.admin"


class _Group(TyperGroup):
    """Turns the errors a user can cause into a message and an exit code, for every command."""

    def invoke(self, ctx: Any) -> Any:  # Typer's own (vendored) Click context
        try:
            return super().invoke(ctx)
        except TanseeqError as exc:
            _log_refusal(ctx, exc)
            output.fail_tanseeq(exc)
        except pydantic.ValidationError as exc:
            output.fail_validation(exc)
        except sqlalchemy.exc.OperationalError as exc:
            output.fail(
                f"database: {exc.orig or exc}; is the URL right, and was `tanseeq init` run?"
            )
        except sqlalchemy.exc.ProgrammingError as exc:
            output.fail(f"database: {exc.orig or exc}; run `tanseeq init` to create the tables")
        except OSError as exc:
            output.fail(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))


def _log_refusal(ctx: Any, exc: TanseeqError) -> None:
    """A command acting as a user (``--as``) and refused is logged as the API logs it (denied,
    or not_found for what the user may not see), in a transaction of its own."""
    state = ctx.find_root().obj
    if not isinstance(exc, Forbidden | NotFound) or not isinstance(state, State):
        return
    if state.actor is None:
        return
    # "tanseeq thread show" is logged as cli.thread.show.
    command = ".".join(state.command.split()[1:]).replace("-", "_") or "command"
    action = getattr(exc, "action", None) or f"cli.{command}"
    outcome = "denied" if isinstance(exc, Forbidden) else "not_found"
    try:
        audit_trail.record_denied(state.db(), state.actor, action, [], exc.detail, outcome)
    except Exception as err:  # whatever failed, the refusal itself is still reported below
        output.err().print(f"warning: the refusal could not be logged: {err}", markup=False)


app = typer.Typer(
    cls=_Group,
    name="tanseeq",
    help="Tanseeq (تنسيق): a hub for police cooperation across borders.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(admin.agency_app, name="agency")
app.add_typer(admin.user_app, name="user")
app.add_typer(admin.token_app, name="token")
app.add_typer(admin.agreement_app, name="agreement")
app.add_typer(recordio.record_app, name="record")
app.add_typer(audit_app, name="audit")
app.add_typer(retention_app, name="retention")
app.add_typer(thread_app, name="thread")
app.add_typer(notifications_app, name="notifications")
app.command("screen")(screen.screen)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tanseeq {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            help="SQLAlchemy URL of the node's database "
            "[default: $TANSEEQ_DATABASE_URL, else sqlite:///tanseeq.db]",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    state = State(database_url)
    ctx.obj = state
    ctx.call_on_close(state.close)


@app.command()
def migrate(ctx: typer.Context) -> None:
    """Bring the database schema to the newest version (also part of `init`)."""
    state_of(ctx).db().migrate()
    output.err().print("database schema is up to date")


@app.command()
def init(
    ctx: typer.Context,
    hub_code: Annotated[str, typer.Option(help="Code of the hub secretariat agency.")] = HUB_CODE,
    admin_name: Annotated[
        str, typer.Option("--admin", help="Username of the hub administrator.")
    ] = HUB_ADMIN,
) -> None:
    """Prepare a node: migrate the database, create the hub secretariat and a hub admin.

    Safe to run again: what exists is kept. The admin's enrolment secret (to set a password and
    TOTP) and API token are printed once, when the admin is created; later ones come from
    `tanseeq user enrol` and `tanseeq token issue`.
    """
    from tanseeq.domain.types import AgencyKind, Role
    from tanseeq.schemas import AgencyIn, TokenIn, UserIn
    from tanseeq.services import agencies, users
    from tanseeq.services.context import OPERATOR

    db = state_of(ctx).db()
    db.migrate()
    console = output.out()
    console.print(f"database ready: {db.engine.url.render_as_string(hide_password=True)}")
    hub = next(
        (a for a in agencies.list_agencies(db, OPERATOR) if a.kind == AgencyKind.SECRETARIAT),
        None,
    )
    if hub is None:
        hub = agencies.create(
            db,
            OPERATOR,
            AgencyIn(code=hub_code, kind=AgencyKind.SECRETARIAT, name_en="Hub secretariat"),
        )
        console.print(f"created the hub secretariat {hub.code} ({hub.id})")
    admins = [
        u
        for u in users.list_users(db, OPERATOR)
        if u.agency_id == hub.id and Role.HUB_ADMIN in u.roles and u.active
    ]
    if admins:
        console.print(f"hub admin exists: {admins[0].username}")
        return
    admin_user = users.create_user(
        db,
        OPERATOR,
        UserIn(
            username=admin_name,
            display_name="Hub administrator",
            roles=[Role.HUB_ADMIN],
            agency=hub.id,
        ),
    )
    # The enrolment comes first: an API token never counts as a fresh login, so the admin needs
    # a password and TOTP (a login session) for tokens, enrolments and role changes.
    enrolment = users.issue_enrolment(db, OPERATOR, admin_user.id)
    console.print(
        f"created the hub admin {admin_user.username}; enrolment secret (POST /enrolment, "
        f"expires {enrolment.expires_at:%Y-%m-%d %H:%M} UTC, shown once):"
    )
    typer.echo(enrolment.secret)
    issued = users.issue_token(db, OPERATOR, TokenIn(user=admin_user.id, label="init"))
    console.print("API token (shown once):")
    typer.echo(issued.token)


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the HTTP API (run `tanseeq init` first)."""
    import uvicorn

    from tanseeq.api.app import create_app

    uvicorn.run(create_app(state_of(ctx).settings()), host=host, port=port)


@app.command()
def demo(
    port: Annotated[int, typer.Option(help="Port to serve the demo on.")] = 8000,
    serve_it: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the API after building.")
    ] = True,
    db_file: Annotated[
        Path, typer.Option("--db-file", help="SQLite file of the demo, re-created each run.")
    ] = Path("tanseeq-demo.db"),
    seed: Annotated[int, typer.Option(help="Seed of the demo world.")] = 93,
) -> None:
    """Build the demo world in a fresh SQLite file, print its users' tokens, and serve it."""
    from tanseeq.demo import build_demo

    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db_file}{suffix}").unlink(missing_ok=True)
    db = Database(Settings(database_url=f"sqlite:///{db_file}", data_dir=db_file.parent))
    try:
        db.migrate()
        with output.err().status("building the demo world…"):
            world = build_demo(db, seed=seed)
        console = output.out()
        console.print(f"demo world built in {world.seconds:.1f} s in {db_file}: {world.summary()}")
        console.print(
            output.table(
                "Demo users (API tokens: Authorization: Bearer <token>)",
                ["username", "agency", "roles", "token"],
                ((u.username, u.agency, ", ".join(u.roles), u.token) for u in world.users.values()),
            )
        )
        address = f"http://127.0.0.1:{port}"
        console.print(f"API: {address}  ·  documentation: {address}/docs")
        if serve_it:
            import uvicorn

            from tanseeq.api.app import create_app

            uvicorn.run(create_app(db=db), host="127.0.0.1", port=port)
    finally:
        db.dispose()


def main() -> None:
    """The console script ``tanseeq``."""
    app()

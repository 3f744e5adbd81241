"""``tanseeq retention``: remind, expire and purge by the review dates (safe from cron)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from tanseeq.cli.state import db_of
from tanseeq.services import retention

retention_app = typer.Typer(help="Retention of records and notices.", no_args_is_help=True)


@retention_app.command("run")
def retention_run(
    ctx: typer.Context,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the report, with the ids, as JSON.")
    ] = False,
) -> None:
    """Remind owners of coming review dates, expire what was not renewed, purge what expired
    longer ago than the grace period. Idempotent: a second run the same day does nothing."""
    report = retention.run(db_of(ctx))
    if as_json:
        typer.echo(json.dumps(report.model_dump(mode="json"), indent=2))
        return
    typer.echo(
        f"retention {report.day}: reminded {report.reminded}, expired {report.expired}, "
        f"purged {report.purged}"
    )

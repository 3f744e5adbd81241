"""``tanseeq record import`` and ``record export``: files of records in and out, as a named user.

The formats are in docs/import.md. Import is all-or-nothing unless ``--skip-invalid``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from tanseeq.cli import output
from tanseeq.cli.state import act_as, db_of
from tanseeq.domain.types import TLP, DistributionKind, HandlingCode
from tanseeq.schemas import DistributionIn, MarkingIn
from tanseeq.services import importing

record_app = typer.Typer(help="Records: import and export files.", no_args_is_help=True)

AsUser = Annotated[
    str, typer.Option("--as", metavar="USERNAME", help="The user the command acts as.")
]


class RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:,.0f} rows/s", style="progress.data.speed")


def _progress() -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=output.err(),
        transient=False,
    )


@record_app.command("import")
def record_import(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, readable=True, metavar="FILE", help="The file to import."
        ),
    ],
    as_user: AsUser,
    fmt: Annotated[
        importing.Format | None,
        typer.Option("--format", help="jsonl or csv [default: from the file's extension]"),
    ] = None,
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid",
            help="Import the valid rows and list the others (and rows that "
            "refer to them) instead of importing nothing.",
        ),
    ] = False,
    distribution: Annotated[
        DistributionKind, typer.Option(help="Who may see the records, besides your agency.")
    ] = DistributionKind.OWNER,
    agency: Annotated[
        list[str] | None,
        typer.Option("--agency", help="An agency admitted (with --distribution agencies)."),
    ] = None,
    exclude: Annotated[
        list[str] | None, typer.Option("--exclude", help="An agency never admitted.")
    ] = None,
    tlp: Annotated[TLP, typer.Option(help="Traffic Light Protocol marking.")] = TLP.AMBER,
    handling: Annotated[
        list[HandlingCode] | None,
        typer.Option("--handling", help="A handling code; repeat for several [default: H0]."),
    ] = None,
    handling_note: Annotated[
        str | None, typer.Option("--handling-note", help="The restriction, with H3.")
    ] = None,
    crime_area: Annotated[
        list[str] | None,
        typer.Option("--crime-area", help="A crime area of the records; repeat for several."),
    ] = None,
) -> None:
    """Import records from FtM JSON lines or CSV, all in one transaction.

    Sharing and marking options are the defaults for every row; a row's own `tanseeq`
    fields (columns `tanseeq:tlp`, …) win. The file's ids only link its rows: records get
    new ids, and references between rows follow them.
    """
    db = db_of(ctx)
    actor = act_as(ctx, as_user)
    defaults = importing.ImportDefaults(
        distribution=DistributionIn(
            kind=distribution, agencies=agency or [], excluded=exclude or []
        ),
        marking=MarkingIn(
            tlp=tlp, handling=handling or [HandlingCode.H0], handling_note=handling_note
        ),
        crime_areas=tuple(crime_area or ()),
    )
    with _progress() as progress:
        task = progress.add_task(f"importing {file.name}", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        result = importing.import_file(
            db,
            actor,
            file,
            fmt=fmt,
            defaults=defaults,
            skip_invalid=skip_invalid,
            progress=advance,
        )
    console = output.out()
    console.print(
        f"imported {output.plural(result.imported, 'record')} from {file.name} as {actor.username} "
        f"(audit entry {result.audit_seq})"
    )
    if result.skipped:
        console.print(
            output.table(
                f"Skipped {output.plural(len(result.skipped), 'row')}",
                ["line", "reason"],
                ((s.line, s.reason) for s in result.skipped),
            )
        )


@record_app.command("export")
def record_export(
    ctx: typer.Context,
    as_user: AsUser,
    out: Annotated[
        Path | None,
        typer.Option("-o", "--output", dir_okay=False, help="File to write [default: stdout]"),
    ] = None,
    justification: Annotated[
        str | None, typer.Option(help="Why (required; kept in the audit log with the export).")
    ] = None,
) -> None:
    """Export every record the user may see as FtM JSON lines, with owner and markings."""
    db = db_of(ctx)
    actor = act_as(ctx, as_user)
    if out is None:
        count = importing.export_to(sys.stdout, db, actor, justification)
        where = "stdout"
    else:
        count = importing.export_file(db, actor, out, justification)
        where = str(out)
    output.err().print(f"exported {output.plural(count, 'record')} to {where}")

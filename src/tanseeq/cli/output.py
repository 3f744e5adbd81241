"""Terminal output shared by the commands: Rich consoles, tables, JSON, and how errors end a
command (a message on stderr and an exit code, never a traceback for an expected failure)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Sequence
from typing import Any, NoReturn

import pydantic
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tanseeq.errors import Conflict, FieldError, Invalid, NotFound, TanseeqError

# Exit codes: 2 is bad input (the same code Click gives a bad option), 1 anything else.
EXIT_INPUT = 2
EXIT_FAILURE = 1
INPUT_ERRORS = (Invalid, NotFound, Conflict)
PIPE_WIDTH = 240


def out() -> Console:
    # Built per use, not at import: Rich then writes to whatever sys.stdout is at the time
    # (a pipe, a file, the test runner's capture). Piped output is not cut to 80 columns, so
    # that tables stay one row a line for grep and friends.
    wide = not sys.stdout.isatty() and "COLUMNS" not in os.environ
    return Console(highlight=False, soft_wrap=False, width=PIPE_WIDTH if wide else None)


def err() -> Console:
    # Messages are not cut into lines: the terminal wraps them, and tests and logs can grep.
    return Console(stderr=True, highlight=False, soft_wrap=True)


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Table:
    t = Table(title=title, title_justify="left", show_lines=False)
    for name in columns:
        # Ids are copied from here into other commands: never cut them.
        t.add_column(name, overflow="fold", no_wrap=name.endswith("id"))
    for row in rows:
        t.add_row(*("" if v is None else str(v) for v in row))
    return t


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def print_json(items: Iterable[pydantic.BaseModel]) -> None:
    data = [item.model_dump(mode="json", by_alias=True) for item in items]
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def fail(message: str, code: int = EXIT_FAILURE, details: Sequence[FieldError] = ()) -> NoReturn:
    console = err()
    console.print(f"[bold red]error:[/] {escape(message)}")
    shown = [d for d in details if f"{d.loc}: {d.msg}" != message]
    for d in shown[:20]:
        console.print(f"  {d.loc}: {d.msg}", markup=False)
    if len(shown) > 20:
        console.print(f"  … and {len(shown) - 20} more", markup=False)
    raise typer.Exit(code)


def fail_tanseeq(exc: TanseeqError) -> NoReturn:
    code = EXIT_INPUT if isinstance(exc, INPUT_ERRORS) else EXIT_FAILURE
    fail(exc.detail, code, exc.errors)


def fail_validation(exc: pydantic.ValidationError) -> NoReturn:
    errors = [
        FieldError(".".join(str(p) for p in e["loc"]) or "input", e["msg"]) for e in exc.errors()
    ]
    first = errors[0]
    fail(f"{first.loc}: {first.msg}", EXIT_INPUT, errors)

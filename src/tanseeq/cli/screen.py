"""``tanseeq screen``: bulk screening of a list against a watchlist file or the hub.

Reading and checking the whole query file comes first, so a bad row stops the run (exit 2, the
line named) before anything is screened or any hit recorded. Against the hub the run acts as a
named user, needs a justification, and records hits exactly like the API.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import IO, Annotated, Any

import typer
from followthemoney import model
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)

from tanseeq.cli import output
from tanseeq.cli.state import act_as, db_of
from tanseeq.matching import MatchIndex, QueryInputError, Subject, read_query_csv, screen_bulk
from tanseeq.matching.subject import MAX_VALUE_CHARS
from tanseeq.services import screening

Progress_ = Callable[[int, int | None], None]
HIT_FIELDS = ("query_id", "record_id", "score", "match", "explanation")


class OutFormat(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"


def _open_text(path: Path, what: str) -> IO[str]:
    try:
        data = path.read_bytes()
        text = data.decode("utf-8-sig")
    except OSError as exc:  # missing, a directory, unreadable: the user's input, so exit 2
        output.fail(f"{what} {path}: {exc.strerror or exc}", output.EXIT_INPUT)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        output.fail(f"{what} {path}: line {line}: not UTF-8 text", output.EXIT_INPUT)
    return io.StringIO(text, newline="")


def _check_properties(entity: dict[str, Any]) -> None:
    """A file's entity must spell its properties right: the matcher skips properties it does
    not know, so a misspelt ``nme`` would put a person on the list who can never match."""
    schema = model.get(str(entity.get("schema", "")))
    if schema is None:
        raise ValueError(f"unknown FtM schema {entity.get('schema')!r}")
    props = entity.get("properties") or {}
    if not isinstance(props, dict):
        raise ValueError("properties: must be an object")
    for name, values in props.items():
        if schema.get(name) is None:
            raise ValueError(f"properties.{name}: not a property of {schema.name}")
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ValueError(f"properties.{name}: must be a list of strings")
        for value in values:
            if len(value) > MAX_VALUE_CHARS:
                raise ValueError(
                    f"properties.{name}: {len(value)} characters (at most {MAX_VALUE_CHARS})"
                )


def read_subjects(path: Path, what: str) -> list[Subject]:
    """CSV (documented columns) or FtM JSON lines, by extension; errors name the line."""
    handle = _open_text(path, what)
    try:
        if path.suffix.lower() == ".csv":
            return list(read_query_csv(handle))
        subjects = []
        for n, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                entity = json.loads(line)
                if not isinstance(entity, dict) or "id" not in entity:
                    raise ValueError("each line must be an FtM entity with an id")
                _check_properties(entity)
                subjects.append(Subject.from_ftm(entity))
            except (ValueError, KeyError, TypeError) as exc:
                raise QueryInputError(n, None, str(exc)[:300]) from exc
        return subjects
    except QueryInputError as exc:
        output.fail(f"{what} {path}: {exc}", output.EXIT_INPUT)


def _writer(stream: IO[str], fmt: OutFormat) -> Callable[[dict[str, Any]], object]:
    if fmt == OutFormat.CSV:
        w = csv.DictWriter(stream, fieldnames=[*HIT_FIELDS, "blind_owner"], extrasaction="ignore")
        w.writeheader()
        return w.writerow

    def write_json(row: dict[str, Any]) -> object:
        return stream.write(json.dumps(row, ensure_ascii=False) + "\n")

    return write_json


def screen(
    ctx: typer.Context,
    queries: Annotated[Path, typer.Argument(help="CSV (id,name,birth_date,…) or FtM JSON lines")],
    against: Annotated[
        str,
        typer.Option(
            help="A watchlist file (CSV or FtM JSON lines), or `hub` for what your agency may see"
        ),
    ],
    threshold: Annotated[float | None, typer.Option(min=0.0, max=1.0)] = None,
    fmt: Annotated[OutFormat, typer.Option("--format")] = OutFormat.JSONL,
    out: Annotated[Path | None, typer.Option("-o", "--output", help="Default: stdout")] = None,
    as_user: Annotated[str | None, typer.Option("--as", help="Acting user (with `hub`)")] = None,
    justification: Annotated[str | None, typer.Option(help="Why (with `hub`; audited)")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Default: every core")] = None,
    all_results: Annotated[bool, typer.Option("--all", help="Also near misses")] = False,
) -> None:
    """Screen a list of people, documents or vehicles; one output line per hit."""
    subjects = read_subjects(queries, "queries")
    if against == "hub":
        if not as_user or not justification:
            output.fail(
                "screening against the hub needs --as USER and --justification", output.EXIT_INPUT
            )
        db = db_of(ctx)
        actor = act_as(ctx, as_user)

        def rows_of(progress: Progress_) -> Iterator[dict[str, Any]]:
            return screening.screen_hub(
                db,
                actor,
                subjects,
                threshold=threshold,
                justification=justification,
                workers=workers,
                progress=progress,
            )
    else:
        index = MatchIndex() if threshold is None else MatchIndex(threshold=threshold)
        # The watchlist is prepared on every core (or --workers) like the screening itself.
        index.add_many(
            read_subjects(Path(against), "watchlist"), processes=workers or os.cpu_count() or 1
        )

        def rows_of(progress: Progress_) -> Iterator[dict[str, Any]]:
            return iter(
                screen_bulk(
                    index, subjects, threshold=threshold, processes=workers, progress=progress
                )
            )

    stream = out.open("w", encoding="utf-8", newline="") if out else sys.stdout
    write = _writer(stream, fmt)
    count = 0
    try:
        with Progress(
            TextColumn("screening"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rate]}/s"),
            TimeRemainingColumn(),
            console=output.err(),
            transient=out is None,
        ) as bar:
            task = bar.add_task("screen", total=len(subjects), rate="–")

            def progress(done: int, _total: int | None) -> None:
                elapsed = bar.tasks[0].elapsed or 0.0
                rate = f"{done / elapsed:,.0f}" if elapsed else "–"
                bar.update(task, completed=done, rate=rate)

            for row in _hits(rows_of(progress), all_results):
                write(row)
                count += 1
    finally:
        if out:
            stream.close()
    output.err().print(f"{len(subjects)} queries screened, {count} result lines")


def _hits(rows: Iterator[dict[str, Any]], all_results: bool) -> Iterator[dict[str, Any]]:
    for row in rows:
        if row.get("record_id") is None and not row.get("blind_owner"):
            continue
        if all_results or row["match"]:
            yield row

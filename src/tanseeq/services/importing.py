"""Records in and out of files: FtM JSON lines and CSV in, FtM JSON lines out.

An import is one transaction: every row goes through ``records.insert`` (the same validation as
one record made by hand) and the file leaves one ``record.import`` audit entry, or nothing at
all is written. The file's own ids only link its rows together: records get server ids, and a
reference to another row (``Passport.holder`` → a Person's id) is rewritten to that row's new
id, whatever the order of the rows. The file is read in two passes: the first parses every row
and resolves references, the second inserts in dependency order. The input file is only read.

The formats are documented for users in ``docs/import.md``.
"""

from __future__ import annotations

import csv
import heapq
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

import pydantic
from followthemoney import model
from followthemoney.schema import Schema
from followthemoney.types import registry
from sqlalchemy.orm import Session

from tanseeq import access
from tanseeq.errors import FieldError, Invalid
from tanseeq.schemas import DistributionIn, MarkingIn, RecordIn
from tanseeq.services import audit_trail, records
from tanseeq.services.context import Actor, require, today
from tanseeq.store.database import Database

Progress = Callable[[int, int], None]

SEPARATOR = ";"  # several values in one CSV cell
META_PREFIX = "tanseeq:"
# Per-row sharing and marking, as CSV columns (``tanseeq:tlp``) or keys of a JSON line's
# ``tanseeq`` object. Lists are ``;``-separated in CSV and JSON arrays in JSON lines.
META_FIELDS = (
    "distribution",
    "agencies",
    "excluded",
    "tlp",
    "handling",
    "handling_note",
    "crime_areas",
)
LIST_FIELDS = frozenset({"agencies", "excluded", "handling", "crime_areas"})
# Written by ``export`` and ignored on the way back in: the importing agency owns the new
# records, and they get a review date of their own.
IGNORED_META = frozenset({"owner", "review_date"})
MAX_REPORTED = 50  # errors listed in one Invalid: enough to fix a file, not a flood
_LOOKUP_CHUNK = 500  # ids per IN (...) when checking references to stored records


class Format(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"


@dataclass(frozen=True)
class ImportDefaults:
    """Sharing and marking for every row of a file that does not say otherwise."""

    distribution: DistributionIn = field(default_factory=DistributionIn)
    marking: MarkingIn = field(default_factory=MarkingIn)
    crime_areas: tuple[str, ...] = ()


@dataclass(frozen=True)
class Skipped:
    line: int
    reason: str  # what the error would say, without the line


@dataclass
class ImportResult:
    imported: int
    skipped: list[Skipped]
    ids: dict[str, str]  # the file's id → the new record's id, for rows that had an id
    audit_seq: int


@dataclass
class _Row:
    line: int
    file_id: str | None
    schema: Schema
    data: RecordIn
    # (property, value index, file id of the row referenced)
    local_refs: list[tuple[str, int, str]] = field(default_factory=list)
    deps: set[int] = field(default_factory=set)  # indexes of rows this one refers to


class _Problems:
    """Errors by line: raised at once when importing all-or-nothing, collected when skipping."""

    def __init__(self, skip: bool) -> None:
        self.skip = skip
        self.by_line: dict[int, str] = {}

    def add(self, err: Invalid, line: int) -> None:
        if not self.skip:
            raise err
        self.by_line.setdefault(line, err.detail.removeprefix(f"line {line}: "))

    def __contains__(self, line: int) -> bool:
        return line in self.by_line


def guess_format(path: Path) -> Format:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return Format.CSV
    if suffix in (".jsonl", ".ndjson", ".json", ".ftm"):
        return Format.JSONL
    raise Invalid(
        f"format: cannot tell the format of {path.name!r}; say jsonl or csv",
        [FieldError("format", "jsonl or csv")],
    )


def import_file(
    db: Database,
    actor: Actor,
    path: Path,
    *,
    fmt: Format | None = None,
    defaults: ImportDefaults | None = None,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Import a file of records as ``actor``'s agency (see the module doc)."""
    fmt = fmt or guess_format(path)
    with path.open("rb") as stream:
        return import_lines(
            db,
            actor,
            stream,
            name=path.name,
            fmt=fmt,
            defaults=defaults,
            skip_invalid=skip_invalid,
            progress=progress,
        )


def import_lines(
    db: Database,
    actor: Actor,
    lines: Iterable[bytes],
    *,
    name: str,
    fmt: Format,
    defaults: ImportDefaults | None = None,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Import from raw lines (a file opened in binary, an upload): the adapters' entry point."""
    require(actor, "record.create")
    actor.viewer()  # records belong to an agency: the node operator, in none, imports nothing
    defaults = defaults or ImportDefaults()
    problems = _Problems(skip_invalid)
    text = _decode(lines, problems)
    parsed = _parse_jsonl(text, problems) if fmt == Format.JSONL else _parse_csv(text, problems)
    rows: list[_Row] = []
    dropped: dict[str, int] = {}  # file id → line, of rows that failed to parse (when skipping)
    for p in parsed:
        row = _build(p, defaults, problems)
        if row is not None:
            rows.append(row)
        elif p.file_id is not None:
            dropped.setdefault(p.file_id, p.line)
    if not rows and not problems.by_line:
        raise Invalid("file: no records in it", [FieldError("file", "no records")])
    by_id = _index_ids(rows, problems)
    _link(rows, by_id)
    with db.transaction() as session:
        _check_stored_refs(session, db, actor, rows, dropped, problems)
        order = _dependency_order(rows, problems)
        new_ids: dict[int, str] = {}  # row index → new record id
        for done, i in enumerate(order, start=1):
            new_id = _insert(session, db, actor, rows, i, by_id, new_ids, problems)
            if new_id is not None:
                new_ids[i] = new_id
            if progress is not None:
                progress(done, len(order))
        skipped = [Skipped(line, reason) for line, reason in sorted(problems.by_line.items())]
        seq = audit_trail.record(
            session,
            db,
            actor,
            "record.import",
            list(new_ids.values()),
            detail={"file": name[:200], "count": len(new_ids), "skipped": len(skipped)},
        )
    ids: dict[str, str] = {}
    for i, rid in new_ids.items():
        if (file_id := rows[i].file_id) is not None:
            ids[file_id] = rid
    return ImportResult(imported=len(new_ids), skipped=skipped, ids=ids, audit_seq=seq)


def _insert(
    session: Session,
    db: Database,
    actor: Actor,
    rows: list[_Row],
    i: int,
    by_id: Mapping[str, int],
    new_ids: Mapping[int, str],
    problems: _Problems,
) -> str | None:
    """Insert row ``i`` with its references rewritten; its new id, or None when it is skipped."""
    row = rows[i]
    if row.line in problems:
        return None
    gone = sorted(rows[d].line for d in row.deps if d not in new_ids)
    if gone:
        # Only when skipping (all-or-nothing stops at the first bad row): a row whose target
        # was skipped would point at nothing.
        problems.add(_invalid(row.line, "", f"refers to line {gone[0]}, skipped"), row.line)
        return None
    data = _with_new_ids(row, rows, by_id, new_ids)
    loc = f"line {row.line}: "
    try:
        if problems.skip:
            # A savepoint, so that a row failing half-way leaves nothing behind.
            with session.begin_nested():
                return records.insert(session, db, actor, data, loc=loc).id
        return records.insert(session, db, actor, data, loc=loc).id
    except Invalid as err:
        problems.add(err, row.line)
        return None


# ---------------------------------------------------------------------------------------------
# Pass one: bytes → text → rows


def _invalid(line: int, loc: str, msg: str) -> Invalid:
    where = f"line {line}: {loc}" if loc else f"line {line}"
    return Invalid(f"{where}: {msg}", [FieldError(where, msg)])


def _decode(lines: Iterable[bytes], problems: _Problems) -> Iterator[tuple[int, str]]:
    for n, raw in enumerate(lines, start=1):
        if n == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]  # a UTF-8 byte order mark, as spreadsheet programs write
        try:
            yield n, raw.decode("utf-8")
        except UnicodeDecodeError as err:
            problems.add(
                _invalid(n, "", f"not UTF-8 text (byte 0x{raw[err.start]:02x} at {err.start + 1})"),
                n,
            )


@dataclass
class _Parsed:
    line: int
    file_id: str | None
    schema: str
    properties: dict[str, list[str]]
    meta: dict[str, Any]


def _parse_jsonl(text: Iterable[tuple[int, str]], problems: _Problems) -> Iterator[_Parsed]:
    for n, line in text:
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            problems.add(_invalid(n, "", f"not valid JSON ({err.msg} at column {err.colno})"), n)
            continue
        if not isinstance(obj, dict):
            problems.add(_invalid(n, "", "must be a JSON object"), n)
            continue
        file_id = obj.get("id")
        if file_id is not None and not (isinstance(file_id, str) and file_id.strip()):
            problems.add(_invalid(n, "id", "must be a non-empty string"), n)
            continue
        props = obj.get("properties", {})
        if not isinstance(props, dict):
            problems.add(_invalid(n, "properties", "must be an object"), n)
            continue
        meta = obj.get("tanseeq", {})
        if not isinstance(meta, dict):
            problems.add(_invalid(n, "tanseeq", "must be an object"), n)
            continue
        # Other top-level keys (caption, datasets, first_seen, ...) are FtM producers' own.
        yield _Parsed(n, file_id.strip() if file_id else None, obj.get("schema"), props, meta)  # type: ignore[arg-type]


def _split(cell: str) -> list[str]:
    return [v.strip() for v in cell.split(SEPARATOR) if v.strip()]


def _parse_csv(text: Iterable[tuple[int, str]], problems: _Problems) -> Iterator[_Parsed]:
    # The csv module reads quoted cells across lines: track physical line numbers around it.
    current = [0]

    def physical() -> Iterator[str]:
        for n, line in text:
            current[0] = n
            yield line

    reader = csv.reader(physical(), strict=True)
    header: list[str] | None = None
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            problems.add(_invalid(current[0], "", f"not valid CSV ({err})"), current[0])
            if header is None:
                return
            start = current[0] + 1
            continue
        line, start = start, current[0] + 1
        if header is None:
            header = [c.strip() for c in cells]
            try:
                _check_header(header)
            except Invalid as err:
                problems.add(err, line)
                return
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.add(_invalid(line, "", f"{len(cells)} cells for {len(header)} columns"), line)
            continue
        props: dict[str, list[str]] = {}
        meta: dict[str, Any] = {}
        file_id, schema = None, ""
        for column, cell in zip(header, cells, strict=True):
            if column == "id":
                file_id = cell.strip() or None
            elif column == "schema":
                schema = cell.strip()
            elif column.startswith(META_PREFIX):
                key = column[len(META_PREFIX) :]
                if cell.strip():
                    meta[key] = _split(cell) if key in LIST_FIELDS else cell.strip()
            elif values := _split(cell):
                props[column] = values
        yield _Parsed(line, file_id, schema, props, meta)


def _check_header(header: list[str]) -> None:
    if "schema" not in header:
        raise _invalid(1, "schema", "the header needs a 'schema' column")
    seen: set[str] = set()
    for column in header:
        if not column:
            raise _invalid(1, "", "a column has no name")
        if column in seen:
            raise _invalid(1, column, "column named twice")
        seen.add(column)
        key = column[len(META_PREFIX) :]
        if column.startswith(META_PREFIX) and key not in META_FIELDS:
            raise _invalid(1, column, f"unknown column; known: {', '.join(META_FIELDS)}")


def _build(p: _Parsed, defaults: ImportDefaults, problems: _Problems) -> _Row | None:
    """The row as the ``RecordIn`` it will be inserted as (with the file's references still in)."""
    if not p.schema:
        problems.add(_invalid(p.line, "schema", "required"), p.line)
        return None
    schema = model.get(p.schema) if isinstance(p.schema, str) else None
    if schema is None or schema.abstract:
        problems.add(_invalid(p.line, "schema", f"unknown schema {p.schema!r}"), p.line)
        return None
    unknown = sorted(set(p.meta) - set(META_FIELDS) - IGNORED_META)
    if unknown:
        problems.add(_invalid(p.line, f"tanseeq.{unknown[0]}", "unknown field"), p.line)
        return None
    meta, dist, mark = p.meta, defaults.distribution, defaults.marking
    kind: Any = dist.kind
    agencies: Any = dist.agencies
    if "distribution" in meta or "agencies" in meta:
        # A row naming agencies alone means "these agencies"; a row's own kind drops the
        # file's named agencies, which only go with kind "agencies".
        kind = meta.get("distribution", "agencies")
        agencies = meta.get("agencies", [])
    try:
        data = RecordIn.model_validate(
            {
                "schema": schema.name,
                "properties": p.properties,
                "distribution": {
                    "kind": kind,
                    "agencies": agencies,
                    "excluded": meta.get("excluded", dist.excluded),
                },
                "marking": {
                    "tlp": meta.get("tlp", mark.tlp),
                    "handling": meta.get("handling", mark.handling),
                    "handling_note": meta.get("handling_note", mark.handling_note),
                },
                "crime_areas": meta.get("crime_areas", list(defaults.crime_areas)),
            }
        )
    except pydantic.ValidationError as err:
        first = err.errors()[0]
        loc = ".".join(str(x) for x in first["loc"])
        problems.add(_invalid(p.line, loc, first["msg"]), p.line)
        return None
    return _Row(line=p.line, file_id=p.file_id, schema=schema, data=data)


# ---------------------------------------------------------------------------------------------
# References between rows, and to records already stored


def _index_ids(rows: list[_Row], problems: _Problems) -> dict[str, int]:
    by_id: dict[str, int] = {}
    for i, row in enumerate(rows):
        if row.file_id is None:
            continue
        if row.file_id in by_id:
            first = rows[by_id[row.file_id]].line
            problems.add(
                _invalid(row.line, "id", f"{row.file_id!r} is also on line {first}"), row.line
            )
            continue
        by_id[row.file_id] = i
    return by_id


def _entity_values(row: _Row) -> Iterator[tuple[str, int, str]]:
    for name, values in row.data.properties.items():
        prop = row.schema.get(name)
        if prop is None or prop.type != registry.entity:
            continue  # unknown properties are reported by records.insert, with the line
        for k, value in enumerate([values] if isinstance(values, str) else values):
            yield name, k, value.strip()


def _link(rows: list[_Row], by_id: Mapping[str, int]) -> None:
    for row in rows:
        for name, k, value in _entity_values(row):
            target = by_id.get(value)
            if target is None:
                continue
            row.local_refs.append((name, k, value))
            row.deps.add(target)


def _check_stored_refs(
    session: Session,
    db: Database,
    actor: Actor,
    rows: list[_Row],
    dropped: Mapping[str, int],
    problems: _Problems,
) -> None:
    """A reference to no row of the file must name a record the importer can see: checked for
    the whole file in a few queries, so a bad reference on the last line fails before any row
    is written."""
    local = {(r.line, name, k) for r in rows for name, k, _ in r.local_refs}
    wanted = [
        (row, name, k, value)
        for row in rows
        for name, k, value in _entity_values(row)
        if (row.line, name, k) not in local
    ]
    if not wanted:
        return
    ids = sorted({value for _, _, _, value in wanted})
    known: set[str] = set()
    viewer = actor.viewer()
    for start in range(0, len(ids), _LOOKUP_CHUNK):
        chunk = set(ids[start : start + _LOOKUP_CHUNK])
        known.update(session.scalars(access.visible_record_ids(viewer, today(db), chunk)))
    for row, name, k, value in wanted:
        if value in known or row.line in problems:
            continue
        if value in dropped:
            problems.add(
                _invalid(row.line, "", f"refers to line {dropped[value]}, skipped"), row.line
            )
        else:
            problems.add(
                _invalid(
                    row.line,
                    f"properties.{name}[{k}]",
                    f"unknown reference {value!r}: no row of the file has this id",
                ),
                row.line,
            )


def _dependency_order(rows: list[_Row], problems: _Problems) -> list[int]:
    """Rows that others refer to come first; otherwise file order. Rows in a reference cycle
    cannot be given new ids one after the other and are reported."""
    waiting = [len(r.deps) for r in rows]
    users: dict[int, list[int]] = {}
    for i, row in enumerate(rows):
        for d in row.deps:
            users.setdefault(d, []).append(i)
    ready = [i for i, w in enumerate(waiting) if w == 0]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        i = heapq.heappop(ready)
        order.append(i)
        for u in users.get(i, ()):
            waiting[u] -= 1
            if waiting[u] == 0:
                heapq.heappush(ready, u)
    for i, w in enumerate(waiting):
        if w and rows[i].line not in problems:
            problems.add(_invalid(rows[i].line, "", "part of a cycle of references"), rows[i].line)
    return order


def _with_new_ids(
    row: _Row, rows: list[_Row], by_id: Mapping[str, int], new_ids: Mapping[int, str]
) -> RecordIn:
    if not row.local_refs:
        return row.data
    props = {
        name: list([values] if isinstance(values, str) else values)
        for name, values in row.data.properties.items()
    }
    for name, k, file_id in row.local_refs:
        props[name][k] = new_ids[by_id[file_id]]
    return row.data.model_copy(update={"properties": props})


# ---------------------------------------------------------------------------------------------
# Export


def export_lines(db: Database, actor: Actor, justification: str | None = None) -> Iterator[str]:
    """FtM JSON lines (with the ``tanseeq`` markings object) of every record the actor sees."""
    for entity in records.export(db, actor, justification=justification):
        yield json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n"


def export_to(stream: IO[str], db: Database, actor: Actor, justification: str | None) -> int:
    count = 0
    for line in export_lines(db, actor, justification):
        stream.write(line)
        count += 1
    return count


def export_file(db: Database, actor: Actor, path: Path, justification: str | None = None) -> int:
    """Write the export to ``path`` through a temporary file beside it, so a failed export never
    leaves a half-written file under the final name. Returns the number of records."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or Path("."))
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as stream:
            count = export_to(stream, db, actor, justification)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count

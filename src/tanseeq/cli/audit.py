"""``tanseeq audit``: the operator's tools for the tamper-evident audit log.

``verify`` is meant for cron: exit 0 when the log checks out, exit 1 with the first bad entry
named otherwise (any finding is a security incident, see docs/audit.md). ``head`` signs a fresh
tree head and writes the JSON bundle partner agencies witness. ``proof`` and ``consistency``
print hashes only, never entry content: the operator reads no agency's data.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer

from tanseeq.audit import LogReport, SignedTreeHead, load_public_key
from tanseeq.errors import TanseeqError
from tanseeq.services import auditing
from tanseeq.services.context import OPERATOR
from tanseeq.settings import Settings
from tanseeq.store.database import Database

audit_app = typer.Typer(
    help="The tamper-evident audit log: verify it, sign and export heads, prove entries.",
    no_args_is_help=True,
)


def _settings(ctx: typer.Context) -> Settings:
    # Mounted under the ``tanseeq`` app, the root options (``--database-url``) live in the root
    # context's object; standing alone, the environment decides.
    settings = getattr(ctx.find_root().obj, "settings", None)
    if callable(settings):
        found = settings()
        if isinstance(found, Settings):
            return found
    return Settings()


@contextmanager
def _database(ctx: typer.Context) -> Iterator[Database]:
    db = Database(_settings(ctx))
    try:
        yield db
    except TanseeqError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(2) from exc
    finally:
        db.dispose()


def _read_heads(paths: list[Path]) -> list[SignedTreeHead]:
    heads = []
    for path in paths:
        try:
            data: Any = json.loads(path.read_text("utf-8"))
            # Accept the bundle ``tanseeq audit head`` writes as well as a bare head.
            if isinstance(data, dict) and isinstance(data.get("head"), dict):
                data = data["head"]
            heads.append(SignedTreeHead.from_dict(data))
        except (OSError, ValueError) as exc:
            raise typer.BadParameter(f"{path}: {exc}", param_hint="--head") from exc
    return heads


def _describe(report: LogReport) -> str:
    finding = report.finding
    if finding is None:
        return (
            f"ok: {report.entries_checked} entries, {report.heads_checked} signed heads matched, "
            f"root {report.root_hash}"
        )
    where = "the log"
    if finding.seq is not None:
        where = f"seq {finding.seq}"
        if finding.last_seq is not None and finding.last_seq != finding.seq:
            where += f"..{finding.last_seq}"
    return f"FAILED: {finding.problem.value} at {where}: {finding.message}"


@audit_app.command("verify")
def verify_command(
    ctx: typer.Context,
    head: list[Path] = typer.Option(
        [], "--head", help="A head a partner agency holds (JSON, as exported); repeatable."
    ),
    key: list[Path] = typer.Option(
        [], "--key", help="An extra public key (PEM), e.g. one rotated out; repeatable."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Check every entry, every signed head and the stored frontier; exit 1 at the first
    problem, naming the entry."""
    heads = _read_heads(head)
    keys = [load_public_key(p) for p in key]
    with _database(ctx) as db:
        report = auditing.verify(db, heads=heads, public_keys=keys)
    if as_json:
        finding = report.finding
        typer.echo(
            json.dumps(
                {
                    "ok": report.ok,
                    "entries_checked": report.entries_checked,
                    "heads_checked": report.heads_checked,
                    "tree_size": report.tree_size,
                    "root_hash": report.root_hash,
                    "finding": None
                    if finding is None
                    else {
                        "problem": finding.problem.value,
                        "seq": finding.seq,
                        "last_seq": finding.last_seq,
                        "message": finding.message,
                    },
                }
            )
        )
    else:
        typer.echo(_describe(report), err=not report.ok)
    if not report.ok:
        raise typer.Exit(1)


@audit_app.command("head")
def head_command(
    ctx: typer.Context,
    output: Path | None = typer.Option(
        None, "-o", "--output", help="Write the JSON bundle here instead of standard output."
    ),
) -> None:
    """Sign a fresh tree head and export it, with the public key and the consistency proof from
    the previous head, for partner agencies to witness."""
    with _database(ctx) as db:
        bundle = auditing.export_head(db, OPERATOR)
    text = bundle.model_dump_json(indent=2) + "\n"
    if output is None:
        typer.echo(text, nl=False)
        return
    output.write_text(text, "utf-8")
    head = bundle.head
    typer.echo(f"signed head: {head['tree_size']} entries, root {head['root_hash']} -> {output}")


@audit_app.command("proof")
def proof_command(
    ctx: typer.Context,
    seq: int = typer.Option(..., "--seq", help="The entry to prove."),
    tree_size: int | None = typer.Option(
        None, "--tree-size", help="Size of the tree (a head's); default: the newest signed head."
    ),
) -> None:
    """Print the inclusion proof of entry SEQ (hashes only) and the head it refers to."""
    with _database(ctx) as db:
        head = auditing.latest_head(db, OPERATOR)
        if tree_size is None and head is not None and seq < head.tree_size:
            tree_size = head.tree_size
        proof = auditing.inclusion_proof(db, OPERATOR, seq, tree_size)
    doc: dict[str, Any] = {"proof": proof.model_dump()}
    if head is not None and head.tree_size == proof.tree_size:
        doc["head"] = head.to_dict()
    typer.echo(json.dumps(doc, indent=2))


@audit_app.command("consistency")
def consistency_command(
    ctx: typer.Context,
    old: int = typer.Option(..., "--old", help="Size of the older tree."),
    new: int = typer.Option(..., "--new", help="Size of the newer tree."),
) -> None:
    """Print the consistency proof between two tree sizes (hashes only)."""
    with _database(ctx) as db:
        proof = auditing.consistency_proof(db, OPERATOR, old, new)
    typer.echo(json.dumps(proof.model_dump(), indent=2))

"""``tanseeq thread …`` and ``tanseeq notifications …``: requests for assistance and the inbox
at the command line, and the e-mail sender for cron."""

from __future__ import annotations

from typing import Annotated

import typer

from tanseeq.cli import output
from tanseeq.cli.recordio import AsUser
from tanseeq.cli.state import act_as, db_of
from tanseeq.domain.types import ThreadStatus
from tanseeq.services import mailer, notifications, threads

thread_app = typer.Typer(help="Requests for assistance between agencies.", no_args_is_help=True)
notifications_app = typer.Typer(help="Inboxes and notification e-mail.", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="JSON instead of a table.")]


@thread_app.command("list")
def thread_list(
    ctx: typer.Context,
    as_user: AsUser,
    status: Annotated[
        ThreadStatus | None, typer.Option(help="Only threads in this status.")
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 50,
    as_json: JsonOption = False,
) -> None:
    """Threads your agency is party to, most recently active first."""
    db = db_of(ctx)
    page = threads.list_threads(
        db, act_as(ctx, as_user), status=status, limit=limit
    )
    if as_json:
        output.print_json(page.items)
        return
    output.out().print(
        output.table(
            f"{output.plural(page.total, 'thread')}",
            ["id", "status", "priority", "subject", "messages", "unread", "updated"],
            (
                (t.id, t.status, t.priority, t.subject, t.message_count, t.unread, t.updated_at)
                for t in page.items
            ),
        )
    )


@thread_app.command("show")
def thread_show(
    ctx: typer.Context,
    thread_id: Annotated[str, typer.Argument(help="The thread's id.")],
    as_user: AsUser,
    justification: Annotated[
        str | None, typer.Option(help="Why you consult it (kept in the audit log).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """A whole thread (marks its messages read by you)."""
    db = db_of(ctx)
    thread = threads.get(db, act_as(ctx, as_user), thread_id, justification)
    if as_json:
        output.print_json([thread])
        return
    console = output.out()
    console.print(
        f"{thread.subject} — {thread.status}, {thread.priority}, TLP:{thread.tlp}",
        markup=False,
    )
    for m in thread.messages:
        console.print(
            f"\n[{m.at:%Y-%m-%d %H:%M}] {m.author_agency_id} (TLP:{m.tlp}, "
            f"{', '.join(m.handling)})",
            markup=False,
        )
        console.print(m.body, markup=False)
        for a in m.attachments:
            console.print(f"  attachment {a.filename} {a.size} B sha256:{a.sha256}", markup=False)


@notifications_app.command("list")
def notifications_list(
    ctx: typer.Context,
    as_user: AsUser,
    unread: Annotated[bool, typer.Option("--unread", help="Only unread entries.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Your inbox, newest first."""
    db = db_of(ctx)
    page = notifications.inbox(db, act_as(ctx, as_user), unread=unread)
    if as_json:
        output.print_json(page.items)
        return
    output.out().print(
        output.table(
            f"{output.plural(page.total, 'notification')}, {page.unread} unread",
            ["id", "kind", "title", "at", "read"],
            ((n.id, n.kind, n.title, n.created_at, n.read_at or "") for n in page.items),
        )
    )


@notifications_app.command("deliver")
def notifications_deliver(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(help="At most this many e-mails per run.")] = 200,
) -> None:
    """Send the e-mail that is due (safe from cron: each e-mail is claimed before sending)."""
    db = db_of(ctx)
    if not db.settings.smtp_host:
        output.err().print("e-mail is off (TANSEEQ_SMTP_HOST is empty): nothing to send")
        return
    done = mailer.deliver_pending(db, limit=limit)
    output.err().print(
        f"sent {done.sent}, failed {done.failed} (to be retried), given up {done.given_up}"
    )
    if done.failed:
        raise typer.Exit(output.EXIT_FAILURE)

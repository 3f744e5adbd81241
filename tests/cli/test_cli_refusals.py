"""A command acting as a user (``--as``) that the user may not run, or that names what the
user may not see, is logged as the API logs it: ``denied`` or ``not_found``, in the user's name."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from cli.test_cli import Cli
from tanseeq.store.tables import AuditRow, User
from world import World


def _refusals(world: World) -> list[tuple[str, str, str, str]]:
    with world.db.transaction() as session:
        rows = session.execute(
            sa.select(User.username, AuditRow.action, AuditRow.outcome, AuditRow.detail)
            .join(User, User.id == AuditRow.user_id)
            .where(AuditRow.outcome != "ok")
            .order_by(AuditRow.seq)
        ).all()
    return [(u, a, o, d.get("reason", "")) for u, a, o, d in rows]


def test_refused_cli_commands_are_logged_in_the_users_name(world: World, tmp_path: Path) -> None:
    queries = tmp_path / "q.csv"
    queries.write_text("id,name\nd1,Aminata Traore\n", encoding="utf-8")
    cli = Cli(world.db)
    # An agency administrator's role does not screen.
    argv = ["screen", queries, "--against", "hub", "--justification", "x", "--workers", "1"]
    cli(*argv, "--as", "owner_admin", code=1)
    # A thread the user's agency is no party to: not found, and logged as probing.
    cli("thread", "show", "no-such-thread", "--as", "partner", code=2)
    # A credential pasted into an argument never reaches the log.
    cli("thread", "show", "tsq_" + "A" * 40, "--as", "partner", code=2)
    refusals = _refusals(world)
    assert [r[:3] for r in refusals] == [
        ("owner_admin", "cli.screen", "denied"),
        ("partner", "cli.thread.show", "not_found"),
        ("partner", "cli.thread.show", "not_found"),
    ]
    assert "no-such-thread" in refusals[1][3]
    assert "tsq_" not in refusals[2][3] and "[masked credential]" in refusals[2][3]
    # A command with no acting user has no one to name: nothing logged.
    cli("screen", queries, "--against", "hub", code=2)
    assert len(_refusals(world)) == 3

"""``tanseeq thread …`` and ``tanseeq notifications …`` through Typer's runner."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tanseeq.cli.app import app
from tanseeq.schemas import PrefsIn
from tanseeq.services import notifications
from workflows.factories import thread_between
from workflows.test_mail import Smtp, free_port
from world import World


def run(world: World, *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(app, ["--database-url", world.db.settings.database_url, *args])
    assert result.exit_code == code, (result.stdout, result.stderr)
    return result.stdout + result.stderr


def test_thread_list_and_show(world: World) -> None:
    tid = thread_between(world, "owner", ["NO-POLICE"])
    listed = json.loads(run(world, "thread", "list", "--as", "partner", "--json"))
    assert [(t["id"], t["unread"]) for t in listed] == [(tid, 1)]
    shown = run(world, "thread", "show", tid, "--as", "partner")
    assert "Please confirm the identity of the subject." in shown
    assert json.loads(run(world, "thread", "list", "--as", "partner", "--json"))[0]["unread"] == 0
    assert json.loads(run(world, "thread", "list", "--as", "unrelated", "--json")) == []
    assert "no thread" in run(world, "thread", "show", tid, "--as", "unrelated", code=2)
    inbox = json.loads(run(world, "notifications", "list", "--as", "partner", "--json"))
    assert [n["kind"] for n in inbox] == ["request"]


def test_notifications_deliver(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "e-mail is off" in run(world, "notifications", "deliver")
    smtp = Smtp(free_port())
    monkeypatch.setenv("TANSEEQ_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("TANSEEQ_SMTP_PORT", str(smtp.port))
    # The world's database was configured before the environment changed: queue through it
    # as a node with e-mail on would (retries are tested with the FakeClock in test_mail).
    world.db.settings.smtp_host = "127.0.0.1"
    world.db.settings.smtp_port = smtp.port
    notifications.set_prefs(
        world.db,
        world.actors["partner"],
        PrefsIn(email="duty@politiet.example", email_opt_in=True),
    )
    thread_between(world, "owner", ["NO-POLICE"])
    smtp.start()
    try:
        assert "sent 1, failed 0" in run(world, "notifications", "deliver")
        assert len(smtp.collector.messages) == 1
        assert "sent 0" in run(world, "notifications", "deliver")
    finally:
        smtp.stop()

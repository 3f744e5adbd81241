"""E-mail through the outbox, against a real SMTP server (aiosmtpd) on a free local port.

The node is configured with that port; a test that wants the server down simply has not
started it yet. Time is the FakeClock: a retry is due once the test moves the clock past the
back-off, nothing sleeps.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient

from api.conftest import Api
from conftest import DatabaseFactory, FakeClock
from tanseeq.api import scheduler
from tanseeq.api.app import create_app
from tanseeq.services import mailer
from tanseeq.store.tables import OutboxMail
from world import build_world

SECRET_BODY = "The subject's informant is Omar K., phone +212 600 000 000."


class Collector:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Smtp:
    def __init__(self, port: int) -> None:
        self.port = port
        self.collector = Collector()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp() -> Iterator[Smtp]:
    server = Smtp(free_port())
    yield server
    server.stop()


@pytest.fixture
def mail_api(make_db: DatabaseFactory, clock: FakeClock, smtp: Smtp) -> Iterator[Api]:
    db = make_db(clock, smtp_host="127.0.0.1", smtp_port=smtp.port, mail_max_attempts=3)
    world = build_world(db)
    with TestClient(create_app(db=db)) as client:
        yield Api(client, world)


def outbox(api: Api) -> list[OutboxMail]:
    with api.world.db.transaction() as session:
        return list(session.scalars(sa.select(OutboxMail).order_by(OutboxMail.created_at)))


def opt_in(api: Api, who: str, address: str) -> None:
    r = api.call(who, "PUT", "/notifications/prefs", json={"email": address, "email_opt_in": True})
    assert r.status_code == 200, r.text


def ask(api: Api) -> str:
    r = api.post(
        "owner",
        "/threads",
        json={
            "subject": "Request for identification",
            "parties": ["NO-POLICE"],
            "message": {"body": SECRET_BODY},
        },
    )
    assert r.status_code == 201, r.text
    thread_id: str = r.json()["id"]
    return thread_id


def test_opted_in_users_get_a_title_and_a_link_never_the_contents(
    mail_api: Api, smtp: Smtp
) -> None:
    smtp.start()
    opt_in(mail_api, "partner", "duty.officer@politiet.example")
    thread_id = ask(mail_api)  # the API sends after the response
    ((rcpt, msg),) = smtp.collector.messages
    assert rcpt == ["duty.officer@politiet.example"]
    # A fixed phrase and a link: neither the thread's subject nor its messages leave the node.
    assert msg["Subject"] == "[Tanseeq] A request for assistance for your agency"
    body = msg.get_payload()
    assert f"/threads/{thread_id}" in body
    assert "Omar" not in body and "+212" not in body and "identification" not in body
    (row,) = outbox(mail_api)
    assert row.sent_at is not None and row.attempts == 1
    # Nobody else opted in: the owner and other users got inbox entries only.
    assert len(smtp.collector.messages) == 1


def test_smtp_down_never_fails_the_action_and_mail_is_retried_later(
    mail_api: Api, smtp: Smtp, clock: FakeClock
) -> None:
    opt_in(mail_api, "partner", "duty.officer@politiet.example")
    ask(mail_api)  # the server is down: the request still succeeds
    (row,) = outbox(mail_api)
    assert row.sent_at is None and row.attempts == 1 and row.last_error
    assert "connect" in row.last_error

    smtp.start()
    assert mailer.deliver_pending(mail_api.world.db).sent == 0  # not due before the back-off
    clock.advance(minutes=1)
    assert mailer.deliver_pending(mail_api.world.db) == mailer.Delivery(1, 0, 0)
    assert len(smtp.collector.messages) == 1
    assert outbox(mail_api)[0].sent_at is not None
    assert mailer.deliver_pending(mail_api.world.db).sent == 0  # sent once only


def test_mail_is_given_up_after_the_last_attempt(mail_api: Api, clock: FakeClock) -> None:
    opt_in(mail_api, "partner", "duty.officer@politiet.example")
    ask(mail_api)  # attempt 1
    clock.advance(minutes=1)
    assert mailer.deliver_pending(mail_api.world.db) == mailer.Delivery(0, 1, 0)
    clock.advance(minutes=2)
    assert mailer.deliver_pending(mail_api.world.db) == mailer.Delivery(0, 1, 1)
    clock.advance(days=1)
    assert mailer.deliver_pending(mail_api.world.db) == mailer.Delivery(0, 0, 0)
    assert outbox(mail_api)[0].attempts == 3


def test_nothing_is_queued_without_opt_in_or_without_a_server(
    mail_api: Api, make_db: DatabaseFactory, clock: FakeClock
) -> None:
    r = mail_api.call(
        "partner", "PUT", "/notifications/prefs", json={"email": "x@politiet.example"}
    )
    assert r.status_code == 200 and r.json()["email_opt_in"] is False
    ask(mail_api)
    assert outbox(mail_api) == []

    quiet = make_db(clock)  # no smtp_host: e-mail is off
    world = build_world(quiet)
    with TestClient(create_app(db=quiet)) as client:
        api = Api(client, world)
        opt_in(api, "partner", "duty.officer@politiet.example")
        ask(api)
        assert outbox(api) == []


def test_the_server_sends_queued_mail_on_its_schedule(
    make_db: DatabaseFactory, clock: FakeClock, smtp: Smtp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Mail that could not go out with its request (server down) leaves on the server's next
    scheduled round, without any request or cron."""
    db = make_db(
        clock, smtp_host="127.0.0.1", smtp_port=smtp.port, retention_interval_seconds=0
    )
    world = build_world(db)
    with TestClient(create_app(db=db)) as client:
        api = Api(client, world)
        opt_in(api, "partner", "duty.officer@politiet.example")
        ask(api)  # the SMTP server is down: queued, not sent
    assert outbox(api)[0].sent_at is None
    smtp.start()
    clock.advance(minutes=1)  # past the first back-off
    rounds: list[float] = []
    second_round = threading.Event()

    async def fake_sleep(seconds: float) -> None:
        # The first interval passes at once; then the loop parks until the app shuts down.
        rounds.append(seconds)
        if len(rounds) > 1:
            second_round.set()
            await asyncio.Event().wait()

    monkeypatch.setattr(scheduler, "_sleep", fake_sleep)
    with TestClient(create_app(db=db)):
        assert second_round.wait(timeout=60)
    assert rounds == [db.settings.mail_interval_seconds] * 2
    assert len(smtp.collector.messages) == 1
    assert outbox(api)[0].sent_at is not None

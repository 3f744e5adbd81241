"""Every workflow action writes exactly one audit entry in the same transaction as its change,
its inbox entries and its queued e-mail: with the audit append made impossible (a row already
at the next ``seq``), the action fails and every table is exactly as it was; without it, the
action succeeds with one entry naming it."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa

from api.conftest import SHARED, person
from audit_store.helpers import audit_size, block_audit, content, unblock_audit
from conftest import DatabaseFactory, FakeClock
from tanseeq.domain.types import ThreadStatus
from tanseeq.schemas import (
    HitThreadIn,
    JudgementIn,
    MessageIn,
    PartyIn,
    PrefsIn,
    ThreadIn,
    ThreadStatusIn,
)
from tanseeq.services import hit_followup, notifications, threads
from tanseeq.store.tables import AuditRow, Notification, OutboxMail
from workflows.factories import hit_on
from world import World, build_world

PDF = base64.b64encode(b"%PDF-1.4\n%%EOF\n").decode()


@dataclass
class Step:
    action: str
    who: str
    run: Callable[[World, dict[str, Any]], Any]


def _keep(key: str, value: Any) -> Callable[[dict[str, Any]], Any]:
    def put(ids: dict[str, Any]) -> Any:
        ids[key] = value
        return value

    return put


def _open(w: World, ids: dict[str, Any]) -> Any:
    message = {
        "body": "Please identify.",
        "attachments": [{"filename": "s.pdf", "media_type": "application/pdf", "content": PDF}],
    }
    data = ThreadIn.model_validate(
        {"subject": "Request", "parties": ["NO-POLICE"], "message": message}
    )
    out = threads.create(w.db, w.actors["owner"], data)
    ids["thread"] = out.id
    ids["attachment"] = out.messages[0].attachments[0].id
    return out


def _first_unread(w: World, who: str) -> str:
    with w.db.transaction() as s:
        return (
            s.scalars(
                sa.select(Notification.id).where(
                    Notification.user_id == w.actors[who].user_id, Notification.read_at.is_(None)
                )
            ).first()
            or ""
        )


CLOSE = ThreadStatusIn(status=ThreadStatus.CLOSED)
REOPEN = ThreadStatusIn(status=ThreadStatus.OPEN)
STEPS: list[Step] = [
    Step("thread.create", "owner", _open),
    Step(
        "thread.post",
        "partner",
        lambda w, i: threads.post(w.db, w.actors["partner"], i["thread"], MessageIn(body="Yes.")),
    ),
    Step(
        "thread.read", "partner", lambda w, i: threads.get(w.db, w.actors["partner"], i["thread"])
    ),
    Step("thread.list", "partner", lambda w, i: threads.list_threads(w.db, w.actors["partner"])),
    Step(
        "thread.attachment",
        "partner",
        lambda w, i: threads.attachment(w.db, w.actors["partner"], i["attachment"]),
    ),
    Step(
        "thread.close",
        "owner",
        lambda w, i: threads.set_status(w.db, w.actors["owner"], i["thread"], CLOSE),
    ),
    Step(
        "thread.reopen",
        "owner",
        lambda w, i: threads.set_status(w.db, w.actors["owner"], i["thread"], REOPEN),
    ),
    Step(
        "thread.add_party",
        "owner",
        lambda w, i: threads.add_party(
            w.db, w.actors["owner"], i["thread"], PartyIn(agency="SN-NCB", reason="associate")
        ),
    ),
    Step(
        "hit.thread_open",
        "partner",
        lambda w, i: hit_followup.open_thread(
            w.db, w.actors["partner"], i["hit"], HitThreadIn(message=MessageIn(body="Yours?"))
        ),
    ),
    Step(
        "hit.thread_join",
        "owner",
        lambda w, i: hit_followup.open_thread(w.db, w.actors["owner"], i["hit"], HitThreadIn()),
    ),
    Step(
        "hit.judge",
        "owner",
        lambda w, i: hit_followup.judge(
            w.db, w.actors["owner"], i["hit"], JudgementIn(verdict="rejected", reason="no")
        ),
    ),
    Step(
        "hit.judgement_read",
        "partner",
        lambda w, i: hit_followup.get_judgement(w.db, w.actors["partner"], i["hit"]),
    ),
    Step(
        "notification.list", "partner", lambda w, i: notifications.inbox(w.db, w.actors["partner"])
    ),
    Step(
        "notification.read",
        "partner",
        lambda w, i: notifications.mark_read(
            w.db, w.actors["partner"], _first_unread(w, "partner")
        ),
    ),
    Step(
        "notification.read_all",
        "partner",
        lambda w, i: notifications.mark_all_read(w.db, w.actors["partner"]),
    ),
    Step(
        "notification.prefs",
        "owner",
        lambda w, i: notifications.set_prefs(
            w.db, w.actors["owner"], PrefsIn(email="o@dgsn.example", email_opt_in=True)
        ),
    ),
    Step(
        "notification.prefs_read",
        "owner",
        lambda w, i: notifications.get_prefs(w.db, w.actors["owner"]),
    ),
]


@pytest.fixture
def mail_world(make_db: DatabaseFactory, clock: FakeClock) -> World:
    # E-mail on (nothing listens: nothing is sent here), so outbox rows are queued too.
    return build_world(make_db(clock, smtp_host="127.0.0.1", smtp_port=9))


def test_every_workflow_action_is_audited_in_its_own_transaction(mail_world: World) -> None:
    w, db = mail_world, mail_world.db
    notifications.set_prefs(
        db, w.actors["partner"], PrefsIn(email="p@politiet.example", email_opt_in=True)
    )
    person(w, "owner", "Youssef Hammouchi", **SHARED)
    ids: dict[str, Any] = {"hit": hit_on(w, "partner", "Youssef Hammouchi")}
    for step in STEPS:
        block_audit(db)
        before = content(db)
        with pytest.raises(sa.exc.IntegrityError):
            step.run(w, ids)
        assert content(db) == before, f"{step.action} changed data without its audit entry"
        unblock_audit(db)
        size = audit_size(db)
        step.run(w, ids)
        assert audit_size(db) == size + 1, step.action
        with db.transaction() as s:
            row = s.scalars(sa.select(AuditRow).where(AuditRow.seq == size)).one()
        assert row.action == step.action
        assert row.user_id == w.actors[step.who].user_id
    with db.transaction() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(OutboxMail))  # mail was queued

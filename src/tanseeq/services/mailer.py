"""Sending the e-mail outbox (``mail_outbox``) over SMTP, after the notifying transaction.

``notifications.notify`` only writes rows; nothing talks to a mail server inside a transaction,
so a slow or dead server can never hold a database lock or fail the action that notified.
``deliver_pending`` runs after commit (the API schedules it after a response; cron runs
``tanseeq notifications deliver``). Each due row is claimed with a conditional update that moves
its due time forward by a lease, so two senders running at once do not both send it; a failure
is recorded and the row retried later with exponential back-off, up to ``mail_max_attempts``.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

import sqlalchemy as sa

from tanseeq.services import audit_trail
from tanseeq.services.context import OPERATOR
from tanseeq.settings import Settings
from tanseeq.store.database import Database
from tanseeq.store.tables import OutboxMail

LEASE = timedelta(minutes=10)  # longer than a batch could take to send
FIRST_RETRY = timedelta(minutes=1)
LAST_RETRY = timedelta(hours=6)


@dataclass(frozen=True)
class Delivery:
    sent: int
    failed: int
    given_up: int


def backoff(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failure: 1, 2, 4 … minutes, at most 6 hours."""
    wait: timedelta = FIRST_RETRY * (2 ** min(max(attempts - 1, 0), 20))
    return min(wait, LAST_RETRY)


def _claim(db: Database, limit: int) -> list[OutboxMail]:
    now = db.clock()
    claimed = []
    with db.transaction() as session:
        due = list(
            session.execute(
                sa.select(OutboxMail.id, OutboxMail.next_attempt_at)
                .where(
                    OutboxMail.sent_at.is_(None),
                    OutboxMail.attempts < db.settings.mail_max_attempts,
                    OutboxMail.next_attempt_at <= now,
                )
                .order_by(OutboxMail.next_attempt_at, OutboxMail.id)
                .limit(limit)
            )
        )
        for mail_id, due_at in due:
            won = session.execute(
                sa.update(OutboxMail)
                .where(OutboxMail.id == mail_id, OutboxMail.next_attempt_at == due_at)
                .values(next_attempt_at=now + LEASE)
            )
            if won.rowcount == 1:  # type: ignore[attr-defined]
                claimed.append(mail_id)
        rows = list(session.scalars(sa.select(OutboxMail).where(OutboxMail.id.in_(claimed))))
    return rows


def _message(settings: Settings, row: OutboxMail) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.smtp_from
    msg["To"] = row.to_addr
    msg["Subject"] = row.subject
    msg["Message-ID"] = f"<{row.id}@tanseeq>"
    msg.set_content(row.body)
    return msg


def _connect(settings: Settings) -> smtplib.SMTP:
    smtp = smtplib.SMTP(
        settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds
    )
    try:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password.get_secret_value())
    except BaseException:
        smtp.close()
        raise
    return smtp


def _send_all(settings: Settings, rows: list[OutboxMail]) -> dict[str, str | None]:
    """Each row's error, or None when the server accepted it."""
    results: dict[str, str | None] = {}
    try:
        smtp = _connect(settings)
    except (OSError, smtplib.SMTPException) as exc:
        return {row.id: f"connect: {exc}"[:500] for row in rows}
    try:
        for row in rows:
            try:
                smtp.send_message(_message(settings, row))
                results[row.id] = None
            except (OSError, smtplib.SMTPException, ValueError) as exc:
                results[row.id] = f"send: {exc}"[:500]
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return results


def _record(db: Database, rows: list[OutboxMail], results: dict[str, str | None]) -> Delivery:
    now: datetime = db.clock()
    sent = failed = given_up = 0
    with db.transaction() as session:
        for row in rows:
            error = results[row.id]
            attempts = row.attempts + 1
            values: dict[str, object] = {"attempts": attempts}
            if error is None:
                values["sent_at"] = now
                sent += 1
            else:
                values["last_error"] = error
                values["next_attempt_at"] = now + backoff(attempts)
                failed += 1
                given_up += attempts >= db.settings.mail_max_attempts
            session.execute(sa.update(OutboxMail).where(OutboxMail.id == row.id).values(**values))
        # What left the node: which notifications were mailed (the addresses stay out of the log).
        audit_trail.record(
            session,
            db,
            OPERATOR,
            "notification.mail",
            [r.notification_id for r in rows if results[r.id] is None],
            outcome="ok" if not failed else "error",
            detail={"sent": sent, "failed": failed, "given_up": given_up},
        )
    return Delivery(sent, failed, given_up)


def deliver_pending(db: Database, *, limit: int = 200) -> Delivery:
    """Send what is due; never raises for a mail server's failure (it is recorded instead)."""
    if not db.settings.smtp_host:
        return Delivery(0, 0, 0)
    rows = _claim(db, limit)
    if not rows:
        return Delivery(0, 0, 0)
    return _record(db, rows, _send_all(db.settings, rows))

"""``tanseeq user enrol`` and ``--reset`` for the node operator."""

from __future__ import annotations

import pytest

from cli.test_cli import Cli
from tanseeq.errors import Unauthenticated
from tanseeq.schemas import EnrolmentConfirmIn, EnrolmentStartIn, LoginIn
from tanseeq.services import enrolment, sessions, totp
from tanseeq.store.database import Database
from world import World


def complete(db: Database, user: str, secret: str, password: str) -> str:
    seed = enrolment.start(
        db, EnrolmentStartIn(username=user, secret=secret, password=password)
    ).totp_secret
    code = totp.code_at_step(seed, totp.step_at(db.clock()) - 1)
    enrolment.confirm(db, EnrolmentConfirmIn(username=user, secret=secret, totp=code))
    return seed


def test_operator_enrols_and_resets(world: World) -> None:
    db = world.db
    cli = Cli(db)
    result = cli("user", "enrol", "Partner")
    secret = result.stdout.strip()
    assert secret.startswith("tse_") and "expires" in result.stderr
    seed = complete(db, "partner", secret, "first passphrase here")
    code = totp.code_at_step(seed, totp.step_at(db.clock()))
    session = sessions.login(
        db, LoginIn(username="partner", password="first passphrase here", totp=code)
    ).token
    # Enrolled: a second enrolment is a reset, and says so.
    refused = cli("user", "enrol", "partner", code=2)
    assert "--reset" in refused.stderr or "reset" in refused.stderr
    sessions.authenticate(db, session)  # nothing ended by the refusal
    reset = cli("user", "enrol", "partner", "--reset").stdout.strip()
    assert reset.startswith("tse_") and reset != secret
    with pytest.raises(Unauthenticated):
        sessions.authenticate(db, session)
    complete(db, "partner", reset, "second passphrase here")

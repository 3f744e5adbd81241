"""Writing audit entries, in the caller's transaction.

The single ``audit_state`` row is locked for the append (``SELECT … FOR UPDATE`` on PostgreSQL;
SQLite transactions already hold the write lock from ``BEGIN IMMEDIATE``), so leaf indexes are
handed out in commit order without gaps and the stored frontier always matches the log.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tanseeq.audit.entry import AuditEntry
from tanseeq.audit.merkle import Frontier
from tanseeq.errors import invalid
from tanseeq.services.context import Actor
from tanseeq.store.database import Database
from tanseeq.store.tables import AuditRow, AuditState

NODE = "node"  # the agency id logged for the node operator, who belongs to no agency
# Longest justification or refusal reason kept; the API refuses longer justifications already.
MAX_TEXT = 2000
# Our credentials' shape (``tsq_`` API tokens, ``tss_`` login sessions, ``tse_`` enrolment
# secrets, + base64url): masked wherever a refusal would log text.
CREDENTIAL = re.compile(r"ts[qse]_[A-Za-z0-9_-]*")


def need_justification(justification: str | None) -> str:
    """The caller's reason for a search, match, screening or export, stripped; refused when
    blank. Directive 2016/680 Art. 25 wants it in the log of every consultation and
    disclosure, so these operations do not run without one."""
    why = (justification or "").strip()
    if not why:
        raise invalid("justification", "say why you search or export (it is logged)")
    return why[:MAX_TEXT]


def record(
    session: Session,
    db: Database,
    actor: Actor,
    action: str,
    object_ids: Iterable[str] = (),
    *,
    outcome: str = "ok",
    justification: str | None = None,
    recipients: Iterable[str] = (),
    detail: Mapping[str, Any] | None = None,
) -> int:
    """Append one entry and return its sequence number."""
    state = session.scalars(sa.select(AuditState).where(AuditState.id == 1).with_for_update()).one()
    frontier = Frontier.from_json(state.frontier) if state.frontier else Frontier()
    entry = AuditEntry(
        seq=frontier.size,
        at=db.clock(),
        user_id=actor.user_id or actor.username,
        agency_id=actor.agency_id or NODE,
        action=action,
        object_ids=tuple(object_ids),
        outcome=outcome,  # type: ignore[arg-type]
        justification=justification or None,
        recipients=tuple(recipients),
        detail=dict(detail or {}),
    )
    leaf = entry.leaf_hash()
    session.add(
        AuditRow(
            seq=entry.seq,
            at=entry.at,
            user_id=entry.user_id,
            agency_id=entry.agency_id,
            action=entry.action,
            object_ids=list(entry.object_ids),
            outcome=entry.outcome,
            justification=entry.justification,
            recipients=list(entry.recipients),
            detail=entry.to_dict()["detail"],
            leaf_hash=leaf.hex(),
        )
    )
    frontier = frontier.append(leaf)
    state.tree_size = frontier.size
    state.frontier = frontier.to_json()
    return entry.seq


def record_denied(
    db: Database,
    actor: Actor,
    action: str,
    object_ids: Iterable[str],
    reason: str,
    outcome: str = "denied",
) -> int:
    """Log a refused authorisation in a transaction of its own: the refused action's
    transaction has been rolled back, and the refusal must stay on record all the same."""
    with db.transaction() as session:
        return record(
            session,
            db,
            actor,
            action,
            object_ids,
            outcome=outcome,
            detail={"reason": CREDENTIAL.sub("[masked credential]", reason)[:MAX_TEXT]},
        )

"""``/audit``: the log's signed heads and proofs for every member, its entries for compliance.

Heads and proofs are hashes only: partner agencies fetch them to witness the log (see
docs/audit.md). ``GET /audit/head`` signs a fresh head when the log grew since the last one,
so a witness always gets a head covering every entry written so far.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from tanseeq.api.deps import ActorDep, DbDep, LimitQuery
from tanseeq.api.models import OffsetQuery
from tanseeq.api.routing import AuthenticatedRoute
from tanseeq.audit import SignedTreeHead, key_id, public_key_raw
from tanseeq.errors import NotFound
from tanseeq.schemas import Page
from tanseeq.services import auditing
from tanseeq.services.auditing import AuditEntryOut, ConsistencyProofOut, InclusionProofOut

router = APIRouter(prefix="/audit", tags=["audit"], route_class=AuthenticatedRoute)

Size = Annotated[int, Query(ge=0, le=2**63 - 1)]


class HeadOut(BaseModel):
    """A signed tree head; ``timestamp`` is exactly the signed time (UTC, microseconds)."""

    tree_size: int
    root_hash: str
    timestamp: str
    key_id: str
    signature: str


class KeyOut(BaseModel):
    key_id: str
    public_key_pem: str
    public_key_raw_hex: str


def _head_out(head: SignedTreeHead) -> HeadOut:
    return HeadOut.model_validate(head.to_dict())


@router.get("/head")
def audit_head(db: DbDep, actor: ActorDep) -> HeadOut:
    return _head_out(auditing.current_head(db, actor))


@router.get("/key")
def audit_key(db: DbDep, actor: ActorDep) -> KeyOut:
    # Anyone who may fetch a head may fetch the key that checks it.
    auditing.latest_head(db, actor)
    pub = auditing.public_key(db.settings)
    if pub is None:
        raise NotFound("no audit head has been signed on this node yet")
    pem = (db.settings.data_dir / auditing.PUBLIC_KEY_FILE).read_text("ascii")
    return KeyOut(
        key_id=key_id(pub), public_key_pem=pem, public_key_raw_hex=public_key_raw(pub).hex()
    )


@router.get("/proof/inclusion")
def audit_proof_inclusion(
    db: DbDep,
    actor: ActorDep,
    seq: Size,
    tree_size: Annotated[
        int | None, Query(ge=0, le=2**63 - 1, description="A head's size; default: the whole log")
    ] = None,
) -> InclusionProofOut:
    return auditing.inclusion_proof(db, actor, seq, tree_size)


@router.get("/proof/consistency")
def audit_proof_consistency(
    db: DbDep, actor: ActorDep, old: Size, new: Size
) -> ConsistencyProofOut:
    return auditing.consistency_proof(db, actor, old, new)


@router.get("/entries")
def audit_entries(
    db: DbDep,
    actor: ActorDep,
    action: Annotated[str | None, Query(max_length=60, examples=["record.get"])] = None,
    user_id: Annotated[str | None, Query(max_length=100)] = None,
    object_id: Annotated[str | None, Query(max_length=200)] = None,
    limit: LimitQuery = None,
    offset: OffsetQuery = 0,
) -> Page[AuditEntryOut]:
    return auditing.list_entries(
        db,
        actor,
        offset=offset,
        limit=limit,
        action=action,
        user_id=user_id,
        object_id=object_id,
    )

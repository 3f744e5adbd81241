"""``/records``: the shared facts (FtM entities), read through the sharing policy."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Query, status
from fastapi.responses import Response, StreamingResponse

from tanseeq.api.deps import ActorDep, DbDep, Justification, LimitQuery
from tanseeq.api.models import OffsetQuery, ReasonIn, WhyQuery
from tanseeq.api.routing import AuthenticatedRoute
from tanseeq.schemas import Page, RecordIn, RecordOut, RecordUpdate, RenewIn
from tanseeq.services import records, retention

router = APIRouter(prefix="/records", tags=["records"], route_class=AuthenticatedRoute)

NDJSON = "application/x-ndjson"


@router.post("", status_code=status.HTTP_201_CREATED, response_model_by_alias=True)
def records_create(db: DbDep, actor: ActorDep, data: RecordIn) -> RecordOut:
    return records.create(db, actor, data)


@router.get("")
def records_list(
    db: DbDep,
    actor: ActorDep,
    justification: WhyQuery,
    q: Annotated[str | None, Query(max_length=500, description="Text in names, ids")] = None,
    schema: Annotated[str | None, Query(max_length=100, examples=["Person"])] = None,
    owner: Annotated[str | None, Query(max_length=100, description="Owner agency id")] = None,
    limit: LimitQuery = None,
    offset: OffsetQuery = 0,
) -> Page[RecordOut]:
    return records.list_records(
        db,
        actor,
        q=q,
        schema=schema,
        owner=owner,
        limit=limit,
        offset=offset,
        justification=justification,
    )


def _lines(first: dict[str, object], rest: Iterator[dict[str, object]]) -> Iterator[bytes]:
    for entity in itertools.chain([first], rest):
        yield json.dumps(entity, ensure_ascii=False).encode("utf-8") + b"\n"


# Declared before ``/{record_id}`` so "export" is never taken for an id.
@router.get(
    "/export",
    response_class=StreamingResponse,
    responses={200: {"content": {NDJSON: {}}, "description": "One FtM entity a line"}},
)
def records_export(db: DbDep, actor: ActorDep, justification: WhyQuery) -> Response:
    """Every record you may see as FtM JSON lines, each with its owner, TLP and handling codes."""
    entities = records.export(db, actor, justification)
    # The first step runs the checks and writes the audit entry: done here, so a refusal is
    # a proper error response and not a stream broken after its 200 header.
    first = next(entities, None)
    if first is None:
        return Response(b"", media_type=NDJSON)
    return StreamingResponse(_lines(first, entities), media_type=NDJSON)


@router.get("/{record_id}")
def records_get(
    db: DbDep, actor: ActorDep, record_id: str, justification: Justification = None
) -> RecordOut:
    return records.get(db, actor, record_id, justification)


@router.patch("/{record_id}")
def records_update(db: DbDep, actor: ActorDep, record_id: str, data: RecordUpdate) -> RecordOut:
    """Change a record of your agency's; omitted fields stay as they are."""
    return records.update(db, actor, record_id, data)


@router.post("/{record_id}/withdraw")
def records_withdraw(db: DbDep, actor: ActorDep, record_id: str, data: ReasonIn) -> RecordOut:
    return records.withdraw(db, actor, record_id, data.reason)


@router.post("/{record_id}/renew")
def records_renew(db: DbDep, actor: ActorDep, record_id: str, data: RenewIn) -> RecordOut:
    """Keep a record of your agency's for another retention period, saying why."""
    return retention.renew_record(db, actor, record_id, data.justification)


@router.get("/{record_id}/links")
def records_links(db: DbDep, actor: ActorDep, record_id: str) -> list[RecordOut]:
    """Records you may see that reference this one or that it references."""
    return records.links(db, actor, record_id)

"""Records: the facts agencies share — persons, documents, vehicles, … — as FtM entities.

Every read selects through ``tanseeq.access``; a record the caller may not see is reported as
"no record", exactly like an id that never existed. Only the owner edits or withdraws.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime

import sqlalchemy as sa
from followthemoney import model
from followthemoney.types import registry
from sqlalchemy.orm import Session

from tanseeq import access
from tanseeq.domain import retention
from tanseeq.domain.entities import CleanEntity, category_of, clean_entity
from tanseeq.domain.types import TLP, HandlingCode, RecordStatus
from tanseeq.errors import FieldError, Forbidden, Invalid
from tanseeq.schemas import Page, RecordIn, RecordOut, RecordUpdate
from tanseeq.services import audit_trail, sharing
from tanseeq.services.context import Actor, not_found, require, require_fresh, today
from tanseeq.store.database import IN_BATCH, Database, in_batches
from tanseeq.store.tables import Record, RecordRef

ORDER = (Record.created_at.desc(), Record.id)


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def review_date_for(
    db: Database, now: datetime, asked: date | None, loc: str, category: str | None = None
) -> date:
    # The default is also the limit: the owner may ask for an earlier review, never a later.
    years = retention.years_for(
        db.settings.review_years, db.settings.review_years_by_category, category
    )
    limit = add_years(now.date(), years)
    if asked is None:
        return limit
    if asked <= now.date() or asked > limit:
        raise Invalid(
            f"{loc}: must be after today and at most {years} years ahead",
            [FieldError(loc, f"between {now.date()} and {limit}")],
        )
    return asked


def _check_refs(session: Session, db: Database, actor: Actor, entity: CleanEntity) -> None:
    """Referenced records must exist *for the caller* and be of the property's range."""
    if not entity.refs:
        return
    ids = {target for _, target, _ in entity.refs}
    viewer = actor.viewer()
    # The owner always sees its own records: look there first with a plain query, and put the
    # whole policy (costly to prepare for every row of a bulk import) to the rest only.
    own = sa.select(Record.id, Record.schema).where(
        Record.id.in_(ids), Record.owner_id == viewer.agency_id
    )
    schemas: dict[str, str] = {i: s for i, s in session.execute(own)}
    if rest := ids - schemas.keys():
        shared = sa.select(Record.id, Record.schema).where(
            Record.id.in_(rest), access.record_visible(viewer, today(db))
        )
        schemas.update({i: s for i, s in session.execute(shared)})
    errors = []
    for prop_name, target, loc in entity.refs:
        prop = entity.schema.get(prop_name)
        if target not in schemas:
            errors.append(FieldError(loc, f"unknown record {target!r}"))
        elif prop is not None and prop.range is not None:
            target_schema = model.get(schemas[target])
            if target_schema is None or not target_schema.is_a(prop.range):
                errors.append(
                    FieldError(loc, f"must be a {prop.range.name}, not {schemas[target]}")
                )
    if errors:
        raise Invalid(f"{errors[0].loc}: {errors[0].msg}", errors)


def _store_refs(session: Session, record_id: str, entity: CleanEntity, fresh: bool = False) -> None:
    if not fresh:  # a new record has none yet: one statement less per row of a bulk import
        session.execute(sa.delete(RecordRef).where(RecordRef.record_id == record_id))
    seen = {(p, t) for p, t, _ in entity.refs}
    session.add_all(RecordRef(record_id=record_id, prop=p, target_id=t) for p, t in seen)


def insert(session: Session, db: Database, actor: Actor, data: RecordIn, loc: str = "") -> Record:
    """Validate and add one record inside the caller's transaction (shared with import)."""
    assert actor.agency_id is not None
    entity = clean_entity(data.schema_, data.properties, f"{loc}properties")
    _check_refs(session, db, actor, entity)
    areas = sharing.check_areas(data.crime_areas, f"{loc}crime_areas")
    handling = sharing.check_marking(data.marking, f"{loc}marking")
    include, exclude = sharing.resolve_distribution(
        session, data.distribution, actor.agency_id, f"{loc}distribution"
    )
    now = db.clock()
    record = Record(
        id=str(uuid.uuid4()),
        owner_id=actor.agency_id,
        schema=entity.schema.name,
        category=category_of(entity.schema).value,
        caption=entity.caption,
        properties=entity.properties,
        search_text=entity.search_text,
        status=RecordStatus.ACTIVE.value,
        dist_kind=data.distribution.kind.value,
        tlp=data.marking.tlp.value,
        handling=handling,
        handling_note=data.marking.handling_note,
        blind_hits=data.blind_hits,
        review_date=review_date_for(
            db, now, data.review_date, f"{loc}review_date", category_of(entity.schema).value
        ),
        created_by=actor.user_id,
        created_at=now,
        updated_at=now,
    )
    session.add(record)
    session.flush()
    _store_refs(session, record.id, entity, fresh=True)
    sharing.store_sharing(session, record.id, include, exclude, areas, fresh=True)
    return record


def create(db: Database, actor: Actor, data: RecordIn) -> RecordOut:
    require(actor, "record.create")
    with db.transaction() as session:
        record = insert(session, db, actor, data)
        audit_trail.record(
            session, db, actor, "record.create", [record.id], detail={"schema": record.schema}
        )
        return to_out(session, db, actor, record)


def _visible(session: Session, db: Database, actor: Actor, record_id: str) -> Record:
    record = session.scalars(
        access.visible_records(actor.viewer(), today(db)).where(Record.id == record_id)
    ).first()
    if record is None:
        raise not_found("record", record_id)
    return record


def _owned(session: Session, db: Database, actor: Actor, record_id: str) -> Record:
    record = _visible(session, db, actor, record_id)
    if record.owner_id != actor.agency_id:
        raise Forbidden("only the owner agency changes a record")
    return record


def get(db: Database, actor: Actor, record_id: str, justification: str | None = None) -> RecordOut:
    require(actor, "record.read")
    with db.transaction() as session:
        record = _visible(session, db, actor, record_id)
        audit_trail.record(
            session, db, actor, "record.get", [record.id], justification=justification
        )
        return to_out(session, db, actor, record)


def list_records(
    db: Database,
    actor: Actor,
    *,
    q: str | None = None,
    schema: str | None = None,
    owner: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    justification: str | None = None,
) -> Page[RecordOut]:
    require(actor, "record.read")
    # Every listing needs a reason, filtered or not: paging through the unfiltered list reads
    # the same records an export does, and exports need one.
    why = audit_trail.need_justification(justification)
    limit = _page_size(db, limit)
    with db.transaction() as session:
        query = access.visible_records(actor.viewer(), today(db))
        if q:
            # LIKE wildcards in the user's text are literal: escape them.
            pattern = (
                "%"
                + q.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                + "%"
            )
            query = query.where(Record.search_text.like(pattern, escape="\\"))
        if schema:
            query = query.where(Record.schema == schema)
        if owner:
            query = query.where(Record.owner_id == owner)
        total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
        rows = list(session.scalars(query.order_by(*ORDER).limit(limit).offset(offset)))
        audit_trail.record(
            session,
            db,
            actor,
            "record.search",
            [r.id for r in rows],
            justification=why,
            detail={"q": q or "", "schema": schema or "", "total": total},
        )
        items = to_outs(session, db, actor, rows)
        return Page[RecordOut](items=items, total=total, limit=limit, offset=offset)


def links(db: Database, actor: Actor, record_id: str) -> list[RecordOut]:
    """Neighbours: visible records that reference this one or that it references."""
    require(actor, "record.read")
    with db.transaction() as session:
        record = _visible(session, db, actor, record_id)
        referencing = sa.select(RecordRef.record_id).where(RecordRef.target_id == record.id)
        referenced = sa.select(RecordRef.target_id).where(RecordRef.record_id == record.id)
        rows = list(
            session.scalars(
                access.visible_records(actor.viewer(), today(db))
                .where(sa.or_(Record.id.in_(referencing), Record.id.in_(referenced)))
                .order_by(*ORDER)
            )
        )
        audit_trail.record(session, db, actor, "record.links", [record.id, *(r.id for r in rows)])
        return to_outs(session, db, actor, rows)


def update(db: Database, actor: Actor, record_id: str, data: RecordUpdate) -> RecordOut:
    require(actor, "record.update")
    with db.transaction() as session:
        record = _owned(session, db, actor, record_id)
        if data.properties is not None:
            entity = clean_entity(record.schema, data.properties)
            _check_refs(session, db, actor, entity)
            record.properties = entity.properties
            record.caption = entity.caption
            record.search_text = entity.search_text
            _store_refs(session, record.id, entity)
        sharing.change(session, record, data.distribution, data.crime_areas, data.marking)
        if data.blind_hits is not None:
            record.blind_hits = data.blind_hits
        record.updated_at = db.clock()
        changed = sorted(data.model_dump(exclude_none=True))
        audit_trail.record(
            session, db, actor, "record.update", [record.id], detail={"changed": changed}
        )
        return to_out(session, db, actor, record)


def withdraw(db: Database, actor: Actor, record_id: str, reason: str) -> RecordOut:
    require(actor, "record.withdraw")
    if not reason.strip():
        raise Invalid("reason: required", [FieldError("reason", "say why the record is withdrawn")])
    with db.transaction() as session:
        record = _owned(session, db, actor, record_id)
        record.status = RecordStatus.WITHDRAWN.value
        record.updated_at = db.clock()
        audit_trail.record(
            session, db, actor, "record.withdraw", [record.id], detail={"reason": reason[:2000]}
        )
        return to_out(session, db, actor, record)


def export(
    db: Database, actor: Actor, justification: str | None = None
) -> Iterator[dict[str, object]]:
    """FtM entities the caller may see, each with its owner and markings (they travel with
    every copy). Materialised inside one transaction so the audit entry names what left."""
    require(actor, "record.export")
    why = audit_trail.need_justification(justification)
    require_fresh(actor, "bulk export")  # a stolen API token must not carry the data away
    with db.transaction() as session:
        rows = list(
            session.scalars(
                access.visible_records(actor.viewer(), today(db)).order_by(
                    Record.created_at, Record.id
                )
            )
        )
        outs = to_outs(session, db, actor, rows)
        audit_trail.record(
            session,
            db,
            actor,
            "record.export",
            [r.id for r in rows],
            justification=why,
            detail={"count": len(rows)},
        )
    for out in outs:
        yield {
            "id": out.id,
            "schema": out.schema_,
            "properties": out.properties,
            "tanseeq": {
                "owner": out.owner_id,
                "tlp": out.tlp.value,
                "handling": [h.value for h in out.handling],
                "handling_note": out.handling_note,
                "review_date": out.review_date.isoformat(),
                "crime_areas": out.crime_areas,
            },
        }


def _page_size(db: Database, limit: int | None) -> int:
    limit = db.settings.default_page_size if limit is None else limit
    if not 1 <= limit <= db.settings.max_page_size:
        raise Invalid(
            "limit: out of range",
            [FieldError("limit", f"between 1 and {db.settings.max_page_size}")],
        )
    return limit


def to_out(session: Session, db: Database, actor: Actor, record: Record) -> RecordOut:
    return to_outs(session, db, actor, [record])[0]


def to_outs(session: Session, db: Database, actor: Actor, rows: list[Record]) -> list[RecordOut]:
    """Render records for this caller: references to records it may not see are dropped (they
    would reveal that something exists), and only the owner sees the distribution."""
    if len(rows) > IN_BATCH:  # screening results: up to max_match_batch x limit records
        return [o for batch in in_batches(rows) for o in to_outs(session, db, actor, list(batch))]
    ids = [r.id for r in rows]
    areas = sharing.load_areas(session, ids)
    targets = (
        set(session.scalars(sa.select(RecordRef.target_id).where(RecordRef.record_id.in_(ids))))
        if ids
        else set()
    )
    visible = (
        set(session.scalars(access.visible_record_ids(actor.viewer(), today(db), targets)))
        if targets
        else set()
    )
    out = []
    for r in rows:
        schema = model.get(r.schema)
        props: dict[str, list[str]] = {}
        for name, values in r.properties.items():
            prop = schema.get(name) if schema else None
            if prop is not None and prop.type == registry.entity:
                values = [v for v in values if v in visible]
            if values:
                props[name] = list(values)
        mine = r.owner_id == actor.agency_id
        out.append(
            RecordOut(
                id=r.id,
                schema_=r.schema,
                caption=r.caption,
                properties=props,
                owner_id=r.owner_id,
                status=r.status,
                category=r.category,
                crime_areas=areas[r.id],
                tlp=TLP(r.tlp),
                handling=[HandlingCode(h) for h in r.handling],
                handling_note=r.handling_note,
                review_date=r.review_date,
                created_at=r.created_at,
                updated_at=r.updated_at,
                distribution=sharing.load_distribution(session, r.id, r.dist_kind)
                if mine
                else None,
            )
        )
    return out

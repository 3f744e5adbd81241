"""Distribution, markings and crime areas as stored for records and notices alike."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tanseeq.domain.types import DistributionKind, HandlingCode
from tanseeq.domain.vocab import CRIME_AREAS
from tanseeq.errors import FieldError, Invalid
from tanseeq.schemas import DistributionIn, DistributionOut, MarkingIn
from tanseeq.services.context import resolve_agency
from tanseeq.store.tables import Notice, ObjectArea, Record, Share


def check_areas(areas: Iterable[str], loc: str) -> list[str]:
    areas = list(dict.fromkeys(areas))
    bad = [
        FieldError(f"{loc}[{i}]", f"unknown crime area {a!r}")
        for i, a in enumerate(areas)
        if a not in CRIME_AREAS
    ]
    if bad:
        raise Invalid(f"{loc}: unknown crime area", bad)
    return areas


def check_marking(marking: MarkingIn, loc: str) -> list[str]:
    codes = sorted(set(marking.handling))
    if HandlingCode.H3 in codes and not (marking.handling_note or "").strip():
        raise Invalid(
            f"{loc}.handling_note: H3 needs its restriction written out",
            [FieldError(f"{loc}.handling_note", "required with handling code H3")],
        )
    return [c.value for c in codes]


def resolve_distribution(
    session: Session, dist: DistributionIn, owner_id: str, loc: str
) -> tuple[list[str], list[str]]:
    """Agency refs to ids; the owner is never named or excluded (it always sees its own data)."""
    if dist.kind != DistributionKind.AGENCIES and dist.agencies:
        raise Invalid(
            f"{loc}.agencies: only for kind 'agencies'",
            [FieldError(f"{loc}.agencies", "agencies are named only with kind 'agencies'")],
        )
    if dist.kind == DistributionKind.AGENCIES and not dist.agencies:
        raise Invalid(
            f"{loc}.agencies: name at least one agency",
            [FieldError(f"{loc}.agencies", "required with kind 'agencies'")],
        )
    include = [
        resolve_agency(session, r, f"{loc}.agencies[{i}]").id for i, r in enumerate(dist.agencies)
    ]
    exclude = [
        resolve_agency(session, r, f"{loc}.excluded[{i}]").id for i, r in enumerate(dist.excluded)
    ]
    return (
        [a for a in dict.fromkeys(include) if a != owner_id],
        [a for a in dict.fromkeys(exclude) if a != owner_id],
    )


def store_sharing(
    session: Session,
    object_id: str,
    include: list[str] | None,
    exclude: list[str] | None,
    areas: list[str] | None,
    fresh: bool = False,
) -> None:
    """Replace what is given (None leaves that part as it is). ``fresh``: the object is new and
    has nothing to replace, which saves two statements per record of a bulk import."""
    if include is not None or exclude is not None:
        if not fresh:
            session.execute(sa.delete(Share).where(Share.object_id == object_id))
        session.add_all(
            Share(object_id=object_id, agency_id=a, mode="include") for a in include or []
        )
        session.add_all(
            Share(object_id=object_id, agency_id=a, mode="exclude") for a in exclude or []
        )
    if areas is not None:
        if not fresh:
            session.execute(sa.delete(ObjectArea).where(ObjectArea.object_id == object_id))
        session.add_all(ObjectArea(object_id=object_id, area=a) for a in areas)


def load_areas(session: Session, ids: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {i: [] for i in ids}
    if ids:
        rows = session.execute(
            sa.select(ObjectArea.object_id, ObjectArea.area)
            .where(ObjectArea.object_id.in_(ids))
            .order_by(ObjectArea.area)
        )
        for oid, area in rows:
            out[oid].append(area)
    return out


def load_distribution(session: Session, object_id: str, kind: str) -> DistributionOut:
    rows = session.execute(
        sa.select(Share.agency_id, Share.mode).where(Share.object_id == object_id)
    )
    inc: list[str] = []
    exc: list[str] = []
    for agency_id, mode in rows:
        (inc if mode == "include" else exc).append(agency_id)
    return DistributionOut(kind=DistributionKind(kind), agencies=sorted(inc), excluded=sorted(exc))


def change(
    session: Session,
    obj: Record | Notice,
    distribution: DistributionIn | None,
    crime_areas: list[str] | None,
    marking: MarkingIn | None,
) -> None:
    """The owner's edit of a record's or notice's sharing; None leaves that part as it is."""
    include = exclude = None
    if distribution is not None:
        include, exclude = resolve_distribution(session, distribution, obj.owner_id, "distribution")
        obj.dist_kind = distribution.kind.value
    areas = check_areas(crime_areas, "crime_areas") if crime_areas is not None else None
    if marking is not None:
        obj.handling = check_marking(marking, "marking")
        obj.tlp = marking.tlp.value
        obj.handling_note = marking.handling_note
    store_sharing(session, obj.id, include, exclude, areas)

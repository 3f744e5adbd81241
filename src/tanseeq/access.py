"""The sharing policy: the one place that decides who sees what.

Every read path — get, list, search, count, neighbours, notices' subjects, match, screening,
export — selects through ``visible_records`` / ``visible_notices``: the rule is a SQL filter, so a
single object and a count of thousands are decided by the same expression, and an object the
caller may not see is simply absent (a 404, never counted, never a neighbour).

Who sees a record or notice, besides its owner (who always does):
  * it is live (record active / notice published) and its review date has not passed — so an
    expired record or notice, a withdrawn one and a notice the hub's review rejected are their
    owner's alone — and
  * the viewer's agency is not excluded, and
  * the distribution lets it in: ``all`` members; ``agencies`` naming it; ``agreement`` — an
    agreement in force today (every party accepted, within its dates, not terminated) to which
    both the owner and the viewer are parties, whose crime areas meet the object's and whose data
    categories (if any are listed) include the object's category.
A record is also visible when it is the subject of a notice *of the same owner* that the viewer
may see: publishing a notice discloses its subject (the record's own exclusions still win).
Only the owner's own notices grant this, so no agency can disclose another's record by writing a
notice about it.

Compliance officers at the hub secretariat review notices: they see submitted, published and
suspended notices (not expired ones, nor diffusions, which go straight between agencies) and
those notices' subjects. No other role — hub admins included — gets implicit access to
agencies' data.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.elements import ColumnElement

from tanseeq.domain.types import DistributionKind, NoticeKind, NoticeStatus, RecordStatus
from tanseeq.store.tables import (
    Agreement,
    AgreementArea,
    AgreementCategory,
    AgreementParty,
    Notice,
    NoticeRecord,
    ObjectArea,
    Record,
    Share,
)

# A column of a table or of an alias of it.
Col = ColumnElement[str] | QueryableAttribute[str]

REVIEWABLE = (NoticeStatus.SUBMITTED, NoticeStatus.PUBLISHED, NoticeStatus.SUSPENDED)


@dataclass(frozen=True)
class Viewer:
    """Who is asking: the agency decides visibility; ``reviewer`` is a compliance officer at the
    hub secretariat."""

    agency_id: str
    reviewer: bool = False


def _agreement_covers(
    owner_id: Col,
    object_id: Col,
    category: Col,
    agency_id: str,
    today: date,
) -> ColumnElement[bool]:
    g = sa.orm.aliased(Agreement)
    party = sa.orm.aliased(AgreementParty)
    viewer_party = sa.orm.aliased(AgreementParty)
    pending = sa.orm.aliased(AgreementParty)
    ga = sa.orm.aliased(AgreementArea)
    oa = sa.orm.aliased(ObjectArea)
    gc = sa.orm.aliased(AgreementCategory)
    gc2 = sa.orm.aliased(AgreementCategory)
    return sa.exists().where(
        g.valid_from <= today,
        sa.or_(g.valid_to.is_(None), g.valid_to >= today),
        g.terminated_at.is_(None),
        # Auto-correlation reaches only the enclosing SELECT (the agreement), not the record or
        # notice two levels up: without correlate_except these subqueries would add their own
        # FROM records and ask "is the owner party to it" of *any* record.
        sa.exists()
        .where(party.agreement_id == g.id, party.agency_id == owner_id)
        .correlate_except(party),
        sa.exists().where(viewer_party.agreement_id == g.id, viewer_party.agency_id == agency_id),
        ~sa.exists().where(pending.agreement_id == g.id, pending.accepted_at.is_(None)),
        sa.exists()
        .where(ga.agreement_id == g.id, oa.object_id == object_id, oa.area == ga.area)
        .correlate_except(ga, oa),
        sa.or_(
            ~sa.exists().where(gc.agreement_id == g.id),
            sa.exists()
            .where(gc2.agreement_id == g.id, gc2.category == category)
            .correlate_except(gc2),
        ),
    )


def _distribution_admits(
    object_id: Col,
    owner_id: Col,
    category: Col,
    dist_kind: Col,
    viewer: Viewer,
    today: date,
) -> ColumnElement[bool]:
    excluded = sa.orm.aliased(Share)
    included = sa.orm.aliased(Share)
    return sa.and_(
        ~sa.exists().where(
            excluded.object_id == object_id,
            excluded.agency_id == viewer.agency_id,
            excluded.mode == "exclude",
        ),
        sa.or_(
            dist_kind == DistributionKind.ALL.value,
            sa.and_(
                dist_kind == DistributionKind.AGENCIES.value,
                sa.exists().where(
                    included.object_id == object_id,
                    included.agency_id == viewer.agency_id,
                    included.mode == "include",
                ),
            ),
            sa.and_(
                dist_kind == DistributionKind.AGREEMENT.value,
                _agreement_covers(owner_id, object_id, category, viewer.agency_id, today),
            ),
        ),
    )


def _notice_shared(n: type[Notice], viewer: Viewer, today: date) -> ColumnElement[bool]:
    """What a non-owner sees of notices (the owner clause is added by the callers)."""
    shared = sa.and_(
        n.status == NoticeStatus.PUBLISHED.value,
        n.review_date >= today,
        _distribution_admits(n.id, n.owner_id, n.category, n.dist_kind, viewer, today),
    )
    if not viewer.reviewer:
        return shared
    return sa.or_(
        shared,
        sa.and_(
            n.status.in_([s.value for s in REVIEWABLE]),
            n.kind != NoticeKind.DIFFUSION.value,
            # A published or suspended notice past its review date is expired, not reviewable.
            sa.or_(n.status == NoticeStatus.SUBMITTED.value, n.review_date >= today),
        ),
    )


@functools.lru_cache(maxsize=256)  # built once per (viewer, day), like record_visible below
def notice_visible(viewer: Viewer, today: date) -> ColumnElement[bool]:
    return sa.or_(Notice.owner_id == viewer.agency_id, _notice_shared(Notice, viewer, today))


# Built once per (viewer, day): constructing the policy's aliased subqueries costs milliseconds
# of Python, paid on every insert's reference check and every read otherwise. SQL expressions
# are immutable, so one can be embedded in any number of statements.
@functools.lru_cache(maxsize=256)
def record_visible(viewer: Viewer, today: date, r: type[Record] = Record) -> ColumnElement[bool]:
    n = sa.orm.aliased(Notice)
    nr = sa.orm.aliased(NoticeRecord)
    excluded = sa.orm.aliased(Share)
    via_notice = sa.exists().where(
        nr.record_id == r.id,
        n.id == nr.notice_id,
        n.owner_id == r.owner_id,
        _notice_shared(n, viewer, today),
    )
    return sa.or_(
        r.owner_id == viewer.agency_id,
        sa.and_(
            r.status == RecordStatus.ACTIVE.value,
            r.review_date >= today,
            # ``excluded`` always wins: a notice does not reopen a record to an agency the
            # record itself excludes.
            ~sa.exists().where(
                excluded.object_id == r.id,
                excluded.agency_id == viewer.agency_id,
                excluded.mode == "exclude",
            ),
            sa.or_(
                _distribution_admits(r.id, r.owner_id, r.category, r.dist_kind, viewer, today),
                via_notice,
            ),
        ),
    )


def visible_records(viewer: Viewer, today: date) -> sa.Select[Record]:
    return sa.select(Record).where(record_visible(viewer, today))


def visible_notices(viewer: Viewer, today: date) -> sa.Select[Notice]:
    return sa.select(Notice).where(notice_visible(viewer, today))


def visible_record_ids(viewer: Viewer, today: date, ids: set[str]) -> sa.Select[str]:
    """The subset of ``ids`` the viewer may see (to strip references to hidden records)."""
    return sa.select(Record.id).where(Record.id.in_(ids), record_visible(viewer, today))

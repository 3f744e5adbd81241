"""Screening in the hub: name matching and identifier checks against what the caller may see.

One ``MatchIndex`` per database holds every live record of the node and catches up with the
database before each query by reading the records changed since its last sync. The index never
decides who sees what: every query passes the set of records the sharing policy admits for the
caller (plus the restricted records whose owners allow *blind hits*), and the index ranks only
those, so a crowd of records the caller may not see can never push a visible match out of the
candidate list. That set is asked of the database for the records the index ranks first for the
queries, deep enough to give the same results, and read whole only when that is not enough
(``_admitted_for``).

A result at or above the threshold is a *hit*: it is stored, the owner sees it among the hits on
its data (who searched, when, why), and the search is audited with the owners as recipients. A
blind hit tells the searcher only which agency to contact; the record's id never leaves.
"""

from __future__ import annotations

import os
import threading
import uuid
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tanseeq import access
from tanseeq.domain.entities import clean_entity
from tanseeq.domain.types import RecordStatus, Verdict
from tanseeq.errors import FieldError, Invalid, TooLarge, invalid
from tanseeq.matching import DEFAULT_THRESHOLD, MatchIndex, Result, Subject, screen_bulk
from tanseeq.matching.identifiers import IDENTIFIER_KINDS, IdentifierError, normalize_identifier
from tanseeq.schemas import JudgementOut, RecordOut
from tanseeq.services import audit_trail, hit_followup
from tanseeq.services.context import Actor, not_found, require, today
from tanseeq.services.records import to_outs
from tanseeq.store.database import Database, in_batches, one_of
from tanseeq.store.tables import Agency, Erasure, Hit, Record

# Link schemata carry no names or identifiers of their own; addresses are matched as text.
_SKIP_CATEGORIES = ("link", "address", "other")

# What the index reads of a record.
_INDEXED = (
    Record.id,
    Record.schema,
    Record.properties,
    Record.status,
    Record.category,
    Record.updated_at,
)
_IndexedRow = tuple[str, str, dict[str, Any], str, str, datetime]
_SYNC_BATCH = 500
_CLOCK_MARGIN = timedelta(seconds=30)
_RECHECK = timedelta(seconds=1)
_START_MARGIN = timedelta(seconds=1)
# Sessions of other clients on this database with a transaction open (autovacuum's are not
# writes that stamp records).
_OLDEST_OPEN_TRANSACTION = sa.text(
    "SELECT min(xact_start) FROM pg_stat_activity"
    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
    " AND backend_type = 'client backend' AND xact_start IS NOT NULL"
)


def _subject(rid: str, schema: str, props: dict[str, Any], category: str) -> Subject | None:
    """What the matcher indexes of a record, or None for records it has nothing to match on."""
    if category in _SKIP_CATEGORIES:
        return None
    subject = Subject.from_ftm({"id": rid, "schema": schema, "properties": props})
    return subject if subject.names or subject.identifiers else None


class HubIndex:
    """The node's match index, kept in step with the records table.

    Each sync re-indexes the records stamped (``updated_at``) since a floor, except those whose
    stamp it indexed already, and drops the records retention purged since (``purged_at``).

    The floor is not simply the newest stamp seen: a write stamps its records when it makes
    them and commits later (an import of thousands runs in one transaction), so a record stamped
    earlier can become visible after a later-stamped one was read. Two floors cover that:

    * every sync reads from the newest stamp seen or, if earlier, the start of the oldest
      transaction that was open on the database when the previous sync began, less
      ``_START_MARGIN`` for the stamps taken just before it (PostgreSQL's ``pg_stat_activity``,
      which shows the sessions of the role Tanseeq connects as; SQLite runs one write at a
      time): a long write's records are indexed by the first sync after it commits;
    * at most once every ``_RECHECK`` (and then as above), a sync reads from ``_CLOCK_MARGIN``
      before the previous such sync: for a stamp taken up to that long before its
      transaction's first statement (the connection pool's and SQLite's lock waits are 30 s)
      and small differences between the application's and the server's clocks. Its window can
      hold thousands of records after an import, hence not every sync.
    """

    def __init__(self, threshold: float) -> None:
        self.index = MatchIndex(threshold=threshold)
        # Newest stamp indexed, newest purge dropped; None before the first sync.
        self._mark: datetime | None = None
        self._purge_mark: datetime | None = None
        self._open_before: datetime | None = None  # see the class doc
        self._recheck_from: datetime | None = None
        self._recheck_due: datetime | None = None
        # The stamp indexed, for each record stamped since ``_recheck_from``: a record read
        # again with the same stamp is not indexed again.
        self._versions: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def sync(self, db: Database) -> None:
        with self._lock, db.transaction() as session:
            # Both taken before anything is read: a transaction open now that commits while
            # the records are read still holds the next floor back.
            now = db.clock()
            open_now = self._oldest_open(session)
            recheck = self._recheck_due is None or now >= self._recheck_due
            if recheck:
                keep_from = (now if open_now is None else min(now, open_now)) - _CLOCK_MARGIN
            else:
                assert self._recheck_from is not None
                keep_from = self._recheck_from
            if self._mark is None:
                self._index_rows(session.execute(sa.select(*_INDEXED)).tuples(), keep_from)
                self._purge_mark = session.scalar(sa.select(sa.func.max(Erasure.purged_at)))
            else:
                since = self._since(Record.updated_at, self._mark, recheck)
                stamped = session.execute(sa.select(Record.id, Record.updated_at).where(since))
                stale = [rid for rid, at in stamped if self._versions.get(rid) != at]
                for batch in in_batches(stale, _SYNC_BATCH):
                    rows = session.execute(sa.select(*_INDEXED).where(Record.id.in_(batch)))
                    self._index_rows(rows.tuples(), keep_from)
                self._forget_purged(session, recheck)
            self._open_before = open_now
            if recheck:
                self._recheck_from = keep_from
                self._recheck_due = now + _RECHECK
                # Kept from the lowest floor a later sync may read from (every sync reads the
                # records with the newest stamp).
                bound = keep_from if self._mark is None else min(keep_from, self._mark)
                self._versions = {r: at for r, at in self._versions.items() if at >= bound}

    def _since(
        self, stamp: sa.orm.InstrumentedAttribute[datetime], mark: datetime, recheck: bool
    ) -> sa.ColumnElement[bool]:
        """The rows a sync reads (see the class doc). From the mark alone, only those stamped
        after it: the ones stamped with it were read with it, committed together (a retention
        run stamps thousands with one time), and another write with that very stamp committed
        later is one a recheck finds."""
        floor = mark
        if self._open_before is not None:
            floor = min(floor, self._open_before - _START_MARGIN)
        if recheck and self._recheck_from is not None:
            floor = min(floor, self._recheck_from)
        return stamp > floor if floor == mark else stamp >= floor

    def _index_rows(self, rows: Iterable[_IndexedRow], keep_from: datetime) -> None:
        for rid, schema, props, status, category, updated in rows:
            self.index.remove(rid)
            subject = _subject(rid, schema, props, category)
            if status == RecordStatus.ACTIVE.value and subject is not None:
                self.index.add(subject)
            if updated >= keep_from or (self._mark is not None and updated >= self._mark):
                self._versions[rid] = updated
            if self._mark is None or updated > self._mark:
                self._mark = updated

    def _forget_purged(self, session: Session, recheck: bool) -> None:
        """Drop the records retention purged: their rows are gone, so no read of the records
        reports them. (A first, full load holds none of them.)"""
        query = sa.select(Erasure.object_id, Erasure.purged_at).where(Erasure.kind == "record")
        if self._purge_mark is not None:
            query = query.where(self._since(Erasure.purged_at, self._purge_mark, recheck))
        for rid, purged in session.execute(query):
            self.index.remove(rid)  # nothing when already dropped
            if self._purge_mark is None or purged > self._purge_mark:
                self._purge_mark = purged

    @staticmethod
    def _oldest_open(session: Session) -> datetime | None:
        """When the oldest transaction open on the database started (PostgreSQL only)."""
        if session.get_bind().dialect.name != "postgresql":
            return None
        oldest: datetime | None = session.scalar(_OLDEST_OPEN_TRANSACTION)
        return oldest


# Records a bulk run's private index must hold before it is built on every core.
PARALLEL_BUILD_MIN = 20_000


_INDEXES: weakref.WeakKeyDictionary[Database, HubIndex] = weakref.WeakKeyDictionary()
_INDEXES_LOCK = threading.Lock()


def hub_index(db: Database) -> HubIndex:
    with _INDEXES_LOCK:
        if db not in _INDEXES:
            _INDEXES[db] = HubIndex(db.settings.match_threshold or DEFAULT_THRESHOLD)
        hub = _INDEXES[db]
    hub.sync(db)
    return hub


@dataclass(frozen=True)
class Candidates:
    """What a caller's query may return: visible records, and records open to blind hits
    (restricted, live, owned by another agency) with their owners."""

    visible: set[str]
    blind: dict[str, str]  # record id -> owner agency id

    def __contains__(self, record_id: object) -> bool:
        return record_id in self.visible or record_id in self.blind

    @classmethod
    def of(cls, rows: Iterable[tuple[str, str, bool]]) -> Candidates:
        """From (record id, owner id, visible) rows of records the caller may see or blind-hit."""
        out = cls(set(), {})
        for rid, owner_id, visible in rows:
            if visible:
                out.visible.add(rid)
            else:
                out.blind[rid] = owner_id
        return out


def scope_owner(db: Database, scope: str) -> str | None:
    """``hub`` (None: every owner) or the id of the agency whose data a search is limited to."""
    if scope == "hub":
        return None
    with db.transaction() as session:
        found = session.scalar(
            sa.select(Agency.id).where(sa.or_(Agency.code == scope, Agency.id == scope))
        )
    if found is None:
        raise not_found("scope", scope)
    return found


def _admission(
    db: Database, actor: Actor, owner: str | None
) -> tuple[sa.ColumnElement[bool], sa.ColumnElement[bool]]:
    """Conditions on a record: the caller may see it; it is open to the caller's blind hits
    (restricted, live, owned by another agency)."""
    viewer = actor.viewer()
    day = today(db)
    seen = access.record_visible(viewer, day)
    blind = sa.and_(
        Record.blind_hits.is_(True),
        Record.status == RecordStatus.ACTIVE.value,
        Record.review_date >= day,
        Record.owner_id != viewer.agency_id,
        ~seen,
    )
    if owner is not None:
        seen = sa.and_(seen, Record.owner_id == owner)
        blind = sa.and_(blind, Record.owner_id == owner)
    return seen, blind


def candidates(
    session: Session,
    db: Database,
    actor: Actor,
    among: Iterable[str] | None = None,
    owner: str | None = None,
) -> Candidates:
    seen, blind = _admission(db, actor, owner)
    if among is None:  # the whole table: two plain statements are a third faster than one
        seen_ids = session.scalars(sa.select(Record.id).where(seen))
        open_to_blind = session.execute(sa.select(Record.id, Record.owner_id).where(blind))
        return Candidates(set(seen_ids), dict(open_to_blind.tuples().all()))
    # A few thousand ids, asked on every /match: one statement, one round trip.
    admitted = sa.select(Record.id, Record.owner_id, seen).where(
        sa.or_(seen, blind), one_of(session, Record.id, among)
    )
    return Candidates.of(session.execute(admitted).tuples())


# How deep _admitted_for looks into the key ranking before it reads the whole visible set, in
# the index's first cuts (256 candidates): most queries with hidden records among their first
# candidates settle at 1,024, and asking the policy about 4,096 ids costs 4 times as much
# (bench/hub_match.py: 25 ms a /match with these steps, 46 ms with 1, 16, 256).
_DEPTHS = (1, 4, 16, 64, 256)


def _admitted_for(
    session: Session,
    db: Database,
    actor: Actor,
    owner: str | None,
    index: MatchIndex,
    queries: Iterable[Subject],
) -> Candidates:
    """What the queries may return: the admitted records among those the index ranks first
    for them, deep enough that a search among these gives what a search among everything
    the caller may see gives (``Considered.settled``). The usual case is the index's first
    cut, all visible; records the caller may not see ahead of a visible one (an owner's
    restricted namesakes, other owners' data in an agency's scope) take deeper looks. Only
    when that is not enough is everything the caller may see read, which grows with the node
    (0.1 s at 66,000 shared records)."""
    unsettled = list(queries)
    admitted = Candidates(set(), {})
    asked: set[str] = set()
    for factor in _DEPTHS:
        views = [index.considered(q, index.prerank_candidates * factor) for q in unsettled]
        ids = {rid for v in views for rid in (*v.identified, *v.ranked)} - asked
        found = candidates(session, db, actor, among=ids, owner=owner)
        admitted.visible.update(found.visible)
        admitted.blind.update(found.blind)
        asked |= ids
        # A settled query stays settled as others add admitted records: those rank after
        # its first cut, or are no candidates of it at all.
        unsettled = [q for q, v in zip(unsettled, views, strict=True) if not v.settled(admitted)]
        if not unsettled:
            return admitted
    return candidates(session, db, actor, owner=owner)


def _records(session: Session, ids: Iterable[str]) -> list[Record]:
    """The records with these ids (already admitted by the policy)."""
    chosen = sa.select(Record).where(one_of(session, Record.id, set(ids))).order_by(Record.id)
    return list(session.scalars(chosen))


@dataclass(frozen=True)
class Found:
    """One result for one query: a visible record, or a blind hit naming only the owner."""

    score: float
    match: bool
    explanation: str
    features: dict[str, float]  # compared features and their values (name: the name score)
    record: RecordOut | None
    blind_owner: str | None = None
    hit_id: str | None = None
    judgement: JudgementOut | None = None  # the owner already judged this query and record


def query_subject(key: str, example: Mapping[str, Any]) -> Subject:
    """A yente-style entity example, validated strictly (errors name ``queries.<key>…``)."""
    loc = f"queries.{key}"
    if not isinstance(example, Mapping):
        raise invalid(loc, "must be an entity example {schema, properties}")
    entity = clean_entity(
        example.get("schema"), example.get("properties") or {}, f"{loc}.properties"
    )
    return Subject.from_ftm(
        {"id": key, "schema": entity.schema.name, "properties": entity.properties}
    )


def _store_hits(
    session: Session,
    db: Database,
    actor: Actor,
    channel: str,
    query: dict[str, Any],
    found: list[tuple[str, float, bool, str, str]],
    justification: str | None,
) -> list[str]:
    """found: (record id, score, blind, owner id, query fingerprint) for every match; returns
    hit ids. A pair the owner has judged raises no hit (and tells the owner nothing new); the
    owners of the others are notified."""
    judged = hit_followup.judged_pairs(
        session, actor.agency_id or "", [(f[0], f[4]) for f in found]
    )
    stored = []
    for record_id, score, blind, owner, fingerprint in found:
        if (record_id, fingerprint) in judged:
            continue
        hit = Hit(
            id=str(uuid.uuid4()),
            at=db.clock(),
            channel=channel,
            searcher_user_id=actor.user_id or actor.username,
            searcher_agency_id=actor.agency_id or "",
            record_id=record_id,
            owner_id=owner,
            score=round(score, 4),
            blind=blind,
            query=query,
            justification=justification,
            fingerprint=fingerprint,
        )
        session.add(hit)
        stored.append(hit)
    session.flush()
    hit_followup.announce(session, db, stored)
    return [h.id for h in stored]


def _need_justification(justification: str | None) -> str:
    if not (justification or "").strip():
        raise invalid("justification", "say why you search (it is logged with the search)")
    return str(justification).strip()


def match(
    db: Database,
    actor: Actor,
    queries: Mapping[str, Any],
    *,
    threshold: float | None = None,
    cutoff: float = 0.5,
    limit: int = 5,
    justification: str | None = None,
    scope: str = "hub",
) -> dict[str, list[Found]]:
    """Score each query against what the caller may see (``scope`` ``hub``) or one agency's
    data (its code or id); store and audit the hits."""
    require(actor, "match.run")
    owner = scope_owner(db, scope)
    why = _need_justification(justification)
    if not queries:
        raise invalid("queries", "at least one query")
    if len(queries) > db.settings.max_match_batch:
        raise TooLarge(f"at most {db.settings.max_match_batch} queries per request")
    if not 1 <= limit <= 100:
        raise Invalid("limit: out of range", [FieldError("limit", "between 1 and 100")])
    subjects = {key: query_subject(key, ex) for key, ex in queries.items()}
    hub = hub_index(db)
    line = hub.index.threshold if threshold is None else threshold
    floor = min(cutoff, line)
    out: dict[str, list[Found]] = {}
    with db.transaction() as session:
        allowed = _admitted_for(session, db, actor, owner, hub.index, subjects.values())
        mask = hub.index.allowed_mask(allowed.visible | allowed.blind.keys())
        raw: dict[str, list[Result]] = {
            key: hub.index.search(subject, limit=limit, threshold=floor, allowed=mask)
            for key, subject in subjects.items()
        }
        visible_ids = [
            r.record_id for rs in raw.values() for r in rs if r.record_id in allowed.visible
        ]
        rows = {r.id: r for r in _records(session, visible_ids)}  # up to batch x limit ids
        outs = {o.id: o for o in to_outs(session, db, actor, list(rows.values()))}
        prints = {key: hit_followup.fingerprint(subject) for key, subject in subjects.items()}
        judged = hit_followup.judged_pairs(
            session,
            actor.agency_id or "",
            [(r.record_id, prints[key]) for key, rs in raw.items() for r in rs],
        )
        hits: list[tuple[str, float, bool, str, str]] = []
        recipients: set[str] = set()
        for key, results in raw.items():
            found = []
            for r in results:
                is_match = r.score >= line
                owner = allowed.blind.get(r.record_id)
                if owner is not None and not is_match:
                    continue  # blind candidates are disclosed only as hits
                if is_match:
                    the_owner = owner or outs[r.record_id].owner_id
                    hits.append((r.record_id, r.score, owner is not None, the_owner, prints[key]))
                    recipients.add(the_owner)
                found.append(
                    Found(
                        score=r.score,
                        match=is_match,
                        explanation=r.explanation,
                        # As yente: each compared feature's value; uncompared ones left out.
                        features={f.name: f.value for f in r.features if f.value is not None},
                        record=None if owner else outs[r.record_id],
                        blind_owner=owner,
                        judgement=judged.get((r.record_id, prints[key])),
                    )
                )
            out[key] = found
        query_summary = {"queries": len(subjects)}
        hit_ids = _store_hits(session, db, actor, "match", query_summary, hits, why)
        audit_trail.record(
            session,
            db,
            actor,
            "match.run",
            [h[0] for h in hits if not h[2]] + hit_ids,
            justification=why,
            recipients=sorted(recipients - {actor.agency_id or ""}),
            # Matches of pairs the owner has judged are results, not new hits.
            detail={
                "queries": len(subjects),
                "hits": len(hit_ids),
                "judged": len(hits) - len(hit_ids),
            },
        )
    return out


@dataclass(frozen=True)
class IdentifierAnswer:
    hit: bool
    records: list[RecordOut]
    blind_owners: list[str]
    judgements: list[JudgementOut]  # the owners' earlier answers on this identifier


def check_identifier(
    db: Database, actor: Actor, kind: str, value: str, justification: str | None = None
) -> IdentifierAnswer:
    """Hit / no hit for a document, vehicle, phone, e-mail or wallet: one dictionary lookup and
    one query over the few ids it returns."""
    require(actor, "match.run")
    why = _need_justification(justification)
    if kind not in IDENTIFIER_KINDS:
        raise invalid("kind", f"one of {', '.join(sorted(IDENTIFIER_KINDS))}")
    hub = hub_index(db)
    try:
        ids = hub.index.check_identifier(kind, value)
    except IdentifierError as exc:
        raise invalid("value", str(exc)) from exc
    with db.transaction() as session:
        allowed = candidates(session, db, actor, among=ids)
        rows = _records(session, allowed.visible)
        outs = to_outs(session, db, actor, rows)
        print_ = hit_followup.fingerprint_identifier(kind, normalize_identifier(kind, value))
        found = [(o.id, 1.0, False, o.owner_id, print_) for o in outs]
        found += [(rid, 1.0, True, owner, print_) for rid, owner in allowed.blind.items()]
        judged = hit_followup.judged_pairs(
            session, actor.agency_id or "", [(f[0], print_) for f in found]
        )
        hit_ids = _store_hits(session, db, actor, "identifier", {"kind": kind}, found, why)
        owners = sorted({f[3] for f in found} - {actor.agency_id or ""})
        audit_trail.record(
            session,
            db,
            actor,
            "match.identifier",
            [o.id for o in outs] + hit_ids,
            justification=why,
            recipients=owners,
            detail={"kind": kind, "hit": bool(found)},
        )
    return IdentifierAnswer(
        hit=bool(found),
        records=outs,
        blind_owners=sorted(set(allowed.blind.values())),
        judgements=sorted(judged.values(), key=lambda j: (j.owner_id, j.hit_id)),
    )


def screen_hub(
    db: Database,
    actor: Actor,
    subjects: Iterable[Subject],
    *,
    threshold: float | None = None,
    justification: str | None = None,
    workers: int | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """Bulk screening of a list against what the caller's agency may see, on every core.

    A private index holds only the records admitted for the caller (visible, or open to blind
    hits); hits are stored and audited once the run has completed."""
    require(actor, "match.run")
    why = _need_justification(justification)
    line = db.settings.match_threshold or DEFAULT_THRESHOLD
    own = MatchIndex(threshold=line if threshold is None else threshold)
    with db.transaction() as session:
        # The records and whether each is visible or only open to blind hits, in one read
        # (what the caller may see is not sent back as a list of ids: it can be millions).
        seen, blind = _admission(db, actor, None)
        admitted = sa.select(
            Record.id, Record.schema, Record.properties, Record.category, Record.owner_id, seen
        ).where(sa.or_(seen, blind))
        records = session.execute(admitted).tuples().all()
        allowed = Candidates.of((rid, owner, visible) for rid, *_, owner, visible in records)
        subjects_admitted = (
            subject
            for rid, schema, props, category, _, _ in records
            if (subject := _subject(rid, schema, props, category)) is not None
        )
        # Preparing the records' names is most of a large build: on every core then, as the
        # screening itself. A small set is not worth the workers' start.
        large = len(records) >= PARALLEL_BUILD_MIN
        own.add_many(subjects_admitted, processes=(workers or os.cpu_count() or 1) if large else 1)
        del records  # the rows' properties are not needed while the list is screened
    queries = list(subjects)
    rows = list(
        screen_bulk(own, queries, threshold=threshold, processes=workers, progress=progress)
    )
    prints = {q.id: hit_followup.fingerprint(q) for q in queries}
    with db.transaction() as session:
        matched = {r["record_id"] for r in rows if r["match"]}
        owners: dict[str, str] = {}
        for batch in in_batches(matched):
            query = sa.select(Record.id, Record.owner_id).where(Record.id.in_(batch))
            owners.update(session.execute(query).tuples().all())
        hits = [
            (
                r["record_id"],
                float(r["score"]),
                r["record_id"] in allowed.blind,
                owners[r["record_id"]],
                prints[r["query_id"]],
            )
            for r in rows
            if r["match"]
        ]
        judged = hit_followup.judged_pairs(
            session, actor.agency_id or "", [(h[0], h[4]) for h in hits]
        )
        hit_ids = _store_hits(session, db, actor, "screen", {"bulk": True}, hits, why)
        audit_trail.record(
            session,
            db,
            actor,
            "match.screen",
            hit_ids,
            justification=why,
            recipients=sorted({h[3] for h in hits} - {actor.agency_id or ""}),
            detail={"hits": len(hit_ids), "judged": len(hits) - len(hit_ids)},
        )
    for row in rows:
        judgement = judged.get((row["record_id"], prints.get(row["query_id"], "")))
        if judgement is not None:
            row = {**row, "judgement": judgement.model_dump(mode="json")}
        if row["record_id"] in allowed.blind:
            if not row["match"]:
                continue
            row = {
                **row,
                "record_id": None,
                "blind_owner": allowed.blind[row["record_id"]],
                "explanation": "blind hit: contact the owner agency",
            }
        yield row


@dataclass(frozen=True)
class HitOut:
    id: str
    at: datetime
    channel: str
    searcher_agency_id: str
    searcher_user_id: str | None
    record_id: str | None
    owner_id: str
    score: float
    blind: bool
    justification: str | None
    # The owner's judgement of this hit's pair (same person or not), once given.
    verdict: Verdict | None = None


def _verdicts(session: Session, hits: list[Hit]) -> dict[str, Verdict]:
    """Hit id → the owner's verdict on its (searcher, record, query) pair, where judged."""
    by_searcher: dict[str, list[Hit]] = {}
    for h in hits:
        if h.fingerprint:
            by_searcher.setdefault(h.searcher_agency_id, []).append(h)
    out: dict[str, Verdict] = {}
    for searcher, group in by_searcher.items():
        judged = hit_followup.judged_pairs(
            session, searcher, [(h.record_id, h.fingerprint or "") for h in group]
        )
        for h in group:
            judgement = judged.get((h.record_id, h.fingerprint or ""))
            if judgement is not None:
                out[h.id] = judgement.verdict
    return out


def list_hits(
    db: Database, actor: Actor, direction: str = "received", limit: int = 50, offset: int = 0
) -> tuple[list[HitOut], int]:
    """Hits on our data (``received``: who searched, when, why) or found by us (``sent``)."""
    require(actor, "record.read")
    viewer = actor.viewer()
    if direction not in ("received", "sent"):
        raise invalid("direction", "received or sent")
    with db.transaction() as session:
        q = sa.select(Hit).where(
            Hit.owner_id == viewer.agency_id
            if direction == "received"
            else Hit.searcher_agency_id == viewer.agency_id
        )
        total = session.scalar(sa.select(sa.func.count()).select_from(q.subquery())) or 0
        rows = list(
            session.scalars(q.order_by(Hit.at.desc(), Hit.id).limit(limit).offset(offset))
        )
        verdicts = _verdicts(session, rows)
        out = [
            HitOut(
                id=h.id,
                at=h.at,
                channel=h.channel,
                searcher_agency_id=h.searcher_agency_id,
                searcher_user_id=h.searcher_user_id if direction == "received" else None,
                record_id=None if (h.blind and direction == "sent") else h.record_id,
                owner_id=h.owner_id,
                score=h.score,
                blind=h.blind,
                justification=h.justification,
                verdict=verdicts.get(h.id),
            )
            for h in rows
        ]
        audit_trail.record(session, db, actor, f"hit.list_{direction}", [h.id for h in out])
        return out, total

"""After a hit: the owner is told, searcher and owner talk in a thread, the owner judges.

A judgement settles a *pair* for good: the searcher agency, the record, and the fingerprint of
the query — SHA-256 over canonical JSON of the query's normalised names, birth dates and
identifiers (or, for an identifier check, its kind and normalised value). Screening looks the
pair up before storing a hit: a judged pair raises no new hit and no new notice to the owner,
and the searcher's result carries the owner's answer instead ("not the same person: …").
A different query (another birth date, a new passport number) is a new pair and hits again:
the owner judged what it was shown, not every future search.

Who sees what: a hit is the business of its searcher and its owner only; anyone else gets
"no hit". Only officers and supervisors of the owner agency judge. For a blind hit the searcher
never learns the record's id, here either.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tanseeq.domain.types import NotificationKind, Priority, Verdict
from tanseeq.errors import Conflict, Forbidden
from tanseeq.matching import Subject
from tanseeq.schemas import HitThreadIn, JudgementIn, JudgementOut, MarkingIn, ThreadOut
from tanseeq.services import audit_trail, notifications, thread_views, threads
from tanseeq.services.context import Actor, not_found, require
from tanseeq.store.database import Database, in_batches
from tanseeq.store.tables import Agency, Hit, HitJudgement, Thread

# --- fingerprints and judged pairs (used by screening) ---------------------------------------


def _digest(canonical: object) -> str:
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _name_key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def fingerprint(subject: Subject) -> str:
    """The query as the owner judged it: names, birth dates, identifiers (already normalised
    by ``Subject.from_ftm``), order and spelling of case and spaces ignored."""
    return _digest(
        {
            "schema": subject.schema,
            "names": sorted({_name_key(n) for n in subject.names}),
            "birth_dates": sorted(set(subject.birth_dates)),
            "identifiers": {k: sorted(set(v)) for k, v in subject.identifiers.items() if v},
        }
    )


def fingerprint_identifier(kind: str, normalised_value: str) -> str:
    return _digest({"identifier": kind, "value": normalised_value})


def judged_pairs(
    session: Session, searcher_agency_id: str, pairs: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], JudgementOut]:
    """Of the (record id, fingerprint) pairs, those the owner has judged for this searcher."""
    wanted = set(pairs)
    found: dict[tuple[str, str], JudgementOut] = {}
    for batch in in_batches(sorted(wanted)):  # a bulk run's hits can be tens of thousands
        rows = session.scalars(
            sa.select(HitJudgement).where(
                HitJudgement.searcher_agency_id == searcher_agency_id,
                HitJudgement.record_id.in_({r for r, _ in batch}),
                HitJudgement.fingerprint.in_({f for _, f in batch}),
            )
        )
        for j in rows:
            if (j.record_id, j.fingerprint) in wanted:
                found[(j.record_id, j.fingerprint)] = thread_views.judgement_out(j)
    return found


def _code(session: Session, agency_id: str) -> str:
    return session.scalar(sa.select(Agency.code).where(Agency.id == agency_id)) or agency_id


def announce(session: Session, db: Database, hits: list[Hit]) -> None:
    """Tell each owner agency about new hits on its data: who searched, when, why. The owner
    may know who searched its data (it is told for blind hits too); a search of one's own data
    is nobody else's news."""
    by_owner: dict[str, list[Hit]] = defaultdict(list)
    for hit in hits:
        if hit.owner_id != hit.searcher_agency_id:
            by_owner[hit.owner_id].append(hit)
    for owner_id, owned in by_owner.items():
        first = owned[0]
        searcher = _code(session, first.searcher_agency_id)
        count = f"{len(owned)} hits" if len(owned) > 1 else "a hit"
        notifications.notify(
            session,
            db,
            agency_id=owner_id,
            kind=NotificationKind.HIT,
            title=f"{searcher} searched and got {count} on your data",
            body=(
                f"Searched by {searcher} at {first.at:%Y-%m-%d %H:%M} UTC ({first.channel}).\n"
                f"Justification: {first.justification or '-'}"
            ),
            refs={"hit": first.id, "count": str(len(owned))},
        )


# --- the hit as seen by its two sides --------------------------------------------------------


def _hit(session: Session, actor: Actor, hit_id: str, lock: bool = False) -> Hit:
    """The hit, if the caller's agency searched or owns it. ``lock``: held until commit, so
    two sides opening its thread at once end up in one thread (the second joins)."""
    viewer = actor.viewer()
    query = sa.select(Hit).where(
        Hit.id == hit_id,
        sa.or_(Hit.searcher_agency_id == viewer.agency_id, Hit.owner_id == viewer.agency_id),
    )
    hit = session.scalars(query.with_for_update() if lock else query).first()
    if hit is None:
        raise not_found("hit", hit_id)
    return hit


def open_thread(db: Database, actor: Actor, hit_id: str, data: HitThreadIn) -> ThreadOut:
    """The hit's thread between searcher and owner: opened by the first side to ask, joined
    (returned, with any first message added) by later calls."""
    require(actor, "hit.follow_up")
    with db.transaction() as session:
        hit = _hit(session, actor, hit_id, lock=True)
        if hit.owner_id == hit.searcher_agency_id:
            raise Conflict("a hit on your own agency's data needs no follow-up")
        # Locked as a post locks it: a first message here takes its number in turn.
        thread = session.scalars(
            sa.select(Thread).where(Thread.hit_id == hit.id).with_for_update()
        ).first()
        created = thread is None
        if thread is None:
            other = (
                hit.owner_id
                if actor.agency_id == hit.searcher_agency_id
                else hit.searcher_agency_id
            )
            # The subject is read by both sides: a date, never what the record says.
            thread = threads.new_thread(
                session,
                db,
                actor,
                subject=f"Hit follow-up ({hit.at:%Y-%m-%d %H:%M} UTC)",
                priority=Priority.ROUTINE,
                parties=[other],
                marking=MarkingIn(),
                deadline=None,
                hit_id=hit.id,
            )
        object_ids = [thread.id, hit.id]
        if data.message is not None:
            object_ids += threads.add_message(
                session, db, actor, thread, data.message, "message."
            ).object_ids
        audit_trail.record(
            session,
            db,
            actor,
            "hit.thread_open" if created else "hit.thread_join",
            object_ids,
            recipients=[
                hit.owner_id
                if actor.agency_id == hit.searcher_agency_id
                else hit.searcher_agency_id
            ],
        )
        if created or data.message is not None:
            code = _code(session, actor.agency_id or "")
            threads.tell_parties(
                session,
                db,
                actor,
                thread,
                NotificationKind.REQUEST if created else NotificationKind.REPLY,
                f"{code} follows up a hit: {thread.subject}",
            )
        return thread_views.thread_out(session, db, actor, thread, mark_read=True)


def judge(db: Database, actor: Actor, hit_id: str, data: JudgementIn) -> JudgementOut:
    """The owner's verdict on a hit; a later verdict on the same pair replaces the earlier."""
    require(actor, "hit.judge")
    with db.transaction() as session:
        hit = _hit(session, actor, hit_id, lock=True)  # one judgement row per pair, in turn
        if hit.owner_id != actor.agency_id:
            raise Forbidden("only the owner agency judges a hit on its data")
        if hit.owner_id == hit.searcher_agency_id:
            raise Conflict("a hit on your own agency's data is not judged")
        if hit.fingerprint is None:
            raise Conflict("this hit was stored before queries were fingerprinted")
        now = db.clock()
        row = session.scalars(
            sa.select(HitJudgement).where(
                HitJudgement.searcher_agency_id == hit.searcher_agency_id,
                HitJudgement.record_id == hit.record_id,
                HitJudgement.fingerprint == hit.fingerprint,
            )
        ).first()
        previous = row.verdict if row is not None else None
        if row is None:
            row = HitJudgement(
                id=str(uuid.uuid4()),
                searcher_agency_id=hit.searcher_agency_id,
                record_id=hit.record_id,
                owner_id=hit.owner_id,
                fingerprint=hit.fingerprint,
            )
            session.add(row)
        row.hit_id = hit.id
        row.verdict = data.verdict.value
        row.reason = data.reason
        row.judged_by = actor.user_id
        row.judged_at = now
        session.flush()
        thread = session.scalars(sa.select(Thread).where(Thread.hit_id == hit.id)).first()
        audit_trail.record(
            session,
            db,
            actor,
            "hit.judge",
            [hit.id, hit.record_id, *([thread.id] if thread else [])],
            recipients=[hit.searcher_agency_id],
            detail={"verdict": data.verdict.value, "previous": previous, "reason": data.reason},
        )
        same = "the same person" if data.verdict == Verdict.CONFIRMED else "not the same person"
        refs = {"hit": hit.id, **({"thread": thread.id} if thread else {})}
        notifications.notify(
            session,
            db,
            agency_id=hit.searcher_agency_id,
            kind=NotificationKind.JUDGEMENT,
            title=f"{_code(session, hit.owner_id)} judged your hit: {same}",
            body=f"Reason given by the owner: {data.reason}",
            refs=refs,
        )
        return thread_views.judgement_out(row)


def get_judgement(db: Database, actor: Actor, hit_id: str) -> JudgementOut:
    require(actor, "record.read")
    with db.transaction() as session:
        hit = _hit(session, actor, hit_id)
        row = (
            session.scalars(
                sa.select(HitJudgement).where(
                    HitJudgement.searcher_agency_id == hit.searcher_agency_id,
                    HitJudgement.record_id == hit.record_id,
                    HitJudgement.fingerprint == hit.fingerprint,
                )
            ).first()
            if hit.fingerprint
            else None
        )
        if row is None:
            raise not_found("judgement of hit", hit_id)
        audit_trail.record(session, db, actor, "hit.judgement_read", [hit.id])
        return thread_views.judgement_out(row)

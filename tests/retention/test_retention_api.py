"""Retention with an injected clock (never slept): owners are reminded once, renew with a
justification, or the data expires (the partner stops seeing it, screening stops finding it,
the owner still has it) and is purged after the grace period; every step is audited, and a
second run the same day changes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from api.conftest import SHARED, Api, state_of
from conftest import FakeClock
from tanseeq.services import retention, screening
from tanseeq.store.tables import AuditRow, Erasure, Hit, NoticeRecord

WHY = {"justification": "retention test"}


def _person(api: Api, name: str, days: int | None = None, **props: list[str]) -> str:
    review = None if days is None else (api.world.db.clock().date() + timedelta(days=days))
    body: dict[str, Any] = {
        "schema": "Person",
        "properties": {"name": [name], **props},
        **SHARED,
        "review_date": None if review is None else review.isoformat(),
    }
    r = api.post("owner", "/records", json=body)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def _audited(api: Api, action: str) -> list[AuditRow]:
    with api.world.db.transaction() as session:
        # In log order: without ORDER BY, PostgreSQL returns rows in whatever order its pages
        # hold them.
        query = sa.select(AuditRow).where(AuditRow.action == action).order_by(AuditRow.seq)
        return list(session.scalars(query))


def _reminders(api: Api, object_id: str) -> list[dict[str, Any]]:
    items = api.get("owner", "/notifications").json()["items"]
    return [
        n for n in items if n["kind"] == "retention_reminder" and object_id in n["refs"].values()
    ]


def _found_by_partner(api: Api, name: str) -> set[str]:
    query = {"queries": {"q": {"schema": "Person", "properties": {"name": [name]}}}}
    r = api.post("partner", "/match/hub", json=query, params=WHY)
    assert r.status_code == 200, r.text
    return {res["id"] for res in r.json()["responses"]["q"]["results"] if res.get("id")}


def test_remind_once_renew_expire_and_purge(api: Api, clock: FakeClock) -> None:
    db = api.world.db
    kept = _person(api, "Amina Ouazzani", days=200)
    lapsing = _person(api, "Youssef Hammouchi", days=30)
    untouched = _person(api, "Fatou Ndiaye")  # default: five years
    # Reminders: within 183 days of the review date, once per object and review date.
    report = retention.run(db)
    assert report.reminded_ids == [lapsing] and report.expired == report.purged == 0
    clock.advance(days=20)
    assert retention.run(db).reminded_ids == [kept]
    before = state_of(db)
    again = retention.run(db)
    assert (again.reminded, again.expired, again.purged) == (0, 0, 0)
    assert state_of(db) == before  # the second run wrote nothing, not even an audit entry
    assert len(_reminders(api, kept)) == 1
    # Renewal: the owner's supervisor, with a justification; others are refused.
    assert api.post("owner", f"/records/{kept}/renew", json={}).status_code == 422
    assert api.post("partner", f"/records/{kept}/renew", json=WHY).status_code == 403
    assert api.post("unrelated", f"/records/{kept}/renew", json=WHY).status_code == 404
    r = api.post("owner", f"/records/{kept}/renew", json={"justification": "trial pending"})
    assert r.status_code == 200, r.text
    assert r.json()["review_date"] == (clock().date().replace(year=clock().year + 5)).isoformat()
    (renewal,) = _audited(api, "record.renew")
    assert renewal.object_ids == [kept] and renewal.justification == "trial pending"
    # Expiry: the day after its review date the partner no longer sees the record, nor does
    # screening find it; the run makes it final; the owner still has it.
    hits_before = _found_by_partner(api, "Youssef Hammouchi")
    assert lapsing in hits_before
    assert api.get("partner", f"/records/{lapsing}").status_code == 200
    clock.advance(days=11)  # its review date (day 30) is past
    assert api.get("partner", f"/records/{lapsing}").status_code == 404
    assert lapsing not in _found_by_partner(api, "Youssef Hammouchi")
    report = retention.run(db)
    assert report.expired_ids == [lapsing] and report.purged == 0
    assert api.get("owner", f"/records/{lapsing}").json()["status"] == "expired"
    assert lapsing not in screening.hub_index(db).index
    assert retention.run(db).expired == 0
    # Purge after the grace period: gone for the owner too, with its hits; only ids remain.
    clock.advance(days=db.settings.retention_grace_days - 1)
    assert retention.run(db).purged == 0  # not yet: the grace period is not over
    clock.advance(days=1)
    report = retention.run(db)
    assert report.purged_ids == [lapsing]
    assert api.get("owner", f"/records/{lapsing}").status_code == 404
    with db.transaction() as session:
        assert not session.scalars(sa.select(Hit).where(Hit.record_id == lapsing)).all()
        erased = session.get(Erasure, lapsing)
        assert erased is not None and erased.kind == "record"
    assert retention.run(db).purged == 0
    for rid in (kept, untouched):
        assert api.get("partner", f"/records/{rid}").status_code == 200
    # Every step in the audit log.
    assert [e.object_ids for e in _audited(api, "retention.remind")] == [[lapsing], [kept]]
    assert [e.object_ids for e in _audited(api, "retention.expire")] == [[lapsing]]
    assert [e.object_ids for e in _audited(api, "retention.purge")] == [[lapsing]]


def test_published_notice_expires_and_is_purged(api: Api, clock: FakeClock) -> None:
    db = api.world.db
    subject = _person(api, "Khadija Benali", birthDate=["1990"], nationality=["ma"])
    body = {"kind": "yellow", "title": "Missing person", "records": [subject], **SHARED}
    nid = api.post("owner", "/notices", json=body).json()["id"]
    api.post("owner", f"/notices/{nid}/transitions", json={"action": "submit"})
    r = api.post("compliance", f"/review/notices/{nid}/decision", json={"decision": "publish"})
    assert r.status_code == 200, r.text
    review = api.get("owner", f"/notices/{nid}").json()["review_date"]
    # Six months ahead: reminded (the record, reviewed the same day, too).
    clock.advance(days=5 * 365 - 150)
    assert set(retention.run(db).reminded_ids) == {nid, subject}
    assert any(n["refs"] == {"notice": nid} for n in _reminders(api, nid))
    clock.advance(days=200)
    assert api.get("partner", f"/notices/{nid}").status_code == 404
    report = retention.run(db)
    assert set(report.expired_ids) == {nid, subject}
    got = api.get("owner", f"/notices/{nid}").json()
    assert got["status"] == "expired" and got["review_date"] == review
    r = api.post("owner", f"/notices/{nid}/transitions", json={"action": "renew", "reason": "x"})
    assert r.status_code == 409
    clock.advance(days=db.settings.retention_grace_days)
    assert set(retention.run(db).purged_ids) == {nid, subject}
    assert api.get("owner", f"/notices/{nid}").status_code == 404
    with db.transaction() as session:
        assert not session.scalars(
            sa.select(NoticeRecord).where(NoticeRecord.notice_id == nid)
        ).all()


def test_a_purged_record_leaves_the_screening_index(api: Api, clock: FakeClock) -> None:
    db = api.world.db
    rid = _person(api, "Ingrid Solberg", days=5)
    assert rid in screening.hub_index(db).index
    clock.advance(days=5 + db.settings.retention_grace_days + 1)
    report = retention.run(db)  # expired and purged at once: no row is left to say it changed
    assert report.expired_ids == report.purged_ids == [rid]
    assert rid not in screening.hub_index(db).index

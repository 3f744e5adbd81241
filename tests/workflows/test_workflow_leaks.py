"""Threads, hits, judgements and notifications an agency is no party to change nothing it gets:
its thread lists and counts, its threads, its inbox and its hits stay byte for byte as they
were."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from api.conftest import Api, person
from tanseeq.schemas import AgencyIn, HitThreadIn, JudgementIn, MessageIn, PartyIn, UserIn
from tanseeq.services import agencies, hit_followup, screening, threads, users
from tanseeq.services.context import OPERATOR
from tanseeq.store.tables import Hit
from workflows.factories import thread_between

CALLERS = ("partner", "unrelated")


def _views(api: Api, who: str, thread_id: str) -> dict[str, tuple[int, bytes]]:
    requests: list[tuple[str, dict[str, Any]]] = [
        ("/threads", {}),
        ("/threads", {"status": "open"}),
        ("/threads", {"limit": 1}),
        (f"/threads/{thread_id}", {}),
        ("/notifications", {}),
        ("/notifications", {"unread": "true"}),
        ("/hits", {"direction": "received"}),
        ("/hits", {"direction": "sent"}),
    ]
    out = {}
    for path, params in requests:
        r = api.get(who, path, params=params)
        out[f"{path} {params}"] = (r.status_code, r.content)
    return out


def test_others_business_changes_nothing_you_get(api: Api) -> None:
    w = api.world
    # Each caller's own thread, already opened once (so opening it again changes nothing).
    own = {
        "partner": thread_between(w, "owner", ["NO-POLICE"]),
        "unrelated": thread_between(w, "unrelated", ["MA-NCB"]),
    }
    for who, tid in own.items():
        api.get(who, f"/threads/{tid}")
    before = {who: _views(api, who, tid) for who, tid in own.items()}

    # A fourth agency hits the owner's data, follows it up, and is judged; the owner talks
    # with the hub and brings the fourth agency in.
    agencies.create(
        w.db, OPERATOR, AgencyIn(code="TN-NCB", kind="ncb", country="TN", name_en="NCB Tunis")
    )
    users.create_user(
        w.db,
        OPERATOR,
        UserIn(username="tn", display_name="T", roles=["officer"], agency="TN-NCB"),  # type: ignore[list-item]
    )
    tn = users.actor_by_username(w.db, "tn")
    person(w, "owner", "Karim Benali", distribution={"kind": "all"})
    query = {"q": {"schema": "Person", "properties": {"name": ["Karim Benali"]}}}
    screening.match(w.db, tn, query, justification="transit check")
    with w.db.transaction() as s:
        hit = s.scalars(sa.select(Hit.id).where(Hit.searcher_agency_id == tn.agency_id)).one()
    thread = hit_followup.open_thread(
        w.db, tn, hit, HitThreadIn(message=MessageIn(body="Is this yours?"))
    )
    threads.post(w.db, w.actors["owner"], thread.id, MessageIn(body="Not the same person."))
    hit_followup.judge(
        w.db, w.actors["owner"], hit, JudgementIn(verdict="rejected", reason="other birth date")
    )
    with_hub = thread_between(w, "owner", ["HUB"])
    threads.post(w.db, w.actors["compliance"], with_hub, MessageIn(body="Noted."))
    threads.add_party(w.db, w.actors["owner"], with_hub, PartyIn(agency="TN-NCB", reason="x"))

    for who, tid in own.items():
        after = _views(api, who, tid)
        changed = [k for k in before[who] if before[who][k] != after[k]]
        assert not changed, f"{who} sees a difference: {changed}"

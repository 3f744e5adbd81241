"""Objects the access matrix (tests/api/test_api_access.py) needs for the review rows: a
submitted notice of MA-NCB's of its own, since other rows publish the shared one."""

from __future__ import annotations

from api.conftest import SHARED, person
from tanseeq.schemas import NoticeIn, TransitionIn
from tanseeq.services import notices
from world import World


def review_matrix_objects(world: World) -> dict[str, str]:
    owner = world.actors["owner"]
    subject = person(world, "owner", "Hassan Berrada", **SHARED)
    data = {"kind": "yellow", "title": "Missing", "records": [subject], **SHARED}
    nid = notices.create(world.db, owner, NoticeIn.model_validate(data)).id
    notices.transition(world.db, owner, nid, TransitionIn(action="submit"))
    return {"notice_review": nid}

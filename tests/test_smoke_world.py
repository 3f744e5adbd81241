"""The test world builds on the configured backend and its sharing basics hold."""

from __future__ import annotations

import pytest

from tanseeq.errors import NotFound
from tanseeq.schemas import RecordIn
from tanseeq.services import records
from world import World


def test_agreement_shares_with_partner_only(world: World) -> None:
    a = world.actors
    rec = records.create(world.db, a["owner"], RecordIn.model_validate({
        "schema": "Person", "properties": {"name": ["Youssef Hammouchi", "يوسف حموشي"]},
        "distribution": {"kind": "agreement"}, "crime_areas": ["organised_crime"]}))
    assert records.get(world.db, a["partner"], rec.id).caption == "Youssef Hammouchi"
    for who in ("unrelated", "compliance"):
        with pytest.raises(NotFound):
            records.get(world.db, a[who], rec.id)

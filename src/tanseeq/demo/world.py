"""The whole demo world as a plan: pure and seeded (the same seed, the same world)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from tanseeq.demo.holdings import plan_case, plan_duplicate, plan_unidentified
from tanseeq.demo.notice_plans import plan_notices
from tanseeq.demo.plans import Holdings, NoticePlan, RecordPlan
from tanseeq.demo.profiles import PROFILES
from tanseeq.demo.staff import StaffSpec, staff

FINDINGS = (
    ("MA-NCB", "the port of Tangier Med", "2025-10-03"),
    ("ES-NCB", "Playa de Getares, Algeciras", "2025-09-14"),
    ("MR-NCB", "the beach north of Nouadhibou", "2025-08-22"),
)
# Agencies that record people another agency already holds, in their own spelling.
DUPLICATE_OWNERS = ("ES-NCB", "FR-NCB", "NO-POLICE", "EUROPOL", "DE-NCB")
DUPLICATES = 16


@dataclass(frozen=True)
class WorldPlan:
    seed: int
    staff: list[StaffSpec]
    records: list[RecordPlan]
    notices: list[NoticePlan]
    holdings: Holdings


def plan_world(seed: int = 93) -> WorldPlan:
    rng = random.Random(seed)  # noqa: S311 - seeded for a reproducible world, not for secrets
    people = staff(rng)
    h = Holdings()
    for owner, profile in PROFILES.items():
        for _ in range(profile.cases):
            plan_case(rng, h, owner, profile)
    for owner, place, day in FINDINGS:
        plan_unidentified(rng, h, owner, place, day)
    candidates = [
        c.persons[0]
        for c in h.cases
        if c.owner in ("MA-NCB", "SN-NCB", "MR-NCB", "TN-NCB") and not c.unidentified
    ]
    for source in rng.sample(candidates, min(DUPLICATES, len(candidates))):
        owner = rng.choice(DUPLICATE_OWNERS)
        plan_duplicate(rng, h, source, owner)
    notices = plan_notices(rng, h)
    return WorldPlan(seed=seed, staff=people, records=h.records, notices=notices, holdings=h)

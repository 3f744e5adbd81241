"""Things worth trying in the demo world, in words a presenter can read out: which users see
what the others do not, and which names the screening engine should connect across scripts
and spellings."""

from __future__ import annotations

from tanseeq.demo.agreements import MOU_ETHIOPIA, MOU_NORWAY
from tanseeq.demo.plans import RecordPlan
from tanseeq.demo.world import WorldPlan
from tanseeq.domain.entities import category_of
from tanseeq.domain.types import DistributionKind, NoticeKind, NoticeStatus
from tanseeq.schemas import AgreementIn

MAX_SCREENING_HINTS = 4


def _shared_under(plan: WorldPlan, agreement: AgreementIn, owner: str) -> int:
    """How many of ``owner``'s records the agreement shares with the other parties."""
    from followthemoney import model

    areas, categories = set(agreement.crime_areas), set(agreement.data_categories)
    return sum(
        r.owner == owner
        and r.distribution.kind == DistributionKind.AGREEMENT
        and bool(areas & set(r.crime_areas))
        and (not categories or category_of(model.get(r.schema)).value in categories)  # type: ignore[arg-type]
        for r in plan.records
    )


def _arabic(record: RecordPlan) -> str | None:
    return next(
        (n for n in record.properties.get("name", []) if any("\u0600" <= c <= "\u06ff" for c in n)),
        None,
    )


def hints(plan: WorldPlan) -> list[str]:
    by_key = {r.key: r for r in plan.records}
    out = [
        f"no.analyst sees {_shared_under(plan, MOU_NORWAY, 'MA-NCB')} MA-NCB records shared "
        "under the DGSN–Norwegian police MoU; sn.analyst, party to no agreement with MA-NCB, "
        "does not (unless a published notice names them).",
        f"et.analyst sees {_shared_under(plan, MOU_ETHIOPIA, 'MA-NCB')} MA-NCB records under "
        "the DGSN–Ethiopian Federal Police MoU: violent crime and terrorism, and only persons, "
        "documents, vehicles and links.",
    ]
    submitted = sum(
        n.status == NoticeStatus.SUBMITTED and n.kind != NoticeKind.DIFFUSION for n in plan.notices
    )
    out.append(f"hub.compliance has {submitted} submitted notices waiting for review.")
    for copy_key, original_key in plan.holdings.duplicates:
        if len(out) >= 3 + MAX_SCREENING_HINTS:
            break
        copy, original = by_key[copy_key], by_key[original_key]
        arabic = _arabic(original)
        if arabic is None or copy.owner == original.owner:
            continue
        out.append(
            f"Screen “{arabic}”: {copy.owner} holds “{copy.properties['name'][0]}” (shared with "
            f"all members), {original.owner} holds “{original.properties['name'][0]}”."
        )
    return out

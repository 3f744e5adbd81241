"""``/match``, ``/check`` and ``/hits``: screening over HTTP.

``POST /match/{scope}`` speaks yente's ``/match`` request and response (queries as FtM entity
examples; results with ``score``, ``match`` and ``features``), so clients written for yente work
against Tanseeq. Two additions: a mandatory ``justification`` query parameter (every search is
accountable) and, on each result, the owner agency, its markings and a readable explanation.
``scope`` is ``hub`` (everything the caller may see) or an agency code (only that agency's data).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from tanseeq import __version__
from tanseeq.api.deps import ActorDep, DbDep, LimitQuery, deliver_later
from tanseeq.api.models import OffsetQuery, WhyQuery
from tanseeq.api.routing import AuthenticatedRoute
from tanseeq.errors import TooLarge, invalid
from tanseeq.matching import DEFAULT_THRESHOLD, FEATURES
from tanseeq.schemas import JudgementOut, Page, RecordOut
from tanseeq.services import screening

# Hits notify their owners: queued e-mail goes out after the response (H3).
router = APIRouter(
    tags=["screening"],
    route_class=AuthenticatedRoute,
    dependencies=[Depends(deliver_later)],
)


class EntityExample(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: str | None = Field(default=None, max_length=200, examples=["q1"])
    schema_: str = Field(alias="schema", max_length=60, examples=["Person"])
    properties: dict[str, str | list[Any]] = Field(
        examples=[{"name": ["Youssef Hamouchi"], "birthDate": ["1979"], "nationality": ["ma"]}]
    )


class MatchRequest(BaseModel):
    queries: dict[str, EntityExample] = Field(
        examples=[{"q1": {"schema": "Person", "properties": {"name": ["يوسف الحموشي"]}}}]
    )
    weights: dict[str, float] = Field(
        default_factory=dict, description="Accepted for yente compatibility; not used"
    )


class ScoredEntity(BaseModel):
    id: str
    caption: str
    schema_: str = Field(serialization_alias="schema")
    properties: dict[str, list[str]]
    datasets: list[str] = Field(description="The owner agency (yente: the data sources)")
    referents: list[str] = Field(default_factory=list)
    target: bool = True
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    last_change: datetime | None = None
    score: float
    features: dict[str, float]
    match: bool
    explanation: str
    owner: str
    blind: bool = Field(description="A blind hit: only the owner is named; contact it")
    tlp: str | None = None
    handling: list[str] = Field(default_factory=list)
    judgement: JudgementOut | None = Field(
        default=None,
        description="The owner already judged this query against this record (no new hit)",
    )


class Total(BaseModel):
    value: int
    relation: str = "eq"


class EntityMatches(BaseModel):
    status: int = 200
    results: list[ScoredEntity]
    total: Total
    query: EntityExample


class FeatureDoc(BaseModel):
    description: str
    coefficient: float
    url: str = ""


class Matcher(BaseModel):
    name: str
    version: str
    features: dict[str, FeatureDoc]


class MatchResponse(BaseModel):
    responses: dict[str, EntityMatches]
    matcher: Matcher
    limit: int


def _matcher() -> Matcher:
    docs = {
        "name": FeatureDoc(description="Cross-script name similarity (base score)", coefficient=1.0)
    }
    for f in FEATURES:
        docs[f.name] = FeatureDoc(
            description=f"{f.name}: +{f.support} when it agrees, -{f.contradict} when it "
            "contradicts, nothing when missing",
            coefficient=f.support,
        )
    return Matcher(name="tanseeq", version=__version__, features=docs)


def _scored(found: screening.Found, query: EntityExample) -> ScoredEntity:
    if found.record is None:
        owner = found.blind_owner or ""
        return ScoredEntity(
            id=f"blind:{owner}",
            caption="Held by another agency: contact it",
            schema_=query.schema_,
            properties={},
            datasets=[owner],
            owner=owner,
            blind=True,
            score=found.score,
            features=found.features,
            match=found.match,
            explanation=found.explanation,
            judgement=found.judgement,
        )
    r: RecordOut = found.record
    return ScoredEntity(
        id=r.id,
        caption=r.caption,
        schema_=r.schema_,
        properties=r.properties,
        datasets=[r.owner_id],
        first_seen=r.created_at,
        last_seen=r.updated_at,
        last_change=r.updated_at,
        owner=r.owner_id,
        blind=False,
        tlp=r.tlp.value,
        handling=[h.value for h in r.handling],
        score=found.score,
        features=found.features,
        match=found.match,
        explanation=found.explanation,
        judgement=found.judgement,
    )


@router.post("/match/{scope}", response_model_by_alias=True)
def match(
    db: DbDep,
    actor: ActorDep,
    scope: str,
    body: MatchRequest,
    justification: WhyQuery,
    limit: Annotated[int, Query(ge=1, le=100)] = 5,
    threshold: Annotated[float, Query(ge=0.0, le=1.0)] = DEFAULT_THRESHOLD,
    cutoff: Annotated[float, Query(ge=0.0, le=1.0)] = 0.5,
    algorithm: Annotated[str | None, Query(max_length=40, description="Ignored")] = None,
) -> MatchResponse:
    """Screen entity examples against what you may see (``hub``) or one agency's data."""
    values = sum(
        len(v) if isinstance(v, list) else 1
        for q in body.queries.values()
        for v in q.properties.values()
    )
    if values > db.settings.max_match_values:
        # Scoring work grows with the values sent: bounded per request, like the batch size.
        raise TooLarge(f"at most {db.settings.max_match_values} property values per request")
    queries = {k: q.model_dump(by_alias=True) for k, q in body.queries.items()}
    found = screening.match(
        db,
        actor,
        queries,
        threshold=threshold,
        cutoff=cutoff,
        limit=limit,
        justification=justification,
        scope=scope,
    )
    responses = {}
    for key, results in found.items():
        scored = [_scored(f, body.queries[key]) for f in results]
        responses[key] = EntityMatches(
            results=scored, total=Total(value=len(scored)), query=body.queries[key]
        )
    return MatchResponse(responses=responses, matcher=_matcher(), limit=limit)


class CheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(
        examples=["document"], description="document, mrz, phone, email, wallet, vin or plate"
    )
    value: str = Field(min_length=1, max_length=300, examples=["AB1234567"])


class CheckOut(BaseModel):
    hit: bool
    records: list[RecordOut]
    blind_owners: list[str] = Field(description="Agencies holding a restricted match: contact")
    judgements: list[JudgementOut] = Field(
        default_factory=list, description="The owners' earlier judgements of this identifier"
    )


@router.post("/check", response_model_by_alias=True)
def check(db: DbDep, actor: ActorDep, body: CheckIn, justification: WhyQuery) -> CheckOut:
    """Hit / no hit for one identifier (sent in the body, never in a URL)."""
    ans = screening.check_identifier(db, actor, body.kind, body.value, justification)
    return CheckOut(
        hit=ans.hit, records=ans.records, blind_owners=ans.blind_owners, judgements=ans.judgements
    )


@router.get("/hits")
def hits_list(
    db: DbDep,
    actor: ActorDep,
    direction: Literal["received", "sent"] = "received",
    limit: LimitQuery = None,
    offset: OffsetQuery = 0,
) -> Page[screening.HitOut]:
    """Hits on our data (who searched, when, why) or found by our searches."""
    size = db.settings.default_page_size if limit is None else limit
    if not 1 <= size <= db.settings.max_page_size:
        # As every other list: a page of 1 to the node's maximum (a negative LIMIT would mean
        # "no limit" to SQLite and an error to PostgreSQL).
        raise invalid("limit", f"between 1 and {db.settings.max_page_size}")
    items, total = screening.list_hits(db, actor, direction, size, offset)
    return Page[screening.HitOut](items=items, total=total, limit=size, offset=offset)

"""The service boundary: what services accept and return. Adapters (API, CLI, demo) speak these
models; services never hand out table rows. Examples appear in the OpenAPI documentation."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from tanseeq.domain.types import (
    TLP,
    AgencyKind,
    DistributionKind,
    HandlingCode,
    NoticeKind,
    Role,
)

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
LongText = Annotated[str, StringConstraints(max_length=20_000)]
Ref = Annotated[str, StringConstraints(min_length=1, max_length=100)]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AgencyIn(Input):
    code: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9-]{1,39}$")] = Field(
        examples=["MA-NCB"]
    )
    kind: AgencyKind = Field(examples=["ncb"])
    country: str | None = Field(default=None, examples=["MA"], description="ISO 3166-1 alpha-2")
    name_en: Text = Field(examples=["INTERPOL NCB Rabat (DGSN)"])
    name_fr: Text | None = Field(default=None, examples=["BCN Rabat (DGSN)"])
    name_ar: Text | None = Field(default=None, examples=["المكتب المركزي الوطني الرباط"])
    parent: Ref | None = Field(default=None, description="Code or id of the NCB it works through")


class AgencyOut(BaseModel):
    id: str
    code: str
    kind: AgencyKind
    country: str | None
    name_en: str
    name_fr: str | None
    name_ar: str | None
    parent_id: str | None


class UserIn(Input):
    username: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=2, max_length=100)
    ] = Field(examples=["officer.rabat"])
    display_name: Text = Field(examples=["يوسف الإدريسي"])
    roles: list[Role] = Field(min_length=1, examples=[["officer"]])
    agency: Ref | None = Field(
        default=None, description="Code or id; defaults to the caller's own agency"
    )


class UserUpdate(Input):
    roles: list[Role] | None = Field(default=None, min_length=1)
    active: bool | None = None
    display_name: Text | None = None


class UserOut(BaseModel):
    id: str
    agency_id: str
    username: str
    display_name: str
    roles: list[Role]
    active: bool


class TokenIn(Input):
    user: Ref | None = Field(default=None, description="Username or id; defaults to the caller")
    label: Text = Field(default="api", examples=["border-post-7"])
    days: int | None = Field(default=None, ge=1, le=366)


class TokenOut(BaseModel):
    id: str
    user_id: str
    label: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


class TokenIssued(TokenOut):
    token: str = Field(description="Shown once; only its hash is kept")


class AgreementIn(Input):
    title: Text = Field(examples=["MoU DGSN – Norwegian National Police"])
    reference: Text | None = None
    parties: list[Ref] = Field(min_length=2, examples=[["MA-NCB", "NO-POLICE"]])
    crime_areas: list[str] = Field(min_length=1, examples=[["organised_crime"]])
    data_categories: list[str] = Field(default_factory=list, examples=[["person", "document"]])
    valid_from: date
    valid_to: date | None = None
    signed_on: date | None = None


class AgreementOut(BaseModel):
    id: str
    title: str
    reference: str | None
    parties: list[str]
    accepted_by: list[str]
    crime_areas: list[str]
    data_categories: list[str]
    valid_from: date
    valid_to: date | None
    signed_on: date | None
    terminated_at: datetime | None
    in_force: bool


class DistributionIn(Input):
    kind: DistributionKind = DistributionKind.OWNER
    agencies: list[Ref] = Field(default_factory=list, description="Codes or ids, for `agencies`")
    excluded: list[Ref] = Field(default_factory=list, description="Codes or ids never admitted")


class DistributionOut(BaseModel):
    kind: DistributionKind
    agencies: list[str]
    excluded: list[str]


class MarkingIn(Input):
    tlp: TLP = TLP.AMBER
    handling: list[HandlingCode] = Field(default_factory=lambda: [HandlingCode.H0])
    handling_note: Annotated[str, StringConstraints(max_length=2000)] | None = None


PropertyValues = dict[str, list[Annotated[str, StringConstraints(max_length=5000)]] | str]


class RecordIn(Input):
    schema_: str = Field(alias="schema", examples=["Person"])
    properties: PropertyValues = Field(
        examples=[{"name": ["Youssef Hammouchi", "يوسف حموشي"], "birthDate": ["1979-03"]}]
    )
    distribution: DistributionIn = Field(default_factory=DistributionIn)
    marking: MarkingIn = Field(default_factory=MarkingIn)
    crime_areas: list[str] = Field(default_factory=list, examples=[["organised_crime"]])
    blind_hits: bool = Field(default=False, description="Allow blind hits on this record")
    review_date: date | None = None

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class RecordUpdate(Input):
    properties: PropertyValues | None = None
    distribution: DistributionIn | None = None
    marking: MarkingIn | None = None
    crime_areas: list[str] | None = None
    blind_hits: bool | None = None


class RecordOut(BaseModel):
    id: str
    schema_: str = Field(serialization_alias="schema")
    caption: str
    properties: dict[str, list[str]]
    owner_id: str
    status: str
    category: str
    crime_areas: list[str]
    tlp: TLP
    handling: list[HandlingCode]
    handling_note: str | None
    review_date: date
    created_at: datetime
    updated_at: datetime
    distribution: DistributionOut | None = Field(
        default=None, description="Shown to the owner only"
    )


class NoticeIn(Input):
    kind: NoticeKind = Field(examples=["yellow"])
    title: Text
    records: list[Ref] = Field(min_length=1, description="Ids of the owner's records")
    offences: list[Text] = Field(default_factory=list)
    crime_areas: list[str] = Field(default_factory=list)
    legal_basis: LongText | None = None
    warrant_ref: Text | None = None
    summary: LongText | None = None
    language: str = Field(default="en", examples=["ar"])
    distribution: DistributionIn = Field(default_factory=DistributionIn)
    marking: MarkingIn = Field(default_factory=MarkingIn)


class NoticeUpdate(Input):
    title: Text | None = None
    records: list[Ref] | None = Field(default=None, min_length=1)
    offences: list[Text] | None = None
    crime_areas: list[str] | None = None
    legal_basis: LongText | None = None
    warrant_ref: Text | None = None
    summary: LongText | None = None
    language: str | None = None
    distribution: DistributionIn | None = None
    marking: MarkingIn | None = None


class TransitionIn(Input):
    action: str = Field(
        examples=["submit"],
        description="submit, publish, return, suspend, unsuspend, withdraw or renew",
    )
    reason: LongText | None = None


class NoticeEventOut(BaseModel):
    from_status: str | None
    to_status: str
    user_id: str | None
    reason: str | None
    at: datetime


class NoticeOut(BaseModel):
    id: str
    kind: NoticeKind
    status: str
    owner_id: str
    title: str
    records: list[str]
    offences: list[str]
    crime_areas: list[str]
    legal_basis: str | None
    warrant_ref: str | None
    summary: str | None
    language: str
    tlp: TLP
    handling: list[HandlingCode]
    handling_note: str | None
    review_date: date | None
    created_at: datetime
    updated_at: datetime
    history: list[NoticeEventOut] = Field(default_factory=list)
    distribution: DistributionOut | None = None


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int

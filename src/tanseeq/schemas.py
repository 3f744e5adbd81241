"""The service boundary: what services accept and return. Adapters (API, CLI, demo) speak these
models; services never hand out table rows. Examples appear in the OpenAPI documentation."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from tanseeq.domain.types import (
    TLP,
    AgencyKind,
    DistributionKind,
    HandlingCode,
    NoticeKind,
    Priority,
    RefKind,
    Role,
    ThreadStatus,
    Verdict,
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


# Requests for assistance, judgements, notifications

EmailAddress = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, max_length=254, pattern=r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$"
    ),
]


class NotificationOut(BaseModel):
    id: str
    kind: str = Field(examples=["hit"])
    title: str
    body: str
    refs: dict[str, str] = Field(examples=[{"hit": "6f1c…", "thread": "0b9e…"}])
    created_at: datetime
    read_at: datetime | None


class Inbox(Page[NotificationOut]):
    unread: int = Field(description="Unread entries in the whole inbox")


class PrefsIn(Input):
    user: Ref | None = Field(
        default=None, description="Username or id; defaults to you (agency admins: their users)"
    )
    email: EmailAddress | None = Field(default=None, examples=["duty.officer@police.example"])
    email_opt_in: bool = Field(default=False, description="Send notifications by e-mail too")


class PrefsOut(BaseModel):
    user_id: str
    email: str | None
    email_opt_in: bool


class AttachmentIn(Input):
    filename: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)
    ] = Field(examples=["statement.pdf"])
    media_type: str = Field(max_length=100, examples=["application/pdf"])
    content: str = Field(description="The file, base64-encoded")


class AttachmentOut(BaseModel):
    id: str
    filename: str
    media_type: str
    size: int
    sha256: str


class RefIn(Input):
    kind: RefKind
    id: Ref


class RefOut(BaseModel):
    kind: RefKind
    id: str | None = Field(description="None when you may not see what is referenced")
    available: bool
    label: str | None = Field(default=None, description="Caption or title, when available")


class MessageIn(Input):
    body: Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
    marking: MarkingIn | None = Field(default=None, description="Defaults to the thread's")
    refs: list[RefIn] = Field(default_factory=list, max_length=50)
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=10)


class ReadReceiptOut(BaseModel):
    agency_id: str
    user_id: str
    at: datetime


class MessageOut(BaseModel):
    id: str
    author_agency_id: str
    author_user_id: str | None
    body: str
    tlp: TLP
    handling: list[HandlingCode]
    handling_note: str | None
    at: datetime
    refs: list[RefOut]
    attachments: list[AttachmentOut]
    read_by: list[ReadReceiptOut] | None = Field(
        default=None, description="Who opened it: shown to the author's agency only"
    )


class ThreadIn(Input):
    subject: Text = Field(examples=["Request for identification: Hammouchi, Y."])
    priority: Priority = Priority.ROUTINE
    parties: list[Ref] = Field(
        min_length=1, max_length=20, examples=[["NO-POLICE"]], description="Other agencies"
    )
    marking: MarkingIn = Field(default_factory=MarkingIn)
    deadline: date | None = None
    message: MessageIn


class ThreadStatusIn(Input):
    status: ThreadStatus = Field(examples=["closed"], description="closed, or open to reopen")
    reason: Annotated[str, StringConstraints(max_length=2000)] | None = None


class PartyIn(Input):
    agency: Ref = Field(examples=["SN-NCB"])
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class JudgementIn(Input):
    verdict: Verdict = Field(examples=["rejected"])
    reason: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)
    ] = Field(examples=["different birth date and place; fingerprints do not match"])


class JudgementOut(BaseModel):
    hit_id: str
    owner_id: str
    searcher_agency_id: str
    verdict: Verdict
    reason: str
    judged_at: datetime


class ThreadSummary(BaseModel):
    id: str
    subject: str
    priority: Priority
    status: ThreadStatus
    initiator_id: str
    parties: list[str]
    tlp: TLP
    deadline: date | None
    overdue: bool = Field(description="The deadline has passed and the thread is not closed")
    hit_id: str | None
    created_at: datetime
    updated_at: datetime
    message_count: int
    unread: int = Field(description="Messages you have not opened")


class ThreadOut(ThreadSummary):
    handling: list[HandlingCode]
    handling_note: str | None
    judgement: JudgementOut | None = None
    messages: list[MessageOut]


class HitThreadIn(Input):
    message: MessageIn | None = Field(default=None, description="An optional first message")


# --- human authentication: login sessions and enrolment (issue 4) -----------------------------
# These bodies reach public endpoints, which have no AuthenticatedRoute to refuse NUL and lone
# surrogates, so the models refuse them themselves (a 422 naming the field on both backends).


def _storable(value: str) -> str:
    if any(c == "\x00" or "\ud800" <= c <= "\udfff" for c in value):
        raise ValueError("contains a NUL character or an unpaired surrogate")
    return value


LoginName = Annotated[
    str, StringConstraints(min_length=1, max_length=200), AfterValidator(_storable)
]
Secret = Annotated[str, StringConstraints(min_length=1, max_length=1024), AfterValidator(_storable)]
TotpCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")]
OneTimeSecret = Annotated[
    str, StringConstraints(min_length=1, max_length=200), AfterValidator(_storable)
]


class LoginIn(Input):
    username: LoginName = Field(examples=["officer.rabat"])
    password: Secret
    totp: TotpCode = Field(description="The 6-digit code of the authenticator app")


class ReauthIn(Input):
    password: Secret
    totp: TotpCode


class PasswordChangeIn(Input):
    password: Secret = Field(description="The current password")
    new_password: Secret = Field(description="12 to 1024 characters, not the username")
    totp: TotpCode


class SessionOut(BaseModel):
    id: str
    user_id: str
    username: str
    agency_id: str
    roles: list[Role]
    created_at: datetime
    last_seen_at: datetime
    idle_expires_at: datetime = Field(description="When the session ends unless used before")
    expires_at: datetime = Field(description="When the session ends however much it is used")
    fresh_until: datetime = Field(
        description="Until then token creation, role changes and exports need no re-entry"
    )


class SessionIssued(SessionOut):
    token: str = Field(description="`tss_…`: send as `Authorization: Bearer`; shown once")


class EnrolmentIssued(BaseModel):
    user_id: str
    username: str
    expires_at: datetime
    secret: str = Field(description="`tse_…`: give it to the user; shown once")


class EnrolmentStartIn(Input):
    username: LoginName
    secret: OneTimeSecret = Field(description="The enrolment secret the admin gave you")
    password: Secret = Field(description="Your new password: 12 to 1024 characters")


class TotpSetup(BaseModel):
    totp_secret: str = Field(description="Base32 seed for the authenticator app")
    otpauth_uri: str = Field(description="The same as an otpauth:// URI (for a QR code)")


class EnrolmentConfirmIn(Input):
    username: LoginName
    secret: OneTimeSecret
    totp: TotpCode = Field(description="A first code from the authenticator app")


class EnrolmentDone(BaseModel):
    user_id: str
    username: str


# Notice review and retention (issue 5)

ReviewDecision = Annotated[
    str, StringConstraints(pattern=r"^(publish|reject|return|block|unblock)$")
]


class CheckOut(BaseModel):
    code: str = Field(
        examples=["article3"],
        description="required_fields, dates, identifiers, particulars, article3 or duplicate",
    )
    severity: str = Field(
        examples=["flag"],
        description="error (blocks publication), warning, or flag (publish only once "
        "acknowledged)",
    )
    reason: str
    detail: dict[str, object]
    run_at: datetime


class ReviewItemOut(BaseModel):
    notice: NoticeOut
    checks: list[CheckOut]
    errors: int
    flags: int


class ReviewDecisionIn(Input):
    decision: ReviewDecision = Field(
        examples=["publish"],
        description="publish, reject, return (ask for changes), block (suspend a published "
        "notice while a complaint is examined) or unblock",
    )
    reason: LongText | None = Field(
        default=None,
        description="Why; required for every decision but a publication no check flagged",
    )
    acknowledge: list[Annotated[str, StringConstraints(max_length=40)]] = Field(
        default_factory=list,
        max_length=10,
        examples=[["article3"]],
        description="Codes of flagged checks the reviewer has weighed (publish)",
    )


class RenewIn(Input):
    justification: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)
    ] = Field(description="Why the data is still needed (kept in the audit log)")


class RetentionReport(BaseModel):
    day: date
    reminded: int
    expired: int
    purged: int
    reminded_ids: list[str]
    expired_ids: list[str]
    purged_ids: list[str]

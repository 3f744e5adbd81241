"""Request bodies that exist only at the HTTP boundary (the services take these as arguments)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


# Searches, matches, screening and exports do not run without a reason (Directive 2016/680
# Art. 25): declared required here, and the services refuse a blank one too.
WhyQuery = Annotated[
    str,
    Query(
        min_length=1,
        max_length=2000,
        examples=["accreditation check, GA delegates list 3"],
        description="Why you search or export: mandatory, kept in the audit log",
    ),
]


# Items to skip in a list. Bounded so the database never sees a number it cannot hold (SQLite
# integers are 64-bit: a larger offset was a 500); nobody pages this far.
MAX_OFFSET = 2**62
OffsetQuery = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip")]


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason = Field(examples=["the subject was located; information no longer needed"])


class Health(BaseModel):
    status: str = Field(examples=["ok"])


class FieldErrorOut(BaseModel):
    loc: str = Field(examples=["properties.birthDate[0]"])
    msg: str = Field(examples=["not a date: '1979-13-45'"])


class Problem(BaseModel):
    """RFC 9457 problem details, sent as ``application/problem+json``."""

    type: str = Field(examples=["https://tanseeq.dev/problems/invalid"])
    title: str = Field(examples=["Invalid input"])
    status: int = Field(examples=[422])
    detail: str = Field(examples=["properties.birthDate[0]: not a date: '1979-13-45'"])
    instance: str = Field(examples=["/records"])
    errors: list[FieldErrorOut] = Field(default_factory=list)


def _problem(description: str) -> dict[str, Any]:
    # ``model`` registers the schema (FastAPI files it under application/json too); the
    # content entry declares the media type the problem is actually sent as.
    problem_json = {"schema": {"$ref": "#/components/schemas/Problem"}}
    return {
        "model": Problem,
        "description": f"{description} (application/problem+json)",
        "content": {"application/problem+json": problem_json},
    }


# Documented on every operation: what each error status means here.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _problem("A body the node will not parse (JSON nested too deeply)"),
    401: _problem("No, unknown, expired or revoked token"),
    403: _problem("Your role does not allow this action (the refusal is logged)"),
    404: _problem("No such object, or one you may not see (the same answer)"),
    413: _problem("Request body over the node's limit"),
    415: _problem("Body not sent as application/json"),
    409: _problem("Clashes with the current state (taken name, transition not allowed)"),
    422: _problem("Invalid input; `errors` names each field"),
    429: _problem("Too many requests with this credential; `Retry-After` says when to retry"),
}

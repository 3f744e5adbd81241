"""Request bodies that exist only at the HTTP boundary (the services take these as arguments)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason = Field(examples=["the subject was located; information no longer needed"])


class Health(BaseModel):
    status: str = Field(examples=["ok"])

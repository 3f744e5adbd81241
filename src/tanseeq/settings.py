"""One typed Settings object, built once (from the environment, ``TANSEEQ_*``) and passed in.

Nothing reads settings at import time: the CLI and ``create_app`` build a ``Settings`` and
hand it to the services, so tests can run several configurations side by side.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TANSEEQ_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///tanseeq.db",
        description="SQLAlchemy URL. SQLite (embedded default) or "
        "postgresql+psycopg://user@host/db for production.",
    )
    data_dir: Path = Field(
        default=Path("."),
        description="Where the node keeps its files (audit signing key).",
    )
    max_body_bytes: int = Field(
        default=2_000_000, description="Largest request body the API accepts (413 above)."
    )
    max_page_size: int = Field(default=500, description="Largest page a list endpoint returns.")
    default_page_size: int = Field(default=50, description="Page size when none is asked for.")
    review_years: int = Field(
        default=5, description="Years until a record or published notice must be reviewed."
    )
    token_days: int = Field(default=90, description="Default lifetime of an API token, in days.")
    match_threshold: float | None = Field(
        default=None,
        description="Screening match threshold; unset means the matcher's documented default.",
    )
    max_match_batch: int = Field(
        default=1000, description="Most queries accepted in one /match request."
    )


# The settings documented for operators, by name: tests/test_docs.py fails when docs miss one.
SETTING_NAMES = tuple(Settings.model_fields)

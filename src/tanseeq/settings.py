"""One typed Settings object, built once (from the environment, ``TANSEEQ_*``) and passed in.

Nothing reads settings at import time: the CLI and ``create_app`` build a ``Settings`` and
hand it to the services, so tests can run several configurations side by side.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from tanseeq.domain.types import Category, NoticeKind


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
    # Human authentication (issue 4): sessions, login throttling, enrolment, password hashing.
    session_idle_minutes: int = Field(
        default=30, ge=1, description="A login session ends after this many minutes unused."
    )
    session_absolute_hours: int = Field(
        default=12,
        ge=1,
        description="A login session ends this many hours after login, used or not.",
    )
    reauth_minutes: int = Field(
        default=5,
        ge=1,
        description="How recent a password + TOTP entry must be for token creation, role "
        "changes and bulk export.",
    )
    login_max_failures: int = Field(
        default=5, ge=1, description="Failed logins for one username before it is locked."
    )
    login_lockout_seconds: int = Field(
        default=60,
        ge=1,
        description="First lockout; it doubles with each further failure after the lock ends.",
    )
    login_lockout_max_seconds: int = Field(
        default=3600, ge=1, description="Longest lockout of a username."
    )
    login_failure_memory_hours: int = Field(
        default=24,
        ge=1,
        description="Failed logins are forgotten after this many hours without another.",
    )
    enrolment_hours: int = Field(
        default=72, ge=1, description="Lifetime of an enrolment (or password reset) secret."
    )
    password_hash_time_cost: int = Field(
        default=3, ge=1, description="argon2id passes; stored hashes are upgraded at login."
    )
    password_hash_memory_kib: int = Field(
        default=65536, ge=8192, description="argon2id memory in KiB (upgraded at login)."
    )
    password_hash_parallelism: int = Field(
        default=4, ge=1, description="argon2id lanes (upgraded at login)."
    )
    totp_issuer: str = Field(
        default="Tanseeq", description="Issuer name shown by authenticator apps."
    )

    # Requests for assistance and notifications (issue 5): attachments and e-mail delivery.
    max_attachment_bytes: int = Field(
        default=1_000_000,
        ge=1,
        description="Largest attachment to a thread message, decoded (413 above); the body "
        "limit applies to the base64 text too.",
    )
    attachment_types: list[str] = Field(
        default=["application/pdf", "image/png", "image/jpeg", "text/plain", "application/json"],
        description="Media types accepted as attachments (JSON list); the content is sniffed "
        "against the declared type.",
    )
    smtp_host: str = Field(default="", description="SMTP server for e-mail; empty means no e-mail.")
    smtp_port: int = Field(default=25, ge=1, le=65535, description="SMTP server port.")
    smtp_from: str = Field(
        default="tanseeq@localhost", description="Sender address of notification e-mails."
    )
    smtp_starttls: bool = Field(
        default=False, description="Upgrade the SMTP connection (STARTTLS)."
    )
    smtp_username: str = Field(default="", description="SMTP login; empty means none.")
    smtp_password: SecretStr = Field(default=SecretStr(""), description="SMTP password.")
    smtp_timeout_seconds: float = Field(
        default=10.0, gt=0, description="How long to wait for the SMTP server."
    )
    mail_max_attempts: int = Field(
        default=8, ge=1, description="Attempts to send one e-mail before it is given up."
    )
    mail_interval_seconds: float = Field(
        default=60,
        ge=0,
        description="How often the server sends e-mail still queued (retries, retention "
        "reminders); 0 = never (run `tanseeq notifications deliver` from cron instead).",
    )
    mail_link_base: str = Field(
        default="",
        description="Base URL of the node put in e-mails before the object path "
        "(e.g. https://hub.example.org); empty: the path alone.",
    )

    # Request limits (issue 4: per-credential rate limit)
    rate_limit_per_minute: float = Field(
        default=1200.0,
        ge=0,
        description="Requests a minute one bearer credential may make on average (429 above).",
    )
    rate_limit_burst: int = Field(
        default=600,
        ge=1,
        description="Requests one credential may make at once before the rate applies.",
    )
    max_match_values: int = Field(
        default=10_000,
        ge=1,
        description="Most property values (names, dates, ids…) in one /match request, all "
        "queries together (413 above): bounds the scoring work one request can ask for.",
    )

    # Notice review and retention (issue 5). ``review_years`` above is the default retention.
    review_years_by_category: dict[str, int] = Field(
        default_factory=dict,
        description="Retention in years per record category, overriding review_years (JSON "
        'object, e.g. {"person": 3, "vehicle": 2}).',
    )
    review_years_by_notice_kind: dict[str, int] = Field(
        default_factory=dict,
        description="Retention in years per notice kind from publication or renewal, "
        'overriding review_years (JSON object, e.g. {"yellow": 10}).',
    )
    retention_reminder_days: int = Field(
        default=183,
        ge=0,
        description="Owners are reminded this many days before a review date (once per "
        "object and review date).",
    )
    retention_grace_days: int = Field(
        default=90,
        ge=0,
        description="Days after its review date that expired data is kept (owner only) "
        "before it is purged.",
    )
    retention_interval_seconds: float = Field(
        default=3600,
        ge=0,
        description="How often the server runs retention (remind, expire, purge); 0 = never "
        "(run `tanseeq retention run` from cron instead).",
    )
    index_warmup: bool = Field(
        default=True,
        description="Load the screening index in the background when the server starts, so "
        "that the first search after a restart does not load it (about 18 s at 200,000 "
        "records on 2 cores). Searches that arrive meanwhile wait for it.",
    )
    duplicate_threshold: float = Field(
        default=0.8,
        gt=0,
        le=1,
        description="Match score at which the review flags another notice about the same "
        "subject as a likely duplicate.",
    )

    @field_validator("review_years_by_category", "review_years_by_notice_kind")
    @classmethod
    def _known_types(cls, value: dict[str, int], info: ValidationInfo) -> dict[str, int]:
        known = (
            {c.value for c in Category}
            if info.field_name == "review_years_by_category"
            else {k.value for k in NoticeKind}
        )
        for key, years in value.items():
            if key not in known:
                raise ValueError(f"unknown type {key!r}: one of {', '.join(sorted(known))}")
            if not 1 <= years <= 100:
                raise ValueError(f"{key}: between 1 and 100 years")
        return value


# The settings documented for operators, by name: tests/test_docs.py fails when docs miss one.
SETTING_NAMES = tuple(Settings.model_fields)

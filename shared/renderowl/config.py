"""Settings, validated once at the edge.

Every setting is read here and nowhere else. Standard variables keep their usual names
(``DATABASE_URL``, ``AWS_ENDPOINT_URL``, ``FFMPEG_BINARY``); product settings use the
``RENDEROWL_`` prefix. The README documents each one with its default.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def _alias(*names: str) -> AliasChoices:
    return AliasChoices(*names)


class Settings(BaseSettings):
    """All runtime configuration of Renderowl."""

    model_config = SettingsConfigDict(env_prefix="RENDEROWL_", extra="ignore", populate_by_name=True)

    environment: Literal["local", "cloud"] = Field(
        "local", description="`local` for the embedded local cloud, `cloud` for AWS."
    )
    state_dir: Path = Field(Path(".renderowl"), description="Where the local cloud keeps its state.")
    log_level: str = Field("INFO", validation_alias=_alias("RENDEROWL_LOG_LEVEL", "POWERTOOLS_LOG_LEVEL"))

    # --- Postgres -------------------------------------------------------------------------
    database_url: str | None = Field(
        None,
        validation_alias=_alias("DATABASE_URL", "RENDEROWL_DATABASE_URL"),
        description="Postgres URL; unset means the embedded server under the state directory.",
    )
    database_secret_arn: str | None = Field(
        None, description="Secrets Manager secret holding the RDS credentials (cloud)."
    )
    database_proxy_host: str | None = Field(
        None, description="RDS Proxy endpoint; preferred over the host named in the secret (cloud)."
    )
    db_pool_min: int = Field(1, ge=0)
    db_pool_max: int = Field(
        2,
        ge=1,
        description="Connections per process: a Lambda serves one request at a time (plus a worker's monitor).",
    )
    db_statement_timeout_ms: int = Field(15_000, ge=100)
    db_connect_timeout_s: int = Field(5, ge=1)

    # --- AWS ------------------------------------------------------------------------------
    aws_region: str = Field("us-east-1", validation_alias=_alias("AWS_REGION", "AWS_DEFAULT_REGION"))
    aws_endpoint_url: str | None = Field(None, validation_alias=_alias("AWS_ENDPOINT_URL"))
    media_bucket: str = Field("renderowl-media", description="The S3 bucket holding every byte.")
    state_machine_arn: str | None = Field(None, description="ARN of the render state machine.")
    webhooks_queue_url: str | None = Field(None, description="URL of the webhook delivery queue.")
    webhooks_dlq_url: str | None = Field(
        None, description="URL of its dead-letter queue (deliveries that gave up)."
    )
    ecs_cluster_arn: str | None = Field(
        None, description="ECS cluster of the Fargate render tasks (cancel stops them)."
    )
    ingest_queue_url: str | None = Field(
        None, description="URL of the ingest queue (URL imports are queued there)."
    )

    # --- API ------------------------------------------------------------------------------
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Frontend origins allowed by CORS (comma separated)."
    )
    jwt_jwks_url: str | None = Field(None, description="JWKS URL of your identity provider.")
    jwt_issuer: str | None = Field(None, description="Expected `iss` of browser/app JWTs.")
    jwt_audience: str | None = Field(None, description="Expected `aud` of browser/app JWTs.")
    jwt_owner_claim: str = Field("sub", description="JWT claim that names the owner.")
    jwt_leeway_s: int = Field(30, ge=0, le=300)
    page_size_max: int = Field(100, ge=1, le=1000)

    # --- Media ----------------------------------------------------------------------------
    ffmpeg_binary: str | None = Field(
        None,
        validation_alias=_alias("FFMPEG_BINARY", "RENDEROWL_FFMPEG_BINARY"),
        description="FFmpeg to run; else PATH, else the imageio-ffmpeg wheel's binary.",
    )
    max_upload_bytes: int = Field(2 * 1024**3, ge=1, description="Largest accepted upload.")
    upload_url_ttl_s: int = Field(900, ge=60, le=7 * 24 * 3600, description="Lifetime of a presigned upload.")
    max_asset_duration_s: float = Field(3 * 3600, gt=0, description="Longest accepted media file.")
    max_asset_dimension: int = Field(8192, ge=16, description="Largest accepted width or height, in pixels.")
    max_asset_streams: int = Field(8, ge=1, description="Most streams a media file may carry.")
    max_work_pixel_frames: float = Field(
        3600 * 1920 * 1080 * 30,
        gt=0,
        description="Work budget: duration x width x height x fps of one file (default 1 h of 1080p30).",
    )
    import_timeout_s: float = Field(60, gt=0, description="Timeout of one URL import request.")
    import_max_redirects: int = Field(3, ge=0, le=10, description="Redirects a URL import follows.")
    scratch_dir: Path | None = Field(None, description="Scratch space for renders (default: a temp dir).")

    # --- Renders --------------------------------------------------------------------------
    fargate_threshold_s: float = Field(
        300,
        ge=0,
        description="Estimated render seconds above which a render runs on Fargate, not Lambda.",
    )
    lambda_render_limit_s: float = Field(780, gt=0, description="Longest render a Lambda worker may attempt.")
    fargate_render_limit_s: float = Field(
        4 * 3600, gt=0, description="Longest render a Fargate worker may attempt."
    )
    worker_heartbeat_s: int = Field(
        60,
        ge=2,
        le=3600,
        description="Step Functions fails a render attempt whose worker is silent this long.",
    )
    fargate_start_allowance_s: int = Field(
        90,
        ge=0,
        le=900,
        description="Extra heartbeat time a Fargate task gets to start (about a minute in AWS).",
    )
    output_retention_days: int = Field(30, ge=1, description="Days a rendered output is kept.")

    # --- Webhooks -------------------------------------------------------------------------
    webhook_retry_schedule: Annotated[list[float], NoDecode] = Field(
        default_factory=lambda: [0, 5, 300, 1800, 7200, 18000, 36000, 36000],
        description="Seconds before each delivery attempt (comma separated); its length is the attempt count.",
    )
    webhook_jitter: float = Field(
        0.1, ge=0, le=0.5, description="Random spread of each retry delay (fraction)."
    )
    webhook_timeout_s: float = Field(15, gt=0, le=60, description="Timeout of one delivery attempt.")
    webhook_disable_after_s: int = Field(
        5 * 86400, ge=60, description="An endpoint failing this long is disabled (and says so)."
    )
    webhook_secret_grace_s: int = Field(
        86400, ge=0, description="How long a rotated-out secret keeps signing."
    )
    webhook_progress_interval_s: float = Field(
        5, ge=1, description="At most one render.progress event this often."
    )

    # --- Local cloud ----------------------------------------------------------------------
    local_concurrency: int = Field(4, ge=1, le=32, description="Renders the local cloud runs at once.")
    allow_loopback_http: bool = Field(
        False,
        description="Allow outbound http:// to loopback (webhooks, imports); on in `renderowl dev`, never in the cloud.",
    )

    @field_validator("webhook_retry_schedule", mode="before")
    @classmethod
    def _split_schedule(cls, value: object) -> object:
        if isinstance(value, str):
            return [float(part) for part in value.split(",") if part.strip()]
        return value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @property
    def jwt_enabled(self) -> bool:
        return bool(self.jwt_jwks_url and self.jwt_issuer and self.jwt_audience)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, validated on first use (never at import)."""
    return Settings()

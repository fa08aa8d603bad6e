"""Deployment options, read once from CDK context (``cdk.json`` or ``-c renderowl:key=value``).

Every option has a default fit for a small production deployment; ``docs/deploy.md`` lists them.
A wrong type stops the synth with a message naming the key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any

from aws_cdk import aws_logs as logs
from constructs import Node

PREFIX = "renderowl:"


# CloudWatch Logs accepts only these retention periods.
_RETENTION = {
    1: logs.RetentionDays.ONE_DAY,
    3: logs.RetentionDays.THREE_DAYS,
    5: logs.RetentionDays.FIVE_DAYS,
    7: logs.RetentionDays.ONE_WEEK,
    14: logs.RetentionDays.TWO_WEEKS,
    30: logs.RetentionDays.ONE_MONTH,
    60: logs.RetentionDays.TWO_MONTHS,
    90: logs.RetentionDays.THREE_MONTHS,
    180: logs.RetentionDays.SIX_MONTHS,
    365: logs.RetentionDays.ONE_YEAR,
    400: logs.RetentionDays.THIRTEEN_MONTHS,
    545: logs.RetentionDays.EIGHTEEN_MONTHS,
    731: logs.RetentionDays.TWO_YEARS,
}


class ConfigError(ValueError):
    """A context value the app cannot use."""


@dataclass(frozen=True)
class JwtConfig:
    jwks_url: str | None = None
    issuer: str | None = None
    audience: str | None = None
    owner_claim: str | None = None
    leeway_s: int | None = None


@dataclass(frozen=True)
class DeployConfig:
    """Everything a deployment can choose; field names are the context keys in camelCase."""

    frontend_origins: tuple[str, ...] = ()
    deletion_protection: bool = True
    nat_gateways: int = 1
    interface_endpoints: bool = True
    max_azs: int = 2
    db_instance_type: str = "t4g.small"
    db_allocated_storage_gib: int = 20
    db_max_allocated_storage_gib: int = 100
    db_multi_az: bool = False
    db_backup_retention_days: int = 7
    db_rotation_days: int = 30
    fargate_cpu: int | None = None
    fargate_memory_mib: int | None = None
    fargate_ephemeral_storage_gib: int = 50
    render_retention_days: int = 30
    abandoned_upload_days: int = 7
    scratch_retention_days: int = 1
    bucket_versioning: bool = False
    api_throttle_rate: int = 50
    api_throttle_burst: int = 100
    domain_name: str | None = None
    certificate_arn: str | None = None
    alarm_email: str | None = None
    log_level: str = "INFO"
    log_retention_days: int = 30
    alarm_api_5xx_rate: float = 0.05
    alarm_lambda_errors: int = 1
    jwt: JwtConfig = field(default_factory=JwtConfig)
    settings: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if bool(self.domain_name) != bool(self.certificate_arn):
            raise ConfigError(f"{PREFIX}domainName and {PREFIX}certificateArn go together")
        if self.nat_gateways < 0 or self.max_azs < 2:
            raise ConfigError(f"{PREFIX}natGateways must be >= 0 and {PREFIX}maxAzs >= 2 (RDS needs two AZs)")
        if self.log_retention_days not in _RETENTION:
            raise ConfigError(f"{PREFIX}logRetentionDays must be one of {sorted(_RETENTION)}")
        for key, value in self.settings.items():
            if not isinstance(value, str):
                raise ConfigError(f"{PREFIX}settings.{key} must be a string, got {value!r}")

    @property
    def log_retention(self) -> logs.RetentionDays:
        return _RETENTION[self.log_retention_days]

    @classmethod
    def from_context(cls, node: Node) -> DeployConfig:
        values: dict[str, Any] = {}
        for f in fields(cls):
            key = PREFIX + _camel(f.name)
            raw = node.try_get_context(key)
            if raw is None:
                continue
            values[f.name] = _coerce(key, raw, f.type)
        return cls(**values)


def _camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part.capitalize() for part in rest).replace("Gib", "GiB").replace("Mib", "MiB")


def _coerce(key: str, raw: Any, kind: Any) -> Any:
    # `-c key=value` arrives as a string; cdk.json as JSON. Accept both.
    kind = str(kind)
    if isinstance(raw, str) and not kind.startswith("str"):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{key}: {raw!r} is not valid JSON for {kind}") from exc
    try:
        if kind.startswith("tuple"):
            items = raw.split(",") if isinstance(raw, str) else list(raw)
            return tuple(str(item).strip() for item in items if str(item).strip())
        if kind == "bool":
            if not isinstance(raw, bool):
                raise TypeError
            return raw
        if kind.startswith("int"):
            if isinstance(raw, bool) or not isinstance(raw, int):
                raise TypeError
            return raw
        if kind == "float":
            return float(raw)
        if kind == "JwtConfig":
            return JwtConfig(**{_snake(k): v for k, v in dict(raw).items()})
        if kind.startswith("dict"):
            return {str(k): v for k, v in dict(raw).items()}
        if kind.startswith("str"):
            return None if raw == "" else str(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{key}: {raw!r} is not a valid {kind}") from exc
    raise ConfigError(f"{key}: unsupported option type {kind}")  # pragma: no cover - a bug here


def _snake(camel: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in camel)

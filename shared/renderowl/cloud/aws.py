"""boto3 clients: created on first use, cached per process, with timeouts and bounded retries."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import boto3
from botocore.config import Config

from renderowl.config import get_settings

_CONFIG = Config(
    connect_timeout=5,
    read_timeout=30,
    retries={"max_attempts": 4, "mode": "standard"},
    signature_version=None,
)


@lru_cache(maxsize=16)
def client(service: str) -> Any:
    """A cached boto3 client for ``service`` in the configured region and endpoint."""
    settings = get_settings()
    config = _CONFIG
    if service == "s3":
        # Presigned URLs must carry the region-correct SigV4 signature; path style works everywhere.
        config = _CONFIG.merge(Config(signature_version="s3v4", s3={"addressing_style": "path"}))
    return boto3.session.Session().client(
        service,  # type: ignore[call-overload]
        region_name=settings.aws_region,
        endpoint_url=settings.aws_endpoint_url,
        config=config,
    )


def reset_clients() -> None:
    """Forget cached clients (tests that move the endpoint call this)."""
    client.cache_clear()

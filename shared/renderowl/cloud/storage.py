"""The media bucket: reachability, presigned URLs, object transfer."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from renderowl.cloud.aws import client
from renderowl.config import get_settings


def bucket_reachable() -> bool:
    """True when the media bucket answers a HEAD."""
    try:
        client("s3").head_bucket(Bucket=get_settings().media_bucket)
        return True
    except (ClientError, BotoCoreError):
        return False

"""The media bucket: reachability, presigned URLs, object transfer."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from renderowl.cloud.aws import client
from renderowl.config import get_settings
from renderowl.errors import NotFoundError, PayloadTooLargeError

_CHUNK = 1024 * 1024


def bucket() -> str:
    return get_settings().media_bucket


def bucket_reachable() -> bool:
    """True when the media bucket answers a HEAD."""
    try:
        client("s3").head_bucket(Bucket=bucket())
        return True
    except (ClientError, BotoCoreError):
        return False


# Uploads are born tagged `pending`: the bucket's lifecycle expires uploads nobody finished or
# ingest rejected (a rule cannot match "untagged"), and ingest re-tags what it accepts `ready`.
UPLOAD_STATE_TAG = "renderowl-state"


def _tagging(state: str) -> str:
    return (
        f"<Tagging><TagSet><Tag><Key>{UPLOAD_STATE_TAG}</Key><Value>{state}</Value></Tag></TagSet></Tagging>"
    )


def tag_upload(key: str, state: str) -> None:
    client("s3").put_object_tagging(
        Bucket=bucket(), Key=key, Tagging={"TagSet": [{"Key": UPLOAD_STATE_TAG, "Value": state}]}
    )


@dataclass(frozen=True)
class PresignedPost:
    url: str
    fields: dict[str, str]
    expires_at: datetime


def presign_post(key: str, content_type: str, max_bytes: int, ttl_s: int) -> PresignedPost:
    """A browser-postable upload pinned to ``key``, ``content_type`` and at most ``max_bytes``."""
    tagging = _tagging("pending")
    post = client("s3").generate_presigned_post(
        Bucket=bucket(),
        Key=key,
        Fields={"Content-Type": content_type, "tagging": tagging},
        Conditions=[
            {"Content-Type": content_type},
            {"tagging": tagging},
            ["content-length-range", 1, max_bytes],
        ],
        ExpiresIn=ttl_s,
    )
    return PresignedPost(post["url"], dict(post["fields"]), datetime.now(UTC) + timedelta(seconds=ttl_s))


def presign_get(key: str, ttl_s: int = 3600, filename: str | None = None) -> str:
    """A time-limited download URL."""
    params: dict[str, Any] = {"Bucket": bucket(), "Key": key}
    if filename:
        params["ResponseContentDisposition"] = f'inline; filename="{filename}"'
    return str(client("s3").generate_presigned_url("get_object", Params=params, ExpiresIn=ttl_s))


def object_size(key: str) -> int | None:
    """The object's size, or None when it does not exist."""
    try:
        return int(client("s3").head_object(Bucket=bucket(), Key=key)["ContentLength"])
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
            return None
        raise


def download(key: str, dest: Path, *, max_bytes: int) -> tuple[int, str]:
    """Stream ``key`` to ``dest``, refusing more than ``max_bytes``. Returns (size, sha256 hex)."""
    try:
        body = client("s3").get_object(Bucket=bucket(), Key=key)["Body"]
    except ClientError as exc:
        raise NotFoundError(f"object {key} does not exist") from exc
    digest, size = hashlib.sha256(), 0
    with dest.open("wb") as fh:
        for chunk in body.iter_chunks(_CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise PayloadTooLargeError(f"object {key} is larger than {max_bytes} bytes")
            digest.update(chunk)
            fh.write(chunk)
    return size, digest.hexdigest()


def upload(path: Path, key: str, content_type: str, tags: dict[str, str] | None = None) -> None:
    """Upload a local file (multipart above the transfer threshold)."""
    extra = {"ContentType": content_type}
    if tags:
        extra["Tagging"] = "&".join(f"{k}={v}" for k, v in tags.items())
    client("s3").upload_file(str(path), bucket(), key, ExtraArgs=extra)


def delete_prefix(prefix: str) -> int:
    """Delete every object under ``prefix``; returns how many."""
    s3, deleted = client("s3"), 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket(), Prefix=prefix):
        keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
        if keys:
            s3.delete_objects(Bucket=bucket(), Delete={"Objects": keys, "Quiet": True})
            deleted += len(keys)
    return deleted


def delete(key: str) -> None:
    client("s3").delete_object(Bucket=bucket(), Key=key)

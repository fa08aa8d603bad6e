"""Ingest fixtures: the catalog's bucket, queue and notifications in moto, and a way to feed the
ingest handler the very SQS events S3 produced."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from renderowl.catalog import load_catalog
from renderowl.cloud.aws import client
from renderowl.config import get_settings
from renderowl.local import runtime
from renderowl.local.pump import sqs_event
from renderowl.local.resources import LocalResources, connect_notifications, create_resources
from renderowl.store.db import Database
from tests.integration.conftest import CallApi


@dataclass
class Ingest:
    resources: LocalResources
    call_api: CallApi
    token: str

    def upload(self, path: Path, content_type: str = "video/mp4", *, size: int | None = None) -> str:
        """Request an upload, POST the file to the presigned form as a browser would; returns the asset id."""
        declared = size if size is not None else max(path.stat().st_size, 1)
        created = self.call_api(
            "POST",
            "/api/v1/uploads",
            token=self.token,
            json_body={"filename": path.name, "content_type": content_type, "size": declared},
        )
        assert created.status == 201, created.body
        form = created.data["upload"]
        response = httpx.post(
            form["url"], data=form["fields"], files={"file": (path.name, path.read_bytes())}
        )
        assert response.status_code in (200, 204), response.text
        return str(created.data["asset"]["id"])

    def drain(self, max_rounds: int = 10) -> list[dict[str, Any]]:
        """Deliver every message on the ingest queue to the ingest handler; returns the handler results."""
        fn = load_catalog().functions["ingest"]
        queue = self.resources.queues["ingest"]
        sqs, results = client("sqs"), []
        for _ in range(max_rounds):
            got = sqs.receive_message(
                QueueUrl=queue.url, MaxNumberOfMessages=1, WaitTimeSeconds=0, AttributeNames=["All"]
            )
            messages = got.get("Messages", [])
            if not messages:
                break
            result = runtime.invoke(fn, sqs_event(messages, queue, "us-east-1"))
            results.append(result)
            if not result["batchItemFailures"]:
                sqs.delete_message(QueueUrl=queue.url, ReceiptHandle=messages[0]["ReceiptHandle"])
        return results

    def asset(self, asset_id: str) -> dict[str, Any]:
        response = self.call_api("GET", f"/api/v1/assets/{asset_id}", token=self.token)
        assert response.status == 200, response.body
        return response.data  # type: ignore[no-any-return]


@pytest.fixture
def ingest(call_api: CallApi, api_key: str, db: Database, monkeypatch: pytest.MonkeyPatch) -> Ingest:
    catalog = load_catalog()
    resources = create_resources(catalog, client("s3"), client("sqs"), bucket=get_settings().media_bucket)
    connect_notifications(catalog, client("s3"), resources)
    for key, value in resources.environment().items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    ing = Ingest(resources, call_api, api_key)
    ing.drain()  # the s3:TestEvent S3 sends when notifications are configured
    return ing


MediaFactory = Callable[..., Path]


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


def sqs_s3_event_body(bucket: str, key: str) -> str:
    return json.dumps(
        {
            "Records": [
                {
                    "eventName": "ObjectCreated:Post",
                    "s3": {"bucket": {"name": bucket}, "object": {"key": key}},
                }
            ]
        }
    )

"""Webhook fixtures: the catalog's queues in moto, a way to run the deliverer, and receivers on
loopback whose answers the test scripts."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import pytest

from renderowl.catalog import load_catalog
from renderowl.cloud.aws import client
from renderowl.config import get_settings
from renderowl.local import runtime
from renderowl.local.pump import sqs_event
from renderowl.local.resources import LocalResources, create_resources
from renderowl.store.db import Database
from tests.integration.conftest import CallApi


@dataclass
class Hooks:
    resources: LocalResources
    call_api: CallApi
    token: str

    def drain(self, quiet_s: float = 1.5, limit_s: float = 30) -> int:
        """Run the deliverer on every message until the queue stays empty for ``quiet_s``."""
        fn = load_catalog().functions["deliver"]
        queue = self.resources.queues["webhooks"]
        sqs, handled, quiet_since, started = client("sqs"), 0, time.monotonic(), time.monotonic()
        while time.monotonic() - quiet_since < quiet_s and time.monotonic() - started < limit_s:
            got = sqs.receive_message(QueueUrl=queue.url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
            messages = got.get("Messages", [])
            if not messages:
                time.sleep(0.05)
                continue
            result = runtime.invoke(fn, sqs_event(messages, queue, "us-east-1"))
            failed = {f["itemIdentifier"] for f in result["batchItemFailures"]}
            for m in messages:
                if m["MessageId"] not in failed:
                    sqs.delete_message(QueueUrl=queue.url, ReceiptHandle=m["ReceiptHandle"])
            handled += len(messages)
            quiet_since = time.monotonic()
        return handled

    def dead_letters(self) -> list[dict[str, Any]]:
        got = client("sqs").receive_message(
            QueueUrl=self.resources.queues["webhooks"].dlq_url, MaxNumberOfMessages=10
        )
        return [json.loads(m["Body"]) for m in got.get("Messages", [])]

    def register(self, url: str, events: list[str] | None = None) -> dict[str, Any]:
        response = self.call_api(
            "POST",
            "/api/v1/webhooks",
            token=self.token,
            json_body={"url": url, "events": events or [], "description": "test"},
        )
        assert response.status == 201, response.body
        return response.data  # type: ignore[no-any-return]


@pytest.fixture
def hooks(call_api: CallApi, api_key: str, db: Database, monkeypatch: pytest.MonkeyPatch) -> Hooks:
    resources = create_resources(
        load_catalog(), client("s3"), client("sqs"), bucket=get_settings().media_bucket
    )
    for key, value in resources.environment().items():
        monkeypatch.setenv(key, value)
    # Loopback receivers over http (as `renderowl dev` allows), and a compressed schedule.
    monkeypatch.setenv("RENDEROWL_ALLOW_LOOPBACK_HTTP", "true")
    monkeypatch.setenv("RENDEROWL_WEBHOOK_RETRY_SCHEDULE", "0,0.2,0.2,0.2,0.2")
    monkeypatch.setenv("RENDEROWL_WEBHOOK_JITTER", "0")
    get_settings.cache_clear()
    return Hooks(resources, call_api, api_key)

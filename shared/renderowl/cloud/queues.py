"""SQS: sending messages."""

from __future__ import annotations

import json
from typing import Any

from renderowl.cloud.aws import client
from renderowl.errors import ConfigurationError


def send(queue_url: str | None, body: dict[str, Any], *, delay_s: int = 0) -> str:
    """Send a JSON message; returns its id."""
    if not queue_url:
        raise ConfigurationError("the queue URL is not configured")
    result = client("sqs").send_message(
        QueueUrl=queue_url, MessageBody=json.dumps(body), DelaySeconds=delay_s
    )
    return str(result["MessageId"])

"""The Fargate render task's entry point: ``python -m renderowl.pipeline.container``.

One task per long-render message: the message body arrives in ``RENDEROWL_TASK_MESSAGE`` (the
EventBridge Pipe's container override in AWS; the event pump's environment locally). ECS stops a
task with SIGTERM, which cancels the render and kills FFmpeg before the task exits.
"""

from __future__ import annotations

import json
import os
import signal
import sys

import httpx

from renderowl.logs import logger
from renderowl.pipeline.worker import run_render_task
from renderowl.store.db import get_database

MESSAGE_ENV = "RENDEROWL_TASK_MESSAGE"


def _task_arn() -> str | None:
    """This task's ARN from the ECS metadata endpoint (absent outside ECS)."""
    uri = os.environ.get("ECS_CONTAINER_METADATA_URI_V4")
    if not uri:
        return None
    try:
        return str(httpx.get(f"{uri}/task", timeout=2).json()["TaskARN"])
    except (httpx.HTTPError, KeyError, ValueError):
        return None


def main() -> int:
    message = json.loads(os.environ[MESSAGE_ENV])
    if isinstance(message, str):  # a Pipe may pass the JSON body as a JSON string
        message = json.loads(message)
    message.setdefault("task_arn", _task_arn())
    # SIGTERM (ECS StopTask, the local cloud stopping) becomes a normal exception: FFmpeg is killed by
    # the runner's cleanup and the failure is reported with the token.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        outcome = run_render_task(get_database(), message)
    except KeyboardInterrupt:
        logger.warning("render task stopped by SIGTERM", extra={"render_id": message.get("render_id")})
        return 143
    logger.info("render task done", extra={"render_id": message.get("render_id"), "outcome": outcome})
    return 0


if __name__ == "__main__":
    sys.exit(main())

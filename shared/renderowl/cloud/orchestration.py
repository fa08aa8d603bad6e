"""Step Functions and ECS: start and stop render executions, report task results."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from renderowl.cloud.aws import client
from renderowl.config import get_settings
from renderowl.errors import ConfigurationError


class StaleTaskError(Exception):
    """The task token no longer belongs to a waiting task (timed out, retried, or stopped)."""


def start_execution(render_id: str) -> str:
    """Start the render state machine for ``render_id`` (the execution name); returns its ARN."""
    arn = get_settings().state_machine_arn
    if not arn:
        raise ConfigurationError("RENDEROWL_STATE_MACHINE_ARN is not set")
    try:
        result = client("stepfunctions").start_execution(
            stateMachineArn=arn, name=render_id, input=json.dumps({"render_id": render_id})
        )
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ExecutionAlreadyExists":
            return f"{arn.replace(':stateMachine:', ':execution:')}:{render_id}"
        raise
    return str(result["executionArn"])


def stop_execution(execution_arn: str, cause: str) -> None:
    """Stop an execution; an execution that already ended is not an error."""
    try:
        client("stepfunctions").stop_execution(executionArn=execution_arn, error="Cancelled", cause=cause)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in {"ExecutionDoesNotExist", "InvalidArn"}:
            raise


def stop_task(task_arn: str, reason: str) -> None:
    """Stop a Fargate task (cloud only; locally the worker process notices the cancellation itself)."""
    cluster = get_settings().ecs_cluster_arn
    if not cluster:
        return
    try:
        client("ecs").stop_task(cluster=cluster, task=task_arn, reason=reason[:255])
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in {
            "InvalidParameterException",
            "ResourceNotFoundException",
        }:
            raise


def _task_call(method: str, **kwargs: Any) -> None:
    try:
        getattr(client("stepfunctions"), method)(**kwargs)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in {"TaskTimedOut", "InvalidToken", "TaskDoesNotExist"}:
            raise StaleTaskError(exc.response["Error"]["Code"]) from exc
        raise


def task_heartbeat(token: str) -> None:
    _task_call("send_task_heartbeat", taskToken=token)


def task_success(token: str, output: dict[str, Any]) -> None:
    _task_call("send_task_success", taskToken=token, output=json.dumps(output))


def task_failure(token: str, error: str, cause: str) -> None:
    _task_call("send_task_failure", taskToken=token, error=error[:256], cause=cause[:32768])

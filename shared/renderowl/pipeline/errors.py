"""Errors the state machine sees. Lambda reports an exception's class name as the error name, and the
ASL retries `TransientError` and catches everything else, so these class names are part of the
contract with `infra/statemachine/render.asl.json`."""

from __future__ import annotations

import json

from renderowl.errors import ValidationFailedError


class TransientError(Exception):
    """Retry me: a dependency hiccuped (database, S3, throttling)."""


class RenderStepError(Exception):
    """A render cannot go on: the code and message end up on the render as its error."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(json.dumps({"code": code, "message": message}))
        self.code = code
        self.message = message


class RenderCancelled(Exception):
    """The render was cancelled while this step ran."""


def problems_summary(exc: ValidationFailedError) -> str:
    """The first few problems of a validation error, one line: `path: message; path: message`."""
    details = exc.details if isinstance(exc.details, list) else []
    return "; ".join(f"{d['path']}: {d['message']}" for d in details[:5]) or exc.message


def error_from_state(error: dict[str, str] | None) -> tuple[str, str]:
    """(code, message) from the ``$.error`` a Catch put in the state: ``{"Error", "Cause"}``."""
    if not error:
        return "INTERNAL_ERROR", "the render failed"
    name, cause = error.get("Error", ""), error.get("Cause", "")
    detail: object = None
    try:
        detail = json.loads(cause)
    except (TypeError, ValueError):
        detail = None
    if isinstance(detail, dict):
        # A Lambda step: {"errorType", "errorMessage"}; RenderStepError puts JSON in the message.
        message = detail.get("errorMessage", detail.get("message", ""))
        try:
            inner = json.loads(message) if isinstance(message, str) else None
        except ValueError:
            inner = None
        if isinstance(inner, dict) and "code" in inner:
            return str(inner["code"]), str(inner.get("message", ""))
        if "code" in detail:
            return str(detail["code"]), str(detail.get("message", ""))
        return _by_name(name), str(message or name)
    if name.startswith("RenderFailed."):
        code = name.removeprefix("RenderFailed.")
        return code, cause if cause and not cause.startswith("{") else f"the render failed ({code})"
    if name in {"States.HeartbeatTimeout", "States.Timeout"}:
        return (
            "WORKER_LOST",
            "the render worker stopped reporting (it crashed or timed out), even after retries",
        )
    return _by_name(name), cause or name


def _by_name(name: str) -> str:
    return {"TransientError": "SERVICE_UNAVAILABLE", "RenderCancelled": "RENDER_CANCELLED"}.get(
        name, "INTERNAL_ERROR"
    )

"""The Lambda steps of the render state machine. Each loads the render, moves it forward with a
guarded transition, and returns what the next state needs."""

from __future__ import annotations

import functools
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from renderowl import views
from renderowl.cloud import storage
from renderowl.config import get_settings
from renderowl.errors import UnavailableError, ValidationFailedError
from renderowl.logs import logger
from renderowl.pipeline import refs
from renderowl.pipeline.errors import (
    RenderCancelled,
    RenderStepError,
    TransientError,
    error_from_state,
    problems_summary,
)
from renderowl.pipeline.retention import delete_output
from renderowl.spec import RenderSpec, parse_spec
from renderowl.store import renders
from renderowl.store.db import Database

# Lambda pricing (us-east-1, x86, per GB-second) and Fargate (per vCPU-hour + per GB-hour), for the
# estimate shown to users; rough on purpose.
_LAMBDA_GB_S = 0.0000166667
_FARGATE_VCPU_H, _FARGATE_GB_H = 0.04048, 0.004445
_REALTIME_PIXEL_RATE = 1920 * 1080 * 30  # pixels/s a worker renders in real time (measured order)


def transient(func: Any) -> Any:
    """Turn dependency outages into `TransientError`, which the state machine retries."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (UnavailableError, BotoCoreError, ClientError) as exc:
            raise TransientError(str(exc)) from exc

    return wrapper


def _load(db: Database, render_id: str) -> dict[str, Any]:
    with db.tx() as conn:
        row = renders.load(conn, render_id)
    if row is None:
        raise RenderStepError("RENDER_NOT_FOUND", f"no render {render_id}")
    if row["status"] == "cancelled":
        raise RenderCancelled(render_id)
    return row


def _move(db: Database, render_id: str, to: str, from_: tuple[str, ...], **fields: Any) -> dict[str, Any]:
    with db.tx() as conn:
        row = renders.transition(conn, render_id, to, from_=from_, **fields)
        if row is None:
            current = renders.load(conn, render_id)
    if row is None:
        status = current["status"] if current else "missing"
        if status == "cancelled":
            raise RenderCancelled(render_id)
        raise RenderStepError("INVALID_STATE", f"render {render_id} is {status}, cannot move to {to}")
    return row


def spec_of(row: dict[str, Any]) -> RenderSpec:
    try:
        return parse_spec(row["spec"])
    except ValidationFailedError as exc:
        raise RenderStepError("SPEC_INVALID", exc.message) from exc


def estimate(spec: RenderSpec, duration: float) -> dict[str, Any]:
    """Output seconds, a render-time guess, and what it costs on either runner."""
    width, height = spec.output.dimensions() if spec.output.format not in ("mp3", "wav") else (0, 0)
    pixel_rate = width * height * float(spec.output.fps or 30)
    render_seconds = max(1.0, duration * max(pixel_rate / _REALTIME_PIXEL_RATE, 0.05))
    lambda_cost = render_seconds * 3.0 * _LAMBDA_GB_S
    fargate_cost = (render_seconds + 60) / 3600 * (2 * _FARGATE_VCPU_H + 4 * _FARGATE_GB_H)
    return {
        "output_seconds": round(duration, 3),
        "render_seconds": round(render_seconds, 1),
        "cost_usd": {"lambda": round(lambda_cost, 5), "fargate": round(fargate_cost, 5)},
    }


@transient
def plan(db: Database, render_id: str) -> dict[str, Any]:
    """Validate the spec against the owner's ready assets, estimate, choose the runner."""
    row = _load(db, render_id)
    _move(db, render_id, "planning", ("queued", "planning"))
    settings = get_settings()
    # Imported here: FFmpeg's libraries (PyAV) are needed by Plan only, and the other steps in this
    # module ship as small zip Lambdas without them.
    from renderowl.media import resolve_timeline
    from renderowl.pipeline import sources

    try:
        spec = spec_of(row)
        rows = refs.ready_assets(db, row["owner_id"], spec)
        with tempfile.TemporaryDirectory(prefix="plan-", dir=settings.scratch_dir) as tmp:
            timeline = resolve_timeline(spec, sources.planning_sources(spec, rows, Path(tmp)))
    except ValidationFailedError as exc:
        raise RenderStepError("SPEC_INVALID", problems_summary(exc)) from exc
    guess = estimate(spec, timeline.window_length)
    runner = row["runner_override"] or (
        "fargate" if guess["render_seconds"] > settings.fargate_threshold_s else "lambda"
    )
    if (
        runner == "lambda"
        and guess["render_seconds"] > settings.lambda_render_limit_s
        and not row["runner_override"]
    ):
        runner = "fargate"
    # Fargate needs about a minute to start before its first heartbeat.
    heartbeat = settings.worker_heartbeat_s + (
        settings.fargate_start_allowance_s if runner == "fargate" else 0
    )
    _move(
        db,
        render_id,
        "preparing",
        ("planning",),
        runner=runner,
        estimate=guess,
        detail={"runner": runner, **guess},
    )
    logger.info("planned", extra={"render_id": render_id, "runner": runner, **guess})
    return {"runner": runner, "estimate": guess, "heartbeat_seconds": heartbeat}


@transient
def prepare(db: Database, render_id: str) -> dict[str, Any]:
    """The slot for AI steps (script, voiceover, captions). Nothing to do for plain timelines."""
    _load(db, render_id)
    return {"ai_steps": []}


@transient
def finalize(db: Database, render_id: str, output: dict[str, Any]) -> dict[str, Any]:
    """Check the uploaded output, record it, and mark the render succeeded."""
    _load(db, render_id)
    size = storage.object_size(output["key"])
    if size is None or size != output["size"]:
        raise TransientError(
            f"output {output['key']} is missing or incomplete ({size} of {output['size']} bytes)"
        )
    expires = datetime.now(UTC) + timedelta(days=get_settings().output_retention_days)
    try:
        _move(db, render_id, "finalizing", ("rendering", "finalizing"))
    except RenderCancelled:
        delete_output(output)  # cancelled while uploading: leave nothing behind
        raise
    with db.tx() as conn:
        done = renders.transition(
            conn,
            render_id,
            "succeeded",
            from_=("finalizing",),
            progress=100,
            output=output,
            expires_at=expires,
            event_view=event_view,
        )
    if done is None:
        raise RenderStepError("INVALID_STATE", f"render {render_id} left finalizing unexpectedly")
    return {"status": "succeeded"}


def event_view(row: dict[str, Any]) -> Any:
    """A terminal event's data: the render exactly as `GET /api/v1/renders/{id}` shows it."""
    return views.render(row).model_dump(mode="json")


@transient
def mark_failed(db: Database, render_id: str, error: dict[str, str] | None) -> dict[str, Any]:
    """The Catch path: record the failure code and message (a cancelled render stays cancelled)."""
    code, message = error_from_state(error)
    with db.tx() as conn:
        row = renders.load(conn, render_id)
        if row is None or row["status"] in renders.TERMINAL:
            return {"status": row["status"] if row else "missing"}
        if row["error_code"] == code and row["error_message"] and message == f"the render failed ({code})":
            message = row["error_message"]  # the worker's own words, when the cause did not travel
        renders.transition(
            conn,
            render_id,
            "failed",
            from_=renders.ACTIVE,
            error_code=code,
            error_message=message[:2000],
            detail={"code": code},
            event_view=event_view,
        )
    logger.info("render failed", extra={"render_id": render_id, "code": code})
    return {"status": "failed", "code": code}


@transient
def notify(db: Database, render_id: str) -> dict[str, Any]:
    """Hand the render's terminal event to webhook delivery (retried by the state machine, so a
    lost enqueue is sent again; the deliverer skips what was already delivered)."""
    from renderowl.webhooks.delivery import dispatch_render

    with db.tx() as conn:
        row = renders.load(conn, render_id)
    if row is None:
        return {"status": "missing"}
    return {"status": row["status"], "deliveries": dispatch_render(db, render_id)}

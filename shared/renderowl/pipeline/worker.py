"""The render worker: one render-queue message, from download to a reported result.

The same function runs in the render Lambda and in the Fargate task. While FFmpeg runs, a monitor
thread sends Step Functions heartbeats, writes progress (at most once a second) and watches for
cancellation: neither StopExecution nor the local engine stops a running worker, so the worker
checks for itself — the render row says `cancelled`, a newer attempt took over, or the task token
went stale — and then kills FFmpeg and leaves no output behind.
"""

from __future__ import annotations

import json
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from renderowl.cloud import orchestration, storage
from renderowl.cloud.orchestration import StaleTaskError
from renderowl.config import get_settings
from renderowl.errors import NotFoundError, UnavailableError, ValidationFailedError
from renderowl.logs import logger
from renderowl.media import RenderCancelledError, RenderFailedError, RenderResult, RenderTimeoutError, render
from renderowl.pipeline import refs, sources
from renderowl.pipeline.errors import RenderStepError, problems_summary
from renderowl.pipeline.steps import spec_of
from renderowl.store import events, renders, webhooks
from renderowl.store.db import Database
from renderowl.webhooks.delivery import dispatch

PROGRESS_INTERVAL_S = 1.0


class Monitor:
    """Heartbeats, progress and cancellation for one running attempt."""

    def __init__(
        self,
        db: Database,
        render_id: str,
        token: str,
        attempt: int,
        heartbeat_every: float,
        progress_events: tuple[str, float] | None = None,
    ) -> None:
        self._db, self._render_id, self._token, self._attempt = db, render_id, token, attempt
        # (owner id, seconds between events) when the owner subscribed to render.progress
        self._progress_events = progress_events
        self._last_event = 0.0
        self._heartbeat_every = heartbeat_every
        self._cancel = threading.Event()
        self._stop = threading.Event()
        self._progress = 0
        self._written = 0
        self._thread = threading.Thread(target=self._run, name=f"monitor-{render_id}", daemon=True)
        self.reason: str | None = None  # why the attempt must stop: cancelled, superseded, moved-on, stale

    def __enter__(self) -> Monitor:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def on_progress(self, fraction: float) -> None:
        self._progress = max(self._progress, min(99, int(fraction * 100)))

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check_now(self) -> bool:
        """Look at the database right now (before an upload); True when the attempt must stop."""
        self._check()
        return self.cancelled()

    def _check(self) -> None:
        with self._db.tx() as conn:
            reason = renders.why_worker_must_stop(conn, self._render_id, self._attempt)
        if reason:
            self.reason = reason
            self._cancel.set()

    def _progress_event(self) -> None:
        if self._progress_events is None:
            return
        owner_id, every = self._progress_events
        if time.monotonic() - self._last_event < every:
            return
        self._last_event = time.monotonic()
        with self._db.tx() as conn:
            event_id = events.record(
                conn,
                owner_id,
                "render.progress",
                {"id": self._render_id, "status": "rendering", "progress": self._written},
                render_id=self._render_id,
            )
        dispatch(self._db, [event_id])

    def _run(self) -> None:
        last_beat = time.monotonic()
        while not self._stop.wait(PROGRESS_INTERVAL_S):
            try:
                self._check()
                if self._progress > self._written:
                    with self._db.tx() as conn:
                        renders.set_progress(conn, self._render_id, self._progress, self._attempt)
                    self._written = self._progress
                    self._progress_event()
                if time.monotonic() - last_beat >= self._heartbeat_every:
                    orchestration.task_heartbeat(self._token)
                    last_beat = time.monotonic()
            except StaleTaskError:
                self.reason = "stale"  # the execution moved on (timed out, stopped)
                self._cancel.set()
            except Exception as exc:
                # A missed beat is survivable; a long outage ends in a heartbeat timeout and a retry.
                logger.warning(
                    "render monitor hiccup", extra={"render_id": self._render_id, "error": repr(exc)}
                )


def _report_failure(
    token: str, error: str, code: str, message: str, db: Database | None = None, render_id: str | None = None
) -> None:
    """Report a typed failure with the token. The error name carries the code
    (`RenderFailed.ASSET_NOT_FOUND`): it shows in the Step Functions console, and it survives where
    the cause does not (moto's SendTaskFailure drops it); the message is also noted on the render."""
    if db is not None and render_id is not None:
        with db.tx() as conn:
            renders.note_error(conn, render_id, code, message)
    name = error if error in ("TransientError", "RenderCancelled") else f"{error}.{code}"
    try:
        orchestration.task_failure(token, name, json.dumps({"code": code, "message": message}))
    except StaleTaskError:
        logger.info("task already gone; failure not reported", extra={"error": name})


def run_render_task(db: Database, message: dict[str, Any]) -> str:
    """Render what ``message`` ({render_id, task_token, attempt}) asks for and report the result
    with the task token. Returns what happened: succeeded, failed, cancelled, retrying, stale, skipped."""
    render_id, token = message["render_id"], message["task_token"]
    attempt = int(message.get("attempt", 0))
    try:
        orchestration.task_heartbeat(token)  # a message whose attempt already timed out stops here
    except StaleTaskError:
        logger.info("stale render message dropped", extra={"render_id": render_id, "attempt": attempt})
        return "stale"
    with db.tx() as conn:
        row = renders.claim_worker(conn, render_id, attempt)
        if row is not None:
            row = renders.transition(
                conn,
                render_id,
                "rendering",
                from_=("preparing", "rendering"),
                task_arn=message.get("task_arn"),
                detail={"attempt": attempt, "runner": row["runner"]},
                always_record=True,
            )
        current = renders.load(conn, render_id)
    if row is None:
        status = current["status"] if current else "missing"
        if status == "cancelled":
            _report_failure(token, "RenderCancelled", "RENDER_CANCELLED", "the render was cancelled")
            return "cancelled"
        logger.info("render not claimable", extra={"render_id": render_id, "status": status})
        return "skipped"

    settings = get_settings()
    limit = settings.fargate_render_limit_s if row["runner"] == "fargate" else settings.lambda_render_limit_s
    heartbeat_every = max(1.0, settings.worker_heartbeat_s / 4)
    with db.tx() as conn:
        wants_progress = webhooks.wants(conn, row["owner_id"], "render.progress")
    progress_events = (row["owner_id"], settings.webhook_progress_interval_s) if wants_progress else None
    with (
        tempfile.TemporaryDirectory(prefix=f"{render_id}-", dir=settings.scratch_dir) as tmp,
        Monitor(db, render_id, token, attempt, heartbeat_every, progress_events) as monitor,
    ):
        try:
            result = _render(db, row, Path(tmp), monitor, limit)
            if monitor.check_now():
                raise RenderCancelledError(monitor.reason or "cancelled")
            output = _upload(row, result)
            orchestration.task_success(token, {"output": output})
            logger.info("rendered", extra={"render_id": render_id, "seconds": round(result.elapsed, 2)})
            return "succeeded"
        except RenderCancelledError:
            if monitor.reason in (None, "cancelled"):
                _report_failure(token, "RenderCancelled", "RENDER_CANCELLED", "the render was cancelled")
                return "cancelled"
            # Superseded by a newer attempt, or the execution moved on: the token is not ours to
            # answer any more (and where tokens are reused across retries, an answer would land on
            # the newer attempt). Stand down quietly.
            logger.info("render attempt stood down", extra={"render_id": render_id, "reason": monitor.reason})
            return "stood-down"
        except RenderStepError as exc:
            _report_failure(token, "RenderFailed", exc.code, exc.message, db, render_id)
        except NotFoundError as exc:  # a source vanished from storage after the asset was checked
            _report_failure(token, "RenderFailed", "ASSET_NOT_FOUND", exc.message, db, render_id)
        except ValidationFailedError as exc:  # stage-2 problems, or a source that cannot be read
            code = "SPEC_INVALID" if exc.code == "VALIDATION_FAILED" else exc.code
            _report_failure(token, "RenderFailed", code, problems_summary(exc), db, render_id)
        except RenderTimeoutError as exc:
            _report_failure(token, "RenderFailed", "RENDER_TIMEOUT", exc.message, db, render_id)
        except RenderFailedError as exc:
            tail = (
                "\n".join((exc.details or {}).get("stderr", [])[-5:]) if isinstance(exc.details, dict) else ""
            )
            _report_failure(token, "RenderFailed", exc.code, f"{exc.message}\n{tail}".strip(), db, render_id)
        except StaleTaskError:
            logger.info("task went stale before the result could be reported", extra={"render_id": render_id})
            return "stale"
        except (UnavailableError, ClientError, BotoCoreError, OSError) as exc:
            _report_failure(token, "TransientError", "SERVICE_UNAVAILABLE", str(exc))
            return "retrying"
    return "failed"


def _render(db: Database, row: dict[str, Any], tmp: Path, monitor: Monitor, limit: float) -> RenderResult:
    spec = spec_of(row)
    rows = refs.ready_assets(db, row["owner_id"], spec)
    local = sources.download_sources(spec, rows, tmp / "sources")
    out_dir = tmp / "out"
    out_dir.mkdir()
    return render(
        spec,
        local,
        out_dir / f"output.{spec.output.format}",
        on_progress=monitor.on_progress,
        should_cancel=monitor.cancelled,
        timeout=limit,
        scratch_dir=tmp,
    )


def _upload(row: dict[str, Any], result: RenderResult) -> dict[str, Any]:
    prefix = f"renders/{row['owner_id']}/{row['id']}/"
    keys = {}
    for produced in result.files:
        name = {"output": f"output.{result.format}", "poster": "poster.jpg", "thumbnail": "thumbnail.jpg"}[
            produced.role
        ]
        keys[produced.role] = prefix + name
        storage.upload(produced.path, keys[produced.role], produced.content_type)
    return {
        "key": keys["output"],
        "filename": f"{row['id']}.{result.format}",
        "format": result.format,
        "content_type": result.output.content_type,
        "size": result.output.size_bytes,
        "duration": round(result.duration, 3),
        "width": result.width,
        "height": result.height,
        "poster_key": keys.get("poster"),
        "thumbnail_key": keys.get("thumbnail"),
    }

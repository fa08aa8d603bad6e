"""Submitting and cancelling renders: what the API does, as plain functions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from renderowl import netsafe, views
from renderowl.cloud import orchestration
from renderowl.config import get_settings
from renderowl.errors import ConflictError, NotFoundError, UnavailableError, ValidationFailedError
from renderowl.logs import logger
from renderowl.pipeline import refs
from renderowl.pipeline.errors import RenderStepError
from renderowl.spec import parse_spec
from renderowl.store import idempotency, renders
from renderowl.store.db import Database

# A request still "in progress" this long after it began has died mid-way; its key may be resumed.
STALE_IN_PROGRESS = timedelta(seconds=60)


def _validate(db: Database, owner_id: str, spec_raw: dict[str, Any]) -> list[str]:
    """Check the spec and its assets now, so a bad request fails at once with every problem."""
    try:
        spec = parse_spec(spec_raw)
    except ValidationFailedError as exc:
        details = [
            {**d, "path": f"spec.{d['path']}" if d["path"] != "spec" else "spec"} for d in exc.details or []
        ]
        raise ValidationFailedError("the render spec is not valid", details=details) from exc
    try:
        rows = refs.ready_assets(db, owner_id, spec)
    except RenderStepError as exc:
        raise ValidationFailedError(
            exc.message, code=exc.code, details=[{"path": "spec", "message": exc.message}]
        ) from exc
    return sorted({row["id"] for row in rows.values()})


def submit(
    db: Database, owner_id: str, body: dict[str, Any], idempotency_key: str | None
) -> tuple[int, dict[str, Any]]:
    """Create a render and start its execution; returns (HTTP status, render view)."""
    settings = get_settings()
    if body.get("callback_url"):
        netsafe.resolve(body["callback_url"], allow_loopback_http=settings.allow_loopback_http)
    fingerprint = idempotency.request_hash(body) if idempotency_key else ""
    with db.tx() as conn:
        if idempotency_key:
            claim = idempotency.claim(conn, owner_id, idempotency_key, fingerprint)
            if claim.outcome == "replay":
                return int(claim.status or 202), claim.body
            if claim.outcome == "mismatch":
                raise ValidationFailedError(
                    "this Idempotency-Key was used with a different request body",
                    code="IDEMPOTENCY_KEY_REUSED",
                )
            if claim.outcome == "in_progress":
                resumed = _resume(conn, owner_id, idempotency_key)
                if resumed is None:
                    raise ConflictError(
                        "a request with this Idempotency-Key is still being processed; retry shortly",
                        code="IDEMPOTENCY_IN_PROGRESS",
                    )
                row = resumed
            else:
                row = None
        else:
            row = None
    if row is None:
        asset_ids = _validate(db, owner_id, body["spec"])
        with db.tx() as conn:
            row = renders.create(
                conn,
                owner_id,
                spec=body["spec"],
                asset_ids=asset_ids,
                callback_url=body.get("callback_url"),
                runner_override=body.get("runner"),
                idempotency_key=idempotency_key,
            )
    return 202, _start(db, owner_id, row, idempotency_key)


def _resume(conn: Any, owner_id: str, key: str) -> dict[str, Any] | None:
    """The render of an in-progress key whose request died after creating it, if it is stale."""
    row = conn.execute(
        "SELECT r.id FROM renders r JOIN idempotency_keys k ON k.owner_id = r.owner_id AND k.key = r.idempotency_key"
        " WHERE r.owner_id = %s AND r.idempotency_key = %s AND k.created_at < %s",
        (owner_id, key, datetime.now(UTC) - STALE_IN_PROGRESS),
    ).fetchone()
    return renders.get(conn, owner_id, row["id"]) if row else None


def _start(db: Database, owner_id: str, row: dict[str, Any], key: str | None) -> dict[str, Any]:
    try:
        arn = row["execution_arn"] or orchestration.start_execution(row["id"])
    except (ClientError, BotoCoreError) as exc:
        logger.exception("could not start the render", extra={"render_id": row["id"]})
        with db.tx() as conn:
            renders.transition(
                conn,
                row["id"],
                "failed",
                from_=("queued",),
                error_code="START_FAILED",
                error_message="the render could not be started",
                event_view=_event_view,
            )
            if key:
                idempotency.release(conn, owner_id, key)
        raise UnavailableError("the render could not be started; retry") from exc
    with db.tx() as conn:
        conn.execute("UPDATE renders SET execution_arn = %s WHERE id = %s", (arn, row["id"]))
        current = renders.get(conn, owner_id, row["id"])
        assert current is not None
        view = views.render(current, renders.audit_trail(conn, row["id"])).model_dump(mode="json")
        if key:
            idempotency.complete(conn, owner_id, key, 202, view)
    return view


def _event_view(row: dict[str, Any]) -> Any:
    return views.render(row).model_dump(mode="json")


def cancel(db: Database, owner_id: str, render_id: str) -> dict[str, Any]:
    """Cancel at once (terminal), then stop the execution and any Fargate task. The worker notices too."""
    with db.tx() as conn:
        row = renders.get(conn, owner_id, render_id)
        if row is None:
            raise NotFoundError(f"no render {render_id}")
        if row["status"] in renders.TERMINAL:
            raise ConflictError(f"render {render_id} already {row['status']}", code="RENDER_FINISHED")
        row = renders.transition(
            conn, render_id, "cancelled", from_=renders.ACTIVE, detail={"by": "api"}, event_view=_event_view
        )
        if row is None:
            raise ConflictError(f"render {render_id} finished meanwhile", code="RENDER_FINISHED")
        trail = renders.audit_trail(conn, render_id)
    # Best effort after the commit: the worker stops by itself when it sees `cancelled`, and the
    # execution that would have run Notify is being stopped, so the API sends the event itself.
    from renderowl.webhooks.delivery import dispatch_render

    dispatch_render(db, render_id)
    try:
        if row["execution_arn"]:
            orchestration.stop_execution(row["execution_arn"], "cancelled through the API")
        if row["task_arn"]:
            orchestration.stop_task(row["task_arn"], "render cancelled")
    except (ClientError, BotoCoreError):
        logger.exception("could not stop the execution or task", extra={"render_id": render_id})
    return views.render(row, trail).model_dump(mode="json")

"""Renders and their audit trail. Every status change is a guarded UPDATE (`WHERE status IN …`)
that also appends a render event, so a duplicate message, a redelivered task or a retried step
can never move a render backwards or twice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from renderowl.ids import new_id
from renderowl.store import events, paging

Conn = psycopg.Connection[dict[str, Any]]
Row = dict[str, Any]

ACTIVE = ("queued", "planning", "preparing", "rendering", "finalizing")
TERMINAL = ("succeeded", "failed", "cancelled")
TERMINAL_EVENTS = {
    "succeeded": "render.succeeded",
    "failed": "render.failed",
    "cancelled": "render.cancelled",
}

_COLUMNS = (
    "id, owner_id, status, spec, callback_url, runner, runner_override, progress, estimate, execution_arn,"
    " task_arn, error_code, error_message, output, worker_attempt, created_at, updated_at, started_at,"
    " finished_at, expires_at"
)


def create(
    conn: Conn,
    owner_id: str,
    *,
    spec: dict[str, Any],
    asset_ids: list[str],
    callback_url: str | None,
    runner_override: str | None,
    idempotency_key: str | None = None,
) -> Row:
    render_id = new_id("render")
    row = conn.execute(
        f"INSERT INTO renders (id, owner_id, spec, callback_url, runner_override, idempotency_key)"
        f" VALUES (%s, %s, %s, %s, %s, %s) RETURNING {_COLUMNS}",
        (render_id, owner_id, Jsonb(spec), callback_url, runner_override, idempotency_key),
    ).fetchone()
    assert row is not None
    if asset_ids:
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO render_assets (render_id, asset_id) VALUES (%s, %s)",
                [(render_id, asset_id) for asset_id in sorted(set(asset_ids))],
            )
    _event(conn, render_id, None, "queued", {})
    return row


def get(conn: Conn, owner_id: str, render_id: str) -> Row | None:
    return conn.execute(
        f"SELECT {_COLUMNS} FROM renders WHERE id = %s AND owner_id = %s", (render_id, owner_id)
    ).fetchone()


def load(conn: Conn, render_id: str) -> Row | None:
    """A render by id alone: for the pipeline, which acts for whoever owns it."""
    return conn.execute(f"SELECT {_COLUMNS} FROM renders WHERE id = %s", (render_id,)).fetchone()


def page(conn: Conn, owner_id: str, *, limit: int, cursor: str | None, status: str | None) -> list[Row]:
    return paging.page(
        conn,
        f"SELECT {_COLUMNS} FROM renders",
        owner_id=owner_id,
        limit=limit,
        cursor=cursor,
        filters={"status": status},
    )


def transition(
    conn: Conn,
    render_id: str,
    to: str,
    *,
    from_: tuple[str, ...],
    detail: dict[str, Any] | None = None,
    event_view: Callable[[Row], Any] = lambda row: {"id": row["id"]},
    always_record: bool = False,
    **fields: Any,
) -> Row | None:
    """Move to ``to`` only from one of ``from_``, setting ``fields``; None when the guard refused.
    A move to the same status is recorded in the audit trail only with ``always_record`` (a retry).

    A move into a terminal status also records its customer event (`render.succeeded`, …) in the
    same transaction, with ``event_view(row)`` as its data (the render as the API shows it).
    """
    sets = ["status = %s", "updated_at = now()"]
    values: list[Any] = [to]
    for name, value in fields.items():
        sets.append(f"{name} = %s")
        values.append(Jsonb(value) if isinstance(value, dict) else value)
    if to == "rendering":
        sets.append("started_at = COALESCE(started_at, now())")
    if to in TERMINAL:
        sets.append("finished_at = now()")
    row = conn.execute(
        f"UPDATE renders SET {', '.join(sets)} WHERE id = %s AND status = ANY(%s)"
        f" RETURNING {_COLUMNS}, (SELECT status FROM renders WHERE id = %s) AS previous",
        (*values, render_id, list(from_), render_id),
    ).fetchone()
    if row is None:
        return None
    previous = row.pop("previous")
    if previous != to or always_record:
        _event(conn, render_id, previous, to, detail or {})
    if to in TERMINAL:
        events.record(
            conn,
            row["owner_id"],
            TERMINAL_EVENTS[to],
            event_view(row),
            render_id=render_id,
            callback_url=row["callback_url"],
        )
    return row


def set_progress(conn: Conn, render_id: str, progress: int, attempt: int | None = None) -> bool:
    """Raise the progress of a rendering render (never lowers it, never touches a finished one)."""
    cur = conn.execute(
        "UPDATE renders SET progress = %s, updated_at = now()"
        " WHERE id = %s AND status = 'rendering' AND progress < %s"
        " AND (%s::int IS NULL OR worker_attempt IS NULL OR worker_attempt <= %s)",
        (progress, render_id, progress, attempt, attempt),
    )
    return cur.rowcount == 1


def claim_worker(conn: Conn, render_id: str, attempt: int) -> Row | None:
    """Let worker ``attempt`` own the render (a newer attempt wins); None when it may not run."""
    return conn.execute(
        f"UPDATE renders SET worker_attempt = %s, updated_at = now()"
        f" WHERE id = %s AND status IN ('preparing', 'rendering')"
        f"   AND (worker_attempt IS NULL OR worker_attempt <= %s)"
        f" RETURNING {_COLUMNS}",
        (attempt, render_id, attempt),
    ).fetchone()


def why_worker_must_stop(conn: Conn, render_id: str, attempt: int) -> str | None:
    """None while worker ``attempt`` may go on; else `cancelled`, `superseded` (a newer attempt took
    the render over) or `moved-on` (the render left the rendering step)."""
    row = conn.execute("SELECT status, worker_attempt FROM renders WHERE id = %s", (render_id,)).fetchone()
    if row is None or row["status"] == "cancelled":
        return "cancelled"
    if (row["worker_attempt"] or 0) > attempt:
        return "superseded"
    if row["status"] != "rendering":
        return "moved-on"
    return None


def note_error(conn: Conn, render_id: str, code: str, message: str) -> None:
    """Remember a worker's failure on a render that is still running (MarkFailed reads it when the
    failure's cause did not travel with it); a later success clears it."""
    conn.execute(
        "UPDATE renders SET error_code = %s, error_message = %s WHERE id = %s AND status = 'rendering'",
        (code, message[:2000], render_id),
    )


def audit_trail(conn: Conn, render_id: str) -> list[Row]:
    return conn.execute(
        "SELECT id, from_status, to_status, detail, created_at FROM render_events WHERE render_id = %s ORDER BY id",
        (render_id,),
    ).fetchall()


def expired_outputs(conn: Conn, limit: int = 500) -> list[Row]:
    return conn.execute(
        "SELECT id, owner_id, output FROM renders WHERE output IS NOT NULL AND expires_at < now()"
        " AND NOT COALESCE((output->>'expired')::boolean, false) ORDER BY expires_at LIMIT %s",
        (limit,),
    ).fetchall()


def forget_output(conn: Conn, render_id: str) -> None:
    conn.execute(
        "UPDATE renders SET output = output || '{\"expired\": true}'::jsonb, updated_at = now() WHERE id = %s",
        (render_id,),
    )


def _event(
    conn: Conn, render_id: str, from_status: str | None, to_status: str, detail: dict[str, Any]
) -> None:
    conn.execute(
        "INSERT INTO render_events (render_id, from_status, to_status, detail) VALUES (%s, %s, %s, %s)",
        (render_id, from_status, to_status, Jsonb(detail)),
    )

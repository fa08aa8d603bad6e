"""Webhook endpoints, their deliveries and every delivery attempt. Scoped to an owner throughout."""

from __future__ import annotations

from typing import Any

import psycopg

from renderowl.ids import new_id
from renderowl.store import paging

Conn = psycopg.Connection[dict[str, Any]]
Row = dict[str, Any]

EVENT_TYPES = (
    "render.succeeded",
    "render.failed",
    "render.cancelled",
    "render.progress",
    "asset.ready",
    "asset.rejected",
    "webhook.test",
)
# Delivered only to endpoints that name them: progress is chatty, a test is for one endpoint.
OPT_IN_TYPES = ("render.progress", "webhook.test")

_ENDPOINT = (
    "id, owner_id, url, description, event_types, secret, previous_secret, previous_secret_expires_at, status,"
    " disabled_reason, failing_since, created_at, updated_at"
)
_DELIVERY = (
    "d.id, d.owner_id, d.event_id, d.webhook_id, d.render_id, d.url, d.status, d.attempts, d.next_attempt_at,"
    " d.last_status_code, d.last_error, d.delivered_at, d.created_at, d.updated_at"
)


def create_endpoint(
    conn: Conn, owner_id: str, *, url: str, event_types: list[str], description: str, secret: str
) -> Row:
    row = conn.execute(
        f"INSERT INTO webhooks (id, owner_id, url, event_types, description, secret)"
        f" VALUES (%s, %s, %s, %s, %s, %s) RETURNING {_ENDPOINT}",
        (new_id("webhook"), owner_id, url, event_types, description, secret),
    ).fetchone()
    assert row is not None
    return row


def get_endpoint(conn: Conn, owner_id: str, webhook_id: str) -> Row | None:
    return conn.execute(
        f"SELECT {_ENDPOINT} FROM webhooks WHERE id = %s AND owner_id = %s", (webhook_id, owner_id)
    ).fetchone()


def endpoint_by_id(conn: Conn, webhook_id: str) -> Row | None:
    return conn.execute(f"SELECT {_ENDPOINT} FROM webhooks WHERE id = %s", (webhook_id,)).fetchone()


def page_endpoints(conn: Conn, owner_id: str, *, limit: int, cursor: str | None) -> list[Row]:
    return paging.page(
        conn, f"SELECT {_ENDPOINT} FROM webhooks", owner_id=owner_id, limit=limit, cursor=cursor, filters={}
    )


def delete_endpoint(conn: Conn, owner_id: str, webhook_id: str) -> bool:
    cur = conn.execute("DELETE FROM webhooks WHERE id = %s AND owner_id = %s", (webhook_id, owner_id))
    return cur.rowcount == 1


def rotate_secret(conn: Conn, owner_id: str, webhook_id: str, new_secret: str, grace_s: int) -> Row | None:
    """Replace the secret; the old one keeps signing alongside for ``grace_s`` seconds."""
    return conn.execute(
        f"UPDATE webhooks SET previous_secret = secret, secret = %s,"
        f" previous_secret_expires_at = now() + make_interval(secs => %s), updated_at = now()"
        f" WHERE id = %s AND owner_id = %s RETURNING {_ENDPOINT}",
        (new_secret, grace_s, webhook_id, owner_id),
    ).fetchone()


def set_callback_secret(conn: Conn, owner_id: str, secret: str) -> None:
    conn.execute("UPDATE owners SET callback_secret = %s WHERE id = %s", (secret, owner_id))


def wants(conn: Conn, owner_id: str, event_type: str) -> bool:
    """Whether an enabled endpoint of the owner subscribed to ``event_type`` by name."""
    row = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM webhooks WHERE owner_id = %s AND status = 'enabled'"
        " AND %s = ANY(event_types)) AS wanted",
        (owner_id, event_type),
    ).fetchone()
    return bool(row and row["wanted"])


def publish(
    conn: Conn,
    owner_id: str,
    event_id: str,
    event_type: str,
    *,
    render_id: str | None = None,
    callback_url: str | None = None,
    only_webhook: str | None = None,
) -> list[str]:
    """Create a pending delivery of an event to every enabled endpoint that wants it (and to a
    render's ``callback_url``); returns the delivery ids. Idempotent per event and target."""
    if only_webhook:
        targets = conn.execute(
            "SELECT id, url FROM webhooks WHERE id = %s AND owner_id = %s AND status = 'enabled'",
            (only_webhook, owner_id),
        ).fetchall()
    else:
        targets = conn.execute(
            "SELECT id, url FROM webhooks WHERE owner_id = %s AND status = 'enabled'"
            " AND (%s = ANY(event_types) OR (cardinality(event_types) = 0 AND NOT %s = ANY(%s)))",
            (owner_id, event_type, event_type, list(OPT_IN_TYPES)),
        ).fetchall()
    pairs: list[tuple[str | None, str]] = [(t["id"], t["url"]) for t in targets]
    if callback_url and event_type not in OPT_IN_TYPES:
        pairs.append((None, callback_url))
    ids = []
    for webhook_id, url in pairs:
        row = conn.execute(
            "INSERT INTO webhook_deliveries (id, owner_id, event_id, webhook_id, render_id, url, next_attempt_at)"
            " VALUES (%s, %s, %s, %s, %s, %s, now())"
            " ON CONFLICT (event_id, webhook_id, url) DO NOTHING RETURNING id",
            (new_id("delivery"), owner_id, event_id, webhook_id, render_id, url),
        ).fetchone()
        if row:
            ids.append(row["id"])
    return ids


def pending_for_events(conn: Conn, event_ids: list[str]) -> list[str]:
    rows = conn.execute(
        "SELECT id FROM webhook_deliveries WHERE event_id = ANY(%s) AND status = 'pending' ORDER BY id",
        (event_ids,),
    ).fetchall()
    return [r["id"] for r in rows]


def pending_for_render(conn: Conn, render_id: str) -> list[str]:
    rows = conn.execute(
        "SELECT id FROM webhook_deliveries WHERE render_id = %s AND status = 'pending' ORDER BY id",
        (render_id,),
    ).fetchall()
    return [r["id"] for r in rows]


def delivery_for_attempt(conn: Conn, delivery_id: str) -> Row | None:
    """The delivery with its event and endpoint, locked so two deliverers never send it at once."""
    return conn.execute(
        f"SELECT {_DELIVERY}, e.payload, e.type AS event_type, COALESCE(w.secret, o.callback_secret) AS secret,"
        f" w.previous_secret, w.previous_secret_expires_at, w.status AS endpoint_status"
        f" FROM webhook_deliveries d JOIN events e ON e.id = d.event_id JOIN owners o ON o.id = d.owner_id"
        f" LEFT JOIN webhooks w ON w.id = d.webhook_id"
        f" WHERE d.id = %s FOR UPDATE OF d SKIP LOCKED",
        (delivery_id,),
    ).fetchone()


def record_attempt(
    conn: Conn,
    delivery_id: str,
    *,
    attempt: int,
    url: str,
    status_code: int | None,
    latency_ms: int | None,
    excerpt: str | None,
    error: str | None,
) -> None:
    conn.execute(
        "INSERT INTO webhook_attempts (delivery_id, attempt, url, status_code, latency_ms, response_excerpt, error)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s)",
        (delivery_id, attempt, url, status_code, latency_ms, excerpt, error),
    )


def finish_attempt(
    conn: Conn,
    delivery_id: str,
    *,
    status: str,
    attempts: int,
    status_code: int | None,
    error: str | None,
    next_attempt_in_s: float | None,
) -> None:
    conn.execute(
        "UPDATE webhook_deliveries SET status = %s, attempts = %s, last_status_code = %s, last_error = %s,"
        " next_attempt_at = CASE WHEN %s::float8 IS NULL THEN NULL ELSE now() + make_interval(secs => %s) END,"
        " delivered_at = CASE WHEN %s = 'succeeded' THEN now() ELSE delivered_at END, updated_at = now()"
        " WHERE id = %s",
        (status, attempts, status_code, error, next_attempt_in_s, next_attempt_in_s, status, delivery_id),
    )


def endpoint_outcome(
    conn: Conn, webhook_id: str, *, ok: bool, disable_reason: str | None = None, disable_after_s: int
) -> None:
    """Track an endpoint's health: success clears `failing_since`; failing longer than
    ``disable_after_s`` (or a 410) disables it, with the reason shown in the API."""
    if ok:
        conn.execute("UPDATE webhooks SET failing_since = NULL WHERE id = %s", (webhook_id,))
        return
    conn.execute(
        "UPDATE webhooks SET failing_since = COALESCE(failing_since, now()), updated_at = now() WHERE id = %s",
        (webhook_id,),
    )
    conn.execute(
        "UPDATE webhooks SET status = 'disabled', updated_at = now(),"
        " disabled_reason = COALESCE(%s, 'failing for longer than ' || %s || ' seconds')"
        " WHERE id = %s AND status = 'enabled'"
        "   AND (%s::text IS NOT NULL OR failing_since < now() - make_interval(secs => %s))",
        (disable_reason, disable_after_s, webhook_id, disable_reason, disable_after_s),
    )


def reset_for_redelivery(conn: Conn, owner_id: str, webhook_id: str, delivery_id: str) -> Row | None:
    return conn.execute(
        f"UPDATE webhook_deliveries d SET status = 'pending', next_attempt_at = now(), updated_at = now()"
        f" WHERE d.id = %s AND d.owner_id = %s AND d.webhook_id = %s RETURNING {_DELIVERY}",
        (delivery_id, owner_id, webhook_id),
    ).fetchone()


def page_deliveries(
    conn: Conn, owner_id: str, webhook_id: str, *, limit: int, cursor: str | None
) -> list[Row]:
    return conn.execute(
        f"SELECT {_DELIVERY}, e.type AS event_type FROM webhook_deliveries d JOIN events e ON e.id = d.event_id"
        f" WHERE d.owner_id = %s AND d.webhook_id = %s AND (%s::text IS NULL OR d.id < %s)"
        f" ORDER BY d.id DESC LIMIT %s",
        (owner_id, webhook_id, cursor, cursor, limit),
    ).fetchall()


def attempts_of(conn: Conn, delivery_ids: list[str]) -> dict[str, list[Row]]:
    rows = conn.execute(
        "SELECT delivery_id, attempt, url, status_code, latency_ms, response_excerpt, error, created_at"
        " FROM webhook_attempts WHERE delivery_id = ANY(%s) ORDER BY delivery_id, id",
        (delivery_ids,),
    ).fetchall()
    out: dict[str, list[Row]] = {}
    for row in rows:
        out.setdefault(row["delivery_id"], []).append(row)
    return out

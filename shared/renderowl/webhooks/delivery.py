"""Getting events to customers' endpoints: at least once, signed, on a published schedule.

Each delivery is one queue message ``{"delivery_id", "not_before"}``. An attempt signs the event
(the `webhook-id` is the event id, the same on every retry), POSTs it to a vetted address with a
timeout, logs the attempt, and then: any 2xx succeeds; `410 Gone` disables the endpoint; anything
else (3xx included) schedules the next attempt after the schedule's delay or the endpoint's
`Retry-After`, whichever is later. SQS delays stop at 15 minutes, so a longer wait hops: the message
comes back early, sees its `not_before`, and goes back to sleep. After the last attempt the delivery
is `failed` and its message is put in the DLQ.
"""

from __future__ import annotations

import json
import random
import time
from email.utils import parsedate_to_datetime
from typing import Any

import urllib3

from renderowl import netsafe
from renderowl.cloud import queues
from renderowl.config import Settings, get_settings
from renderowl.logs import logger
from renderowl.store import webhooks
from renderowl.store.db import Database
from renderowl.webhooks.signing import sign

SQS_MAX_DELAY_S = 900
EXCERPT_BYTES = 1024
USER_AGENT = "Renderowl-Webhooks/1"


def retry_delay(attempts_made: int, settings: Settings, rng: random.Random | None = None) -> float | None:
    """Seconds until the next attempt after ``attempts_made`` attempts, or None when done."""
    schedule = settings.webhook_retry_schedule
    if attempts_made >= len(schedule):
        return None
    base = schedule[attempts_made]
    spread = base * settings.webhook_jitter
    return max(0.0, base + (rng or random).uniform(-spread, spread))


def retry_after(header: str | None) -> float | None:
    """The seconds a `Retry-After` header asks for (delta-seconds or an HTTP date)."""
    if not header:
        return None
    header = header.strip()
    if header.isdigit():
        return float(header)
    try:
        return max(0.0, parsedate_to_datetime(header).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def enqueue(delivery_id: str, delay_s: float = 0.0) -> None:
    """Queue an attempt for ``delivery_id`` in ``delay_s`` seconds (any length)."""
    not_before = time.time() + delay_s
    queues.send(
        get_settings().webhooks_queue_url,
        {"delivery_id": delivery_id, "not_before": not_before},
        delay_s=int(min(max(delay_s, 0), SQS_MAX_DELAY_S)),
    )


def dispatch(db: Database, event_ids: list[str]) -> list[str]:
    """Queue the pending deliveries of these events (after the transaction that created them)."""
    if not event_ids:
        return []
    with db.tx() as conn:
        pending = webhooks.pending_for_events(conn, event_ids)
    return _enqueue_all(pending)


def dispatch_render(db: Database, render_id: str) -> list[str]:
    """Queue every pending delivery of a render's events (the state machine's Notify step)."""
    with db.tx() as conn:
        pending = webhooks.pending_for_render(conn, render_id)
    return _enqueue_all(pending)


def _enqueue_all(delivery_ids: list[str]) -> list[str]:
    for delivery_id in delivery_ids:
        enqueue(delivery_id)
    return delivery_ids


def handle_message(db: Database, message: dict[str, Any]) -> str:
    """One queue message: wait longer, or make the attempt."""
    remaining = float(message.get("not_before", 0)) - time.time()
    if remaining > 1:
        enqueue(message["delivery_id"], remaining)  # a delay longer than SQS allows: hop
        return "waiting"
    return attempt(db, message["delivery_id"])


def _body(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def _secrets(row: dict[str, Any]) -> list[str]:
    from datetime import UTC, datetime

    out = [row["secret"]]
    expires = row["previous_secret_expires_at"]
    if row["previous_secret"] and expires and expires > datetime.now(UTC):
        out.append(row["previous_secret"])
    return out


def attempt(db: Database, delivery_id: str) -> str:
    """Make the next attempt of a delivery; returns its outcome."""
    settings = get_settings()
    with db.tx() as conn:
        row = webhooks.delivery_for_attempt(conn, delivery_id)
        if row is None:
            return "busy"  # gone, or another deliverer holds it right now
        if row["status"] != "pending":
            return "done"  # a duplicate message
        if row["webhook_id"] and row["endpoint_status"] != "enabled":
            webhooks.finish_attempt(
                conn,
                delivery_id,
                status="failed",
                attempts=row["attempts"],
                status_code=None,
                error="the endpoint is disabled",
                next_attempt_in_s=None,
            )
            return "endpoint-disabled"
        webhooks.finish_attempt(
            conn,
            delivery_id,
            status="delivering",
            attempts=row["attempts"],
            status_code=row["last_status_code"],
            error=row["last_error"],
            next_attempt_in_s=None,
        )
    number = row["attempts"] + 1
    status_code, error, excerpt, latency_ms, wait_hint = _post(row, settings)
    ok = status_code is not None and 200 <= status_code < 300
    gone = status_code == 410
    delay = None if ok or gone else retry_delay(number, settings)
    if delay is not None and wait_hint is not None:
        delay = max(delay, wait_hint)
    status = "succeeded" if ok else ("pending" if delay is not None else "failed")
    with db.tx() as conn:
        webhooks.record_attempt(
            conn,
            delivery_id,
            attempt=number,
            url=row["url"],
            status_code=status_code,
            latency_ms=latency_ms,
            excerpt=excerpt,
            error=error,
        )
        webhooks.finish_attempt(
            conn,
            delivery_id,
            status=status,
            attempts=number,
            status_code=status_code,
            error=error,
            next_attempt_in_s=delay,
        )
        if row["webhook_id"]:
            webhooks.endpoint_outcome(
                conn,
                row["webhook_id"],
                ok=ok,
                disable_reason="the endpoint answered 410 Gone" if gone else None,
                disable_after_s=settings.webhook_disable_after_s,
            )
    logger.info(
        "webhook attempt",
        extra={
            "delivery_id": delivery_id,
            "attempt": number,
            "status": status,
            "status_code": status_code,
            "latency_ms": latency_ms,
        },
    )
    if status == "pending":
        enqueue(delivery_id, delay or 0)
    elif status == "failed":
        # Out of attempts: park the message where operators look for what gave up.
        queues.send(
            settings.webhooks_dlq_url, {"delivery_id": delivery_id, "reason": error or f"HTTP {status_code}"}
        )
    return status


def _post(
    row: dict[str, Any], settings: Settings
) -> tuple[int | None, str | None, str | None, int | None, float | None]:
    """(status code, error, response excerpt, latency ms, Retry-After seconds) of one POST."""
    body = _body(row["payload"])
    headers = {
        **sign(_secrets(row) if row["secret"] else [], row["event_id"], int(time.time()), body),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }
    if not row["secret"]:  # a callback_url of an owner who set no callback secret: sent unsigned
        headers = {k: v for k, v in headers.items() if k != "webhook-signature"}
    started = time.perf_counter()
    try:
        with netsafe.request(
            "POST",
            row["url"],
            body=body,
            headers=headers,
            timeout=settings.webhook_timeout_s,
            allow_loopback_http=settings.allow_loopback_http,
        ) as response:
            excerpt = response.read(EXCERPT_BYTES, decode_content=True).decode("utf-8", "replace")
            latency = int((time.perf_counter() - started) * 1000)
            return response.status, None, excerpt, latency, retry_after(response.headers.get("Retry-After"))
    except netsafe.UnsafeTargetError as exc:
        return None, exc.message, None, None, None
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        return (
            None,
            f"{type(exc).__name__}: {exc}"[:500],
            None,
            int((time.perf_counter() - started) * 1000),
            None,
        )

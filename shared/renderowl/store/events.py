"""The outbox of customer-visible events (`render.succeeded`, `asset.ready`, …).

An event is written in the same transaction as the state change it reports, so one never exists
without the other; webhook delivery reads from here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from renderowl.ids import new_id


def record(
    conn: psycopg.Connection[dict[str, Any]],
    owner_id: str,
    event_type: str,
    data: Any,
    *,
    render_id: str | None = None,
    callback_url: str | None = None,
    only_webhook: str | None = None,
) -> str:
    """Append an event ``{type, timestamp, data}`` and its pending webhook deliveries; returns its id.

    Send the deliveries after the transaction commits (`renderowl.webhooks.delivery.dispatch`).
    """
    from renderowl.store import webhooks

    event_id = new_id("event")
    payload = {"type": event_type, "timestamp": datetime.now(UTC).isoformat(), "data": data}
    conn.execute(
        "INSERT INTO events (id, owner_id, type, payload) VALUES (%s, %s, %s, %s)",
        (event_id, owner_id, event_type, Jsonb(payload)),
    )
    webhooks.publish(
        conn,
        owner_id,
        event_id,
        event_type,
        render_id=render_id,
        callback_url=callback_url,
        only_webhook=only_webhook,
    )
    return event_id

"""Registering endpoints and the API's webhook operations, as plain functions."""

from __future__ import annotations

from typing import Any

from renderowl import netsafe
from renderowl.config import get_settings
from renderowl.errors import NotFoundError
from renderowl.store import events, webhooks
from renderowl.store.db import Database
from renderowl.webhooks.delivery import dispatch, enqueue
from renderowl.webhooks.signing import generate_secret


def register(
    db: Database, owner_id: str, *, url: str, event_types: list[str], description: str
) -> dict[str, Any]:
    """A new endpoint; its URL must be https and public (checked again at every delivery)."""
    netsafe.resolve(url, allow_loopback_http=get_settings().allow_loopback_http)
    with db.tx() as conn:
        return webhooks.create_endpoint(
            conn,
            owner_id,
            url=url,
            event_types=event_types,
            description=description,
            secret=generate_secret(),
        )


def endpoint(db: Database, owner_id: str, webhook_id: str) -> dict[str, Any]:
    with db.tx() as conn:
        row = webhooks.get_endpoint(conn, owner_id, webhook_id)
    if row is None:
        raise NotFoundError(f"no webhook {webhook_id}")
    return row


def rotate(db: Database, owner_id: str, webhook_id: str) -> dict[str, Any]:
    with db.tx() as conn:
        row = webhooks.rotate_secret(
            conn, owner_id, webhook_id, generate_secret(), get_settings().webhook_secret_grace_s
        )
    if row is None:
        raise NotFoundError(f"no webhook {webhook_id}")
    return row


def send_test(db: Database, owner_id: str, webhook_id: str) -> str:
    """Send a `webhook.test` event to this endpoint only; returns the delivery id."""
    row = endpoint(db, owner_id, webhook_id)
    with db.tx() as conn:
        event_id = events.record(
            conn,
            owner_id,
            "webhook.test",
            {"webhook_id": row["id"], "message": "Hello from Renderowl"},
            only_webhook=row["id"],
        )
    [delivery_id] = dispatch(db, [event_id]) or [None]
    if delivery_id is None:
        raise NotFoundError(f"webhook {webhook_id} is disabled")
    return delivery_id


def redeliver(db: Database, owner_id: str, webhook_id: str, delivery_id: str) -> dict[str, Any]:
    """Send a delivery again (its attempts go on counting; the schedule starts over)."""
    with db.tx() as conn:
        row = webhooks.reset_for_redelivery(conn, owner_id, webhook_id, delivery_id)
    if row is None:
        raise NotFoundError(f"no delivery {delivery_id} for webhook {webhook_id}")
    enqueue(delivery_id)
    return row


def rotate_callback_secret(db: Database, owner_id: str) -> str:
    """A new secret for signing deliveries to renders' `callback_url`s (replaces the old one at once)."""
    secret = generate_secret()
    with db.tx() as conn:
        webhooks.set_callback_secret(conn, owner_id, secret)
    return secret

"""Webhook endpoints: register, list, rotate secrets, inspect deliveries, redeliver, test."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BaseModel, Field, field_validator

from renderowl.api.deps import CurrentOwner, Db
from renderowl.api.envelope import Envelope, ok
from renderowl.api.pagination import Page, next_cursor
from renderowl.errors import NotFoundError
from renderowl.store import webhooks as store
from renderowl.webhooks import service

router = Router()


class WebhookRequest(BaseModel):
    url: str = Field(min_length=8, max_length=2048, examples=["https://api.example.com/renderowl/events"])
    events: list[str] = Field(default_factory=list, description="Event types to receive; empty means all.")
    description: str = Field("", max_length=500)

    @field_validator("events")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(store.EVENT_TYPES))
        if unknown:
            raise ValueError(f"unknown event types {unknown}; known: {list(store.EVENT_TYPES)}")
        return sorted(set(value))


class Webhook(BaseModel):
    id: str
    url: str
    events: list[str]
    description: str
    status: Literal["enabled", "disabled"]
    disabled_reason: str | None = None
    failing_since: datetime | None = None
    created_at: datetime
    updated_at: datetime


class WebhookWithSecret(Webhook):
    secret: str = Field(description="The signing secret (`whsec_…`), shown only now: store it.")


class Attempt(BaseModel):
    attempt: int
    status_code: int | None
    latency_ms: int | None
    response_excerpt: str | None
    error: str | None
    at: datetime


class Queued(BaseModel):
    delivery_id: str
    status: Literal["pending"] = "pending"


class Deleted(BaseModel):
    id: str
    deleted: Literal[True] = True


class Delivery(BaseModel):
    id: str
    event_id: str = Field(description="Also the `webhook-id` header: the same on every retry.")
    event_type: str
    status: Literal["pending", "delivering", "succeeded", "failed"]
    attempts: list[Attempt]
    next_attempt_at: datetime | None
    created_at: datetime


def _view(row: dict[str, Any], secret: bool = False) -> Webhook:
    data = {**row, "events": row["event_types"]}
    return WebhookWithSecret.model_validate(data) if secret else Webhook.model_validate(data)


@router.post(
    "/webhooks", summary="Register an endpoint (the signing secret is shown once)", tags=["webhooks"]
)
def create_webhook(
    body: WebhookRequest, owner: CurrentOwner, db: Db
) -> Response[Envelope[WebhookWithSecret]]:
    row = service.register(db, owner.id, url=body.url, event_types=body.events, description=body.description)
    return ok(_view(row, secret=True), status=201)


class CallbackSecret(BaseModel):
    secret: str = Field(description="Signs deliveries to every render's `callback_url`; shown only now.")


@router.post(
    "/webhooks/callback-secret",
    summary="Create or rotate the secret that signs callback_url deliveries",
    tags=["webhooks"],
)
def callback_secret(owner: CurrentOwner, db: Db) -> Envelope[CallbackSecret]:
    return Envelope(data=CallbackSecret(secret=service.rotate_callback_secret(db, owner.id)))


@router.get("/webhooks", summary="List endpoints", tags=["webhooks"])
def list_webhooks(
    owner: CurrentOwner,
    db: Db,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=64)] = None,
) -> Envelope[Page[Webhook]]:
    with db.tx() as conn:
        rows = store.page_endpoints(conn, owner.id, limit=limit + 1, cursor=cursor)
    return Envelope(data=Page(items=[_view(r) for r in rows[:limit]], next_cursor=next_cursor(rows, limit)))


@router.get("/webhooks/<webhook_id>", summary="One endpoint", tags=["webhooks"])
def get_webhook(webhook_id: str, owner: CurrentOwner, db: Db) -> Envelope[Webhook]:
    return Envelope(data=_view(service.endpoint(db, owner.id, webhook_id)))


@router.delete("/webhooks/<webhook_id>", summary="Delete an endpoint", tags=["webhooks"])
def delete_webhook(webhook_id: str, owner: CurrentOwner, db: Db) -> Envelope[Deleted]:
    with db.tx() as conn:
        if not store.delete_endpoint(conn, owner.id, webhook_id):
            raise NotFoundError(f"no webhook {webhook_id}")
    return Envelope(data=Deleted(id=webhook_id))


@router.post(
    "/webhooks/<webhook_id>/rotate-secret",
    summary="New signing secret (the old one signs too for a while)",
    tags=["webhooks"],
)
def rotate_secret(webhook_id: str, owner: CurrentOwner, db: Db) -> Envelope[WebhookWithSecret]:
    return Envelope(data=_view(service.rotate(db, owner.id, webhook_id), secret=True))  # type: ignore[arg-type]


@router.get("/webhooks/<webhook_id>/deliveries", summary="Deliveries and every attempt", tags=["webhooks"])
def list_deliveries(
    webhook_id: str,
    owner: CurrentOwner,
    db: Db,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=64)] = None,
) -> Envelope[Page[Delivery]]:
    service.endpoint(db, owner.id, webhook_id)
    with db.tx() as conn:
        rows = store.page_deliveries(conn, owner.id, webhook_id, limit=limit + 1, cursor=cursor)
        attempts = store.attempts_of(conn, [r["id"] for r in rows[:limit]])
    items = [
        Delivery(
            id=r["id"],
            event_id=r["event_id"],
            event_type=r["event_type"],
            status=r["status"],
            next_attempt_at=r["next_attempt_at"] if r["status"] == "pending" else None,
            created_at=r["created_at"],
            attempts=[
                Attempt(at=a["created_at"], **{k: a[k] for k in Attempt.model_fields if k != "at"})
                for a in attempts.get(r["id"], [])
            ],
        )
        for r in rows[:limit]
    ]
    return Envelope(data=Page(items=items, next_cursor=next_cursor(rows, limit)))


@router.post(
    "/webhooks/<webhook_id>/deliveries/<delivery_id>/redeliver",
    summary="Send a delivery again",
    tags=["webhooks"],
)
def redeliver(webhook_id: str, delivery_id: str, owner: CurrentOwner, db: Db) -> Response[Envelope[Queued]]:
    row = service.redeliver(db, owner.id, webhook_id, delivery_id)
    return ok(Queued(delivery_id=row["id"]), status=202)


@router.post("/webhooks/<webhook_id>/test", summary="Send a webhook.test event", tags=["webhooks"])
def test_webhook(webhook_id: str, owner: CurrentOwner, db: Db) -> Response[Envelope[Queued]]:
    return ok(Queued(delivery_id=service.send_test(db, owner.id, webhook_id)), status=202)

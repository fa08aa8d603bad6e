"""Renders: submit a spec, follow its progress, download the result, cancel it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Header, Query
from pydantic import BaseModel, Field

from renderowl import views
from renderowl.api.deps import CurrentOwner, Db
from renderowl.api.envelope import Envelope, ok
from renderowl.api.pagination import Page, next_cursor
from renderowl.errors import NotFoundError
from renderowl.pipeline.submit import cancel, submit
from renderowl.store import renders

router = Router()


class RenderRequest(BaseModel):
    spec: dict[str, Any] = Field(description="The render spec (see `renderowl schema` and examples/).")
    callback_url: str | None = Field(None, max_length=2048, description="Receives this render's events.")
    runner: Literal["lambda", "fargate"] | None = Field(None, description="Override the automatic choice.")


class AuditEvent(BaseModel):
    from_status: str | None
    to_status: str
    detail: dict[str, Any]
    at: datetime


@router.post("/renders", summary="Submit a render", tags=["renders"])
def create_render(
    body: RenderRequest,
    owner: CurrentOwner,
    db: Db,
    idempotency_key: Annotated[
        str | None,
        Header(alias="Idempotency-Key", max_length=255, description="Retry safely: same key, same render."),
    ] = None,
) -> Response[Envelope[views.Render]]:
    status, view = submit(db, owner.id, body.model_dump(exclude_none=True), idempotency_key)
    return ok(views.Render.model_validate(view), status=status)


@router.get("/renders", summary="List renders, newest first", tags=["renders"])
def list_renders(
    owner: CurrentOwner,
    db: Db,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=64)] = None,
    status: Annotated[views.RenderStatus | None, Query()] = None,
) -> Envelope[Page[views.Render]]:
    with db.tx() as conn:
        rows = renders.page(conn, owner.id, limit=limit + 1, cursor=cursor, status=status)
    return Envelope(
        data=Page(items=[views.render(r) for r in rows[:limit]], next_cursor=next_cursor(rows, limit))
    )


@router.get(
    "/renders/<render_id>", summary="Status, progress, steps and the output of a render", tags=["renders"]
)
def get_render(render_id: str, owner: CurrentOwner, db: Db) -> Envelope[views.Render]:
    with db.tx() as conn:
        row = renders.get(conn, owner.id, render_id)
        if row is None:
            raise NotFoundError(f"no render {render_id}")
        trail = renders.audit_trail(conn, render_id)
    return Envelope(data=views.render(row, trail))


@router.delete("/renders/<render_id>", summary="Cancel a render", tags=["renders"])
def cancel_render(render_id: str, owner: CurrentOwner, db: Db) -> Envelope[views.Render]:
    return Envelope(data=views.Render.model_validate(cancel(db, owner.id, render_id)))


@router.get("/renders/<render_id>/events", summary="The audit trail of a render", tags=["renders"])
def render_events(render_id: str, owner: CurrentOwner, db: Db) -> Envelope[list[AuditEvent]]:
    with db.tx() as conn:
        if renders.get(conn, owner.id, render_id) is None:
            raise NotFoundError(f"no render {render_id}")
        trail = renders.audit_trail(conn, render_id)
    return Envelope(
        data=[
            AuditEvent(
                from_status=e["from_status"], to_status=e["to_status"], detail=e["detail"], at=e["created_at"]
            )
            for e in trail
        ]
    )

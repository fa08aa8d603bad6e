"""Uploads (presigned POST straight to S3), URL imports, and the assets they become."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BaseModel, Field, field_validator

from renderowl import views
from renderowl.api.deps import CurrentOwner, Db
from renderowl.api.envelope import Envelope, ok
from renderowl.api.pagination import Page, next_cursor
from renderowl.cloud import storage
from renderowl.config import get_settings
from renderowl.errors import ConflictError, NotFoundError, PayloadTooLargeError
from renderowl.ingest.imports import request_import
from renderowl.store import assets

router = Router()

ALLOWED_TYPE_PREFIXES = ("video/", "audio/", "image/", "font/")
ALLOWED_TYPES = {"text/vtt", "application/x-subrip", "text/srt", "application/octet-stream"}


class UploadRequest(BaseModel):
    filename: str = Field(min_length=1, max_length=255, examples=["intro.mp4"])
    content_type: str = Field(min_length=3, max_length=127, examples=["video/mp4"])
    size: int = Field(gt=0, description="Exact size in bytes; the upload may not be larger.")

    @field_validator("content_type")
    @classmethod
    def _media_type(cls, value: str) -> str:
        value = value.strip().lower()
        if not (value.startswith(ALLOWED_TYPE_PREFIXES) or value in ALLOWED_TYPES):
            raise ValueError("must be a video, audio, image, font or caption type (e.g. video/mp4)")
        return value

    @field_validator("filename")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        if any(ch in value for ch in "/\\\x00") or value in {".", ".."}:
            raise ValueError("must be a file name without a path")
        return value


class UploadForm(BaseModel):
    url: str = Field(description="POST the file here as multipart/form-data.")
    fields: dict[str, str] = Field(description="Form fields to send before the `file` field, unchanged.")
    expires_at: datetime


class Upload(BaseModel):
    asset: views.Asset
    upload: UploadForm


class ImportRequest(BaseModel):
    url: str = Field(min_length=8, max_length=2048, examples=["https://example.com/clip.mp4"])


class Deleted(BaseModel):
    id: str
    deleted: Literal[True] = True


@router.post(
    "/uploads", summary="Start an upload: an asset and a presigned POST for its bytes", tags=["assets"]
)
def create_upload(body: UploadRequest, owner: CurrentOwner, db: Db) -> Response[Envelope[Upload]]:
    settings = get_settings()
    if body.size > settings.max_upload_bytes:
        raise PayloadTooLargeError(
            f"size {body.size} is over the {settings.max_upload_bytes}-byte limit",
            details={"path": "size", "limit": settings.max_upload_bytes},
        )
    with db.tx() as conn:
        row = assets.create(
            conn, owner.id, filename=body.filename, content_type=body.content_type, declared_size=body.size
        )
    post = storage.presign_post(row["source_key"], body.content_type, body.size, settings.upload_url_ttl_s)
    result = Upload(
        asset=views.asset(row),
        upload=UploadForm(url=post.url, fields=post.fields, expires_at=post.expires_at),
    )
    return ok(result, status=201)


@router.post("/assets/import", summary="Import a file from an https URL", tags=["assets"])
def import_asset(body: ImportRequest, owner: CurrentOwner, db: Db) -> Response[Envelope[views.Asset]]:
    row = request_import(db, owner.id, body.url)
    return ok(views.asset(row), status=202)


@router.get("/assets", summary="List assets, newest first", tags=["assets"])
def list_assets(
    owner: CurrentOwner,
    db: Db,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=64)] = None,
    status: Annotated[views.AssetStatus | None, Query()] = None,
    kind: Annotated[views.AssetKind | None, Query()] = None,
) -> Envelope[Page[views.Asset]]:
    with db.tx() as conn:
        rows = assets.page(conn, owner.id, limit=limit + 1, cursor=cursor, status=status, kind=kind)
    return Envelope(
        data=Page(items=[views.asset(r) for r in rows[:limit]], next_cursor=next_cursor(rows, limit))
    )


@router.get("/assets/<asset_id>", summary="One asset: status, metadata and presigned URLs", tags=["assets"])
def get_asset(asset_id: str, owner: CurrentOwner, db: Db) -> Envelope[views.Asset]:
    with db.tx() as conn:
        row = assets.get(conn, owner.id, asset_id)
    if row is None:
        raise NotFoundError(f"no asset {asset_id}")
    return Envelope(data=views.asset(row))


@router.delete("/assets/<asset_id>", summary="Delete an asset and its files", tags=["assets"])
def delete_asset(asset_id: str, owner: CurrentOwner, db: Db) -> Envelope[Deleted]:
    with db.tx() as conn:
        row = assets.lock_for_delete(conn, owner.id, asset_id)
        if row is None:
            raise NotFoundError(f"no asset {asset_id}")
        renders = assets.in_use(conn, asset_id)
        if renders:
            raise ConflictError(
                f"asset {asset_id} is used by {len(renders)} queued or running render(s)",
                code="ASSET_IN_USE",
                details={"renders": renders},
            )
        assets.mark_deleted(conn, owner.id, asset_id)
    # Rows first, bytes second: a crash between the two leaves orphan bytes (swept by lifecycle
    # rules), never a row pointing at missing bytes.
    storage.delete_prefix(f"uploads/{owner.id}/{asset_id}/")
    storage.delete_prefix(assets.derivative_prefix(owner.id, asset_id))
    return Envelope(data=Deleted(id=asset_id))

"""The response envelope: ``{"success": true, "data": …}`` or ``{"success": false, "error": …}``."""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from aws_lambda_powertools.event_handler import Response, content_types
from pydantic import BaseModel, Field

from renderowl.errors import RenderowlError

T = TypeVar("T")


class Envelope(BaseModel, Generic[T]):
    """A successful response."""

    success: Literal[True] = True
    data: T


class ErrorInfo(BaseModel):
    code: str = Field(description="Stable, documented error code (e.g. `UNAUTHORIZED`).")
    message: str = Field(description="What went wrong, for a human.")
    details: Any = Field(None, description="Machine-readable specifics, e.g. every invalid field.")


class ErrorEnvelope(BaseModel):
    """A failed response."""

    success: Literal[False] = False
    error: ErrorInfo


def ok(data: BaseModel, status: int = 200, headers: dict[str, str] | None = None) -> Response[Any]:
    """A success envelope with an explicit status (201, 202). Annotate the route ``-> Response[Envelope[X]]``:
    the body stays a model, so the resolver validates and documents it like any other response."""
    return Response(status, content_types.APPLICATION_JSON, Envelope(data=data), headers=headers)


def error_response(status: int, code: str, message: str, details: Any = None) -> Response[Any]:
    body = ErrorEnvelope(error=ErrorInfo(code=code, message=message, details=details))
    return Response(status, content_types.APPLICATION_JSON, body.model_dump_json())


def from_error(err: RenderowlError) -> Response[Any]:
    """The envelope for a domain error."""
    return error_response(err.status, err.code, err.message, err.details)

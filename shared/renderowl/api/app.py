"""The API application: routers under ``/api/v1``, CORS, and the one place errors become HTTP."""

from __future__ import annotations

import json
import time
from functools import lru_cache
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response, content_types
from aws_lambda_powertools.event_handler.depends import DependencyResolutionError
from aws_lambda_powertools.event_handler.exceptions import NotFoundError as RouteNotFound
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer

from renderowl import __version__
from renderowl.api.envelope import error_response, from_error
from renderowl.api.routes import assets, renders, system, webhooks
from renderowl.config import Settings, get_settings
from renderowl.errors import RenderowlError
from renderowl.logs import logger

API_PREFIX = "/api/v1"
OPENAPI_PATH = f"{API_PREFIX}/openapi.json"
ROUTERS = [system.router, assets.router, renders.router, webhooks.router]
CORS_HEADERS = ["Idempotency-Key"]
CORS_EXPOSE = ["Location", "Retry-After"]


def cors_config(settings: Settings) -> CORSConfig | None:
    """CORS for the configured frontend origins only (none configured: no CORS headers)."""
    if not settings.cors_origins:
        return None
    first, *rest = settings.cors_origins
    return CORSConfig(
        allow_origin=first,
        extra_origins=rest,
        allow_headers=CORS_HEADERS,
        expose_headers=CORS_EXPOSE,
        max_age=600,
    )


def json_path(loc: tuple[Any, ...] | list[Any]) -> str:
    """``("body", "spec", "tracks", 1)`` → ``spec.tracks[1]`` (the request part is dropped)."""
    parts = list(loc)
    if parts and parts[0] in {"body", "query", "path", "header"}:
        parts = parts[1:] if parts[0] == "body" else parts
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "body"


def access_log(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response[Any]:
    """One structured line per request: method, path, status, latency (never headers or bodies)."""
    started = time.perf_counter()
    status = 500
    try:
        response = next_middleware(app)
        status = response.status_code
        return response
    except Exception as err:  # mapped to HTTP by the exception handlers after this
        cause = err.__cause__ if isinstance(err, DependencyResolutionError) else err
        status = cause.status if isinstance(cause, RenderowlError) else 500
        raise
    finally:
        event = app.current_event
        logger.info(
            "request",
            extra={
                "method": event.http_method,
                "path": event.path,
                "status": status,
                "latency_ms": round((time.perf_counter() - started) * 1000, 2),
            },
        )


def build_app(settings: Settings) -> APIGatewayRestResolver:
    """A resolver with every router, CORS and error mapping (routes do no I/O at build time)."""
    app = APIGatewayRestResolver(enable_validation=True, cors=cors_config(settings))
    for router in ROUTERS:
        app.include_router(router, prefix=API_PREFIX)
    app.use(middlewares=[access_log])

    @app.get(OPENAPI_PATH, include_in_schema=False)
    def openapi_document() -> Response[str]:
        return Response(200, content_types.APPLICATION_JSON, openapi_json(app))

    @app.exception_handler(RenderowlError)
    def on_domain_error(err: RenderowlError) -> Response[Any]:
        if err.status == 500:
            logger.exception("request failed", extra={"error_code": err.code})
        elif err.status >= 500:
            logger.warning(err.message, extra={"error_code": err.code, "details": err.details})
        return from_error(err)

    @app.exception_handler(RequestValidationError)
    def on_invalid_request(err: RequestValidationError) -> Response[Any]:
        details = [
            {"path": json_path(e["loc"]), "message": e["msg"], "type": e["type"]} for e in err.errors()
        ]
        if any(e["type"] == "json_invalid" for e in err.errors()):
            return error_response(400, "BAD_REQUEST", "the request body is not valid JSON", details)
        return error_response(422, "VALIDATION_FAILED", "the request is not valid", details)

    @app.not_found
    def on_not_found(_: RouteNotFound) -> Response[Any]:
        return error_response(
            404, "ROUTE_NOT_FOUND", f"no route {app.current_event.http_method} {app.current_event.path}"
        )

    @app.exception_handler(Exception)
    def on_unexpected(err: Exception) -> Response[Any]:
        # The one catch-all: log the stack, give the caller a stable code and no internals.
        logger.exception("unhandled error")
        return error_response(500, "INTERNAL_ERROR", "an unexpected error occurred")

    return app


def openapi_json(app: APIGatewayRestResolver) -> str:
    """The OpenAPI document of ``app``, as served and as committed in ``docs/openapi.json``."""
    document = app.get_openapi_schema(
        title="Renderowl API",
        version=__version__,
        description="Render videos from JSON specs. Every response is an envelope: "
        '`{"success": true, "data": …}` or `{"success": false, "error": {"code", "message", "details"}}`.',
        security_schemes={
            "bearer": HTTPBearer(description="An API key (`ro_…`) or a JWT of your identity provider")
        },
        security=[{"bearer": []}],
    )
    return (
        json.dumps(
            document.model_dump(mode="json", by_alias=True, exclude_none=True), indent=2, sort_keys=True
        )
        + "\n"
    )


@lru_cache(maxsize=1)
def get_app() -> APIGatewayRestResolver:
    """The process-wide application, built on first use."""
    return build_app(get_settings())

"""Domain errors. One module, one hierarchy; the API maps them to HTTP in one place.

Every error carries a stable machine-readable ``code`` (documented in the README) and the HTTP
status it maps to. Adapters translate vendor exceptions into these with ``raise ... from``.
"""

from __future__ import annotations

from typing import Any


class RenderowlError(Exception):
    """Base class: a failure with a stable code, a human message and optional details."""

    code = "INTERNAL_ERROR"
    status = 500

    def __init__(self, message: str, *, details: Any = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        if code is not None:
            self.code = code


class BadRequestError(RenderowlError):
    code = "BAD_REQUEST"
    status = 400


class ValidationFailedError(RenderowlError):
    """Input parsed but is not acceptable; ``details`` lists every problem with its JSON path."""

    code = "VALIDATION_FAILED"
    status = 422


class UnauthorizedError(RenderowlError):
    code = "UNAUTHORIZED"
    status = 401


class ForbiddenError(RenderowlError):
    code = "FORBIDDEN"
    status = 403


class NotFoundError(RenderowlError):
    code = "NOT_FOUND"
    status = 404


class ConflictError(RenderowlError):
    code = "CONFLICT"
    status = 409


class PayloadTooLargeError(RenderowlError):
    code = "PAYLOAD_TOO_LARGE"
    status = 413


class RateLimitedError(RenderowlError):
    code = "RATE_LIMITED"
    status = 429


class UnavailableError(RenderowlError):
    """A dependency (database, storage, a provider) cannot be reached right now; retryable."""

    code = "SERVICE_UNAVAILABLE"
    status = 503


class ConfigurationError(RenderowlError):
    code = "CONFIGURATION_ERROR"
    status = 500

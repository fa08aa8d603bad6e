"""Errors of the render engine, all `RenderowlError`s with stable codes."""

from __future__ import annotations

from renderowl.errors import RenderowlError, ValidationFailedError


class MediaProbeError(ValidationFailedError):
    """A source file cannot be opened or has no usable stream."""

    code = "MEDIA_UNREADABLE"


class RenderFailedError(RenderowlError):
    """FFmpeg exited with an error; ``details`` carries the tail of its stderr."""

    code = "RENDER_FAILED"
    status = 500


class RenderCancelledError(RenderowlError):
    """The caller asked the render to stop; partial output was removed."""

    code = "RENDER_CANCELLED"
    status = 409


class RenderTimeoutError(RenderFailedError):
    """The render ran longer than its time budget and was stopped."""

    code = "RENDER_TIMEOUT"
    status = 504

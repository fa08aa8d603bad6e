"""How a Catch's `$.error` becomes the render's error code and message."""

import json

import pytest

from renderowl.pipeline.errors import RenderStepError, error_from_state


def _lambda_error(exc: Exception) -> dict[str, str]:
    # What Step Functions puts in $.error when a Lambda step raises
    return {
        "Error": type(exc).__name__,
        "Cause": json.dumps({"errorType": type(exc).__name__, "errorMessage": str(exc), "stackTrace": []}),
    }


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            _lambda_error(RenderStepError("ASSET_NOT_READY", "assets not ready: asset://ast_1 (processing)")),
            ("ASSET_NOT_READY", "assets not ready: asset://ast_1 (processing)"),
        ),
        (
            {
                "Error": "RenderFailed.RENDER_FAILED",
                "Cause": json.dumps({"code": "RENDER_FAILED", "message": "FFmpeg failed: x"}),
            },
            ("RENDER_FAILED", "FFmpeg failed: x"),
        ),
        (
            {"Error": "RenderFailed.MEDIA_UNREADABLE"},
            ("MEDIA_UNREADABLE", "the render failed (MEDIA_UNREADABLE)"),
        ),
        ({"Error": "States.HeartbeatTimeout", "Cause": ""}, ("WORKER_LOST", pytest.approx)),
        ({"Error": "States.Timeout"}, ("WORKER_LOST", pytest.approx)),
        (
            {
                "Error": "TransientError",
                "Cause": json.dumps({"errorType": "TransientError", "errorMessage": "db down"}),
            },
            ("SERVICE_UNAVAILABLE", "db down"),
        ),
        ({"Error": "Lambda.Unknown", "Cause": "boom"}, ("INTERNAL_ERROR", "boom")),
        (None, ("INTERNAL_ERROR", "the render failed")),
    ],
)
def test_catch_errors_become_a_code_and_a_message(error: dict | None, expected: tuple) -> None:  # type: ignore[type-arg]
    code, message = error_from_state(error)
    assert code == expected[0]
    if expected[1] is not pytest.approx:
        assert message == expected[1]
    else:
        assert "stopped reporting" in message

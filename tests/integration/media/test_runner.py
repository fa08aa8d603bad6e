"""The runner: progress, cancellation within 2 s with no process or file left, timeouts, failures."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import psutil
import pytest

from renderowl.media import RenderCancelledError, RenderFailedError, RenderTimeoutError, run_ffmpeg
from tests.integration.media.helpers import RenderFn

pytestmark = pytest.mark.slow

# A render that takes many seconds: a long, large, moving picture at the slowest quality.
HEAVY = {
    "timeline": {
        "tracks": [
            {"clips": [{"asset": {"type": "image", "src": "pattern.jpg"}, "length": 120, "effect": "zoomIn"}]}
        ]
    },
    "output": {"format": "mp4", "resolution": "1080", "fps": 30, "quality": "high"},
}


def ffmpeg_children() -> list[psutil.Process]:
    return [p for p in psutil.Process().children(recursive=True) if "ffmpeg" in p.name()]


def test_progress_is_reported_up_to_done(render_spec: RenderFn) -> None:
    # Given a progress callback
    seen: list[float] = []
    raw = {
        "timeline": {"tracks": [{"clips": [{"asset": {"type": "video", "src": "red.mp4"}, "length": 3}]}]},
        "output": {"format": "mp4", "size": {"width": 160, "height": 90}, "fps": 10},
    }

    # When rendering
    render_spec(raw, on_progress=seen.append)

    # Then fractions only grow and end at 1
    assert seen and seen[-1] == 1.0
    assert seen == sorted(seen)


def test_cancel_stops_ffmpeg_quickly_and_leaves_nothing(render_spec: RenderFn, tmp_path: Path) -> None:
    # Given a long render that is cancelled once it has made progress
    cancel = threading.Event()
    children: list[psutil.Process] = []
    cancelled_at: list[float] = []

    def on_progress(fraction: float) -> None:
        if fraction > 0 and not cancel.is_set():
            children.extend(ffmpeg_children())
            cancelled_at.append(time.monotonic())
            cancel.set()

    # When it runs
    with pytest.raises(RenderCancelledError) as caught:
        render_spec(HEAVY, name="heavy.mp4", on_progress=on_progress, should_cancel=cancel)
    stopped_in = time.monotonic() - cancelled_at[0]

    # Then it stops within 2 s, FFmpeg is gone and no partial output remains
    assert caught.value.code == "RENDER_CANCELLED"
    assert stopped_in < 2.0
    assert children, "FFmpeg was running when cancelled"
    assert all(not p.is_running() or p.status() == psutil.STATUS_ZOMBIE for p in children)
    assert not (tmp_path / "heavy.mp4").exists()


def test_timeout_stops_the_render(render_spec: RenderFn, tmp_path: Path) -> None:
    # When a long render exceeds its time budget
    with pytest.raises(RenderTimeoutError) as caught:
        render_spec(HEAVY, name="slow.mp4", timeout=1.0)

    # Then it is reported as a timeout and nothing is left
    assert caught.value.code == "RENDER_TIMEOUT"
    assert not (tmp_path / "slow.mp4").exists()
    assert ffmpeg_children() == []


def test_ffmpeg_failure_carries_stderr_and_cleans_up(ffmpeg: str, tmp_path: Path) -> None:
    # Given an output file that exists before a failing run
    partial = tmp_path / "partial.mp4"
    partial.write_bytes(b"partial")

    # When FFmpeg fails (its input does not exist)
    with pytest.raises(RenderFailedError) as caught:
        run_ffmpeg(ffmpeg, ["-i", str(tmp_path / "missing.mp4"), str(partial)], cleanup=[partial])

    # Then the error is a RENDER_FAILED with FFmpeg's own words, and the file is removed
    error: Any = caught.value
    assert error.code == "RENDER_FAILED"
    assert any("missing.mp4" in line for line in error.details["stderr"])
    assert not partial.exists()

"""The one place that runs FFmpeg: progress, cancellation, timeout, cleanup, domain errors.

FFmpeg runs in its own process group (``start_new_session``) so that stopping it stops everything it
started and no orphan survives. Progress comes from ``-progress pipe:1`` (``out_time_us`` against the
known output duration). Cancellation and timeouts send SIGTERM to the group, then SIGKILL after a grace
period; partial output files are removed on every path that does not succeed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path

from renderowl.media.errors import RenderCancelledError, RenderFailedError, RenderTimeoutError
from renderowl.osproc import die_with_parent

ProgressCallback = Callable[[float], None]
CancelCheck = Callable[[], bool]

_POLL_S = 0.05
_STDERR_LINES = 40


def _kill_group(proc: subprocess.Popen[bytes], grace: float) -> None:
    """SIGTERM the process group, then SIGKILL whatever is left after ``grace`` seconds."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _remove(paths: Iterable[Path]) -> None:
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def run_ffmpeg(
    binary: str,
    argv: list[str],
    *,
    duration: float | None = None,
    on_progress: ProgressCallback | None = None,
    should_cancel: CancelCheck | threading.Event | None = None,
    timeout: float | None = None,
    cleanup: Iterable[Path] = (),
    kill_grace: float = 1.0,
) -> None:
    """Run ``binary argv`` to completion.

    ``on_progress`` receives a fraction in [0, 1] (needs ``duration``); ``should_cancel`` is polled about
    every 50 ms (a callable or a `threading.Event`); ``timeout`` bounds wall time in seconds. The files in
    ``cleanup`` are deleted unless FFmpeg succeeds. Raises `RenderCancelledError`, `RenderTimeoutError`
    or `RenderFailedError` (with the tail of stderr in ``details``).
    """
    cancel_check: CancelCheck
    if isinstance(should_cancel, threading.Event):
        cancel_check = should_cancel.is_set
    else:
        cancel_check = should_cancel or (lambda: False)
    cleanup = list(cleanup)
    command = [
        binary,
        "-hide_banner",
        "-nostdin",
        "-nostats",
        "-loglevel",
        "error",
        "-progress",
        "pipe:1",
        "-y",
        *argv,
    ]
    proc = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        # Its own process group (so stopping it stops everything it started), yet it dies with its
        # parent: a worker killed mid-render leaves no FFmpeg behind.
        preexec_fn=die_with_parent(),
    )
    stderr_tail: deque[str] = deque(maxlen=_STDERR_LINES)

    def read_progress() -> None:
        assert proc.stdout is not None
        last = -1.0
        for raw in proc.stdout:
            line = raw.decode("utf-8", "replace").strip()
            if not on_progress:
                continue
            if line.startswith("out_time_us=") and duration:
                try:
                    fraction = min(max(int(line.split("=", 1)[1]) / 1e6 / duration, 0.0), 1.0)
                except ValueError:
                    continue  # "N/A" before the first frame
                if fraction > last:
                    last = fraction
                    on_progress(fraction)
            elif line == "progress=end" and last < 1.0:
                last = 1.0
                on_progress(1.0)

    def read_stderr() -> None:
        assert proc.stderr is not None
        for raw in proc.stderr:
            stderr_tail.append(raw.decode("utf-8", "replace").rstrip())

    readers = [threading.Thread(target=fn, daemon=True) for fn in (read_progress, read_stderr)]
    for reader in readers:
        reader.start()
    deadline = None if timeout is None else time.monotonic() + timeout
    outcome = "done"
    try:
        while proc.poll() is None:
            if cancel_check():
                outcome = "cancelled"
                break
            if deadline is not None and time.monotonic() > deadline:
                outcome = "timeout"
                break
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=_POLL_S)
    except BaseException:
        _kill_group(proc, 0.0)
        _remove(cleanup)
        raise
    finally:
        if outcome != "done":
            _kill_group(proc, kill_grace)
        for reader in readers:
            reader.join(timeout=2)
    if outcome == "cancelled":
        _remove(cleanup)
        raise RenderCancelledError("render was cancelled")
    if outcome == "timeout":
        _remove(cleanup)
        raise RenderTimeoutError(
            f"render exceeded its {timeout:g}s time limit", details={"stderr": list(stderr_tail)}
        )
    if proc.returncode != 0:
        _remove(cleanup)
        tail = list(stderr_tail)
        last = tail[-1] if tail else f"exit status {proc.returncode}"
        raise RenderFailedError(
            f"FFmpeg failed: {last}", details={"stderr": tail, "exit_code": proc.returncode}
        )

"""Child processes that die with the local cloud, even when it is killed."""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
from collections.abc import Callable

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> Callable[[], None] | None:
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL("libc.so.6", use_errno=True)

    def setup() -> None:
        # The kernel sends SIGTERM to the child when the parent exits for any reason (SIGKILL too),
        # so a crashed `renderowl dev` leaves no moto server or worker behind.
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)

    return setup


def spawn(argv: list[str], *, env: dict[str, str] | None = None, **kwargs: object) -> subprocess.Popen[bytes]:
    """Start ``argv`` as a child bound to this process's lifetime."""
    return subprocess.Popen(argv, env=env, preexec_fn=_die_with_parent(), **kwargs)  # type: ignore[call-overload]


def stop(proc: subprocess.Popen[bytes], grace_s: float = 5.0) -> None:
    """SIGTERM, then SIGKILL after ``grace_s``."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(grace_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def python_module_argv(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]


def child_env(extra: dict[str, str]) -> dict[str, str]:
    return {**os.environ, **extra}

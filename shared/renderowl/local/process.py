"""Child processes that die with the local cloud, even when it is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from renderowl.osproc import die_with_parent


def spawn(argv: list[str], *, env: dict[str, str] | None = None, **kwargs: object) -> subprocess.Popen[bytes]:
    """Start ``argv`` as a child bound to this process's lifetime."""
    # SIGTERM when this process exits for any reason (SIGKILL too): no moto server or worker survives.
    return subprocess.Popen(argv, env=env, preexec_fn=die_with_parent(signal.SIGTERM), **kwargs)  # type: ignore[call-overload]


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

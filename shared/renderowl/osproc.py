"""Child processes bound to their parent's lifetime (Linux): a worker that is killed takes its
FFmpeg with it, and a killed local cloud leaves no server behind."""

from __future__ import annotations

import ctypes
import signal
import sys
from collections.abc import Callable

_PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int = signal.SIGKILL) -> Callable[[], None] | None:
    """A ``preexec_fn`` asking the kernel to send ``sig`` to the child when its parent dies."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL("libc.so.6", use_errno=True)

    def setup() -> None:
        libc.prctl(_PR_SET_PDEATHSIG, sig)

    return setup

"""moto in server mode, as a child process on 127.0.0.1, with Step Functions execution on."""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass
from subprocess import DEVNULL, Popen

import httpx

from renderowl.local import process


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class MotoServer:
    port: int
    proc: Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        process.stop(self.proc)


def start_moto(
    port: int | None = None, *, engine_port: int | None = None, timeout_s: float = 20.0
) -> MotoServer:
    """Start moto and wait until it answers; Step Functions then really runs state machines.

    ``engine_port`` is where moto's Step Functions engine sends its own AWS calls (Lambda, SQS…):
    the local cloud puts its Lambda proxy there. By default, moto itself.
    """
    port = port or free_port()
    # MOTO_PORT tells moto's Step Functions engine where to reach SQS, Lambda and the rest.
    env = process.child_env({"MOTO_PORT": str(engine_port or port), "AWS_DEFAULT_REGION": "us-east-1"})
    proc = process.spawn(
        process.python_module_argv("moto.server", "-H", "127.0.0.1", "-p", str(port)),
        env=env,
        stdout=DEVNULL,
        stderr=DEVNULL,
    )
    server = MotoServer(port=port, proc=proc)
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            httpx.post(
                f"{server.url}/moto-api/config",
                json={"stepfunctions": {"execute_state_machine": True}},
                timeout=2,
            ).raise_for_status()
            return server
        except httpx.HTTPError:
            if proc.poll() is not None or time.monotonic() > deadline:
                server.stop()
                raise RuntimeError("the moto server did not start") from None
            time.sleep(0.1)

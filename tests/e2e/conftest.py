"""End-to-end fixtures: `renderowl dev` started as its own process and called over HTTP."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import pytest

from renderowl.local.moto_server import free_port

BIN = Path(sys.executable).parent


def cli_env(state_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("RENDEROWL_", "AWS_")) and k != "DATABASE_URL"
    }
    return {**env, "RENDEROWL_STATE_DIR": str(state_dir), "RENDEROWL_LOCAL_CONCURRENCY": "2"}


@dataclass
class DevServer:
    state_dir: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[str] | None = None
    output: list[str] = field(default_factory=list)
    descendants: list[psutil.Process] = field(default_factory=list)

    @property
    def aws_url(self) -> str:
        line = next(line for line in self.output if line.startswith("ready "))
        return line.split()[2]

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v1"

    def start(self, *extra: str, timeout_s: float = 90) -> None:
        self.output = []
        self.proc = subprocess.Popen(
            [str(BIN / "renderowl"), "dev", "--port", str(self.port), *extra],
            env={**cli_env(self.state_dir), **self.extra_env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        ready = threading.Event()

        def read() -> None:
            assert self.proc and self.proc.stdout
            for line in self.proc.stdout:
                self.output.append(line)
                if line.startswith("ready "):
                    ready.set()

        threading.Thread(target=read, daemon=True).start()
        if not ready.wait(timeout_s):
            self.kill()
            raise AssertionError("renderowl dev did not become ready:\n" + "".join(self.output))
        self.descendants = psutil.Process(self.proc.pid).children(recursive=True)

    def stop(self) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(60)
        self.proc = None
        return code

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(10)
            self.proc = None

    def s3(self) -> Any:
        """A boto3 S3 client for this local cloud's moto."""
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.aws_url,
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )

    def create_key(self, owner: str) -> str:
        result = subprocess.run(
            [str(BIN / "renderowl"), "keys", "create", "--owner", owner],
            env=cli_env(self.state_dir),
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return result.stdout.strip().splitlines()[-1]


@pytest.fixture
def dev_server(tmp_path: Path) -> Iterator[DevServer]:
    server = DevServer(state_dir=tmp_path / "state")
    server.start()
    yield server
    if server.proc is not None:
        server.stop()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """On a failure, show what the local cloud itself logged (its tracebacks live there)."""
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        for value in getattr(item, "funcargs", {}).values():
            servers = (
                [value]
                if isinstance(value, DevServer)
                else [v for v in value if isinstance(v, DevServer)]
                if isinstance(value, tuple)
                else []
            )
            for server in servers:
                report.sections.append(("renderowl dev output", "".join(server.output[-200:])))

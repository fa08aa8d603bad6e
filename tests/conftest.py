"""Fixtures shared by every suite: a real Postgres, a real moto server, clean settings.

Postgres is ``RENDEROWL_TEST_DATABASE_URL`` when set, else an embedded server per test worker.
moto runs in server mode on 127.0.0.1 (the same way the local cloud runs it) and is reset
between tests.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from renderowl.cloud.aws import reset_clients
from renderowl.config import get_settings
from renderowl.store.db import Database, get_database, migrate

REPO = Path(__file__).resolve().parents[1]

_TABLES = (
    "webhook_attempts, webhook_deliveries, webhooks, events, idempotency_keys, render_events, "
    "render_assets, renders, assets, api_keys, owners"
)


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Every test starts from the documented defaults, never from the developer's shell."""
    for key in list(os.environ):
        if key.startswith(("RENDEROWL_", "AWS_", "POWERTOOLS_")) or key in {"DATABASE_URL", "FFMPEG_BINARY"}:
            monkeypatch.delenv(key)
    monkeypatch.setenv("RENDEROWL_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    get_settings.cache_clear()
    reset_clients()
    yield
    get_settings.cache_clear()
    reset_clients()


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = os.environ.get("RENDEROWL_TEST_DATABASE_URL")
    if url:
        yield url
        return
    from renderowl.local.postgres import embedded_database_url

    yield embedded_database_url(tmp_path_factory.mktemp("pg"))


@pytest.fixture
def db(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """A migrated, empty database, also what ``get_database()`` returns during the test."""
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    get_settings.cache_clear()
    get_database.cache_clear()
    database = get_database()
    migrate(database)
    with database.tx() as conn:
        conn.execute(f"TRUNCATE {_TABLES} CASCADE")
    yield database
    database.close()
    get_database.cache_clear()


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    from renderowl.local.moto_server import start_moto

    server = start_moto()
    yield server.url
    server.stop()


@pytest.fixture
def aws(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A clean moto behind ``AWS_ENDPOINT_URL`` with Step Functions execution on."""
    httpx.post(f"{moto_url}/moto-api/reset", timeout=10).raise_for_status()
    httpx.post(
        f"{moto_url}/moto-api/config", json={"stepfunctions": {"execute_state_machine": True}}, timeout=10
    ).raise_for_status()
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)
    get_settings.cache_clear()
    reset_clients()
    return moto_url


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float


@dataclass
class Receiver:
    """Answers with the scripted statuses in order (the last one repeats), recording every request."""

    statuses: list[int] = field(default_factory=lambda: [200])
    extra_headers: dict[str, str] = field(default_factory=dict)
    requests: list[Received] = field(default_factory=list)
    url: str = ""

    def respond(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str]]:
        self.requests.append(Received(path, headers, body, time.time()))
        index = min(len(self.requests) - 1, len(self.statuses) - 1)
        return self.statuses[index], self.extra_headers


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    recv = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, extra = recv.respond(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            self.send_response(status)
            for key, value in extra.items():
                self.send_header(key, value)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    recv.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield recv
    server.shutdown()

"""Fixtures shared by every suite: a real Postgres, a real moto server, clean settings.

Postgres is ``RENDEROWL_TEST_DATABASE_URL`` when set, else an embedded server per test worker.
moto runs in server mode on 127.0.0.1 (the same way the local cloud runs it) and is reset
between tests.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

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

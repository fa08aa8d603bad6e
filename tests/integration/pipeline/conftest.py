"""The whole local cloud in this process: the real state machine, handlers, queues and workers, so a
test can inject faults into the very code that runs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from renderowl.config import get_settings
from renderowl.local.cloud import LocalCloud
from renderowl.media import samples
from renderowl.store import owners
from renderowl.store.db import get_database
from tests.e2e.renders import upload


class Cloud:
    def __init__(self, local: LocalCloud, api: httpx.Client, asset_id: str) -> None:
        self.local, self.api, self.asset_id = local, api, asset_id


@pytest.fixture
def cloud(postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cloud]:
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    monkeypatch.setenv("RENDEROWL_WORKER_HEARTBEAT_S", "6")
    monkeypatch.setenv("RENDEROWL_FARGATE_START_ALLOWANCE_S", "2")
    get_settings.cache_clear()
    local = LocalCloud(port=0, reset=True)
    local.start()
    assert local.info is not None
    with get_database().tx() as conn:
        token = owners.create_api_key(conn, "pipeline").token
    api = httpx.Client(
        base_url=f"{local.info.api_url}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    asset_id = upload(
        api, samples.pattern_video(tmp_path / "footage.mp4", size=(320, 180), duration=4.0), "video/mp4"
    )
    try:
        yield Cloud(local, api, asset_id)
    finally:
        api.close()
        local.stop()

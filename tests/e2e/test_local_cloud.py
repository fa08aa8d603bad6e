"""The local cloud as a user meets it: `renderowl dev`, curl-like calls, Ctrl-C."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from tests.e2e.conftest import DevServer

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e")]


def test_health_then_401_then_a_key_from_the_cli_works(dev_server: DevServer) -> None:
    # When
    health = httpx.get(f"{dev_server.api}/health", timeout=10)
    anonymous = httpx.get(f"{dev_server.api}/me", timeout=10)
    key = dev_server.create_key("e2e")
    authed = httpx.get(f"{dev_server.api}/me", headers={"Authorization": f"Bearer {key}"}, timeout=10)
    # Then
    assert health.status_code == 200
    assert health.json() == {
        "success": True,
        "data": {
            "status": "ok",
            "checks": {"database": {"ok": True}, "storage": {"ok": True}},
            "version": "0.1.0",
        },
    }
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "AUTH_MISSING"
    assert key.startswith("ro_")
    assert authed.status_code == 200
    assert authed.json()["data"]["name"] == "e2e"


def test_the_banner_names_every_endpoint(dev_server: DevServer) -> None:
    banner = "".join(dev_server.output)
    for label in ("API", "AWS (moto)", "Database", "State", "Webhooks"):
        assert label in banner
    assert f"127.0.0.1:{dev_server.port}" in banner


@pytest.fixture
def cors_server(tmp_path: Path) -> Iterator[DevServer]:
    server = DevServer(
        state_dir=tmp_path / "state", extra_env={"RENDEROWL_CORS_ORIGINS": "http://localhost:3000"}
    )
    server.start()
    yield server
    server.stop()


def test_cors_preflight_is_answered_by_the_gateway(cors_server: DevServer) -> None:
    # Given a local cloud configured for one frontend origin
    headers = {
        "Origin": "http://localhost:3000",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type,idempotency-key",
    }
    # When a browser asks before a cross-origin POST
    allowed = httpx.options(f"{cors_server.api}/me", headers=headers, timeout=10)
    refused = httpx.options(
        f"{cors_server.api}/me", headers={**headers, "Origin": "https://evil.example"}, timeout=10
    )
    # Then only the configured origin is allowed, with the methods and headers it needs
    assert allowed.status_code == 204
    assert allowed.headers["access-control-allow-origin"] == "http://localhost:3000"
    assert "POST" in allowed.headers["access-control-allow-methods"]
    assert "Idempotency-Key" in allowed.headers["access-control-allow-headers"]
    assert "access-control-allow-origin" not in refused.headers


def test_sigterm_stops_cleanly_and_state_survives_a_restart(dev_server: DevServer) -> None:
    # Given a key, and an object in the local S3
    key = dev_server.create_key("persistent")
    children = dev_server.descendants
    assert children, "expected the moto server as a child process"
    s3 = dev_server.s3()
    s3.put_object(Bucket="renderowl-media", Key="renders/keep.txt", Body=b"still here")
    # When it is stopped with SIGTERM
    assert dev_server.stop() == 0
    # Then no child process survives
    time.sleep(0.5)
    assert not [p for p in children if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    # And after a restart the key and the object are both still there
    dev_server.start()
    s3 = dev_server.s3()
    assert (
        httpx.get(f"{dev_server.api}/me", headers={"Authorization": f"Bearer {key}"}, timeout=10).status_code
        == 200
    )
    assert s3.get_object(Bucket="renderowl-media", Key="renders/keep.txt")["Body"].read() == b"still here"


def test_an_unclean_stop_starts_both_stores_clean_and_says_so(dev_server: DevServer) -> None:
    # Given a key, then a crash (SIGKILL: no chance to save the objects)
    key = dev_server.create_key("doomed")
    dev_server.kill()
    # When it starts again
    dev_server.start()
    # Then the database was reset with the bucket, and the banner says why
    assert "started clean" in "".join(dev_server.output)
    assert (
        httpx.get(f"{dev_server.api}/me", headers={"Authorization": f"Bearer {key}"}, timeout=10).status_code
        == 401
    )


def test_reset_flag_starts_clean_on_purpose(dev_server: DevServer) -> None:
    key = dev_server.create_key("resettable")
    assert dev_server.stop() == 0
    dev_server.start("--reset")
    assert "--reset" in "".join(dev_server.output)
    assert (
        httpx.get(f"{dev_server.api}/me", headers={"Authorization": f"Bearer {key}"}, timeout=10).status_code
        == 401
    )

"""GET/DELETE /api/v1/assets: pagination, filters, ownership, deletion rules, URL imports."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from renderowl.cloud.aws import client
from renderowl.config import get_settings
from renderowl.media import samples
from renderowl.store.db import Database
from tests.integration.ingest.conftest import Ingest


def _ready_assets(ingest: Ingest, tmp_path: Path, count: int) -> list[str]:
    ids = [
        ingest.upload(samples.tone(tmp_path / f"t{i}.wav", duration=1.0), "audio/wav") for i in range(count)
    ]
    ingest.drain(max_rounds=count + 2)
    return ids


def test_lists_page_newest_first_with_a_cursor_and_filters(ingest: Ingest, tmp_path: Path) -> None:
    # Given three ready audio assets and one pending upload
    ready = _ready_assets(ingest, tmp_path, 3)
    pending = ingest.call_api(
        "POST",
        "/api/v1/uploads",
        token=ingest.token,
        json_body={"filename": "later.mp4", "content_type": "video/mp4", "size": 10},
    ).data
    # When paging two at a time
    first = ingest.call_api("GET", "/api/v1/assets?limit=2", token=ingest.token).data
    second = ingest.call_api(
        "GET", f"/api/v1/assets?limit=2&cursor={first['next_cursor']}", token=ingest.token
    ).data
    # Then every asset comes once, newest first, and the last page says so
    seen = [a["id"] for a in first["items"] + second["items"]]
    assert seen == [pending["asset"]["id"], *reversed(ready)]
    assert second["next_cursor"] is None
    only_ready = ingest.call_api("GET", "/api/v1/assets?status=ready&kind=audio", token=ingest.token).data
    assert [a["id"] for a in only_ready["items"]] == list(reversed(ready))
    assert ingest.call_api("GET", "/api/v1/assets?kind=video", token=ingest.token).data["items"] == []


def test_bad_list_parameters_name_the_parameter(ingest: Ingest) -> None:
    response = ingest.call_api("GET", "/api/v1/assets?limit=1000&status=bogus", token=ingest.token)
    assert response.status == 422
    assert sorted(d["path"] for d in response.error["details"]) == ["query.limit", "query.status"]


def test_another_owners_asset_is_a_404(ingest: Ingest, tmp_path: Path, other_api_key: str) -> None:
    [asset_id] = _ready_assets(ingest, tmp_path, 1)
    theirs = ingest.call_api("GET", f"/api/v1/assets/{asset_id}", token=other_api_key)
    deleting = ingest.call_api("DELETE", f"/api/v1/assets/{asset_id}", token=other_api_key)
    listed = ingest.call_api("GET", "/api/v1/assets", token=other_api_key).data["items"]
    assert (theirs.status, theirs.error["code"]) == (404, "NOT_FOUND")
    assert deleting.status == 404
    assert listed == []
    assert ingest.asset(asset_id)["status"] == "ready"


def test_delete_removes_the_files_and_the_asset(ingest: Ingest, tmp_path: Path) -> None:
    # Given a ready video with derivatives
    asset_id = ingest.upload(samples.solid_video(tmp_path / "v.mp4", duration=1.0))
    ingest.drain()
    owner = ingest.call_api("GET", "/api/v1/me", token=ingest.token).data["owner_id"]
    thumbnail_url = ingest.asset(asset_id)["urls"]["thumbnail"]
    # When
    deleted = ingest.call_api("DELETE", f"/api/v1/assets/{asset_id}", token=ingest.token)
    # Then
    assert deleted.status == 200
    assert deleted.data == {"id": asset_id, "deleted": True}
    assert ingest.call_api("GET", f"/api/v1/assets/{asset_id}", token=ingest.token).status == 404
    for prefix in (f"uploads/{owner}/{asset_id}/", f"assets/{owner}/{asset_id}/"):
        assert client("s3").list_objects_v2(Bucket="renderowl-media", Prefix=prefix).get("KeyCount") == 0
    assert httpx.get(thumbnail_url, timeout=10).status_code == 404


def test_delete_is_refused_while_a_queued_render_uses_the_asset(
    ingest: Ingest, tmp_path: Path, db: Database
) -> None:
    # Given a ready asset read by a queued render
    [asset_id] = _ready_assets(ingest, tmp_path, 1)
    owner = ingest.call_api("GET", "/api/v1/me", token=ingest.token).data["owner_id"]
    with db.tx() as conn:
        conn.execute(
            "INSERT INTO renders (id, owner_id, status, spec) VALUES ('rnd_q', %s, 'queued', '{}')", (owner,)
        )
        conn.execute("INSERT INTO render_assets (render_id, asset_id) VALUES ('rnd_q', %s)", (asset_id,))
    # When / Then
    refused = ingest.call_api("DELETE", f"/api/v1/assets/{asset_id}", token=ingest.token)
    assert refused.status == 409
    assert refused.error["code"] == "ASSET_IN_USE"
    assert refused.error["details"] == {"renders": ["rnd_q"]}
    # and once the render finished, it can go
    with db.tx() as conn:
        conn.execute("UPDATE renders SET status = 'succeeded' WHERE id = 'rnd_q'")
    assert ingest.call_api("DELETE", f"/api/v1/assets/{asset_id}", token=ingest.token).status == 200


@pytest.fixture
def file_server(tmp_path: Path) -> Iterator[str]:
    root = tmp_path / "site"
    root.mkdir()
    samples.solid_video(root / "clip.mp4", duration=1.0)
    (root / "moved").write_text("")

    class Handler(SimpleHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/moved":
                self.send_response(302)
                self.send_header("Location", "/clip.mp4")
                self.end_headers()
                return
            super().do_GET()

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_url_import_is_fetched_then_ingested_like_an_upload(
    ingest: Ingest, file_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given loopback http allowed (as `renderowl dev` allows it), and a URL that redirects once
    monkeypatch.setenv("RENDEROWL_ALLOW_LOOPBACK_HTTP", "true")
    get_settings.cache_clear()
    # When it is imported
    accepted = ingest.call_api(
        "POST", "/api/v1/assets/import", token=ingest.token, json_body={"url": f"{file_server}/moved"}
    )
    ingest.drain()
    # Then it was fetched, the S3 event ingested it, and it is ready
    assert accepted.status == 202
    asset = ingest.asset(accepted.data["id"])
    assert asset["status"] == "ready"
    assert asset["url"] == f"{file_server}/moved"
    assert asset["metadata"]["duration"] == pytest.approx(1.0, abs=0.05)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x.mp4",
        "https://10.0.0.5/x.mp4",
        "https://169.254.169.254/latest/meta-data",
        "https://localhost/x.mp4",
        "ftp://example.com/x.mp4",
        "file:///etc/passwd",
    ],
)
def test_imports_from_internal_addresses_are_refused(ingest: Ingest, url: str) -> None:
    response = ingest.call_api("POST", "/api/v1/assets/import", token=ingest.token, json_body={"url": url})
    assert response.status == 422
    assert response.error["code"] == "UNSAFE_URL"
    assert ingest.call_api("GET", "/api/v1/assets", token=ingest.token).data["items"] == []


def test_an_import_whose_fetch_fails_is_rejected(
    ingest: Ingest, file_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RENDEROWL_ALLOW_LOOPBACK_HTTP", "true")
    get_settings.cache_clear()
    accepted = ingest.call_api(
        "POST", "/api/v1/assets/import", token=ingest.token, json_body={"url": f"{file_server}/missing.mp4"}
    )
    ingest.drain()
    asset = ingest.asset(accepted.data["id"])
    assert asset["status"] == "rejected"
    assert asset["rejection"]["reason"] == "IMPORT_FAILED"
    assert "404" in asset["rejection"]["message"]

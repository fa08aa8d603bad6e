"""Ingest as a frontend meets it: presigned POST straight to S3, then poll until ready."""

from __future__ import annotations

import io
import time
from pathlib import Path

import av
import httpx
import pytest

from renderowl.media import samples
from tests.e2e.conftest import DevServer

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e")]


def test_upload_post_poll_ready_with_working_previews(dev_server: DevServer, tmp_path: Path) -> None:
    # Given a key and a 2 s video
    headers = {"Authorization": f"Bearer {dev_server.create_key('frontend')}"}
    video = samples.pattern_video(tmp_path / "holiday.mp4", size=(640, 360), duration=2.0)
    with httpx.Client(base_url=dev_server.api, headers=headers, timeout=30) as api:
        # When the frontend asks for an upload and posts the file to the presigned URL
        created = api.post(
            "/uploads",
            json={"filename": "holiday.mp4", "content_type": "video/mp4", "size": video.stat().st_size},
        ).json()["data"]
        form = created["upload"]
        posted = httpx.post(
            form["url"], data=form["fields"], files={"file": ("holiday.mp4", video.read_bytes())}
        )
        assert posted.status_code in (200, 204)
        # and polls the asset
        deadline, asset = time.monotonic() + 60, created["asset"]
        while asset["status"] in ("pending", "processing") and time.monotonic() < deadline:
            time.sleep(0.5)
            asset = api.get(f"/assets/{asset['id']}").json()["data"]
    # Then it is ready, with correct metadata and previews that download and decode
    assert asset["status"] == "ready", asset
    assert asset["metadata"]["duration"] == pytest.approx(2.0, abs=0.05)
    assert (asset["metadata"]["width"], asset["metadata"]["height"]) == (640, 360)
    thumbnail = httpx.get(asset["urls"]["thumbnail"], timeout=10)
    assert thumbnail.headers["content-type"] == "image/jpeg"
    with av.open(io.BytesIO(thumbnail.content)) as container:
        assert next(container.decode(video=0)).width == 480
    proxy = httpx.get(asset["urls"]["proxy"], timeout=10)
    with av.open(io.BytesIO(proxy.content)) as container:
        assert container.streams.video[0].codec_context.height == 360
        assert float(container.duration / av.time_base) == pytest.approx(2.0, abs=0.1)

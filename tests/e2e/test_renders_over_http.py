"""Upload → render → download, through `renderowl dev` over HTTP only: both runners, cancel,
and many renders at once."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator

import av
import httpx
import psutil
import pytest

from renderowl.media import samples
from renderowl.webhooks import verify
from tests.conftest import Receiver
from tests.e2e.conftest import DevServer
from tests.e2e.renders import finished, upload, video_spec, wait

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e")]


@pytest.fixture(scope="module")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DevServer, httpx.Client, str]]:
    """One local cloud for the module, with one uploaded 640x360 video (6 s)."""
    tmp = tmp_path_factory.mktemp("renders")
    server = DevServer(
        state_dir=tmp / "state",
        extra_env={
            "RENDEROWL_WORKER_HEARTBEAT_S": "8",
            "RENDEROWL_FARGATE_START_ALLOWANCE_S": "5",
            "RENDEROWL_WEBHOOK_PROGRESS_INTERVAL_S": "1",
        },
    )
    server.start()
    api = httpx.Client(
        base_url=server.api, timeout=30, headers={"Authorization": f"Bearer {server.create_key('studio')}"}
    )
    asset_id = upload(
        api, samples.pattern_video(tmp / "footage.mp4", size=(640, 360), duration=6.0), "video/mp4"
    )
    yield server, api, asset_id
    api.close()
    server.stop()


def _probe(url: str) -> tuple[float, int, int, list[str]]:
    data = httpx.get(url, timeout=30).content
    with av.open(io.BytesIO(data)) as container:
        video = container.streams.video[0]
        kinds = sorted(s.type for s in container.streams)
        return (
            float(container.duration / av.time_base),
            video.codec_context.width,
            video.codec_context.height,
            kinds,
        )


@pytest.mark.parametrize("runner", ["lambda", "fargate"])
def test_a_render_succeeds_and_its_output_matches_the_spec(cloud, runner: str) -> None:  # type: ignore[no-untyped-def]
    _, api, asset_id = cloud
    # When a 2 s 320x180 render is submitted on the given runner
    spec = video_spec(asset_id, length=2.0)
    spec["output"]["poster"] = {"at": 1.0}
    submitted = api.post("/renders", json={"spec": spec, "runner": runner})
    assert submitted.status_code == 202, submitted.text
    render = finished(api, submitted.json()["data"]["id"])
    # Then it succeeded on that runner, through every step, and the file is what was asked for
    assert render["status"] == "succeeded", render["error"]
    assert render["runner"] == runner
    assert render["progress"] == 100
    assert [s["status"] for s in render["steps"]] == [
        "queued",
        "planning",
        "preparing",
        "rendering",
        "finalizing",
        "succeeded",
    ]
    duration, width, height, kinds = _probe(render["output"]["url"])
    assert duration == pytest.approx(2.0, abs=0.05)
    assert (width, height) == (320, 180)
    assert kinds == ["audio", "video"]
    assert render["output"]["size"] == len(httpx.get(render["output"]["url"], timeout=30).content)
    assert httpx.get(render["output"]["poster_url"], timeout=30).headers["content-type"] == "image/jpeg"
    events = api.get(f"/renders/{render['id']}/events").json()["data"]
    assert [e["to_status"] for e in events][-1] == "succeeded"


def test_cancel_mid_render_stops_ffmpeg_and_leaves_no_output(cloud) -> None:  # type: ignore[no-untyped-def]
    server, api, asset_id = cloud
    # Given a long render that has started
    spec = video_spec(asset_id, length=60.0, width=1280, height=720, fps=30)
    render_id = api.post("/renders", json={"spec": spec}).json()["data"]["id"]
    running = wait(
        api, f"/renders/{render_id}", lambda r: r["status"] == "rendering" and r["progress"] > 0, 60, 0.2
    )
    assert running["status"] == "rendering", running
    # When it is cancelled
    cancelled_at = time.monotonic()
    response = api.delete(f"/renders/{render_id}")
    # Then it is cancelled at once, FFmpeg is gone within 5 s, and no output exists
    assert response.status_code == 200
    assert response.json()["data"]["status"] == "cancelled"

    def ffmpeg_running() -> bool:
        return any(
            "ffmpeg" in (p.info["name"] or "") and render_id in " ".join(p.info["cmdline"] or [])
            for p in psutil.process_iter(["name", "cmdline"])
        )

    while ffmpeg_running() and time.monotonic() - cancelled_at < 5:
        time.sleep(0.1)
    assert not ffmpeg_running()
    time.sleep(2)  # let the worker report; nothing may be uploaded afterwards
    assert api.get(f"/renders/{render_id}").json()["data"]["status"] == "cancelled"
    owner = api.get("/me").json()["data"]["owner_id"]
    listed = server.s3().list_objects_v2(Bucket="renderowl-media", Prefix=f"renders/{owner}/{render_id}/")
    assert listed.get("KeyCount", 0) == 0
    again = api.delete(f"/renders/{render_id}")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "RENDER_FINISHED")


def test_twenty_renders_at_once_all_finish_once(cloud) -> None:  # type: ignore[no-untyped-def]
    server, api, asset_id = cloud
    # When 20 small renders are submitted at once
    spec = video_spec(asset_id, length=1.0, width=160, height=90, fps=10)
    ids = [api.post("/renders", json={"spec": spec}).json()["data"]["id"] for _ in range(20)]
    results = [finished(api, render_id, timeout_s=300) for render_id in ids]
    # Then every one succeeded exactly once, and Postgres, S3 and the API agree
    assert [r["status"] for r in results] == ["succeeded"] * 20
    assert len(set(ids)) == 20
    listed = {r["id"] for r in api.get("/renders?status=succeeded&limit=100").json()["data"]["items"]}
    assert set(ids) <= listed
    owner = api.get("/me").json()["data"]["owner_id"]
    keys = [
        o["Key"]
        for o in server.s3()
        .list_objects_v2(Bucket="renderowl-media", Prefix=f"renders/{owner}/")
        .get("Contents", [])
    ]
    for render_id in ids:
        assert [k for k in keys if f"/{render_id}/" in k] == [f"renders/{owner}/{render_id}/output.mp4"]
        trail = [e["to_status"] for e in api.get(f"/renders/{render_id}/events").json()["data"]]
        assert trail.count("succeeded") == 1


def test_render_events_reach_the_webhook_and_the_callback_url_signed(cloud, receiver: Receiver) -> None:  # type: ignore[no-untyped-def]
    _, api, asset_id = cloud
    # Given an endpoint for render.succeeded, and a secret for callback URLs
    endpoint = api.post("/webhooks", json={"url": receiver.url, "events": ["render.succeeded"]}).json()[
        "data"
    ]
    callback_secret = api.post("/webhooks/callback-secret").json()["data"]["secret"]
    # When a render with a callback_url succeeds
    callback = receiver.url.replace("/hooks", "/callback")
    render = finished(
        api,
        api.post(
            "/renders", json={"spec": video_spec(asset_id, length=1.0), "callback_url": callback}
        ).json()["data"]["id"],
    )
    deadline = time.monotonic() + 30
    while len(receiver.requests) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    # Then both received the event, signed, carrying the render as the API shows it
    assert render["status"] == "succeeded"
    assert len(receiver.requests) == 2
    for request in receiver.requests:
        secret = endpoint["secret"] if request.path == "/hooks" else callback_secret
        verify(request.body, request.headers, secret)
        event = json.loads(request.body)
        assert event["type"] == "render.succeeded"
        assert event["data"]["id"] == render["id"]
        assert event["data"]["status"] == "succeeded"
        assert event["data"]["output"]["size"] == render["output"]["size"]
    assert sorted(r.path for r in receiver.requests) == ["/callback", "/hooks"]
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1


def test_render_progress_events_are_opt_in_and_throttled(cloud, receiver: Receiver) -> None:  # type: ignore[no-untyped-def]
    _, api, asset_id = cloud
    # Given an endpoint that asked for render.progress (throttled to one a second here)
    endpoint = api.post("/webhooks", json={"url": receiver.url, "events": ["render.progress"]}).json()["data"]
    # When a render of a few seconds runs
    spec = video_spec(asset_id, length=6.0, width=1280, height=720, fps=30)
    render = finished(api, api.post("/renders", json={"spec": spec}).json()["data"]["id"])
    time.sleep(1)
    # Then the endpoint got progress events for it, rising, each signed, and nothing else
    events = [json.loads(r.body) for r in receiver.requests]
    for request in receiver.requests:
        verify(request.body, request.headers, endpoint["secret"])
    assert render["status"] == "succeeded"
    assert events, "expected at least one render.progress event"
    assert {e["type"] for e in events} == {"render.progress"}
    assert {e["data"]["id"] for e in events} == {render["id"]}
    progress = [e["data"]["progress"] for e in events]
    assert progress == sorted(progress)
    assert all(0 < p < 100 for p in progress)
    api.delete(f"/webhooks/{endpoint['id']}")

"""The pipeline's failure paths, with faults injected into the real handlers."""

from __future__ import annotations

import os
import signal
import time

import psutil
import pytest
from botocore.exceptions import ClientError

from renderowl.cloud.aws import client
from renderowl.pipeline import worker
from renderowl.store.db import get_database
from tests.e2e.renders import finished, video_spec, wait
from tests.integration.pipeline.conftest import Cloud

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("pipeline")]


def _outputs(cloud: Cloud, render_id: str) -> list[str]:
    owner = cloud.api.get("/me").json()["data"]["owner_id"]
    listed = client("s3").list_objects_v2(Bucket="renderowl-media", Prefix=f"renders/{owner}/{render_id}/")
    return [o["Key"].rsplit("/", 1)[1] for o in listed.get("Contents", [])]


def test_a_transient_worker_error_is_retried_and_the_render_succeeds(
    cloud: Cloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a storage hiccup on the first download a worker makes
    real, calls = worker.sources.download_sources, []

    def flaky(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:
            raise ClientError(
                {"Error": {"Code": "SlowDown", "Message": "Please reduce your request rate"}}, "GetObject"
            )
        return real(*args, **kwargs)

    monkeypatch.setattr(worker.sources, "download_sources", flaky)
    # When a render runs
    render_id = cloud.api.post("/renders", json={"spec": video_spec(cloud.asset_id)}).json()["data"]["id"]
    render = finished(cloud.api, render_id)
    # Then the state machine retried the worker, and the render succeeded once, with one output.
    # (moto reuses a task token across retries and replays the failed attempt's outcome once, so
    # locally a third attempt may start; the worker-attempt guard makes the stale one stand down.)
    assert render["status"] == "succeeded", render["error"]
    trail = cloud.api.get(f"/renders/{render_id}/events").json()["data"]
    attempts = [e["detail"].get("attempt") for e in trail if e["to_status"] == "rendering"]
    assert attempts[:2] == [0, 1]
    assert [e["to_status"] for e in trail].count("succeeded") == 1
    assert _outputs(cloud, render_id) == ["output.mp4"]


def test_a_worker_killed_mid_render_is_replaced_and_the_render_succeeds_once(cloud: Cloud) -> None:
    # Given a Fargate render (one local process per task) that is well under way
    spec = video_spec(cloud.asset_id, length=12.0, width=1280, height=720, fps=30)
    render_id = cloud.api.post("/renders", json={"spec": spec, "runner": "fargate"}).json()["data"]["id"]
    running = wait(
        cloud.api,
        f"/renders/{render_id}",
        lambda r: r["status"] == "rendering" and r["progress"] > 0,
        60,
        0.1,
    )
    assert running["status"] == "rendering"
    # When its task is killed outright (no chance to report)
    tasks = [
        p
        for p in psutil.Process(os.getpid()).children()
        if "renderowl.pipeline.container" in " ".join(p.cmdline())
    ]
    assert len(tasks) == 1
    ffmpeg = [p for p in tasks[0].children(recursive=True)]
    os.kill(tasks[0].pid, signal.SIGKILL)
    # Then its FFmpeg dies with it, the silent attempt is replaced after its heartbeat timeout,
    # and the render succeeds exactly once, with one output
    time.sleep(1)
    assert not [p for p in ffmpeg if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    render = finished(cloud.api, render_id, timeout_s=180)
    assert render["status"] == "succeeded", render["error"]
    assert render["output"]["duration"] == pytest.approx(12.0, abs=0.05)
    trail = cloud.api.get(f"/renders/{render_id}/events").json()["data"]
    assert [e["detail"].get("attempt") for e in trail if e["to_status"] == "rendering"] == [0, 1]
    assert [e["to_status"] for e in trail].count("succeeded") == 1
    assert _outputs(cloud, render_id) == ["output.mp4"]


def test_a_source_that_vanished_fails_the_render_with_a_clear_code(cloud: Cloud) -> None:
    # Given a render whose asset's bytes disappear from storage after submission
    spec = video_spec(cloud.asset_id)
    with get_database().tx() as conn:
        key = conn.execute("SELECT source_key FROM assets WHERE id = %s", (cloud.asset_id,)).fetchone()[
            "source_key"
        ]
    client("s3").delete_object(Bucket="renderowl-media", Key=key)
    # When it runs
    render = finished(cloud.api, cloud.api.post("/renders", json={"spec": spec}).json()["data"]["id"])
    # Then it failed, saying which asset, and the failure went through the catch path
    assert render["status"] == "failed"
    assert render["error"]["code"] == "ASSET_NOT_FOUND", render["error"]
    assert render["output"] is None
    assert [s["status"] for s in render["steps"]][-1] == "failed"


def test_a_deleted_asset_is_refused_at_submission(cloud: Cloud) -> None:
    assert cloud.api.delete(f"/assets/{cloud.asset_id}").status_code == 200
    response = cloud.api.post("/renders", json={"spec": video_spec(cloud.asset_id)})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "ASSET_NOT_FOUND"
    assert f"asset://{cloud.asset_id}" in response.json()["error"]["message"]


def test_idempotency_keys_replay_refuse_and_conflict(cloud: Cloud) -> None:
    body = {"spec": video_spec(cloud.asset_id, length=1.0)}
    # Same key, same body: the same render
    first = cloud.api.post("/renders", json=body, headers={"Idempotency-Key": "order-42"})
    again = cloud.api.post("/renders", json=body, headers={"Idempotency-Key": "order-42"})
    assert (first.status_code, again.status_code) == (202, 202)
    assert first.json()["data"]["id"] == again.json()["data"]["id"]
    # Same key, another body: refused
    other = cloud.api.post(
        "/renders", json={**body, "runner": "fargate"}, headers={"Idempotency-Key": "order-42"}
    )
    assert (other.status_code, other.json()["error"]["code"]) == (422, "IDEMPOTENCY_KEY_REUSED")
    # A retry while the first is still being created: 409
    owner = cloud.api.get("/me").json()["data"]["owner_id"]
    from renderowl.store import idempotency

    with get_database().tx() as conn:
        idempotency.claim(conn, owner, "order-43", idempotency.request_hash(body))
    busy = cloud.api.post("/renders", json=body, headers={"Idempotency-Key": "order-43"})
    assert (busy.status_code, busy.json()["error"]["code"]) == (409, "IDEMPOTENCY_IN_PROGRESS")
    listed = cloud.api.get("/renders").json()["data"]["items"]
    assert [r["id"] for r in listed] == [first.json()["data"]["id"]]
    finished(cloud.api, first.json()["data"]["id"])


def test_an_invalid_spec_is_refused_with_every_problem_by_path(cloud: Cloud) -> None:
    spec = video_spec(cloud.asset_id)
    spec["timeline"]["tracks"][1]["clips"][0]["length"] = -1
    spec["output"]["fps"] = 0
    response = cloud.api.post("/renders", json={"spec": spec})
    assert response.status_code == 422
    paths = sorted(d["path"] for d in response.json()["error"]["details"])
    assert paths == ["spec.output.fps", "spec.timeline.tracks[1].clips[0].length"]
    assert cloud.api.get("/renders").json()["data"]["items"] == []

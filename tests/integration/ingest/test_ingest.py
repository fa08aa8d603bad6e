"""Upload → S3 event → ingest handler → a ready asset with metadata and derivatives."""

from __future__ import annotations

import hashlib
import io
import itertools
import json

import av
import httpx
import pytest

from renderowl.cloud.aws import client
from renderowl.media import samples
from renderowl.store.db import Database
from tests.integration.ingest.conftest import Ingest


def _decode_image(url: str) -> tuple[int, int, str]:
    data = httpx.get(url, timeout=10).content
    with av.open(io.BytesIO(data)) as container:
        frame = next(container.decode(video=0))
        return frame.width, frame.height, container.format.name


def test_a_video_becomes_ready_with_metadata_thumbnail_and_a_seekable_proxy(
    ingest: Ingest,
    tmp_path,
    db: Database,  # type: ignore[no-untyped-def]
) -> None:
    # Given a 2 s 640x360 25 fps H.264/AAC file
    src = samples.pattern_video(tmp_path / "clip.mp4", size=(640, 360), duration=2.0, fps=25)
    # When it is uploaded and the S3 event reaches the ingest handler
    asset_id = ingest.upload(src)
    results = ingest.drain()
    # Then it is ready, described correctly, with working derivative URLs
    assert [r["batchItemFailures"] for r in results] == [[]]
    asset = ingest.asset(asset_id)
    assert asset["status"] == "ready"
    assert asset["kind"] == "video"
    meta = asset["metadata"]
    assert meta["duration"] == pytest.approx(2.0, abs=0.05)
    assert (meta["width"], meta["height"], meta["fps"]) == (640, 360, 25)
    assert (meta["video_codec"], meta["audio_codec"]) == ("h264", "aac")
    assert meta["channels"] == 2
    assert meta["sample_rate"] == 48000
    assert asset["size"] == src.stat().st_size
    assert asset["checksum"] == hashlib.sha256(src.read_bytes()).hexdigest()
    assert httpx.get(asset["urls"]["source"], timeout=10).content == src.read_bytes()
    owner = ingest.call_api("GET", "/api/v1/me", token=ingest.token).data["owner_id"]
    tags = client("s3").get_object_tagging(Bucket="renderowl-media", Key=f"uploads/{owner}/{asset_id}/source")
    assert tags["TagSet"] == [{"Key": "renderowl-state", "Value": "ready"}]
    width, height, _ = _decode_image(asset["urls"]["thumbnail"])
    assert (width, height) == (480, 270)
    proxy = httpx.get(asset["urls"]["proxy"], timeout=10).content
    with av.open(io.BytesIO(proxy)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.name, stream.codec_context.height) == ("h264", 360)
        keyframes = [
            float(p.pts * p.time_base) for p in container.demux(stream) if p.is_keyframe and p.pts is not None
        ]
    gaps = [b - a for a, b in itertools.pairwise(keyframes)]
    assert len(keyframes) >= 4
    assert max(gaps) <= 0.5 + 0.05
    with db.tx() as conn:
        ready_events = conn.execute("SELECT payload FROM events WHERE type = 'asset.ready'").fetchall()
    assert [e["payload"]["data"]["id"] for e in ready_events] == [asset_id]


def test_an_image_gets_a_web_rendition_and_an_audio_file_a_waveform(ingest: Ingest, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Given a 2400x1350 PNG and a 3 s MP3
    png = samples.still(tmp_path / "big.png", source="testsrc2=s=2400x1350")
    mp3 = samples.tone(tmp_path / "tone.mp3", duration=3.0)
    # When both are ingested
    image_id = ingest.upload(png, "image/png")
    audio_id = ingest.upload(mp3, "audio/mpeg")
    ingest.drain()
    # Then
    image, audio = ingest.asset(image_id), ingest.asset(audio_id)
    assert (image["status"], image["kind"]) == ("ready", "image")
    assert (image["metadata"]["width"], image["metadata"]["height"]) == (2400, 1350)
    assert _decode_image(image["urls"]["web"])[:2] == (1920, 1080)
    assert _decode_image(image["urls"]["thumbnail"])[:2] == (480, 270)
    assert (audio["status"], audio["kind"]) == ("ready", "audio")
    assert audio["metadata"]["duration"] == pytest.approx(3.0, abs=0.1)
    assert audio["metadata"]["audio_codec"] == "mp3"
    assert _decode_image(audio["urls"]["thumbnail"])[:2] == (480, 120)
    assert audio["urls"]["proxy"] is None


def test_a_duplicate_s3_event_is_processed_once(ingest: Ingest, tmp_path, db: Database) -> None:  # type: ignore[no-untyped-def]
    # Given an ingested video
    src = samples.solid_video(tmp_path / "a.mp4", duration=1.0)
    asset_id = ingest.upload(src)
    ingest.drain()
    before = ingest.asset(asset_id)
    # When the same S3 event arrives again (a replay)
    key = f"uploads/{before['id'] and _owner(ingest)}/{asset_id}/source"
    client("sqs").send_message(
        QueueUrl=ingest.resources.queues["ingest"].url,
        MessageBody=json.dumps(
            {
                "Records": [
                    {"eventName": "ObjectCreated:Post", "s3": {"object": {"key": key.replace("/", "%2F", 0)}}}
                ]
            }
        ),
    )
    results = ingest.drain()
    # Then nothing changes: one asset, one set of derivatives, one event, no regression
    assert [r["batchItemFailures"] for r in results] == [[]]
    after = ingest.asset(asset_id)
    assert after["status"] == "ready"
    assert after["updated_at"] == before["updated_at"]
    listed = client("s3").list_objects_v2(
        Bucket="renderowl-media", Prefix=f"assets/{_owner(ingest)}/{asset_id}/"
    )
    assert sorted(o["Key"].rsplit("/", 1)[1] for o in listed["Contents"]) == ["proxy.mp4", "thumbnail.jpg"]
    with db.tx() as conn:
        count = conn.execute("SELECT count(*) AS n FROM events WHERE type = 'asset.ready'").fetchone()
    assert count == {"n": 1}


def _owner(ingest: Ingest) -> str:
    return str(ingest.call_api("GET", "/api/v1/me", token=ingest.token).data["owner_id"])

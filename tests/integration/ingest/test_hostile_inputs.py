"""A corpus of hostile files, generated here. Each ends `rejected` with the right reason; none
crashes or hangs the handler, and none makes FFmpeg open another file or a URL."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import av
import pytest

from renderowl.cloud.aws import client
from renderowl.config import get_settings
from renderowl.ingest.inspect import Limits, inspect
from renderowl.ingest.rejections import Rejected
from renderowl.ingest.sniff import Identified
from renderowl.media import samples
from renderowl.media.binary import ffmpeg_binary
from renderowl.media.runner import run_ffmpeg
from renderowl.store.db import Database
from tests.integration.ingest.conftest import Ingest


def _png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def _mp4(tmp: Path, *, faststart: bool, duration: float = 2.0) -> Path:
    out = tmp / f"whole-{faststart}.mp4"
    argv = [
        "-f",
        "lavfi",
        "-i",
        f"testsrc2=s=320x180:r=25:d={duration}",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
        "-g",
        "250",
    ]
    run_ffmpeg(
        ffmpeg_binary(), [*argv, *(["-movflags", "+faststart"] if faststart else []), str(out)], timeout=60
    )
    return out


def _truncated(tmp: Path, *, faststart: bool) -> Path:
    whole = _mp4(tmp, faststart=faststart).read_bytes()
    out = tmp / f"truncated-{faststart}.mp4"
    out.write_bytes(whole[: len(whole) // 2])
    return out


def _write(tmp: Path, name: str, data: bytes) -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


CASES: dict[str, tuple[Callable[[Path], Path], str, str]] = {
    "hls playlist named .mp4": (
        lambda t: _write(
            t,
            "evil.mp4",
            b"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n",
        ),
        "video/mp4",
        "PLAYLIST",
    ),
    "dash manifest": (
        lambda t: _write(
            t, "evil.mp4", b'<?xml version="1.0"?><MPD xmlns="urn:mpeg:dash:schema:mpd:2011"></MPD>'
        ),
        "video/mp4",
        "PLAYLIST",
    ),
    "ffconcat list": (
        lambda t: _write(
            t, "list.mp4", b"ffconcat version 1.0\nfile '/etc/passwd'\nfile 'http://169.254.169.254/'\n"
        ),
        "video/mp4",
        "CONCAT_LIST",
    ),
    "html named .mp4": (
        lambda t: _write(
            t, "page.mp4", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
        ),
        "video/mp4",
        "NOT_MEDIA",
    ),
    "plain text": (
        lambda t: _write(t, "notes.mp4", b"just some notes\nnothing to see\n"),
        "video/mp4",
        "NOT_MEDIA",
    ),
    "random bytes": (
        lambda t: _write(t, "noise.mp4", bytes(range(256)) * 8),
        "video/mp4",
        "UNSUPPORTED_FORMAT",
    ),
    "zero bytes": (lambda t: _write(t, "empty.mp4", b""), "video/mp4", "EMPTY_FILE"),
    "truncated mp4 (moov first)": (lambda t: _truncated(t, faststart=True), "video/mp4", "UNDECODABLE"),
    "truncated mp4 (moov last)": (lambda t: _truncated(t, faststart=False), "video/mp4", "UNDECODABLE"),
    "png claiming 100000x100000": (
        lambda t: _write(t, "huge.png", _png_header_only(100_000, 100_000)),
        "image/png",
        "DIMENSIONS_TOO_LARGE",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_files_are_rejected_with_the_right_reason(
    ingest: Ingest, tmp_path: Path, db: Database, case: str
) -> None:
    # Given a hostile file uploaded like any other
    make, content_type, reason = CASES[case]
    path = make(tmp_path)
    asset_id = ingest.upload(path, content_type, size=max(path.stat().st_size, 1))
    # When ingest handles its S3 event
    results = ingest.drain()
    # Then the handler finished normally and the asset is rejected with the reason
    assert [r["batchItemFailures"] for r in results] == [[]]
    asset = ingest.asset(asset_id)
    assert asset["status"] == "rejected"
    assert asset["rejection"]["reason"] == reason, asset["rejection"]
    assert asset["rejection"]["message"]
    assert asset["urls"] == {"source": None, "thumbnail": None, "proxy": None, "web": None}
    # and its bytes were not kept
    listed = client("s3").list_objects_v2(Bucket="renderowl-media", Prefix="uploads/")
    assert [o["Key"] for o in listed.get("Contents", []) if asset_id in o["Key"]] == []
    with db.tx() as conn:
        rows = conn.execute("SELECT payload FROM events WHERE type = 'asset.rejected'").fetchall()
    assert [r["payload"]["data"]["rejection"]["reason"] for r in rows] == [reason]


@pytest.mark.parametrize(
    ("setting", "value", "reason"),
    [
        ("RENDEROWL_MAX_ASSET_DURATION_S", "1.5", "TOO_LONG"),
        ("RENDEROWL_MAX_WORK_PIXEL_FRAMES", "1000000", "WORK_BUDGET_EXCEEDED"),
        ("RENDEROWL_MAX_ASSET_DIMENSION", "256", "DIMENSIONS_TOO_LARGE"),
    ],
)
def test_limits_reject_files_over_them(
    ingest: Ingest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setting: str, value: str, reason: str
) -> None:
    # Given a limit below a valid 2 s 320x180 video
    monkeypatch.setenv(setting, value)
    get_settings.cache_clear()
    asset_id = ingest.upload(samples.solid_video(tmp_path / "ok.mp4", duration=2.0))
    # When
    ingest.drain()
    # Then
    assert ingest.asset(asset_id)["rejection"]["reason"] == reason


def test_an_object_larger_than_declared_is_rejected(ingest: Ingest, tmp_path: Path) -> None:
    # Given a declared size of 100 bytes; the local S3, unlike AWS, lets a bigger file through the policy
    path = samples.solid_video(tmp_path / "big.mp4", duration=1.0)
    asset_id = ingest.upload(path, size=100)
    # When
    ingest.drain()
    # Then ingest checks the size itself
    asset = ingest.asset(asset_id)
    assert asset["rejection"]["reason"] == "SIZE_MISMATCH"
    assert str(path.stat().st_size) in asset["rejection"]["message"]


def test_a_pinned_demuxer_never_follows_a_playlist_into_another_file(tmp_path: Path) -> None:
    # Given an HLS playlist whose only segment is another local file
    segment = tmp_path / "secret.ts"
    run_ffmpeg(
        ffmpeg_binary(),
        ["-f", "lavfi", "-i", "testsrc2=s=160x90:r=10:d=1", "-c:v", "libx264", "-f", "mpegts", str(segment)],
        timeout=60,
    )
    playlist = tmp_path / "evil.m3u8"
    playlist.write_text(f"#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:1,\n{segment}\n#EXT-X-ENDLIST\n")
    # (control: FFmpeg's own probing follows it and decodes the other file, so this test can fail)
    with av.open(str(playlist)) as container:
        assert container.format.name == "hls"
        assert sum(1 for _ in container.decode(video=0)) == 10
    # When it is inspected as the MP4 it claims to be, demuxer pinned
    with pytest.raises(Rejected) as excinfo:
        inspect(playlist, Identified(None, "mov", "mp4"), Limits(3600, 8192, 8, 1e12))
    # Then it cannot be read at all
    assert excinfo.value.reason == "UNDECODABLE"

"""Fake probed sources for the pure engine tests: no file is opened, no FFmpeg runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from renderowl.media.probe import LocalMedia, MediaInfo

VIDEO = MediaInfo(
    format_name="mov,mp4,m4a,3gp,3g2,mj2", duration=6.0, has_video=True, has_audio=True, width=640, height=360,
    fps=25.0, video_codec="h264", audio_codec="aac", channels=2, sample_rate=48000,
)  # fmt: skip
PORTRAIT = MediaInfo(
    format_name="mov,mp4,m4a,3gp,3g2,mj2", duration=4.0, has_video=True, has_audio=False, width=360, height=640,
    fps=30.0, video_codec="h264",
)  # fmt: skip
IMAGE = MediaInfo(format_name="image2", duration=None, has_video=True, has_audio=False, width=1280, height=720,
                  video_codec="mjpeg", is_image=True)  # fmt: skip
MUSIC = MediaInfo(format_name="mp3", duration=12.0, has_video=False, has_audio=True, audio_codec="mp3",
                  channels=2, sample_rate=48000)  # fmt: skip
VOICE = MediaInfo(format_name="wav", duration=6.0, has_video=False, has_audio=True, audio_codec="pcm_s16le",
                  channels=2, sample_rate=48000)  # fmt: skip


@pytest.fixture
def sources() -> dict[str, LocalMedia]:
    """``asset://`` ids resolved to made-up local paths with fixed probe results."""
    return {
        "asset://clip": LocalMedia(Path("/media/clip.mp4"), VIDEO),
        "asset://portrait": LocalMedia(Path("/media/portrait.mp4"), PORTRAIT),
        "asset://photo": LocalMedia(Path("/media/photo.jpg"), IMAGE),
        "asset://music": LocalMedia(Path("/media/music.mp3"), MUSIC),
        "asset://voice": LocalMedia(Path("/media/voice.wav"), VOICE),
    }

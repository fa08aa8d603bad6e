"""Fixtures of the real-render tests: session-wide synthetic media and a render helper."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from renderowl.media import LocalMedia, RenderResult, prepare_sources, render
from renderowl.media.binary import ffmpeg_binary
from renderowl.media.samples import solid_video, still, tone
from renderowl.spec import parse_spec
from tests.integration.media.helpers import RenderFn


@pytest.fixture(scope="session")
def ffmpeg() -> str:
    return ffmpeg_binary()


@pytest.fixture(scope="session")
def media(tmp_path_factory: pytest.TempPathFactory, ffmpeg: str) -> Path:
    """Small synthetic files with known colours and tones, made once per session."""
    folder = tmp_path_factory.mktemp("media")
    solid_video(folder / "red.mp4", color="red", duration=3, fps=10, tone_hz=440, binary=ffmpeg)
    solid_video(folder / "blue.mp4", color="blue", duration=3, fps=10, tone_hz=None, binary=ffmpeg)
    solid_video(
        folder / "tall.mp4", color="0x00ff00", size=(90, 160), duration=3, fps=10, tone_hz=None, binary=ffmpeg
    )
    still(folder / "white.png", source="color=c=white:s=160x90:r=1", binary=ffmpeg)
    still(folder / "pattern.jpg", source="testsrc2=s=320x180:r=1", binary=ffmpeg)
    tone(folder / "music.wav", freq=1000, duration=4, volume=0.3, binary=ffmpeg)
    tone(folder / "voice.wav", freq=300, duration=1.5, volume=0.5, binary=ffmpeg)
    (folder / "subs.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nHELLO WORLD\n", encoding="utf-8")
    (folder / "words.vtt").write_text(
        "WEBVTT\n\n00:00.000 --> 00:02.000\n<00:00.000>WWWW <00:01.000>MMMM\n", encoding="utf-8"
    )
    return folder


@pytest.fixture
def render_spec(media: Path, tmp_path: Path) -> RenderFn:
    """Render a raw spec whose ``src`` values are file names in the media folder."""

    def run(raw: dict[str, Any], name: str | None = None, **kwargs: Any) -> RenderResult:
        spec = parse_spec(raw, allow_local_paths=True)
        sources: dict[str, LocalMedia] = prepare_sources(spec, lambda src: media / src)
        out = tmp_path / (name or f"out.{spec.output.format}")
        return render(spec, sources, out, **kwargs)

    return run

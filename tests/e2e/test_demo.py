"""`make demo` is one of the two commands: it must keep working, end to end."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from renderowl.media import probe
from tests.e2e.conftest import BIN, cli_env

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e")]


def test_the_demo_renders_the_example_through_the_api(tmp_path: Path) -> None:
    # When the demo runs (its own local cloud, its own throw-away state)
    output = tmp_path / "demo.mp4"
    result = subprocess.run(
        [str(BIN / "renderowl"), "demo", "--output", str(output)],
        env=cli_env(tmp_path / "unused-state"),
        capture_output=True,
        text=True,
        timeout=600,
    )
    # Then it finished, said so, and wrote the video examples/demo.json describes
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "demo complete" in result.stdout
    info = probe(output)
    assert (info.width, info.height) == (1024, 576)
    assert info.duration == pytest.approx(5.0, abs=0.05)
    assert (info.video_codec, info.audio_codec) == ("h264", "aac")
    assert output.with_suffix(".poster.jpg").stat().st_size > 0

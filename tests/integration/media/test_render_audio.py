"""Sound of real renders: levels follow volume, and ducking lowers the soundtrack under voice."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.media.helpers import RenderFn, audio_samples, band_level

pytestmark = pytest.mark.slow


def test_clip_volume_scales_the_level(render_spec: RenderFn) -> None:
    # Given a clip whose 440 Hz tone peaks at 0.3, at full and at half volume
    def level(volume: float) -> float:
        raw = {
            "timeline": {"tracks": [{"clips": [{"asset": {"type": "video", "src": "red.mp4", "volume": volume}, "length": 2}]}]},
            "output": {"format": "wav"},
        }  # fmt: skip
        samples, rate = audio_samples(render_spec(raw, name=f"v{volume}.wav").output.path)
        return band_level(samples, rate, 0.5, 1.5, 440)

    # When rendered
    full, half = level(1.0), level(0.5)

    # Then the tone keeps its level, and half volume halves it
    assert full == pytest.approx(0.3, rel=0.1)
    assert half == pytest.approx(full / 2, rel=0.1)


def ducking_spec(ducking: bool) -> dict[str, Any]:
    return {
        "timeline": {
            "soundtrack": {"src": "music.wav", "volume": 1, "ducking": ducking},
            "tracks": [
                {"clips": [{"asset": {"type": "audio", "src": "voice.wav"}, "start": 1.5, "length": 1.5}]}
            ],
        },
        "output": {"format": "wav"},
    }


@pytest.mark.parametrize("ducking", [True, False])
def test_ducking_lowers_music_only_while_voice_plays(render_spec: RenderFn, ducking: bool) -> None:
    # Given 1 kHz music for 4 s and a 300 Hz "voice" from 1.5 s to 3 s
    # When rendered with or without ducking
    samples, rate = audio_samples(render_spec(ducking_spec(ducking), name=f"duck{ducking}.wav").output.path)

    # Then with ducking the music under the voice is at least 6 dB lower than before it; without, unchanged
    before = band_level(samples, rate, 0.3, 1.3, 1000)
    under = band_level(samples, rate, 2.0, 2.9, 1000)
    voice = band_level(samples, rate, 2.0, 2.9, 300)
    assert before == pytest.approx(0.3, rel=0.1)
    assert voice == pytest.approx(0.5, rel=0.1)
    if ducking:
        assert under < before / 2
    else:
        assert under == pytest.approx(before, rel=0.05)

"""Helpers of the real-render tests: decode frames and sound with PyAV and compare with tolerance."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import av
import numpy as np

from renderowl.media import RenderResult

RenderFn = Callable[..., RenderResult]


def frame_at(path: Path, t: float) -> np.ndarray:
    """The RGB frame shown at ``t`` seconds (the last frame starting at or before ``t``)."""
    with av.open(str(path)) as container:
        chosen = None
        for frame in container.decode(video=0):
            if frame.time is not None and frame.time > t + 1e-6:
                break
            chosen = frame
        assert chosen is not None, f"no frame at {t}s"
        return chosen.to_ndarray(format="rgb24")


def near(pixel: Any, expected: tuple[int, int, int], tol: int = 24) -> bool:
    """True when every channel is within ``tol`` (video codecs are lossy)."""
    return all(abs(int(a) - b) <= tol for a, b in zip(pixel, expected, strict=True))


def audio_samples(path: Path) -> tuple[np.ndarray, int]:
    """Mono float samples (mean of the channels, full scale = 1.0) of the first audio stream, and the rate."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        rate = stream.codec_context.sample_rate
        resampler = av.AudioResampler(format="fltp", layout="stereo", rate=rate)
        chunks = [
            out.to_ndarray().astype(np.float64)
            for frame in container.decode(stream)
            for out in resampler.resample(frame)
        ]
        chunks += [out.to_ndarray().astype(np.float64) for out in resampler.resample(None)]
    return np.concatenate(chunks, axis=1).mean(axis=0), rate


def band_level(samples: np.ndarray, rate: int, start: float, end: float, freq: float) -> float:
    """Amplitude of the ``freq`` component between ``start`` and ``end`` seconds (single-bin DFT)."""
    part = samples[int(start * rate) : int(end * rate)]
    t = np.arange(len(part)) / rate
    return float(2 * abs(np.sum(part * np.exp(-2j * np.pi * freq * t))) / len(part))

"""Synthetic sample media (FFmpeg lavfi sources): for the examples, the demo, tests and benchmarks.

Nothing is downloaded and nothing binary is committed: `generate_samples` writes every file the
examples reference in a few seconds. The small helpers (`solid_video`, `tone`, ...) make media with
known colours and frequencies, which is what pixel and level tests need.
"""

from __future__ import annotations

from pathlib import Path

from renderowl.media.binary import ffmpeg_binary
from renderowl.media.runner import run_ffmpeg

SAMPLE_FILES = (
    "clip.mp4", "portrait.mp4", "photo1.jpg", "photo2.jpg", "logo.png",
    "music.mp3", "voice.wav", "captions.srt", "captions.vtt",
)  # fmt: skip

CAPTIONS_SRT = """1
00:00:00,300 --> 00:00:02,000
Renderowl turns JSON into video.

2
00:00:02,100 --> 00:00:04,000
Captions come from SRT or WebVTT.

3
00:00:04,100 --> 00:00:05,800
Rendered with one FFmpeg run.
"""

CAPTIONS_VTT = """WEBVTT

00:00:00.300 --> 00:00:02.000
<00:00:00.300>Every <00:00:00.700>word <00:00:01.100>lights <00:00:01.500>up

00:00:02.100 --> 00:00:04.000
<00:00:02.100>as <00:00:02.500>it <00:00:02.900>is <00:00:03.300>spoken
"""


def _run(argv: list[str], binary: str | None) -> None:
    run_ffmpeg(binary or ffmpeg_binary(), argv, timeout=120)


def solid_video(
    path: Path,
    *,
    color: str = "red",
    size: tuple[int, int] = (320, 180),
    duration: float = 2.0,
    fps: float = 25,
    tone_hz: float | None = 440.0,
    volume: float = 0.3,
    binary: str | None = None,
) -> Path:
    """An H.264 MP4 of one solid colour, with an AAC sine of peak ``volume`` when ``tone_hz``."""
    argv = ["-f", "lavfi", "-i", f"color=c={color}:s={size[0]}x{size[1]}:r={fps:g}:d={duration:g}"]
    if tone_hz:
        expr = f"{volume:g}*sin(2*PI*{tone_hz:g}*t)"
        argv += ["-f", "lavfi", "-i", f"aevalsrc='{expr}':s=48000:d={duration:g}:c=stereo"]
        argv += ["-c:a", "aac"]
    argv += [
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
        "-t",
        f"{duration:g}",
        str(path),
    ]
    _run(argv, binary)
    return path


def pattern_video(
    path: Path,
    *,
    size: tuple[int, int] = (640, 360),
    duration: float = 6.0,
    fps: float = 25,
    binary: str | None = None,
) -> Path:
    """A moving test pattern with a 440 Hz tone: sample footage."""
    argv = [
        "-f", "lavfi", "-i", f"testsrc2=s={size[0]}x{size[1]}:r={fps:g}:d={duration:g}",
        "-f", "lavfi", "-i", f"sine=f=440:d={duration:g}:r=48000",
        "-af", "volume=0.25", "-c:a", "aac", "-ac", "2",
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "26", "-pix_fmt", "yuv420p", "-t", f"{duration:g}", str(path),
    ]  # fmt: skip
    _run(argv, binary)
    return path


def still(path: Path, *, source: str, binary: str | None = None) -> Path:
    """The first frame of a lavfi video ``source`` as an image (format from the suffix)."""
    argv = ["-f", "lavfi", "-i", source, "-frames:v", "1", "-update", "1"]
    if path.suffix == ".png":
        argv += ["-pix_fmt", "rgba"]
    _run([*argv, str(path)], binary)
    return path


def tone(
    path: Path,
    *,
    freq: float = 440.0,
    duration: float = 3.0,
    volume: float = 0.3,
    bursts: bool = False,
    binary: str | None = None,
) -> Path:
    """A sine tone (wav/mp3 by suffix); ``bursts`` switches it on 1.4 s of every 2 s, like speech."""
    gate = "*lt(mod(t,2),1.4)" if bursts else ""
    expr = f"{volume:g}*sin(2*PI*{freq:g}*t){gate}"
    argv = ["-f", "lavfi", "-i", f"aevalsrc='{expr}':s=48000:d={duration:g}:c=stereo"]
    if path.suffix == ".mp3":
        argv += ["-c:a", "libmp3lame", "-q:a", "4"]
    _run([*argv, str(path)], binary)
    return path


def music(path: Path, *, duration: float = 12.0, binary: str | None = None) -> Path:
    """A soft C-major chord with a slow pulse: a stand-in soundtrack."""
    expr = "0.12*(sin(2*PI*261.63*t)+sin(2*PI*329.63*t)+sin(2*PI*392*t))*(0.75+0.25*sin(2*PI*2*t))"
    argv = ["-f", "lavfi", "-i", f"aevalsrc='{expr}':s=48000:d={duration:g}:c=stereo"]
    argv += ["-c:a", "libmp3lame", "-q:a", "4", str(path)]
    _run(argv, binary)
    return path


def generate_samples(directory: Path, *, binary: str | None = None) -> list[Path]:
    """Write every sample file the examples use into ``directory``; returns their paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    pattern_video(directory / "clip.mp4", binary=binary)
    pattern_video(directory / "portrait.mp4", size=(360, 640), binary=binary)
    still(directory / "photo1.jpg", source="testsrc2=s=1280x720:r=1", binary=binary)
    still(directory / "photo2.jpg", source="smptehdbars=s=1280x720:r=1", binary=binary)
    still(directory / "logo.png", source="color=c=0xffb000a0:s=200x200:r=1,format=rgba", binary=binary)
    music(directory / "music.mp3", binary=binary)
    tone(directory / "voice.wav", freq=220, duration=6, volume=0.5, bursts=True, binary=binary)
    (directory / "captions.srt").write_text(CAPTIONS_SRT, encoding="utf-8")
    (directory / "captions.vtt").write_text(CAPTIONS_VTT, encoding="utf-8")
    return [directory / name for name in SAMPLE_FILES]

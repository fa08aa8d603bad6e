"""Render the same timeline three ways and print how Renderowl compares.

    .venv/bin/python bench/render_vs_baselines.py [--runs 3] [--keep DIR]

The timeline (8 s, 1280x720, 25 fps, H.264 veryfast CRF 23 + AAC 128k): a video clip (0-4 s, fading
out) then a photo (4-8 s, fading in) under a text title (1-7 s), over a soundtrack at half volume
fading out, mixed with the clip's own sound. Baselines:

(a) MoviePy 2: the same timeline with VideoFileClip/ImageClip/TextClip/CompositeVideoClip;
(b) a hand-written FFmpeg command, the one a competent engineer would type for this output.

Each contender runs once to warm up, then the timed runs are interleaved (so a noisy neighbour slows
all alike). Medians of wall time and of CPU time (this process plus children) are compared. Ratios:
``renderowl / ffmpeg`` (goal <= 1.10) and ``moviepy / renderowl`` (goal >= 5).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import av

from renderowl.fonts import DEFAULT_FONT
from renderowl.media import prepare_sources, render
from renderowl.media.binary import ffmpeg_binary
from renderowl.media.samples import generate_samples
from renderowl.spec import parse_spec

W, H, FPS, DURATION = 1280, 720, 25, 8.0
TITLE = "Renderowl benchmark"


def spec_for(media: Path) -> dict:
    return {
        "timeline": {
            "soundtrack": {"src": str(media / "music.mp3"), "volume": 0.5, "fade_out": 1},
            "tracks": [
                {
                    "clips": [
                        {
                            "asset": {"type": "text", "text": TITLE, "style": {"size": 48}},
                            "start": 1,
                            "length": 6,
                            "position": "bottom",
                            "offset": {"y": -0.05},
                        }
                    ]
                },
                {
                    "clips": [
                        {
                            "asset": {"type": "video", "src": str(media / "clip.mp4")},
                            "start": 0,
                            "length": 4,
                            "transition": {"out": "fade", "duration": 0.5},
                        },
                        {
                            "asset": {"type": "image", "src": str(media / "photo1.jpg")},
                            "start": 4,
                            "length": 4,
                            "transition": {"in": "fade", "duration": 0.5},
                        },
                    ]
                },
            ],
        },
        "output": {"format": "mp4", "size": {"width": W, "height": H}, "fps": FPS, "quality": "medium"},
    }


def run_renderowl(media: Path, out: Path) -> None:
    spec = parse_spec(spec_for(media), allow_local_paths=True)
    render(spec, prepare_sources(spec, Path), out)


def run_ffmpeg_by_hand(media: Path, out: Path) -> None:
    graph = ";".join(
        [
            f"color=c=black:s={W}x{H}:r={FPS}:d={DURATION:g}[bg]",
            f"[0:v]fps={FPS},scale={W}:{H},format=yuva420p,fade=t=out:st=3.5:d=0.5:alpha=1[v0]",
            f"[1:v]scale={W}:{H},format=yuva420p,fade=t=in:st=0:d=0.5:alpha=1,setpts=PTS-STARTPTS+4/TB[v1]",
            "[bg][v0]overlay=eof_action=pass[c0]",
            "[c0][v1]overlay=eof_action=pass[c1]",
            f"[c1]drawtext=fontfile={DEFAULT_FONT}:text='{TITLE}':fontsize=48:fontcolor=white:"
            "x=(w-text_w)/2:y=h-text_h-50:enable='between(t,1,7)'[v]",
            "[0:a]afade=t=out:st=3.5:d=0.5[a0]",
            "[2:a]volume=0.5,afade=t=out:st=7:d=1[a1]",
            "[a0][a1]amix=inputs=2:duration=longest:normalize=0[a]",
        ]
    )
    argv = [
        ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-y",
        "-t", "4", "-i", str(media / "clip.mp4"),
        "-loop", "1", "-framerate", str(FPS), "-t", "4", "-i", str(media / "photo1.jpg"),
        "-t", f"{DURATION:g}", "-i", str(media / "music.mp3"),
        "-filter_complex", graph, "-map", "[v]", "-map", "[a]",
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "128k", "-ar", "48000", "-movflags", "+faststart", "-t", f"{DURATION:g}", str(out),
    ]  # fmt: skip
    subprocess.run(argv, check=True)


def run_moviepy(media: Path, out: Path) -> None:
    from moviepy import (
        AudioFileClip,
        ColorClip,
        CompositeAudioClip,
        CompositeVideoClip,
        ImageClip,
        TextClip,
        VideoFileClip,
        afx,
        vfx,
    )

    video = VideoFileClip(str(media / "clip.mp4")).subclipped(0, 4).resized((W, H))
    video = video.with_effects([vfx.CrossFadeOut(0.5)]).with_start(0)
    photo = ImageClip(str(media / "photo1.jpg")).with_duration(4).resized((W, H))
    photo = photo.with_effects([vfx.CrossFadeIn(0.5)]).with_start(4)
    title = TextClip(font=str(DEFAULT_FONT), text=TITLE, font_size=48, color="white")
    title = title.with_start(1).with_duration(6).with_position(("center", H - 50 - title.h))
    background = ColorClip((W, H), color=(0, 0, 0)).with_duration(DURATION)
    music = AudioFileClip(str(media / "music.mp3")).subclipped(0, DURATION)
    music = music.with_effects([afx.MultiplyVolume(0.5), afx.AudioFadeOut(1)])
    clip_audio = video.audio.with_effects([afx.AudioFadeOut(0.5)])
    final = CompositeVideoClip([background, video, photo, title], size=(W, H)).with_duration(DURATION)
    final = final.with_audio(CompositeAudioClip([clip_audio, music]).with_duration(DURATION))
    final.write_videofile(
        str(out), fps=FPS, codec="libx264", preset="veryfast", audio_codec="aac", audio_bitrate="128k",
        ffmpeg_params=["-crf", "23", "-pix_fmt", "yuv420p"], logger=None,
    )  # fmt: skip
    final.close()


def measure(fn: Callable[[Path, Path], None], media: Path, out: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process and its children) of one run."""
    before = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    fn(media, out)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = sum(a.ru_utime + a.ru_stime - b.ru_utime - b.ru_stime for a, b in zip(after, before, strict=True))
    return wall, cpu


def describe(path: Path) -> str:
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        duration = container.duration / av.time_base
        return f"{video.codec_context.width}x{video.codec_context.height} {duration:.2f}s {path.stat().st_size:,} B"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="timed runs of Renderowl and FFmpeg")
    parser.add_argument("--moviepy-runs", type=int, default=2, help="timed runs of MoviePy (slow)")
    parser.add_argument("--keep", type=Path, help="keep media and outputs in this folder")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="renderowl-bench-"))
    media = work / "media"
    generate_samples(media)

    contenders: dict[str, Callable[[Path, Path], None]] = {
        "renderowl": run_renderowl,
        "ffmpeg": run_ffmpeg_by_hand,
        "moviepy": run_moviepy,
    }
    walls: dict[str, list[float]] = {name: [] for name in contenders}
    cpus: dict[str, list[float]] = {name: [] for name in contenders}
    for name, fn in contenders.items():
        fn(media, work / f"{name}.mp4")  # warm-up: page cache, imports
    # Interleave the runs so that a noisy neighbour slows every contender alike.
    for round_ in range(args.runs):
        for name, fn in contenders.items():
            if name == "moviepy" and round_ >= args.moviepy_runs:
                continue
            wall, cpu = measure(fn, media, work / f"{name}.mp4")
            walls[name].append(wall)
            cpus[name].append(cpu)

    wall = {name: statistics.median(values) for name, values in walls.items()}
    cpu = {name: statistics.median(values) for name, values in cpus.items()}
    for name in contenders:
        print(
            f"{name:10s} wall median {wall[name]:6.2f}s  cpu median {cpu[name]:6.2f}s  "
            f"walls {[round(t, 2) for t in walls[name]]}  ({describe(work / f'{name}.mp4')})"
        )
    print(
        f"renderowl / hand-written ffmpeg = {wall['renderowl'] / wall['ffmpeg']:.3f} wall, "
        f"{cpu['renderowl'] / cpu['ffmpeg']:.3f} cpu  (goal <= 1.10)"
    )
    print(
        f"moviepy / renderowl             = {wall['moviepy'] / wall['renderowl']:.1f}x wall, "
        f"{cpu['moviepy'] / cpu['renderowl']:.1f}x cpu  (goal >= 5)"
    )


if __name__ == "__main__":
    main()

"""The pure compiler: exact argv for representative specs, determinism, and safety properties."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from renderowl.fonts import DEFAULT_FONT
from renderowl.media.compiler import RenderPlan, compile_render
from renderowl.media.probe import LocalMedia
from renderowl.media.timeline import resolve_timeline
from renderowl.spec import parse_spec

WORK = Path("/work")


def compile_spec(raw: dict[str, Any], sources: dict[str, LocalMedia]) -> RenderPlan:
    spec = parse_spec(raw)
    timeline = resolve_timeline(spec, sources)
    return compile_render(spec, timeline, Path(f"/out/o.{spec.output.format}"), work_dir=WORK)


VIDEO_IMAGE_SOUNDTRACK = {
    "timeline": {
        "background": "#101820",
        "soundtrack": {"src": "asset://music", "volume": 0.5, "fade_out": 1, "ducking": True},
        "tracks": [
            {
                "clips": [
                    {
                        "asset": {"type": "video", "src": "asset://clip", "trim": 1},
                        "start": 0,
                        "length": 2,
                        "transition": {"out": "fade", "duration": 0.5},
                    },
                    {
                        "asset": {"type": "image", "src": "asset://photo"},
                        "start": "auto",
                        "length": 2,
                        "fit": "contain",
                        "scale": 0.5,
                        "position": "topLeft",
                        "opacity": 0.5,
                    },
                ]
            }
        ],
    },
    "output": {"format": "mp4", "size": {"width": 320, "height": 180}, "fps": 25},
}


def test_golden_argv_video_image_and_ducked_soundtrack(sources: dict[str, LocalMedia]) -> None:
    # Given a video with a fade-out, then a half-size translucent image, over a ducked soundtrack
    # When compiled
    plan = compile_spec(VIDEO_IMAGE_SOUNDTRACK, sources)

    # Then the argv is exactly this: trimmed inputs with pinned demuxers, one filter graph, H.264 + AAC
    graph = ";".join(
        [
            "color=c=0x101820:d=4:r=25:s=320x180[s0]",
            "[0:v]setpts=PTS-STARTPTS[s1]",
            "[s1]fps=25[s2]",
            "[s2]scale=320:180[s3]",
            "[s3]format=yuva420p[s4]",
            "[s4]fade=alpha=1:d=0.5:st=1.5:t=out[s5]",
            "[s5]setpts=PTS-STARTPTS+0/TB[s6]",
            "[s0][s6]overlay=enable=between(t\\,0\\,2):eof_action=pass:x=0:y=0[s7]",
            "[1:v]scale=160:90[s8]",
            "[s8]format=yuva420p[s9]",
            "[s9]loop=loop=49:size=1:start=0[s10]",
            "[s10]lut=a=val*0.5[s11]",
            "[s11]setpts=PTS-STARTPTS+2/TB[s12]",
            "[s7][s12]overlay=enable=between(t\\,2\\,4):eof_action=pass:x=0:y=0[s13]",
            "[0:a]asetpts=PTS-STARTPTS[s14]",
            "[s14]afade=d=0.5:st=1.5:t=out[s15]",
            "[s15]aformat=channel_layouts=stereo:sample_fmts=fltp:sample_rates=48000[s16]",
            "[s16]asplit=2[s17][s18]",
            "[2:a]asetpts=PTS-STARTPTS[s19]",
            "[s19]volume=0.5[s20]",
            "[s20]afade=d=1:st=3:t=out[s21]",
            "[s21]aformat=channel_layouts=stereo:sample_fmts=fltp:sample_rates=48000[s22]",
            "[s22][s17]sidechaincompress=attack=20:ratio=10:release=400:threshold=0.02[s23]",
            "[s18][s23]amix=duration=longest:inputs=2:normalize=0[s24]",
            "[s24]apad=whole_dur=4[s25]",
        ]
    )
    assert plan.argv == [
        "-f", "mov", "-protocol_whitelist", "file", "-ss", "1", "-t", "2", "-i", "/media/clip.mp4",
        "-f", "image2", "-framerate", "25", "-pattern_type", "none", "-protocol_whitelist", "file",
        "-i", "/media/photo.jpg",
        "-f", "mp3", "-protocol_whitelist", "file", "-ss", "0", "-t", "4", "-i", "/media/music.mp3",
        "-filter_complex", graph,
        "-map", "[s13]", "-map", "[s25]",
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "128k", "-ar", "48000", "-movflags", "+faststart",
        "-t", "4", "-map_metadata", "-1", "-map_chapters", "-1", "-f", "mp4", "/out/o.mp4",
    ]  # fmt: skip
    assert (plan.duration, plan.has_audio, plan.has_video, plan.files) == (4.0, True, True, {})


def test_golden_argv_text_over_colour_to_webm(sources: dict[str, LocalMedia]) -> None:
    # Given a text title at the bottom over a quarter-frame colour block, as a low-quality WebM
    raw = {
        "timeline": {
            "background": "#1d3557",
            "tracks": [
                {"clips": [{"asset": {"type": "text", "text": "Hi", "style": {"size": 40}}, "length": 2, "position": "bottom"}]},
                {"clips": [{"asset": {"type": "color", "color": "#e63946"}, "length": 2, "scale": 0.5, "position": "topRight"}]},
            ],
        },
        "output": {"format": "webm", "size": {"width": 320, "height": 180}, "fps": 10, "quality": "low"},
    }  # fmt: skip

    # When compiled
    plan = compile_spec(raw, sources)

    # Then no input file is opened: canvas, block and text canvas are generated in the graph
    graph = ";".join(
        [
            "color=c=0x1D3557:d=2:r=10:s=320x180[s0]",
            "color=c=0xE63946:d=2:r=10:s=160x90[s1]",
            "[s1]setpts=PTS-STARTPTS+0/TB[s2]",
            "[s0][s2]overlay=enable=between(t\\,0\\,2):eof_action=pass:x=160:y=0[s3]",
            "color=c=0x00000000:d=0.1:r=10:s=46x50[s4]",
            "[s4]format=yuva420p[s5]",
            "[s5]drawtext=expansion=none:fontcolor=0xFFFFFF:"
            f"fontfile={DEFAULT_FONT}:fontsize=40:line_spacing=0:text_align=C:"
            "textfile=/work/text-0-0.txt:x=(w-text_w)/2:y=(h-text_h)/2[s6]",
            "[s6]loop=loop=19:size=1:start=0[s7]",
            "[s7]setpts=PTS-STARTPTS+0/TB[s8]",
            "[s3][s8]overlay=enable=between(t\\,0\\,2):eof_action=pass:x=137:y=130[s9]",
        ]
    )
    assert plan.argv == [
        "-filter_complex", graph, "-map", "[s9]",
        "-c:v", "libvpx-vp9", "-b:v", "0", "-crf", "40", "-deadline", "realtime", "-cpu-used", "8",
        "-row-mt", "1", "-pix_fmt", "yuv420p",
        "-t", "2", "-map_metadata", "-1", "-map_chapters", "-1", "-f", "webm", "/out/o.webm",
    ]  # fmt: skip
    assert plan.files == {WORK / "text-0-0.txt": "Hi"}


def test_golden_argv_audio_only_range_with_ducking(sources: dict[str, LocalMedia]) -> None:
    # Given a voice clip from 1 s over a soundtrack, rendered from 0.5 s for 3 s as MP3
    raw = {
        "timeline": {
            "soundtrack": {"src": "asset://music", "fade_in": 1, "ducking": True},
            "tracks": [{"clips": [{"asset": {"type": "audio", "src": "asset://voice", "fade_out": 0.5}, "start": 1, "length": 3}]}],
        },
        "output": {"format": "mp3", "range": {"start": 0.5, "length": 3}},
    }  # fmt: skip

    # When compiled
    plan = compile_spec(raw, sources)

    # Then the voice is delayed to 0.5 s of output, the soundtrack is faded then cut at 0.5 s, and ducked
    graph = ";".join(
        [
            "[0:a]asetpts=PTS-STARTPTS[s0]",
            "[s0]afade=d=0.5:st=2.5:t=out[s1]",
            "[s1]aformat=channel_layouts=stereo:sample_fmts=fltp:sample_rates=48000[s2]",
            "[s2]adelay=all=1:delays=500[s3]",
            "[s3]asplit=2[s4][s5]",
            "[1:a]asetpts=PTS-STARTPTS[s6]",
            "[s6]afade=d=1:st=0:t=in[s7]",
            "[s7]aformat=channel_layouts=stereo:sample_fmts=fltp:sample_rates=48000[s8]",
            "[s8]atrim=start=0.5[s9]",
            "[s9]asetpts=PTS-STARTPTS[s10]",
            "[s10][s4]sidechaincompress=attack=20:ratio=10:release=400:threshold=0.02[s11]",
            "[s5][s11]amix=duration=longest:inputs=2:normalize=0[s12]",
            "[s12]apad=whole_dur=3[s13]",
        ]
    )
    assert plan.argv == [
        "-f", "wav", "-protocol_whitelist", "file", "-ss", "0", "-t", "3", "-i", "/media/voice.wav",
        "-f", "mp3", "-protocol_whitelist", "file", "-ss", "0", "-t", "3.5", "-i", "/media/music.mp3",
        "-filter_complex", graph, "-map", "[s13]",
        "-c:a", "libmp3lame", "-q:a", "4", "-ar", "48000",
        "-t", "3", "-map_metadata", "-1", "-map_chapters", "-1", "-f", "mp3", "/out/o.mp3",
    ]  # fmt: skip
    assert (plan.has_audio, plan.has_video) == (True, False)


def test_same_spec_gives_the_same_argv(sources: dict[str, LocalMedia]) -> None:
    # When the same spec is compiled twice
    first = compile_spec(VIDEO_IMAGE_SOUNDTRACK, sources)
    second = compile_spec(VIDEO_IMAGE_SOUNDTRACK, sources)

    # Then the commands are identical
    assert first.argv == second.argv


def test_every_input_is_a_pinned_local_file(sources: dict[str, LocalMedia]) -> None:
    # When a spec with several inputs is compiled
    argv = compile_spec(VIDEO_IMAGE_SOUNDTRACK, sources).argv

    # Then each -i is preceded by a demuxer and a file-only protocol whitelist
    for at in [i for i, arg in enumerate(argv) if arg == "-i"]:
        options = argv[at - 8 : at]
        assert "-f" in options and options[options.index("-protocol_whitelist") :][:2] == [
            "-protocol_whitelist",
            "file",
        ]


def test_same_file_in_two_clips_gets_two_inputs(sources: dict[str, LocalMedia]) -> None:
    # Given the same image twice with identical settings (ffmpeg-python would merge equal nodes)
    clip = {"asset": {"type": "image", "src": "asset://photo"}, "length": 1}
    raw = {
        "timeline": {"tracks": [{"clips": [clip, clip]}]},
        "output": {"size": {"width": 160, "height": 90}},
    }

    # When compiled
    argv = compile_spec(raw, sources).argv

    # Then both clips read their own input and are both overlaid
    assert argv.count("/media/photo.jpg") == 2
    graph = argv[argv.index("-filter_complex") + 1]
    assert graph.count("overlay=") == 2


def test_clips_outside_the_range_are_not_compiled(sources: dict[str, LocalMedia]) -> None:
    # Given two clips and a range covering only the second
    raw = {
        "timeline": {
            "tracks": [
                {
                    "clips": [
                        {"asset": {"type": "video", "src": "asset://clip"}, "length": 2},
                        {"asset": {"type": "color", "color": "#ff0000"}, "length": 2},
                    ]
                }
            ]
        },
        "output": {"size": {"width": 160, "height": 90}, "range": {"start": 2.5, "length": 1}},
    }

    # When compiled
    argv = compile_spec(raw, sources).argv

    # Then the video is not even opened and the colour is shifted to the start of the output
    assert "/media/clip.mp4" not in argv
    graph = argv[argv.index("-filter_complex") + 1]
    assert "trim=start=0.5" in graph and "between(t\\,0\\,1)" in graph

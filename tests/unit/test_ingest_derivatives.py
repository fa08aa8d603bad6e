"""Derivative commands as data: the demuxer is pinned, only local files, pixels capped."""

from pathlib import Path

from renderowl.ingest.derivatives import proxy_argv, thumbnail_argv, waveform_argv, web_image_argv

SRC, OUT = Path("/s/source"), Path("/s/out")


def test_every_command_pins_the_demuxer_and_the_file_protocol_before_its_input() -> None:
    commands = [
        thumbnail_argv(SRC, OUT, demuxer="mov", max_pixels=64, at=1.0),
        waveform_argv(SRC, OUT, demuxer="mp3"),
        proxy_argv(SRC, OUT, demuxer="matroska", max_pixels=64, has_audio=True),
        web_image_argv(SRC, OUT, demuxer="png_pipe", max_pixels=64),
    ]
    for argv in commands:
        i = argv.index("-i")
        assert argv[i + 1] == str(SRC)
        before = argv[:i]
        assert before[before.index("-f") + 1] in {"mov", "mp3", "matroska", "png_pipe"}
        assert before[before.index("-protocol_whitelist") + 1] == "file"


def test_the_thumbnail_command_exactly() -> None:
    assert thumbnail_argv(SRC, OUT, demuxer="mov", max_pixels=67108864, at=1.0) == [
        "-ss", "1.000", "-f", "mov", "-protocol_whitelist", "file", "-max_pixels", "67108864", "-i", "/s/source",
        "-map", "0:v:0", "-vf", "scale='min(480,iw)':-2", "-frames:v", "1", "-c:v", "mjpeg", "-q:v", "4",
        "-pix_fmt", "yuvj420p", "-f", "image2", "-update", "1", "/s/out",
    ]  # fmt: skip


def test_the_proxy_keeps_a_keyframe_every_half_second_and_drops_missing_audio() -> None:
    argv = proxy_argv(SRC, OUT, demuxer="mov", max_pixels=64, has_audio=False)
    assert argv[argv.index("-force_key_frames") + 1] == "expr:gte(t,n_forced*0.5)"
    assert "-an" in argv
    assert "0:a:0" not in argv

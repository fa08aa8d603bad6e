"""Real renders: containers, codecs, sizes, durations and the extra files, checked with PyAV."""

from __future__ import annotations

from typing import Any

import av
import pytest

from tests.integration.media.helpers import RenderFn, audio_samples

pytestmark = pytest.mark.slow


def video_spec(fmt: str, **output: Any) -> dict[str, Any]:
    return {
        "timeline": {"tracks": [{"clips": [{"asset": {"type": "video", "src": "red.mp4"}, "length": 2}]}]},
        "output": {"format": fmt, "size": {"width": 160, "height": 90}, "fps": 10, **output},
    }


def test_mp4_has_the_requested_size_fps_codecs_and_duration(render_spec: RenderFn) -> None:
    # Given a 2 s clip with sound, as 160x90 at 10 fps
    # When rendered to mp4
    result = render_spec(video_spec("mp4"))

    # Then the file is H.264 + AAC, 160x90, 10 fps, 2 s within one frame, with audible sound
    with av.open(str(result.output.path)) as container:
        video, audio = container.streams.video[0], container.streams.audio[0]
        assert (video.codec_context.name, audio.codec_context.name) == ("h264", "aac")
        assert (video.codec_context.width, video.codec_context.height) == (160, 90)
        assert video.average_rate == 10
        assert container.duration / av.time_base == pytest.approx(2.0, abs=0.1)
        frames = sum(1 for _ in container.decode(video=0))
    assert frames == 20
    samples, _ = audio_samples(result.output.path)
    assert samples.std() > 0.05
    assert (result.output.content_type, result.width, result.height, result.has_audio) == (
        "video/mp4",
        160,
        90,
        True,
    )


def test_webm_is_vp9_and_opus(render_spec: RenderFn) -> None:
    result = render_spec(video_spec("webm", quality="low"))
    with av.open(str(result.output.path)) as container:
        assert container.streams.video[0].codec_context.name == "vp9"
        assert container.streams.audio[0].codec_context.name == "opus"


def test_gif_has_frames_and_no_sound(render_spec: RenderFn) -> None:
    result = render_spec(video_spec("gif"))
    with av.open(str(result.output.path)) as container:
        assert container.format.name == "gif"
        assert not container.streams.audio
        assert sum(1 for _ in container.decode(video=0)) >= 19


@pytest.mark.parametrize(("fmt", "codec"), [("mp3", "mp3"), ("wav", "pcm_s16le")])
def test_audio_only_formats(render_spec: RenderFn, fmt: str, codec: str) -> None:
    # When a video clip is rendered as audio only
    result = render_spec(video_spec(fmt))

    # Then there is only sound, of the timeline's length
    with av.open(str(result.output.path)) as container:
        assert not container.streams.video
        assert container.streams.audio[0].codec_context.name.startswith(codec)
        assert container.duration / av.time_base == pytest.approx(2.0, abs=0.06)
    assert result.width is None


@pytest.mark.parametrize(("fmt", "codec"), [("png", "png"), ("jpg", "mjpeg")])
def test_image_formats_write_one_frame(render_spec: RenderFn, fmt: str, codec: str) -> None:
    result = render_spec(video_spec(fmt, frame_at=1.0))
    with av.open(str(result.output.path)) as container:
        assert container.streams.video[0].codec_context.name == codec
        frames = list(container.decode(video=0))
    assert len(frames) == 1 and (frames[0].width, frames[0].height) == (160, 90)


def test_poster_and_thumbnail_are_written_next_to_the_output(render_spec: RenderFn) -> None:
    # Given a poster and an 80 px wide thumbnail request
    raw = video_spec("mp4", poster={"at": 1}, thumbnail={"at": 0.5, "width": 80})

    # When rendered
    result = render_spec(raw, name="clip.mp4")

    # Then three files are listed, the extras beside the output
    assert [f.role for f in result.files] == ["output", "poster", "thumbnail"]
    poster, thumb = result.file("poster"), result.file("thumbnail")
    assert poster is not None and thumb is not None
    assert (poster.path.name, thumb.path.name) == ("clip.poster.jpg", "clip.thumb.jpg")
    with av.open(str(thumb.path)) as container:
        frame = next(container.decode(video=0))
    assert (frame.width, frame.height) == (80, 46)
    assert poster.size_bytes > 0 and poster.content_type == "image/jpeg"

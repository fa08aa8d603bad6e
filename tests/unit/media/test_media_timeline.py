"""Stage 2: timing resolved against probed media, and the problems only media can reveal."""

from __future__ import annotations

from typing import Any

import pytest

from renderowl.errors import ValidationFailedError
from renderowl.media.probe import LocalMedia
from renderowl.media.timeline import resolve_timeline
from renderowl.spec import Limits, parse_spec


def spec_of(clips: list[dict[str, Any]], **output: Any) -> Any:
    return parse_spec({"timeline": {"tracks": [{"clips": clips}]}, "output": {"format": "mp4", **output}})


def problems(spec: Any, sources: dict[str, LocalMedia], **kwargs: Any) -> dict[str, str]:
    with pytest.raises(ValidationFailedError) as caught:
        resolve_timeline(spec, sources, **kwargs)
    return {p["path"]: p["message"] for p in caught.value.details}


def test_auto_start_follows_previous_clip_and_auto_length_is_natural(sources: dict[str, LocalMedia]) -> None:
    # Given a video (6 s, trimmed by 1 s, at 2x speed) then an image after it
    spec = spec_of(
        [
            {"asset": {"type": "video", "src": "asset://clip", "trim": 1, "speed": 2}},
            {"asset": {"type": "image", "src": "asset://photo"}, "length": 2},
        ]
    )

    # When resolved
    timeline = resolve_timeline(spec, sources)

    # Then the video lasts (6-1)/2 s and the image starts right after it
    video, image = timeline.tracks[0]
    assert (video.start, video.length) == (0.0, 2.5)
    assert (image.start, image.length) == (2.5, 2.0)
    assert timeline.duration == 4.5
    assert (timeline.window_start, timeline.window_length) == (0.0, 4.5)


def test_end_length_runs_to_the_end_of_the_timeline(sources: dict[str, LocalMedia]) -> None:
    # Given a logo on its own track with length "end" and a 5 s video below
    spec = parse_spec(
        {
            "timeline": {
                "tracks": [
                    {
                        "clips": [
                            {"asset": {"type": "image", "src": "asset://photo"}, "start": 1, "length": "end"}
                        ]
                    },
                    {"clips": [{"asset": {"type": "video", "src": "asset://clip"}, "start": 0, "length": 5}]},
                ]
            }
        }
    )

    # When resolved
    timeline = resolve_timeline(spec, sources)

    # Then the logo lasts until 5 s
    assert (timeline.tracks[0][0].start, timeline.tracks[0][0].length) == (1.0, 4.0)


def test_media_problems_are_reported_together(sources: dict[str, LocalMedia]) -> None:
    # Given an image asked for its natural length, a trim past the end, an unresolved source, and an audio
    # file used as video
    spec = spec_of(
        [
            {"asset": {"type": "image", "src": "asset://photo"}},
            {"asset": {"type": "video", "src": "asset://clip", "trim": 7}, "length": 1},
            {"asset": {"type": "video", "src": "asset://missing"}, "length": 1},
            {"asset": {"type": "video", "src": "asset://music"}, "length": 1},
        ]
    )

    # When resolved
    found = problems(spec, sources)

    # Then every problem is listed at its path
    assert found == {
        "timeline.tracks[0].clips[0].length": "a image has no natural length; give seconds or 'end'",
        "timeline.tracks[0].clips[1].asset.trim": "is beyond the end of the source (6s)",
        "timeline.tracks[0].clips[2].asset.src": "source was not resolved to a local file",
        "timeline.tracks[0].clips[3].asset.src": "is not a video file",
    }


def test_resolved_duration_is_checked_against_the_limit(sources: dict[str, LocalMedia]) -> None:
    spec = spec_of([{"asset": {"type": "audio", "src": "asset://music"}}], format="mp3")
    assert problems(spec, sources, limits=Limits(max_duration=10)) == {
        "timeline": "lasts 12s; the limit is 10s"
    }


def test_range_and_frame_select_the_rendered_window(sources: dict[str, LocalMedia]) -> None:
    # Given a 6 s video rendered from 4 s for up to 5 s, and as a png at 2 s
    clips = [{"asset": {"type": "video", "src": "asset://clip"}}]

    # When resolved
    ranged = resolve_timeline(spec_of(clips, range={"start": 4, "length": 5}), sources)
    frame = resolve_timeline(spec_of(clips, format="png", frame_at=2, fps=25), sources)

    # Then the window is clipped to the timeline, and a frame is one frame long
    assert (ranged.window_start, ranged.window_length) == (4.0, 2.0)
    assert (frame.window_start, frame.window_length) == (2.0, 0.04)


def test_range_and_poster_beyond_the_end_are_errors(sources: dict[str, LocalMedia]) -> None:
    spec = spec_of([{"asset": {"type": "video", "src": "asset://clip"}}], range={"start": 7, "length": 1})
    assert problems(spec, sources)["output.range.start"] == "is beyond the end of the timeline (6s)"
    spec = spec_of([{"asset": {"type": "video", "src": "asset://clip"}}], poster={"at": 9})
    assert problems(spec, sources) == {"output.poster.at": "is beyond the end of the output (6s)"}

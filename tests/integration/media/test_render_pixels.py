"""Pixels of real renders: layer order, fit, position, scale, opacity, transitions, text, range, merge."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from tests.integration.media.helpers import RenderFn, frame_at, near

pytestmark = pytest.mark.slow

RED, BLUE, GREEN, BLACK, WHITE = (255, 0, 0), (0, 0, 255), (0, 255, 0), (0, 0, 0), (255, 255, 255)


def spec(tracks: list[list[dict[str, Any]]], **output: Any) -> dict[str, Any]:
    return {
        "timeline": {"background": "#000000", "tracks": [{"clips": clips} for clips in tracks]},
        "output": {
            "format": "mp4",
            "size": {"width": 160, "height": 90},
            "fps": 10,
            "quality": "high",
            **output,
        },
    }


def color(value: str, **clip: Any) -> dict[str, Any]:
    return {"asset": {"type": "color", "color": value}, "start": 0, "length": 2, **clip}


def test_top_track_covers_lower_ones_and_scale_anchors_by_position(render_spec: RenderFn) -> None:
    # Given a half-scale red block anchored top-left over a full-frame blue video
    raw = spec(
        [
            [color("#ff0000", scale=0.5, position="topLeft")],
            [{"asset": {"type": "video", "src": "blue.mp4"}, "length": 2}],
        ]
    )

    # When rendered
    frame = frame_at(render_spec(raw).output.path, 1.0)

    # Then the top-left quarter is red and the rest blue
    assert near(frame[20, 40], RED)
    assert near(frame[70, 120], BLUE)
    assert near(frame[20, 120], BLUE) and near(frame[70, 40], BLUE)


def test_opacity_blends_over_the_layers_below(render_spec: RenderFn) -> None:
    # Given a white clip at 50 % over black
    frame = frame_at(render_spec(spec([[color("#ffffff", opacity=0.5)]])).output.path, 1.0)

    # Then the result is mid grey
    assert near(frame[45, 80], (128, 128, 128), tol=20)


@pytest.mark.parametrize(("fit", "edge"), [("contain", BLACK), ("crop", GREEN), ("cover", GREEN)])
def test_fit_of_a_portrait_video_in_a_landscape_frame(
    render_spec: RenderFn, fit: str, edge: tuple[int, int, int]
) -> None:
    # Given a green portrait video
    raw = spec([[{"asset": {"type": "video", "src": "tall.mp4"}, "length": 2, "fit": fit}]])

    # When rendered with this fit
    frame = frame_at(render_spec(raw).output.path, 1.0)

    # Then the centre is green and the side edge shows the background only with contain
    assert near(frame[45, 80], GREEN)
    assert near(frame[45, 5], edge)


def test_position_and_offset_place_the_clip(render_spec: RenderFn) -> None:
    # Given a quarter-size block at the bottom right, moved left by a quarter of the width
    raw = spec([[color("#ff0000", scale=0.25, position="bottomRight", offset={"x": -0.25, "y": 0})]])

    # When rendered
    frame = frame_at(render_spec(raw).output.path, 1.0)

    # Then the block sits at x 80..120, y 68..90
    assert near(frame[80, 100], RED)
    assert near(frame[80, 140], BLACK) and near(frame[50, 100], BLACK)


def test_fade_in_transition_reveals_gradually(render_spec: RenderFn) -> None:
    # Given a red clip fading in over 1 s above blue
    raw = spec([[color("#ff0000", transition={"in": "fade", "duration": 1})], [color("#0000ff")]])
    path = render_spec(raw).output.path

    # Then it is blue at first, mixed half-way, red after
    assert near(frame_at(path, 0.0)[45, 80], BLUE, tol=30)
    middle = frame_at(path, 0.5)[45, 80]
    assert 60 < int(middle[0]) < 220 and 40 < int(middle[2]) < 220
    assert near(frame_at(path, 1.5)[45, 80], RED)


def test_wipe_transition_reveals_one_side_first(render_spec: RenderFn) -> None:
    # Given a red clip wiping in over 1 s above blue
    raw = spec([[color("#ff0000", transition={"in": "wipeleft", "duration": 1})], [color("#0000ff")]])

    # When the frame half-way through is decoded
    frame = frame_at(render_spec(raw).output.path, 0.5)

    # Then one side is already red while the other is still blue
    left, right = frame[45, 10], frame[45, 150]
    assert {near(left, RED), near(right, RED)} == {True, False}
    assert near(left, BLUE) or near(right, BLUE)


def bright(frame: np.ndarray) -> np.ndarray:
    return frame.min(axis=2) > 200


def test_text_is_drawn_where_it_is_placed(render_spec: RenderFn) -> None:
    # Given white text at the top of a black frame, from 0.5 s
    raw = spec(
        [
            [
                {
                    "asset": {"type": "text", "text": "HELLO", "style": {"size": 24}},
                    "start": 0.5,
                    "length": 1.5,
                    "position": "top",
                }
            ]
        ]
    )
    path = render_spec(raw).output.path

    # Then white pixels appear in the top band only, and only once the clip has started
    frame = frame_at(path, 1.0)
    assert bright(frame[:35]).sum() > 50
    assert bright(frame[40:]).sum() == 0
    assert bright(frame_at(path, 0.2)).sum() == 0


def test_captions_are_burned_in_during_their_cue(render_spec: RenderFn) -> None:
    # Given an SRT cue from 0 to 1 s
    raw = spec(
        [
            [
                {
                    "asset": {
                        "type": "captions",
                        "src": "subs.srt",
                        "style": {"size": 16, "background": None},
                    },
                    "length": 2,
                    "position": "bottom",
                }
            ]
        ]
    )
    path = render_spec(raw).output.path

    # Then text is visible in the lower half during the cue and gone after it
    assert bright(frame_at(path, 0.5)[45:]).sum() > 30
    assert bright(frame_at(path, 1.5)).sum() == 0


def test_word_timed_captions_highlight_the_current_word(render_spec: RenderFn) -> None:
    # Given two words timed 0-1 s and 1-2 s, highlighted in yellow
    style = {"size": 20, "background": None, "highlight_color": "#ffff00", "color": "#ffffff"}
    raw = spec(
        [
            [
                {
                    "asset": {"type": "captions", "src": "words.vtt", "style": style},
                    "length": 2,
                    "position": "center",
                }
            ]
        ]
    )
    raw["output"]["size"] = {"width": 320, "height": 90}  # wide enough for both words on one line
    path = render_spec(raw).output.path

    def yellow_columns(t: float) -> np.ndarray:
        frame = frame_at(path, t).astype(int)
        mask = (frame[..., 0] > 180) & (frame[..., 1] > 180) & (frame[..., 2] < 90)
        return np.nonzero(mask)[1]

    # Then the yellow word moves from the left half to the right half
    first, second = yellow_columns(0.5), yellow_columns(1.5)
    assert len(first) > 10 and len(second) > 10
    assert first.mean() < 160 < second.mean()


def test_range_renders_only_part_of_the_timeline(render_spec: RenderFn) -> None:
    # Given blue for 1 s then red for 1 s, rendering from 1 s for 1 s
    raw = spec(
        [[color("#0000ff", length=1), color("#ff0000", start="auto", length=1)]],
        range={"start": 1, "length": 1},
    )

    # When rendered
    result = render_spec(raw)

    # Then the output is 1 s long and red from its first frame
    assert result.duration == 1.0
    assert near(frame_at(result.output.path, 0.0)[45, 80], RED)


def test_merge_fields_apply_to_any_string(render_spec: RenderFn) -> None:
    # Given a background colour from a merge field
    raw = spec([[color("{{accent}}", scale=0.5)]])
    raw["merge"] = [{"find": "accent", "replace": "#00ff00"}]

    # Then the merged colour is rendered
    assert near(frame_at(render_spec(raw).output.path, 1.0)[45, 80], GREEN)


def test_ken_burns_zoom_changes_the_picture_over_time(render_spec: RenderFn) -> None:
    # Given a test pattern zooming in over 2 s
    raw = spec([[{"asset": {"type": "image", "src": "pattern.jpg"}, "length": 2, "effect": "zoomIn"}]])
    path = render_spec(raw).output.path

    # Then the last frame differs clearly from the first, and the picture lasts the whole clip
    first, last = frame_at(path, 0.0).astype(int), frame_at(path, 1.9).astype(int)
    assert np.abs(first - last).mean() > 10
    assert last.mean() > 60

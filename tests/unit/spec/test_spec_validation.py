"""Stage-1 validation: every problem at once, each at its JSON path, in friendly words."""

from __future__ import annotations

from typing import Any

import pytest

from renderowl.errors import ValidationFailedError
from renderowl.spec import Limits, collect_sources, format_path, json_schema, parse_spec
from renderowl.spec.models import TextAsset, VideoAsset


def problems_of(raw: Any, **kwargs: Any) -> dict[str, str]:
    with pytest.raises(ValidationFailedError) as caught:
        parse_spec(raw, **kwargs)
    assert caught.value.code == "VALIDATION_FAILED"
    return {p["path"]: p["message"] for p in caught.value.details}


def test_contract_example_parses_with_defaults(raw_spec: dict[str, Any]) -> None:
    # Given the spec from the public contract
    # When it is parsed
    spec = parse_spec(raw_spec)

    # Then values and defaults are typed
    clip = spec.timeline.tracks[1].clips[0]
    assert isinstance(clip.asset, VideoAsset)
    assert clip.transition is not None and clip.transition.in_ == "fade"
    assert spec.timeline.tracks[1].clips[1].start == "auto"
    assert clip.opacity == 1 and clip.position == "center"
    assert spec.output.dimensions() == (1280, 720)


def test_merge_replaces_fields_in_strings(raw_spec: dict[str, Any]) -> None:
    # Given a merge field used in a text
    # When parsed
    spec = parse_spec(raw_spec)

    # Then the text carries the replacement
    asset = spec.timeline.tracks[0].clips[0].asset
    assert isinstance(asset, TextAsset) and asset.text == "Hello Ada"


def test_merge_replaces_non_string_values_and_spaced_names(raw_spec: dict[str, Any]) -> None:
    # Given a numeric replacement and a placeholder written with spaces
    raw_spec["timeline"]["tracks"][0]["clips"][0]["asset"]["text"] = "Take {{ n }}"
    raw_spec["merge"] = [{"find": "n", "replace": 2}]

    # When parsed
    spec = parse_spec(raw_spec)

    # Then the number is substituted as text
    assert spec.timeline.tracks[0].clips[0].asset.text == "Take 2"


def test_unknown_merge_field_is_an_error_at_its_path(raw_spec: dict[str, Any]) -> None:
    # Given a placeholder with no merge entry
    raw_spec["merge"] = []

    # When parsed
    problems = problems_of(raw_spec)

    # Then the error names the field and where it is
    assert problems == {
        "timeline.tracks[0].clips[0].asset.text": "unknown merge field 'name'; add it to merge"
    }


def test_every_problem_is_reported_at_once_with_its_path(raw_spec: dict[str, Any]) -> None:
    # Given several independent mistakes
    clips = raw_spec["timeline"]["tracks"][1]["clips"]
    clips[0]["length"] = 0
    clips[0]["opacity"] = 2
    clips[1]["asset"]["type"] = "hologram"
    raw_spec["timeline"]["tracks"][0]["clips"][0]["asset"]["style"]["color"] = "white"
    raw_spec["output"]["quality"] = "ultra"
    raw_spec["timeline"]["tracks"][0]["clips"][0]["colour"] = "#fff"

    # When parsed
    problems = problems_of(raw_spec)

    # Then each one is listed with its JSON path
    assert problems == {
        "timeline.tracks[1].clips[0].length": "must be > 0",
        "timeline.tracks[1].clips[0].opacity": "must be <= 1",
        "timeline.tracks[1].clips[1].asset.type": (
            "must be one of 'video', 'image', 'audio', 'text', 'color', 'captions'"
        ),
        "timeline.tracks[0].clips[0].asset.style.color": "must be a colour like #rrggbb or #rrggbbaa",
        "output.quality": "must be one of 'low', 'medium' or 'high'",
        "timeline.tracks[0].clips[0].colour": "is not a known field",
    }


def test_missing_fields_are_required(raw_spec: dict[str, Any]) -> None:
    # Given a video without src and a spec without tracks
    del raw_spec["timeline"]["tracks"][1]["clips"][0]["asset"]["src"]

    # When parsed
    problems = problems_of(raw_spec)

    # Then
    assert problems == {"timeline.tracks[1].clips[0].asset.src": "is required"}


@pytest.mark.parametrize(
    ("src", "message"),
    [
        (
            "https://example.com/a.mp4",
            "URLs are not fetched by the renderer; upload the file and use asset://<id>",
        ),
        ("file:///etc/passwd", "URLs are not fetched by the renderer; upload the file and use asset://<id>"),
        ("concat:a.mp4|b.mp4", "URLs are not fetched by the renderer; upload the file and use asset://<id>"),
        ("asset://../x", "must be asset://<id> with a valid asset id"),
        ("clips/a.mp4", "must be asset://<id>"),
    ],
)
def test_sources_must_be_assets_in_the_cloud(raw_spec: dict[str, Any], src: str, message: str) -> None:
    # Given a source that is not an asset reference
    raw_spec["timeline"]["tracks"][1]["clips"][0]["asset"]["src"] = src

    # When parsed as the API does
    problems = problems_of(raw_spec)

    # Then it is refused at its path
    assert problems == {"timeline.tracks[1].clips[0].asset.src": message}


def test_local_paths_are_allowed_only_when_asked(raw_spec: dict[str, Any]) -> None:
    # Given a local path (the CLI's case)
    raw_spec["timeline"]["tracks"][1]["clips"][0]["asset"]["src"] = "media/clip.mp4"

    # When parsed with local paths allowed
    spec = parse_spec(raw_spec, allow_local_paths=True)

    # Then it is kept, while URLs stay refused
    assert spec.timeline.tracks[1].clips[0].asset.src == "media/clip.mp4"
    raw_spec["timeline"]["soundtrack"]["src"] = "http://x/y.mp3"
    assert "timeline.soundtrack.src" in problems_of(raw_spec, allow_local_paths=True)


def test_limits_are_explicit_and_configurable(raw_spec: dict[str, Any]) -> None:
    # Given tight limits
    limits = Limits(max_width=640, max_height=480, max_fps=24, max_clips=2, max_duration=4)

    # When the example spec is parsed under them
    problems = problems_of(raw_spec, limits=limits)

    # Then each exceeded limit is reported
    assert problems == {
        "output.size.width": "width 1280 exceeds 640",
        "output.size.height": "height 720 exceeds 480",
        "output.fps": "must be <= 24",
        "timeline.tracks": "has 3 clips; the limit is 2",
    }


def test_duration_limit_applies_to_explicit_times(raw_spec: dict[str, Any]) -> None:
    # Given a clip ending after the maximum duration
    raw_spec["timeline"]["tracks"][0]["clips"][0]["start"] = 100

    # When parsed with a 60 s limit
    problems = problems_of(raw_spec, limits=Limits(max_duration=60))

    # Then
    assert problems == {"timeline.tracks[0].clips[0].length": "clip ends at 102s, beyond the 60s limit"}


def test_cross_field_rules(raw_spec: dict[str, Any]) -> None:
    # Given odd dimensions, over-long transitions, an effect on text and an audio-only poster
    raw_spec["output"]["size"] = {"width": 641, "height": 360}
    clip = raw_spec["timeline"]["tracks"][1]["clips"][0]
    clip["transition"]["duration"] = 2
    raw_spec["timeline"]["tracks"][0]["clips"][0]["effect"] = "zoomIn"

    # When parsed
    problems = problems_of(raw_spec)

    # Then
    assert problems == {
        "output.size.width": "must be even for mp4",
        "timeline.tracks[1].clips[0].transition.duration": "transitions are longer than the clip",
        "timeline.tracks[0].clips[0].effect": "effects apply to image and video clips only",
    }


def test_audio_output_rejects_poster_and_needs_sound() -> None:
    # Given an mp3 with only a text clip and a poster
    raw = {
        "timeline": {"tracks": [{"clips": [{"asset": {"type": "text", "text": "x"}, "length": 1}]}]},
        "output": {"format": "mp3", "poster": {"at": 0}},
    }

    # When parsed
    problems = problems_of(raw)

    # Then
    assert problems == {
        "output.poster": "is not available for mp3 output",
        "timeline.tracks": "mp3 output needs an audio or video clip, or a soundtrack",
    }


@pytest.mark.parametrize(
    ("output", "size"),
    [
        ({}, (1280, 720)),
        ({"resolution": "1080"}, (1920, 1080)),
        ({"resolution": "hd", "aspect_ratio": "9:16"}, (720, 1280)),
        ({"resolution": "preview", "aspect_ratio": "1:1"}, (288, 288)),
        ({"resolution": "sd", "aspect_ratio": "4:5"}, (576, 720)),
        ({"size": {"width": 320, "height": 180}}, (320, 180)),
    ],
)
def test_output_size_from_presets_and_aspect_ratios(
    raw_spec: dict[str, Any], output: dict[str, Any], size: tuple[int, int]
) -> None:
    # Given an output size description
    raw_spec["output"] = output

    # When parsed
    spec = parse_spec(raw_spec)

    # Then the frame size follows it
    assert spec.output.dimensions() == size


def test_size_and_resolution_together_are_refused(raw_spec: dict[str, Any]) -> None:
    raw_spec["output"]["resolution"] = "hd"
    assert problems_of(raw_spec) == {"output": "give either size or resolution, not both"}


def test_invalid_json_and_non_objects_are_reported() -> None:
    assert problems_of("{nope")["spec"].startswith("is not valid JSON")
    assert problems_of("[]") == {"spec": "must be a JSON object"}


def test_format_path_drops_union_members_only_for_pydantic() -> None:
    # Given a pydantic loc through a discriminated union
    loc = ("timeline", "tracks", 1, "clips", 0, "asset", "text", "text")

    # Then the tag is dropped from pydantic paths but kept for merge paths
    assert format_path(loc, from_pydantic=True) == "timeline.tracks[1].clips[0].asset.text"
    assert format_path(("timeline", "tracks", 0, "clips", 0, "asset", "text")) == (
        "timeline.tracks[0].clips[0].asset.text"
    )


def test_collect_sources_lists_every_file_the_render_needs(raw_spec: dict[str, Any]) -> None:
    # Given a spec with a custom font and captions
    raw_spec["timeline"]["tracks"][0]["clips"][0]["asset"]["style"]["font"] = "asset://font"
    raw_spec["timeline"]["tracks"].append(
        {"clips": [{"asset": {"type": "captions", "src": "asset://subs"}, "length": "end"}]}
    )

    # When collected
    sources = collect_sources(parse_spec(raw_spec))

    # Then
    assert sources == {"asset://music", "asset://clip", "asset://photo", "asset://font", "asset://subs"}


def test_json_schema_describes_the_public_names() -> None:
    # When the schema is generated
    schema = json_schema()

    # Then it uses the JSON names users write
    assert schema["title"] == "Renderowl render spec"
    assert "in" in schema["$defs"]["Transition"]["properties"]
    assert schema["$defs"]["Clip"]["properties"]["length"]["anyOf"][1] == {"enum": ["auto", "end"]}

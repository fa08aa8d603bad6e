"""Stage-1 validation: raw JSON → merged → typed `RenderSpec`, every problem reported at once.

Each problem is ``{"path": "timeline.tracks[1].clips[0].length", "message": "must be > 0"}``. Checks that
need the media itself (natural lengths, trims beyond a source's end) run in stage 2, after probing, in
`renderowl.media.timeline.resolve_timeline`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from renderowl.errors import ValidationFailedError
from renderowl.spec.limits import DEFAULT_LIMITS, Limits
from renderowl.spec.models import (
    AUDIO_FORMATS,
    VIDEO_FORMATS,
    AudioAsset,
    CaptionsAsset,
    ImageAsset,
    RenderSpec,
    TextAsset,
    VideoAsset,
)

MERGE_FIELD = re.compile(r"\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}")
_ASSET_TAGS = {"video", "image", "audio", "text", "color", "captions"}

Problem = dict[str, str]


def format_path(loc: Iterable[str | int], *, from_pydantic: bool = False) -> str:
    """``("timeline", "tracks", 1, "clips", 0, "length")`` → ``timeline.tracks[1].clips[0].length``.

    With ``from_pydantic``, the union-member names pydantic inserts into ``loc`` (the asset tag after
    ``asset``, ``function-before[...]``) are dropped: users never wrote those.
    """
    out = ""
    previous: str | int | None = None
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif from_pydantic and (
            "[" in part or part.startswith("function-") or (previous == "asset" and part in _ASSET_TAGS)
        ):
            pass
        else:
            out += f".{part}" if out else part
        previous = part
    return out or "spec"


def _n(value: Any) -> str:
    return f"{value:g}" if isinstance(value, int | float) else str(value)


def _friendly(error: Mapping[str, Any]) -> tuple[str, str]:
    """A pydantic error → (path suffix, message) in the words a user of the JSON API expects."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    suffix = ""
    if kind == "missing":
        message = "is required"
    elif kind == "extra_forbidden":
        message = "is not a known field"
    elif kind == "greater_than":
        message = f"must be > {_n(ctx['gt'])}"
    elif kind == "greater_than_equal":
        message = f"must be >= {_n(ctx['ge'])}"
    elif kind == "less_than":
        message = f"must be < {_n(ctx['lt'])}"
    elif kind == "less_than_equal":
        message = f"must be <= {_n(ctx['le'])}"
    elif kind == "literal_error":
        message = f"must be one of {ctx['expected']}"
    elif kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        message = "must be a colour like #rrggbb or #rrggbbaa" if pattern.startswith("^#") else "is malformed"
    elif kind == "union_tag_invalid":
        suffix, message = ".type", f"must be one of {ctx['expected_tags']}"
    elif kind == "union_tag_not_found":
        suffix, message = ".type", "is required"
    elif kind == "string_too_short":
        message = "must not be empty"
    elif kind == "string_too_long":
        message = f"must be at most {ctx['max_length']} characters"
    elif kind == "too_short":
        message = f"must have at least {ctx['min_length']} item(s)"
    elif kind in ("float_type", "float_parsing", "int_type", "int_parsing", "int_from_float"):
        message = "must be an integer" if kind.startswith("int") else "must be a number"
    elif kind in ("bool_type", "bool_parsing"):
        message = "must be true or false"
    elif kind == "string_type":
        message = "must be a string"
    elif kind in ("model_type", "model_attributes_type", "dict_type"):
        message = "must be an object"
    elif kind == "list_type":
        message = "must be a list"
    else:
        message = str(error["msg"])
        if message[1:2].islower():  # pydantic's own sentences start "Input should…"; ours are lowercase
            message = message[:1].lower() + message[1:]
    return suffix, message


def _apply_merge(raw: dict[str, Any], problems: list[Problem]) -> dict[str, Any]:
    """Replace ``{{field}}`` in every string value (outside ``merge`` itself); report unknown fields."""
    values: dict[str, str] = {}
    merge = raw.get("merge")
    if isinstance(merge, list):
        for item in merge:
            if isinstance(item, Mapping) and isinstance(item.get("find"), str):
                replace = item.get("replace", "")
                values[item["find"]] = replace if isinstance(replace, str) else json.dumps(replace)

    def substitute(node: Any, path: list[str | int]) -> Any:
        if isinstance(node, str):

            def one(match: re.Match[str]) -> str:
                name = match.group(1)
                if name in values:
                    return values[name]
                problems.append(
                    {"path": format_path(path), "message": f"unknown merge field '{name}'; add it to merge"}
                )
                return match.group(0)

            return MERGE_FIELD.sub(one, node)
        if isinstance(node, list):
            return [substitute(item, [*path, i]) for i, item in enumerate(node)]
        if isinstance(node, dict):
            return {key: substitute(value, [*path, key]) for key, value in node.items()}
        return node

    return {key: (value if key == "merge" else substitute(value, [key])) for key, value in raw.items()}


def _semantic_problems(spec: RenderSpec, limits: Limits) -> list[Problem]:
    """Rules that span fields, and the configured limits. Pure; needs no media."""
    problems: list[Problem] = []

    def add(path: str, message: str) -> None:
        problems.append({"path": path, "message": message})

    out = spec.output
    width, height = out.dimensions()
    size_path = "output.size" if out.size else "output.resolution"
    if width > limits.max_width:
        add(f"{size_path}.width" if out.size else size_path, f"width {width} exceeds {limits.max_width}")
    if height > limits.max_height:
        add(f"{size_path}.height" if out.size else size_path, f"height {height} exceeds {limits.max_height}")
    if out.size and out.format in ("mp4", "webm", "mov"):
        # 4:2:0 chroma needs even dimensions; refusing beats silently resizing.
        for name, value in (("width", width), ("height", height)):
            if value % 2:
                add(f"output.size.{name}", f"must be even for {out.format}")
    if out.fps > limits.max_fps:
        add("output.fps", f"must be <= {limits.max_fps:g}")
    if out.range is not None and out.is_image:
        add("output.range", f"is not used for {out.format}; set output.frame_at")
    for name in ("poster", "thumbnail"):
        if getattr(out, name) is not None and out.is_audio:
            add(f"output.{name}", f"is not available for {out.format} output")

    tracks = spec.timeline.tracks
    if len(tracks) > limits.max_tracks:
        add("timeline.tracks", f"has {len(tracks)} tracks; the limit is {limits.max_tracks}")
    clip_count = sum(len(track.clips) for track in tracks)
    if clip_count > limits.max_clips:
        add("timeline.tracks", f"has {clip_count} clips; the limit is {limits.max_clips}")

    has_visual = False
    for t, track in enumerate(tracks):
        for c, clip in enumerate(track.clips):
            path = f"timeline.tracks[{t}].clips[{c}]"
            asset = clip.asset
            visual = asset.type in ("video", "image", "text", "color")
            has_visual = has_visual or visual or asset.type == "captions"
            if isinstance(clip.start, float) and isinstance(clip.length, float):
                end = clip.start + clip.length
                if end > limits.max_duration:
                    add(f"{path}.length", f"clip ends at {end:g}s, beyond the {limits.max_duration:g}s limit")
            if not visual and clip.transition is not None:
                add(f"{path}.transition", f"{asset.type} clips have no transitions")
            if clip.effect is not None and asset.type not in ("image", "video"):
                add(f"{path}.effect", "effects apply to image and video clips only")
            if asset.type in ("text", "color") and clip.length == "auto":
                add(f"{path}.length", f"a {asset.type} clip has no natural length; give seconds or 'end'")
            if isinstance(asset, TextAsset) and len(asset.text) > limits.max_text_chars:
                add(f"{path}.asset.text", f"must be at most {limits.max_text_chars} characters")
            if clip.transition is not None and isinstance(clip.length, float):
                count = (clip.transition.in_ is not None) + (clip.transition.out is not None)
                if count * clip.transition.duration > clip.length + 1e-9:
                    add(f"{path}.transition.duration", "transitions are longer than the clip")
    if (out.format in VIDEO_FORMATS or out.is_image) and not has_visual:
        add("timeline.tracks", f"{out.format} output needs at least one visual clip")
    if len(spec.merge) > limits.max_merge_fields:
        add("merge", f"has more than {limits.max_merge_fields} fields")
    audible = any(isinstance(c.asset, AudioAsset | VideoAsset) for t in tracks for c in t.clips)
    if out.format in AUDIO_FORMATS and spec.timeline.soundtrack is None and not audible:
        add("timeline.tracks", f"{out.format} output needs an audio or video clip, or a soundtrack")
    return problems


def parse_spec(
    data: Mapping[str, Any] | str | bytes,
    *,
    limits: Limits | None = None,
    allow_local_paths: bool = False,
) -> RenderSpec:
    """Merge, parse and check a render spec; raise `ValidationFailedError` listing every problem.

    ``allow_local_paths`` lets ``src``/``font`` be local file paths (the CLI); the cloud accepts only
    ``asset://<id>``. URLs are always refused: the renderer never fetches anything itself.
    """
    limits = limits or DEFAULT_LIMITS
    if isinstance(data, str | bytes):
        try:
            data = json.loads(data)
        except ValueError as exc:
            raise ValidationFailedError(
                "spec is not valid JSON", details=[{"path": "spec", "message": f"is not valid JSON: {exc}"}]
            ) from exc
    if not isinstance(data, Mapping):
        raise ValidationFailedError(
            "spec must be a JSON object", details=[{"path": "spec", "message": "must be a JSON object"}]
        )

    problems: list[Problem] = []
    merged = _apply_merge(dict(data), problems)
    try:
        spec = RenderSpec.model_validate(merged, context={"allow_local_paths": allow_local_paths})
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            suffix, message = _friendly(error)
            problems.append(
                {"path": format_path(error["loc"], from_pydantic=True) + suffix, "message": message}
            )
        spec = None
    if spec is not None:
        problems.extend(_semantic_problems(spec, limits))
    if problems:
        raise invalid(problems)
    assert spec is not None
    return spec


def invalid(problems: list[Problem]) -> ValidationFailedError:
    """Build the one error type for an unacceptable spec, de-duplicated, in document order."""
    unique = list({(p["path"], p["message"]): p for p in problems}.values())
    noun = "problem" if len(unique) == 1 else "problems"
    return ValidationFailedError(f"render spec has {len(unique)} {noun}", details=unique)


def collect_sources(spec: RenderSpec) -> set[str]:
    """Every ``src`` (and font) the render needs; the caller downloads/resolves each to a local file."""
    sources: set[str] = set()
    if spec.timeline.soundtrack is not None:
        sources.add(spec.timeline.soundtrack.src)
    for track in spec.timeline.tracks:
        for clip in track.clips:
            asset = clip.asset
            if isinstance(asset, VideoAsset | ImageAsset | AudioAsset | CaptionsAsset):
                sources.add(asset.src)
            if isinstance(asset, TextAsset | CaptionsAsset) and asset.style.font:
                sources.add(asset.style.font)
    return sources

"""Pydantic models of the render spec: the public contract of `POST /renders` and `renderowl render`.

Field names follow the Shotstack-style JSON users send (``timeline``, ``tracks``, ``clips``, ``asset``,
``output``, ``merge``); Python keywords are aliased (``transition.in``). Every model forbids unknown
fields so that a typo is reported at its path instead of being silently ignored.

Units: times are seconds, sizes are pixels of the output frame, ``offset`` is a fraction of the output
width/height (positive ``x`` moves right, positive ``y`` moves down), colours are ``#rrggbb`` or
``#rrggbbaa``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

ASSET_REF = re.compile(r"^asset://[A-Za-z0-9][A-Za-z0-9_-]{0,127}$")
_URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_COLOR = r"^#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$"

Color = Annotated[str, Field(pattern=_COLOR, examples=["#ffffff", "#00000080"])]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


# --- sources -------------------------------------------------------------------------------------


def _check_src(value: Any, info: ValidationInfo) -> Any:
    """A source is ``asset://<id>``, or (only where the caller allows it, i.e. the CLI) a local path.

    The renderer never fetches anything: URLs of any scheme are refused here so that FFmpeg can never be
    pointed at the network or at an unexpected protocol.
    """
    if not isinstance(value, str):
        return value  # let the str type report it
    if value.startswith("asset://"):
        if not ASSET_REF.match(value):
            raise PydanticCustomError("src_invalid", "must be asset://<id> with a valid asset id")
        return value
    if _URL_SCHEME.match(value):
        raise PydanticCustomError(
            "src_url",
            "URLs are not fetched by the renderer; upload the file and use asset://<id>",
        )
    allow_local = bool((info.context or {}).get("allow_local_paths"))
    if not allow_local:
        raise PydanticCustomError("src_local", "must be asset://<id>")
    if not value.strip():
        raise PydanticCustomError("src_empty", "must not be empty")
    return value


Src = Annotated[
    str,
    BeforeValidator(_check_src),
    Field(description="`asset://<id>`; the CLI also accepts a local path relative to the spec file."),
]


# --- timing --------------------------------------------------------------------------------------


def _start(value: Any) -> Any:
    if value == "auto":
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("start_type", "must be a number of seconds or 'auto'")
    if value < 0:
        raise PydanticCustomError("start_range", "must be >= 0")
    return float(value)


def _length(value: Any) -> Any:
    if value in ("auto", "end"):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("length_type", "must be a number of seconds, 'auto' or 'end'")
    if value <= 0:
        raise PydanticCustomError("length_range", "must be > 0")
    return float(value)


Start = Annotated[
    float | Literal["auto"],
    BeforeValidator(_start),
    WithJsonSchema(
        {"anyOf": [{"type": "number", "minimum": 0}, {"const": "auto"}], "default": "auto"},
    ),
]
Length = Annotated[
    float | Literal["auto", "end"],
    BeforeValidator(_length),
    WithJsonSchema(
        {
            "anyOf": [{"type": "number", "exclusiveMinimum": 0}, {"enum": ["auto", "end"]}],
            "default": "auto",
        },
    ),
]

AudioRole = Literal["voice", "music", "effect"]


# --- assets --------------------------------------------------------------------------------------


class Stroke(_Model):
    color: Color = "#000000"
    width: float = Field(default=2, ge=0, le=50, description="Outline width in pixels.")


class TextStyle(_Model):
    font: str | None = Field(
        default=None,
        description="Font file: `asset://<id>` (or a local path in the CLI). Default: DejaVu Sans.",
    )
    bold: bool = False
    size: float = Field(default=48, gt=0, le=1000, description="Font size in pixels of the output frame.")
    color: Color = "#ffffff"
    background: Color | None = Field(default=None, description="Box colour behind the text; none when unset.")
    padding: float = Field(default=12, ge=0, le=500, description="Space between the text and its box edge.")
    stroke: Stroke | None = None
    alignment: Literal["left", "center", "right"] = "center"
    max_width: float = Field(
        default=0.9, gt=0, le=1, description="Wrap lines wider than this fraction of the frame width."
    )
    line_spacing: float = Field(default=0, ge=0, le=500, description="Extra pixels between lines.")

    @field_validator("font")
    @classmethod
    def _font_src(cls, value: str | None, info: ValidationInfo) -> str | None:
        return None if value is None else _check_src(value, info)


class CaptionStyle(_Model):
    font: str | None = Field(default=None, description="Font file as for text; default DejaVu Sans.")
    bold: bool = True
    size: float = Field(default=42, gt=0, le=1000)
    color: Color = "#ffffff"
    highlight_color: Color = Field(
        default="#ffd400",
        description="Colour of the word being spoken, when the captions carry word timings.",
    )
    background: Color | None = "#00000099"
    stroke: Stroke | None = None
    margin: float = Field(
        default=0.06, ge=0, le=0.5, description="Distance from the frame edge, fraction of height."
    )


class VideoAsset(_Model):
    type: Literal["video"]
    src: Src
    trim: float = Field(default=0, ge=0, description="Seconds skipped at the start of the source.")
    volume: float = Field(default=1, ge=0, le=10)
    speed: float = Field(default=1, ge=0.25, le=4)
    role: AudioRole = Field(default="voice", description="Whether this clip's sound ducks the soundtrack.")


class ImageAsset(_Model):
    type: Literal["image"]
    src: Src


class AudioAsset(_Model):
    type: Literal["audio"]
    src: Src
    trim: float = Field(default=0, ge=0)
    volume: float = Field(default=1, ge=0, le=10)
    fade_in: float = Field(default=0, ge=0)
    fade_out: float = Field(default=0, ge=0)
    role: AudioRole = Field(
        default="voice", description="`voice` ducks the soundtrack; `music`/`effect` do not."
    )


class TextAsset(_Model):
    type: Literal["text"]
    text: str = Field(min_length=1, max_length=5000)
    style: TextStyle = TextStyle()


class ColorAsset(_Model):
    type: Literal["color"]
    color: Color


class CaptionsAsset(_Model):
    type: Literal["captions"]
    src: Src = Field(description="An SRT or WebVTT file; WebVTT inline timestamps give word highlight.")
    trim: float = Field(default=0, ge=0, description="Seconds of the caption file skipped.")
    style: CaptionStyle = CaptionStyle()


Asset = Annotated[
    VideoAsset | ImageAsset | AudioAsset | TextAsset | ColorAsset | CaptionsAsset,
    Field(discriminator="type"),
]

VISUAL_TYPES = ("video", "image", "text", "color")


# --- clips ---------------------------------------------------------------------------------------

TransitionName = Literal["fade", "fadeblack", "fadewhite", "wipeleft", "wiperight", "slideleft", "slideright"]
Position = Literal[
    "center", "top", "topRight", "right", "bottomRight", "bottom", "bottomLeft", "left", "topLeft"
]
Effect = Literal["zoomIn", "zoomOut", "panLeft", "panRight"]


class Offset(_Model):
    x: float = Field(
        default=0, ge=-2, le=2, description="Fraction of the output width; positive moves right."
    )
    y: float = Field(
        default=0, ge=-2, le=2, description="Fraction of the output height; positive moves down."
    )


class Transition(_Model):
    in_: TransitionName | None = Field(default=None, alias="in")
    out: TransitionName | None = None
    duration: float = Field(default=0.5, gt=0, le=10, description="Seconds each transition takes.")


class Clip(_Model):
    asset: Asset
    start: Start = "auto"
    length: Length = "auto"
    fit: Literal["cover", "contain", "crop", "none"] = Field(
        default="crop",
        description=(
            "crop: fill the frame keeping the aspect ratio, cropping overflow; cover: stretch to fill; "
            "contain: fit inside keeping the aspect ratio; none: native pixel size."
        ),
    )
    position: Position = "center"
    offset: Offset = Offset()
    scale: float = Field(default=1, gt=0, le=10, description="Multiplies the fitted size.")
    opacity: float = Field(default=1, ge=0, le=1)
    transition: Transition | None = None
    effect: Effect | None = None


class Track(_Model):
    clips: list[Clip] = Field(min_length=1)


class Soundtrack(_Model):
    src: Src
    trim: float = Field(default=0, ge=0)
    volume: float = Field(default=1, ge=0, le=10)
    fade_in: float = Field(default=0, ge=0)
    fade_out: float = Field(default=0, ge=0)
    ducking: bool = Field(default=False, description="Lower the soundtrack automatically under voice audio.")


class Timeline(_Model):
    background: Color = "#000000"
    soundtrack: Soundtrack | None = None
    tracks: list[Track] = Field(min_length=1, description="tracks[0] is the top layer.")


# --- output --------------------------------------------------------------------------------------

OutputFormat = Literal["mp4", "webm", "mov", "gif", "mp3", "wav", "jpg", "png"]
AUDIO_FORMATS = ("mp3", "wav")
IMAGE_FORMATS = ("jpg", "png")
VIDEO_FORMATS = ("mp4", "webm", "mov", "gif")

# Short side of each preset; the long side follows the aspect ratio.
RESOLUTIONS: dict[str, int] = {"preview": 288, "sd": 576, "hd": 720, "1080": 1080, "4k": 2160}
ASPECT_RATIOS: dict[str, tuple[int, int]] = {"16:9": (16, 9), "9:16": (9, 16), "1:1": (1, 1), "4:5": (4, 5)}


class Size(_Model):
    width: int = Field(gt=0)
    height: int = Field(gt=0)


class Range(_Model):
    start: float = Field(default=0, ge=0)
    length: float = Field(gt=0)


class FrameAt(_Model):
    at: float = Field(default=0, ge=0, description="Seconds into the output.")


class Thumbnail(FrameAt):
    width: int = Field(default=320, ge=16, le=3840)


class Output(_Model):
    format: OutputFormat = "mp4"
    size: Size | None = None
    resolution: Literal["preview", "sd", "hd", "1080", "4k"] | None = None
    aspect_ratio: Literal["16:9", "9:16", "1:1", "4:5"] = "16:9"
    fps: float = Field(default=25, gt=0)
    quality: Literal["low", "medium", "high"] = "medium"
    range: Range | None = None
    frame_at: float = Field(
        default=0, ge=0, description="For jpg/png: the time of the single frame rendered."
    )
    poster: FrameAt | None = None
    thumbnail: Thumbnail | None = None

    @model_validator(mode="after")
    def _one_size(self) -> Output:
        if self.size is not None and self.resolution is not None:
            raise PydanticCustomError("size_conflict", "give either size or resolution, not both")
        return self

    def dimensions(self) -> tuple[int, int]:
        """The output frame size in pixels (explicit size, else preset and aspect ratio, else hd)."""
        if self.size is not None:
            return self.size.width, self.size.height
        short = RESOLUTIONS[self.resolution or "hd"]
        a, b = ASPECT_RATIOS[self.aspect_ratio]
        if a >= b:
            return _even(short * a / b), short
        return short, _even(short * b / a)

    @property
    def is_audio(self) -> bool:
        return self.format in AUDIO_FORMATS

    @property
    def is_image(self) -> bool:
        return self.format in IMAGE_FORMATS


def _even(value: float) -> int:
    return round(value / 2) * 2


class MergeField(_Model):
    find: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")
    replace: str | int | float | bool = ""


class RenderSpec(_Model):
    """A render request: what to draw (timeline), how to encode it (output), and merge fields."""

    timeline: Timeline
    output: Output = Output()
    merge: list[MergeField] = Field(default_factory=list)

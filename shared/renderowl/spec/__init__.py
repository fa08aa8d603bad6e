"""The render spec: models, validation (stage 1), merge fields, limits and JSON Schema."""

from renderowl.spec.limits import DEFAULT_LIMITS, Limits
from renderowl.spec.models import Clip, Output, RenderSpec, Timeline, Track
from renderowl.spec.schema import json_schema
from renderowl.spec.validation import collect_sources, format_path, parse_spec

__all__ = [
    "DEFAULT_LIMITS",
    "Clip",
    "Limits",
    "Output",
    "RenderSpec",
    "Timeline",
    "Track",
    "collect_sources",
    "format_path",
    "json_schema",
    "parse_spec",
]

"""JSON Schema of the render spec, generated from the models (one source of truth)."""

from __future__ import annotations

from typing import Any

from renderowl.spec.models import RenderSpec


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a render spec as users write it (aliases, defaults)."""
    schema = RenderSpec.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Renderowl render spec"
    return schema

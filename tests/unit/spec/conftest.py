"""Fixtures for the render spec's unit tests: a small valid spec to mutate."""

from __future__ import annotations

import copy
from typing import Any

import pytest

BASE_SPEC: dict[str, Any] = {
    "timeline": {
        "background": "#000000",
        "soundtrack": {"src": "asset://music", "volume": 0.4, "fade_in": 1, "fade_out": 1, "ducking": True},
        "tracks": [
            {
                "clips": [
                    {
                        "asset": {
                            "type": "text",
                            "text": "Hello {{name}}",
                            "style": {"size": 48, "color": "#ffffff"},
                        },
                        "start": 0.5,
                        "length": 2,
                        "position": "bottom",
                    }
                ]
            },
            {
                "clips": [
                    {
                        "asset": {"type": "video", "src": "asset://clip", "trim": 1.0, "volume": 1},
                        "start": 0,
                        "length": 3,
                        "fit": "cover",
                        "transition": {"in": "fade", "out": "fade"},
                    },
                    {
                        "asset": {"type": "image", "src": "asset://photo"},
                        "start": "auto",
                        "length": 2,
                        "effect": "zoomIn",
                    },
                ]
            },
        ],
    },
    "output": {"format": "mp4", "size": {"width": 1280, "height": 720}, "fps": 30, "quality": "medium"},
    "merge": [{"find": "name", "replace": "Ada"}],
}


@pytest.fixture
def raw_spec() -> dict[str, Any]:
    """A deep copy of the contract's example spec, safe to modify."""
    return copy.deepcopy(BASE_SPEC)

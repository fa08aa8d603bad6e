"""Helpers for driving renders over HTTP, as a frontend or backend would."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx

TERMINAL = ("succeeded", "failed", "cancelled")


def upload(api: httpx.Client, path: Path, content_type: str) -> str:
    """Upload through a presigned POST and wait until the asset is ready; returns its id."""
    created = api.post(
        "/uploads", json={"filename": path.name, "content_type": content_type, "size": path.stat().st_size}
    ).json()["data"]
    form = created["upload"]
    assert httpx.post(form["url"], data=form["fields"], files={"file": path.read_bytes()}).status_code in (
        200,
        204,
    )
    asset = wait(
        api, f"/assets/{created['asset']['id']}", lambda a: a["status"] not in ("pending", "processing")
    )
    assert asset["status"] == "ready", asset
    return str(asset["id"])


def wait(
    api: httpx.Client, path: str, done: Any, timeout_s: float = 120, every_s: float = 0.3
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while True:
        data = api.get(path).json()["data"]
        if done(data) or time.monotonic() > deadline:
            return data  # type: ignore[no-any-return]
        time.sleep(every_s)


def finished(api: httpx.Client, render_id: str, timeout_s: float = 180) -> dict[str, Any]:
    return wait(api, f"/renders/{render_id}", lambda r: r["status"] in TERMINAL, timeout_s)


def video_spec(
    asset_id: str, *, length: float = 2.0, width: int = 320, height: int = 180, fps: int = 25
) -> dict:  # type: ignore[type-arg]
    return {
        "timeline": {
            "tracks": [
                {
                    "clips": [
                        {
                            "asset": {"type": "text", "text": "Renderowl", "style": {"size": 24}},
                            "start": 0,
                            "length": length,
                            "position": "bottom",
                        }
                    ]
                },
                {
                    "clips": [
                        {
                            "asset": {"type": "video", "src": f"asset://{asset_id}"},
                            "start": 0,
                            "length": length,
                        }
                    ]
                },
            ]
        },
        "output": {"format": "mp4", "size": {"width": width, "height": height}, "fps": fps},
    }

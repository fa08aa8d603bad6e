"""`renderowl render | validate | schema`: the render engine on one machine."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Attach the media commands to the main app."""

"""`renderowl …` — the command line. Each group of commands lives in `renderowl.commands`."""

from __future__ import annotations

import typer

from renderowl.commands import cloud, demo, media

app = typer.Typer(
    name="renderowl",
    help="Renderowl: render videos from JSON specs, locally or on AWS.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

cloud.register(app)
demo.register(app)
media.register(app)

"""`renderowl demo` (what `make demo` runs): start the local cloud, drive it over HTTP, stop."""

from __future__ import annotations

import tempfile
from pathlib import Path

import httpx
import typer
from rich.console import Console

from renderowl.commands.cloud import banner

console = Console()


def _check(label: str, response: httpx.Response, expect: int) -> dict:  # type: ignore[type-arg]
    body = response.json()
    mark = "[green]✓[/green]" if response.status_code == expect else "[red]✗[/red]"
    console.print(f"{mark} {label}: HTTP {response.status_code} {body.get('data') or body.get('error')}")
    if response.status_code != expect:
        raise typer.Exit(1)
    return body  # type: ignore[no-any-return]


def register(app: typer.Typer) -> None:
    @app.command()
    def demo(
        port: int = typer.Option(0, help="API port (0 picks a free one)."),
        keep_state: bool = typer.Option(False, help="Use ./.renderowl instead of a throw-away state dir."),
    ) -> None:
        """Start the local cloud, exercise it through the HTTP API, and stop it."""
        import os

        from renderowl.config import get_settings
        from renderowl.local.cloud import LocalCloud
        from renderowl.logs import logger

        # The demo narrates; the per-request JSON lines belong to `renderowl dev`.
        logger.setLevel("WARNING")
        from renderowl.store import owners
        from renderowl.store.db import get_database

        with tempfile.TemporaryDirectory(prefix="renderowl-demo-") as tmp:
            if not keep_state:
                os.environ["RENDEROWL_STATE_DIR"] = str(Path(tmp) / "state")
                os.environ.pop("DATABASE_URL", None)
                get_settings.cache_clear()
            with LocalCloud(port=port, reset=True) as cloud:
                assert cloud.info is not None
                console.print(banner(cloud.info, concurrency=get_settings().local_concurrency))
                api = f"{cloud.info.api_url}/api/v1"
                with httpx.Client(timeout=30) as http:
                    _check("health", http.get(f"{api}/health"), 200)
                    _check("no key", http.get(f"{api}/me"), 401)
                    with get_database().tx() as conn:
                        token = owners.create_api_key(conn, "demo", "make demo").token
                    console.print(f"[green]✓[/green] created an API key for owner 'demo' ({token[:6]}…)")
                    headers = {"Authorization": f"Bearer {token}"}
                    _check("who am I", http.get(f"{api}/me", headers=headers), 200)
        console.print("[bold green]demo complete[/bold green]")

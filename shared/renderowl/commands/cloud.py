"""`renderowl dev | migrate | keys | openapi`: run and administer the local cloud (or a deployed one)."""

from __future__ import annotations

import signal
import threading
from typing import Annotated

import typer
from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from renderowl.local.cloud import LocalCloudInfo

console = Console(stderr=True)
keys_app = typer.Typer(help="Manage API keys.", no_args_is_help=True)


def banner(info: LocalCloudInfo, *, concurrency: int) -> Panel:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold cyan")
    table.add_column()
    table.add_row("API", f"{info.api_url}/api/v1  (OpenAPI: {info.api_url}/api/v1/openapi.json)")
    table.add_row("AWS (moto)", f"{info.aws_url}  (S3, SQS, Step Functions)")
    table.add_row("Database", info.database_url)
    table.add_row("State", str(info.state_dir))
    table.add_row("Renders", f"{concurrency} at once")
    table.add_row("Webhooks", "http:// targets on loopback are allowed (development only)")
    for note in info.notes:
        table.add_row("Note", note)
    table.add_row("", "[dim]Create a key: renderowl keys create --owner you   ·   Ctrl-C stops[/dim]")
    return Panel(table, title="Renderowl local cloud", border_style="green")


def register(app: typer.Typer) -> None:
    app.add_typer(keys_app, name="keys")

    @app.command()
    def dev(
        port: Annotated[int, typer.Option(help="Port of the HTTP API on 127.0.0.1.")] = 8000,
        reset: Annotated[
            bool, typer.Option("--reset", help="Start with an empty database and bucket.")
        ] = False,
    ) -> None:
        """Start the local cloud and keep it running until Ctrl-C or SIGTERM."""
        from renderowl.config import get_settings
        from renderowl.local.cloud import LocalCloud

        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        cloud = LocalCloud(port=port, reset=reset)
        try:
            info = cloud.start()
            console.print(banner(info, concurrency=get_settings().local_concurrency))
            # One machine-readable line for scripts and tests: `ready <api url> <aws url>`.
            print(f"ready {info.api_url} {info.aws_url}", flush=True)
            stop.wait()
            console.print("[yellow]stopping…[/yellow]")
        finally:
            cloud.stop()
        console.print("[green]stopped cleanly[/green]")

    @app.command("migrate")
    def migrate_cmd() -> None:
        """Apply pending database migrations (DATABASE_URL, or the embedded server)."""
        from renderowl.store.db import get_database, migrate

        applied = migrate(get_database())
        console.print(f"applied: {', '.join(applied)}" if applied else "database is up to date")

    @app.command()
    def openapi() -> None:
        """Print the API's OpenAPI document (the committed docs/openapi.json)."""
        from renderowl.api.app import get_app, openapi_json

        typer.echo(openapi_json(get_app()), nl=False)

    @app.command()
    def cleanup() -> None:
        """Delete rendered outputs past their retention (what the S3 lifecycle rule does in AWS)."""
        from renderowl.pipeline.retention import expire_outputs
        from renderowl.store.db import get_database

        console.print(f"expired the outputs of {expire_outputs(get_database())} render(s)")

    @keys_app.command("create")
    def keys_create(
        owner: Annotated[str, typer.Option(help="Owner name; created if new.")],
        name: Annotated[str, typer.Option(help="A label for the key.")] = "",
    ) -> None:
        """Issue an API key. The key alone is printed on the last line of stdout."""
        from renderowl.store import owners
        from renderowl.store.db import get_database, migrate

        db = get_database()
        migrate(db)
        with db.tx() as conn:
            issued = owners.create_api_key(conn, owner, name)
        console.print(
            f"owner {issued.owner.name} ({issued.owner.id}), key {issued.key_id}: store it now, it is shown once"
        )
        print(issued.token, flush=True)

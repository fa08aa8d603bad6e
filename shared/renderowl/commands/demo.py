"""`renderowl demo` (what `make demo` runs): the local cloud, driven over HTTP like a real client.

It starts the local cloud on a throw-away state directory, checks health and auth, generates the
sample media, uploads it through presigned POSTs, renders `examples/demo.json` through the API with
a progress bar, writes the video to `out/demo.mp4`, and stops everything.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from renderowl.catalog import REPO_ROOT
from renderowl.commands.cloud import banner

console = Console()
DEMO_SPEC = REPO_ROOT / "examples" / "demo.json"
DEMO_OUTPUT = Path("out/demo.mp4")


def _step(ok: bool, label: str, detail: Any = "") -> None:
    console.print(f"{'[green]✓[/green]' if ok else '[red]✗[/red]'} {label} {detail}")
    if not ok:
        raise typer.Exit(1)


def _replace_sources(value: Any, mapping: dict[str, str]) -> Any:
    """The spec with every local ``src``/``font`` path replaced by its ``asset://`` reference."""
    if isinstance(value, dict):
        return {k: _replace_sources(v, mapping) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_sources(v, mapping) for v in value]
    return mapping.get(value, value) if isinstance(value, str) else value


def register(app: typer.Typer) -> None:
    @app.command()
    def demo(
        spec_path: Annotated[Path, typer.Option("--spec", help="The render spec to run.")] = DEMO_SPEC,
        output: Annotated[
            Path, typer.Option("--output", "-o", help="Where to write the video.")
        ] = DEMO_OUTPUT,
        port: Annotated[int, typer.Option(help="API port (0 picks a free one).")] = 0,
    ) -> None:
        """Start the local cloud, upload media, render a spec through the HTTP API, download it, stop."""
        from renderowl.client import Client
        from renderowl.config import get_settings
        from renderowl.local.cloud import LocalCloud
        from renderowl.logs import logger
        from renderowl.media import probe, samples
        from renderowl.spec import collect_sources, parse_spec
        from renderowl.store import owners
        from renderowl.store.db import get_database

        logger.setLevel("WARNING")  # the demo narrates; per-request JSON lines belong to `renderowl dev`
        raw = json.loads(spec_path.read_text())
        with tempfile.TemporaryDirectory(prefix="renderowl-demo-") as tmp:
            os.environ["RENDEROWL_STATE_DIR"] = str(Path(tmp) / "state")
            os.environ.pop("DATABASE_URL", None)
            get_settings.cache_clear()
            with LocalCloud(port=port, reset=True) as cloud:
                assert cloud.info is not None
                console.print(banner(cloud.info, concurrency=get_settings().local_concurrency))
                api = f"{cloud.info.api_url}/api/v1"
                health = httpx.get(f"{api}/health", timeout=10)
                _step(health.status_code == 200, "health", health.json()["data"]["checks"])
                anonymous = httpx.get(f"{api}/me", timeout=10)
                _step(
                    anonymous.status_code == 401,
                    "a call without a key is refused:",
                    anonymous.json()["error"]["code"],
                )
                with get_database().tx() as conn:
                    token = owners.create_api_key(conn, "demo", "make demo").token
                inbox = _Inbox()
                with Client(cloud.info.api_url, token) as ro:
                    _step(True, "an API key for owner", ro.request("GET", "/me")["name"])
                    hook = ro.request(
                        "POST", "/webhooks", json={"url": inbox.url, "events": ["render.succeeded"]}
                    )
                    _step(True, "registered a webhook receiver", f"{inbox.url} ({hook['id']})")

                    media_dir = spec_path.parent / "media"
                    if not all((media_dir / name).exists() for name in samples.SAMPLE_FILES):
                        media_dir = Path(tmp) / "media"
                        samples.generate_samples(media_dir)
                        _step(True, "generated sample media", f"({len(samples.SAMPLE_FILES)} files, lavfi)")
                    local = parse_spec(raw, allow_local_paths=True)
                    mapping = {}
                    for src in sorted(collect_sources(local)):
                        asset = ro.upload(media_dir / Path(src).name)
                        _step(asset["status"] == "ready", f"uploaded {src} → ingest", _asset_line(asset))
                        mapping[src] = f"asset://{asset['id']}"

                    with Progress(
                        TextColumn("[bold]render[/bold] {task.fields[status]:<11}"),
                        BarColumn(),
                        TaskProgressColumn(),
                        TimeElapsedColumn(),
                        console=console,
                    ) as bar:
                        task = bar.add_task("render", total=100, status="queued")
                        render = ro.render(
                            _replace_sources(raw, mapping),
                            on_progress=lambda r: bar.update(
                                task, completed=r["progress"], status=r["status"]
                            ),
                        )
                    _step(
                        render["status"] == "succeeded",
                        f"render {render['id']}",
                        render["status"] if render["status"] != "failed" else render["error"],
                    )
                    ro.download(render["output"]["url"], output)
                    for kind in ("poster", "thumbnail"):
                        if render["output"].get(f"{kind}_url"):
                            ro.download(render["output"][f"{kind}_url"], output.with_suffix(f".{kind}.jpg"))
                    _show_webhook(inbox, hook["secret"], render["id"])
                inbox.close()
                info = probe(output)
                _step(
                    True,
                    f"wrote {output}",
                    f"{info.width}x{info.height}, {info.duration:.2f} s, "
                    f"{info.video_codec}/{info.audio_codec}, {output.stat().st_size / 1024:.0f} KiB, "
                    f"steps: {' → '.join(s['status'] for s in render['steps'])}",
                )
        console.print("[bold green]demo complete[/bold green]")


def _show_webhook(inbox: _Inbox, secret: str, render_id: str) -> None:
    """Wait for the render.succeeded delivery, verify its signature, and show it."""
    import queue

    from renderowl.webhooks import verify

    try:
        headers, body = inbox.received.get(timeout=30)
    except queue.Empty:
        _step(False, "no webhook arrived within 30 s")
        return
    verify(body, headers, secret)  # raises unless the signature and timestamp check out
    event = json.loads(body)
    _step(
        event["type"] == "render.succeeded" and event["data"]["id"] == render_id,
        "webhook received and verified:",
        f"{event['type']} {event['data']['id']} (webhook-id {headers['webhook-id']}, signature v1 ok)",
    )


class _Inbox:
    """A webhook receiver on loopback, as a customer's backend would run one."""

    def __init__(self) -> None:
        import queue
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.received: queue.Queue[tuple[dict[str, str], bytes]] = queue.Queue()
        inbox = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                inbox.received.put(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/renderowl/events"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()


def _asset_line(asset: dict[str, Any]) -> str:
    meta = asset.get("metadata") or {}
    size = f"{meta['width']}x{meta['height']}" if "width" in meta else ""
    length = f"{meta['duration']:.1f} s" if "duration" in meta else ""
    return f"{asset['status']} ({asset['kind']} {size} {length})".replace("  ", " ").replace(" )", ")")

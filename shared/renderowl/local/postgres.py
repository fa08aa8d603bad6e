"""The embedded Postgres server (the `pgserver` package), kept under the state directory."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=4)
def _server(pgdata: Path):  # type: ignore[no-untyped-def]
    import pgserver  # local extra only

    # cleanup_mode="stop": the server stops when the last process using it exits; other processes
    # (`renderowl keys create` while `renderowl dev` runs) attach to the running one.
    return pgserver.get_server(pgdata, cleanup_mode="stop")


def embedded_database_url(state_dir: Path) -> str:
    """Start (or attach to) the embedded server under ``state_dir`` and return its URL."""
    state_dir = state_dir.expanduser().resolve()
    state_dir.mkdir(parents=True, exist_ok=True)
    server = _server(state_dir / "postgres")
    return str(server.get_uri())

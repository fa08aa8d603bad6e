"""A small Python client for the Renderowl API: what a backend (or `renderowl demo`) needs to upload
media, render a spec, follow its progress and download the result.

    with Client("http://127.0.0.1:8000", token) as ro:
        asset_id = ro.upload(Path("clip.mp4"))
        render = ro.render({"timeline": …, "output": …}, on_progress=print)
        ro.download(render["output"]["url"], Path("out.mp4"))
"""

from __future__ import annotations

import mimetypes
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

TERMINAL = ("succeeded", "failed", "cancelled")
# Transfers of large files: a short connect, a generous gap between bytes.
TRANSFER_TIMEOUT = httpx.Timeout(30.0, read=600.0, write=600.0)


class ApiError(Exception):
    """A non-2xx answer, with the envelope's stable code."""

    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message, self.details = status, code, message, details


class Client:
    """A thin wrapper over the HTTP API; every method is one or a few requests."""

    def __init__(self, base_url: str, token: str, *, timeout: float = 30.0) -> None:
        self._http = httpx.Client(
            base_url=f"{base_url.rstrip('/')}/api/v1",
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
        )

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """The `data` of a successful envelope, or `ApiError`."""
        response = self._http.request(method, path, **kwargs)
        body = response.json()
        if not body.get("success"):
            error = body.get("error") or {}
            raise ApiError(
                response.status_code,
                error.get("code", "UNKNOWN"),
                error.get("message", ""),
                error.get("details"),
            )
        return body["data"]

    def upload(
        self, path: Path, content_type: str | None = None, *, wait: bool = True, timeout_s: float = 300
    ) -> dict[str, Any]:
        """Upload a file through a presigned POST (straight to S3) and, by default, wait until ingest
        has decided; returns the asset."""
        content_type = content_type or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        created = self.request(
            "POST",
            "/uploads",
            json={"filename": path.name, "content_type": content_type, "size": path.stat().st_size},
        )
        form = created["upload"]
        with path.open("rb") as fh:
            posted = httpx.post(
                form["url"],
                data=form["fields"],
                files={"file": (path.name, fh, content_type)},
                timeout=TRANSFER_TIMEOUT,
            )
        posted.raise_for_status()
        asset: dict[str, Any] = created["asset"]
        return (
            self.wait_for(
                f"/assets/{asset['id']}", lambda a: a["status"] not in ("pending", "processing"), timeout_s
            )
            if wait
            else asset
        )

    def render(
        self,
        spec: dict[str, Any],
        *,
        wait: bool = True,
        idempotency_key: str | None = None,
        on_progress: Callable[[dict[str, Any]], None] | None = None,
        timeout_s: float = 1800,
        **options: Any,
    ) -> dict[str, Any]:
        """Submit a render (safe to retry: it carries an Idempotency-Key) and, by default, wait for it."""
        headers = {"Idempotency-Key": idempotency_key or str(uuid.uuid4())}
        render: dict[str, Any] = self.request(
            "POST", "/renders", json={"spec": spec, **options}, headers=headers
        )
        if not wait:
            return render
        return self.wait_for(
            f"/renders/{render['id']}", lambda r: r["status"] in TERMINAL, timeout_s, on_progress
        )

    def wait_for(
        self,
        path: str,
        done: Callable[[dict[str, Any]], bool],
        timeout_s: float,
        on_poll: Callable[[dict[str, Any]], None] | None = None,
        every_s: float = 0.3,
    ) -> dict[str, Any]:
        """Poll ``path`` until ``done`` says so (or the time is up); returns the last answer."""
        deadline = time.monotonic() + timeout_s
        while True:
            data: dict[str, Any] = self.request("GET", path)
            if on_poll:
                on_poll(data)
            if done(data) or time.monotonic() > deadline:
                return data
            time.sleep(every_s)

    @staticmethod
    def download(url: str, dest: Path) -> Path:
        """Stream a presigned URL to ``dest``."""
        dest.parent.mkdir(parents=True, exist_ok=True)
        with httpx.stream("GET", url, timeout=TRANSFER_TIMEOUT) as response, dest.open("wb") as fh:
            response.raise_for_status()
            for chunk in response.iter_bytes(1024 * 1024):
                fh.write(chunk)
        return dest

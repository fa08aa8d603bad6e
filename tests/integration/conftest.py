"""Integration fixtures: the real API handler, called in-process with API Gateway events."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from renderowl.api.app import get_app
from renderowl.catalog import load_catalog
from renderowl.local import runtime
from renderowl.local.gateway import proxy_event
from renderowl.store import owners
from renderowl.store.db import Database


@dataclass
class ApiResponse:
    status: int
    headers: dict[str, str]
    body: Any

    @property
    def data(self) -> Any:
        return self.body["data"]

    @property
    def error(self) -> Any:
        return self.body["error"]


CallApi = Callable[..., ApiResponse]


@pytest.fixture
def call_api(db: Database, aws: str) -> CallApi:
    """Call the catalog's API handler as API Gateway would; returns status, headers and parsed body."""
    get_app.cache_clear()
    fn = load_catalog().functions["api"]

    def call(
        method: str,
        path: str,
        *,
        token: str | None = None,
        json_body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> ApiResponse:
        all_headers = {"Content-Type": ["application/json"], **{k: [v] for k, v in (headers or {}).items()}}
        if token:
            all_headers["Authorization"] = [f"Bearer {token}"]
        body = json.dumps(json_body).encode() if json_body is not None else b""
        result = runtime.invoke(fn, proxy_event(method, path, all_headers, body))
        parsed = json.loads(result["body"]) if result.get("body") else None
        out_headers = dict(result.get("headers") or {})
        out_headers.update({k: ",".join(v) for k, v in (result.get("multiValueHeaders") or {}).items()})
        return ApiResponse(result["statusCode"], out_headers, parsed)

    return call


@pytest.fixture
def api_key(db: Database) -> str:
    with db.tx() as conn:
        return owners.create_api_key(conn, "acme").token


@pytest.fixture
def other_api_key(db: Database) -> str:
    with db.tx() as conn:
        return owners.create_api_key(conn, "globex").token

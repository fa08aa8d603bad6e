"""An HTTP server that does what API Gateway (REST, Lambda proxy) does: each request becomes a
proxy event for the API handler, and the handler's response goes back unchanged. CORS preflight
is answered here, as API Gateway's CORS configuration answers it without calling the Lambda."""

from __future__ import annotations

import base64
import logging
import threading
import time
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from renderowl.api.app import cors_config
from renderowl.config import Settings

log = logging.getLogger(__name__)

# API Gateway refuses payloads over 10 MB before the Lambda sees them.
MAX_BODY_BYTES = 10 * 1024 * 1024
_TEXT_TYPES = ("application/json", "text/", "application/x-www-form-urlencoded", "application/xml")

Invoker = Callable[[dict[str, Any]], dict[str, Any]]


def proxy_event(
    method: str, raw_path: str, headers: dict[str, list[str]], body: bytes, *, source_ip: str = "127.0.0.1"
) -> dict[str, Any]:
    """The API Gateway REST proxy event for one HTTP request."""
    url = urlsplit(raw_path)
    query = parse_qs(url.query, keep_blank_values=True)
    content_type = next((v[-1] for k, v in headers.items() if k.lower() == "content-type"), "")
    is_text = not body or content_type.startswith(_TEXT_TYPES)
    now = time.time()
    return {
        "resource": "/{proxy+}",
        "path": url.path,
        "httpMethod": method,
        "headers": {k: v[-1] for k, v in headers.items()},
        "multiValueHeaders": headers,
        "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": {"proxy": url.path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "path": url.path,
            "stage": "local",
            "requestId": str(uuid.uuid4()),
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "requestTimeEpoch": int(now * 1000),
            "accountId": "123456789012",
            "apiId": "local",
            "protocol": "HTTP/1.1",
            "identity": {
                "sourceIp": source_ip,
                "userAgent": next((v[-1] for k, v in headers.items() if k.lower() == "user-agent"), ""),
            },
        },
        "body": (body.decode() if is_text else base64.b64encode(body).decode()) if body else None,
        "isBase64Encoded": bool(body) and not is_text,
    }


def preflight_headers(settings: Settings, origin: str | None) -> dict[str, str]:
    """The headers API Gateway's CORS preflight answers with (the same rule the API applies)."""
    cors = cors_config(settings)
    if cors is None or origin is None:
        return {}
    headers = cors.to_dict(origin)
    if headers:
        headers["Access-Control-Allow-Methods"] = "DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT"
    return headers


class Gateway:
    """A threaded HTTP server on 127.0.0.1 in front of the API handler."""

    def __init__(self, invoke: Invoker, settings: Settings, port: int = 8000) -> None:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def _handle(self) -> None:
                gateway._serve(self)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle

        self._invoke = invoke
        self._settings = settings
        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._thread = threading.Thread(target=self._server.serve_forever, name="gateway", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _serve(self, req: BaseHTTPRequestHandler) -> None:
        try:
            self._proxy(req)
        except Exception:
            log.exception("the API handler failed: %s %s", req.command, req.path)
            self._reply(
                req, 502, {"Content-Type": "application/json"}, b'{"message": "Internal server error"}'
            )

    def _proxy(self, req: BaseHTTPRequestHandler) -> None:
        headers: dict[str, list[str]] = {}
        for key, value in req.headers.items():
            headers.setdefault(key, []).append(value)
        length = int(req.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self._reply(
                req,
                413,
                {"Content-Type": "application/json"},
                b'{"success": false, "error": {"code": "PAYLOAD_TOO_LARGE", '
                b'"message": "request body over 10 MB", "details": null}}',
            )
            return
        body = req.rfile.read(length) if length else b""
        if req.command == "OPTIONS":
            self._reply(req, 204, preflight_headers(self._settings, req.headers.get("Origin")), b"")
            return
        result = self._invoke(
            proxy_event(req.command, req.path, headers, body, source_ip=req.client_address[0])
        )
        out_headers: dict[str, str] = dict(result.get("headers") or {})
        for key, values in (result.get("multiValueHeaders") or {}).items():
            out_headers[key] = ",".join(values)
        raw = result.get("body") or ""
        payload = base64.b64decode(raw) if result.get("isBase64Encoded") else raw.encode()
        self._reply(req, int(result["statusCode"]), out_headers, payload)

    @staticmethod
    def _reply(req: BaseHTTPRequestHandler, status: int, headers: dict[str, str], body: bytes) -> None:
        req.send_response(status)
        for key, value in headers.items():
            if key.lower() not in {"content-length", "connection"}:
                req.send_header(key, value)
        req.send_header("Content-Length", str(len(body)))
        req.end_headers()
        if req.command != "HEAD":
            req.wfile.write(body)

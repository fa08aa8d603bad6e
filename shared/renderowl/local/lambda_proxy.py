"""The Lambda service the local Step Functions engine talks to.

moto executes state machines but, without Docker, its Lambda only echoes its input. Its engine
reaches every AWS service at ``http://localhost:$MOTO_PORT``, so the local cloud points MOTO_PORT
here: `Invoke` calls for catalog functions run the real handler in-process (an exception becomes
``X-Amz-Function-Error: Unhandled`` with ``errorType`` = its class name, exactly what Lambda
returns, so the ASL's Retry and Catch see the same error names as in AWS); every other request is
forwarded to moto unchanged.
"""

from __future__ import annotations

import json
import re
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

import httpx

from renderowl.catalog import Catalog
from renderowl.local import runtime

_INVOKE = re.compile(r"^/2015-03-31/functions/(?P<name>[^/]+)/invocations")
_HOP_HEADERS = {"host", "content-length", "transfer-encoding", "connection", "content-encoding"}
ACCOUNT = "123456789012"


def function_arn(name: str, region: str = "us-east-1") -> str:
    return f"arn:aws:lambda:{region}:{ACCOUNT}:function:{name}"


def invoke_result(catalog: Catalog, raw_name: str, payload: bytes) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of a Lambda Invoke of ``raw_name`` (a name or an ARN, URL-encoded)."""
    name = unquote(raw_name).rsplit(":function:", 1)[-1].split(":")[0]
    fn = catalog.functions.get(name)
    if fn is None or fn.is_container:
        body = json.dumps({"Type": "User", "message": f"Function not found: {name}"}).encode()
        return 404, {"x-amzn-ErrorType": "ResourceNotFoundException"}, body
    try:
        result: Any = runtime.invoke(fn, json.loads(payload or b"{}"))
        return 200, {"X-Amz-Executed-Version": "$LATEST"}, json.dumps(result).encode()
    except Exception as exc:
        error = {
            "errorType": type(exc).__name__,
            "errorMessage": str(exc),
            "stackTrace": traceback.format_exception(exc)[-5:],
        }
        return 200, {"X-Amz-Function-Error": "Unhandled"}, json.dumps(error).encode()


class LambdaProxy:
    """Serves Invoke for the catalog's functions and forwards the rest to moto."""

    def __init__(self, catalog: Catalog, moto_url: str, port: int) -> None:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def _handle(self) -> None:
                proxy._serve(self)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _handle

        self._catalog = catalog
        self._moto_url = moto_url
        self._client = httpx.Client(timeout=httpx.Timeout(60.0))
        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> None:
        threading.Thread(target=self._server.serve_forever, name="lambda-proxy", daemon=True).start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._client.close()

    def _serve(self, req: BaseHTTPRequestHandler) -> None:
        length = int(req.headers.get("Content-Length") or 0)
        body = req.rfile.read(length) if length else b""
        match = _INVOKE.match(req.path)
        if req.command == "POST" and match:
            status, headers, payload = invoke_result(self._catalog, match["name"], body)
        else:
            forwarded = self._client.request(
                req.command,
                f"{self._moto_url}{req.path}",
                content=body,
                headers={k: v for k, v in req.headers.items() if k.lower() not in _HOP_HEADERS},
            )
            status, payload = forwarded.status_code, forwarded.content
            headers = {k: v for k, v in forwarded.headers.items() if k.lower() not in _HOP_HEADERS}
        req.send_response(status)
        for key, value in headers.items():
            req.send_header(key, value)
        req.send_header("Content-Length", str(len(payload)))
        req.end_headers()
        req.wfile.write(payload)

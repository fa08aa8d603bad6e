import io
import json

import pytest

from renderowl.api.app import build_app, get_app, openapi_json
from renderowl.config import Settings, get_settings
from renderowl.store.db import Database
from tests.conftest import REPO
from tests.integration.conftest import CallApi


def test_health_reports_database_and_storage(call_api: CallApi) -> None:
    # Given a reachable database, and a moto without the media bucket
    # When
    degraded = call_api("GET", "/api/v1/health")
    # Then the missing bucket is reported, in the error envelope
    assert degraded.status == 503
    assert degraded.error["code"] == "SERVICE_UNAVAILABLE"
    assert degraded.error["details"]["checks"] == {"database": {"ok": True}, "storage": {"ok": False}}

    # Given the bucket exists
    from renderowl.cloud.aws import client

    client("s3").create_bucket(Bucket="renderowl-media")
    # When / Then
    healthy = call_api("GET", "/api/v1/health")
    assert healthy.status == 200
    assert healthy.body["success"] is True
    assert healthy.data["status"] == "ok"


def test_calls_without_a_valid_key_are_401_with_stable_codes(call_api: CallApi, api_key: str) -> None:
    assert call_api("GET", "/api/v1/me").error["code"] == "AUTH_MISSING"
    bad = call_api("GET", "/api/v1/me", token="ro_not-a-real-key")
    assert bad.status == 401
    assert bad.body == {
        "success": False,
        "error": {"code": "AUTH_INVALID", "message": "invalid API key", "details": None},
    }
    assert (
        call_api("GET", "/api/v1/me", headers={"Authorization": "Token x"}).error["code"] == "AUTH_MALFORMED"
    )


def test_a_key_identifies_its_owner(call_api: CallApi, api_key: str, other_api_key: str) -> None:
    mine = call_api("GET", "/api/v1/me", token=api_key)
    theirs = call_api("GET", "/api/v1/me", token=other_api_key)
    assert mine.status == 200 and mine.data["name"] == "acme"
    assert theirs.data["name"] == "globex"
    assert mine.data["owner_id"] != theirs.data["owner_id"]


def test_a_revoked_key_is_refused(call_api: CallApi, db: Database, api_key: str) -> None:
    with db.tx() as conn:
        conn.execute("UPDATE api_keys SET revoked_at = now()")
    assert call_api("GET", "/api/v1/me", token=api_key).status == 401


def test_unknown_routes_are_404_in_the_envelope(call_api: CallApi) -> None:
    response = call_api("GET", "/api/v1/nope")
    assert response.status == 404
    assert response.error["code"] == "ROUTE_NOT_FOUND"


def test_cors_headers_only_for_configured_origins(
    call_api: CallApi, api_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RENDEROWL_CORS_ORIGINS", "https://app.example.com")
    get_settings.cache_clear()
    get_app.cache_clear()
    allowed = call_api("GET", "/api/v1/me", token=api_key, headers={"Origin": "https://app.example.com"})
    refused = call_api("GET", "/api/v1/me", token=api_key, headers={"Origin": "https://evil.example.com"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert "Access-Control-Allow-Origin" not in refused.headers


def test_served_openapi_document_matches_the_committed_one(call_api: CallApi) -> None:
    # Given the document generated from the code
    served = call_api("GET", "/api/v1/openapi.json")
    committed = json.loads((REPO / "docs" / "openapi.json").read_text())
    # Then it is public, it is what `make openapi` committed, and it documents the routes
    assert served.status == 200
    assert served.body == committed, "docs/openapi.json is stale: run `make openapi`"
    assert "/api/v1/health" in served.body["paths"]
    assert served.body == json.loads(openapi_json(build_app(Settings())))


def test_logs_are_json_with_a_request_id_and_no_secrets(call_api: CallApi, api_key: str) -> None:
    # Given the service logger writing into a buffer
    from renderowl.logs import logger

    buffer = io.StringIO()
    previous = logger.registered_handler.setStream(buffer)
    # When two calls are made, one refused
    try:
        call_api("GET", "/api/v1/me", token=api_key)
        call_api("GET", "/api/v1/me", token=api_key + "x")
    finally:
        logger.registered_handler.setStream(previous)
    # Then each has an access line in JSON with its request id, and the key appears nowhere
    out = buffer.getvalue()
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    access = [line for line in lines if line["message"] == "request"]
    assert [line["status"] for line in access] == [200, 401]
    assert all(line["correlation_id"] and line["path"] == "/api/v1/me" for line in access)
    assert len({line["correlation_id"] for line in access}) == 2
    assert api_key not in out

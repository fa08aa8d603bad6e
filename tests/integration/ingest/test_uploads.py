"""POST /api/v1/uploads: the asset row and a presigned POST that pins key, type and size."""

from __future__ import annotations

import base64
import json

import pytest

from tests.integration.conftest import CallApi


def _policy(fields: dict[str, str]) -> dict:  # type: ignore[type-arg]
    return json.loads(base64.b64decode(fields["policy"]))


def test_upload_returns_a_pending_asset_and_a_pinned_presigned_post(call_api: CallApi, api_key: str) -> None:
    # When
    response = call_api(
        "POST",
        "/api/v1/uploads",
        token=api_key,
        json_body={"filename": "intro.mp4", "content_type": "video/mp4", "size": 1234},
    )
    # Then
    assert response.status == 201, response.body
    asset, upload = response.data["asset"], response.data["upload"]
    assert asset["status"] == "pending"
    assert asset["filename"] == "intro.mp4"
    key = upload["fields"]["key"]
    me = call_api("GET", "/api/v1/me", token=api_key).data["owner_id"]
    assert key == f"uploads/{me}/{asset['id']}/source"
    assert upload["fields"]["Content-Type"] == "video/mp4"
    conditions = _policy(upload["fields"])["conditions"]
    assert {"key": key} in conditions
    assert {"Content-Type": "video/mp4"} in conditions
    assert ["content-length-range", 1, 1234] in conditions
    assert {"tagging": upload["fields"]["tagging"]} in conditions
    assert "<Key>renderowl-state</Key><Value>pending</Value>" in upload["fields"]["tagging"]
    assert upload["expires_at"]


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"filename": "a.mp4", "content_type": "text/html", "size": 10}, "content_type"),
        ({"filename": "../etc/passwd", "content_type": "video/mp4", "size": 10}, "filename"),
        ({"filename": "a.mp4", "content_type": "video/mp4", "size": 0}, "size"),
        ({"filename": "a.mp4", "content_type": "video/mp4"}, "size"),
    ],
)
def test_bad_upload_requests_name_the_field(call_api: CallApi, api_key: str, body: dict, path: str) -> None:  # type: ignore[type-arg]
    response = call_api("POST", "/api/v1/uploads", token=api_key, json_body=body)
    assert response.status == 422
    assert response.error["code"] == "VALIDATION_FAILED"
    assert [d["path"] for d in response.error["details"]] == [path]


def test_an_upload_over_the_limit_is_413(
    call_api: CallApi, api_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from renderowl.config import get_settings

    monkeypatch.setenv("RENDEROWL_MAX_UPLOAD_BYTES", "1000")
    get_settings.cache_clear()
    response = call_api(
        "POST",
        "/api/v1/uploads",
        token=api_key,
        json_body={"filename": "big.mp4", "content_type": "video/mp4", "size": 1001},
    )
    assert response.status == 413
    assert response.error["code"] == "PAYLOAD_TOO_LARGE"


def test_uploads_need_a_key(call_api: CallApi) -> None:
    response = call_api(
        "POST", "/api/v1/uploads", json_body={"filename": "a.mp4", "content_type": "video/mp4", "size": 5}
    )
    assert response.status == 401

import base64

from renderowl.local.gateway import proxy_event


def test_a_json_request_becomes_a_rest_proxy_event() -> None:
    # Given
    headers = {"Content-Type": ["application/json"], "X-Tag": ["a", "b"]}
    # When
    event = proxy_event("POST", "/api/v1/renders?limit=5&status=queued&status=failed", headers, b'{"a": 1}')
    # Then
    assert event["httpMethod"] == "POST"
    assert event["path"] == "/api/v1/renders"
    assert event["body"] == '{"a": 1}'
    assert event["isBase64Encoded"] is False
    assert event["headers"]["X-Tag"] == "b"
    assert event["multiValueHeaders"]["X-Tag"] == ["a", "b"]
    assert event["queryStringParameters"] == {"limit": "5", "status": "failed"}
    assert event["multiValueQueryStringParameters"]["status"] == ["queued", "failed"]
    assert event["requestContext"]["requestId"]
    assert event["pathParameters"] == {"proxy": "api/v1/renders"}


def test_binary_bodies_are_base64_encoded_as_api_gateway_does() -> None:
    event = proxy_event("PUT", "/x", {"Content-Type": ["video/mp4"]}, b"\x00\x01\xff")
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"\x00\x01\xff"
    assert proxy_event("GET", "/x", {}, b"")["body"] is None

"""Browser/app tokens from the product's identity provider, verified against its JWKS."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from renderowl.api.auth import _jwks_client
from renderowl.config import get_settings
from tests.integration.conftest import CallApi

ISSUER = "https://idp.example.test/"
AUDIENCE = "renderowl-api"
KID = "test-key-1"


@pytest.fixture(scope="module")
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def jwks_url(signing_key: rsa.RSAPrivateKey) -> Iterator[str]:
    public_jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(signing_key.public_key()))
    document = json.dumps({"keys": [{**public_jwk, "kid": KID, "use": "sig", "alg": "RS256"}]}).encode()

    class Jwks(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(document)))
            self.end_headers()
            self.wfile.write(document)

        def log_message(self, *args: Any) -> None:
            return

    server = HTTPServer(("127.0.0.1", 0), Jwks)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
    server.shutdown()


@pytest.fixture
def jwt_env(jwks_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RENDEROWL_JWT_JWKS_URL", jwks_url)
    monkeypatch.setenv("RENDEROWL_JWT_ISSUER", ISSUER)
    monkeypatch.setenv("RENDEROWL_JWT_AUDIENCE", AUDIENCE)
    get_settings.cache_clear()
    _jwks_client.cache_clear()


def make_token(key: rsa.RSAPrivateKey, **overrides: Any) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "user_42", "iat": now, "exp": now + 600, **overrides}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": KID})


def test_a_valid_token_maps_its_subject_to_one_owner(
    call_api: CallApi, jwt_env: None, signing_key: rsa.RSAPrivateKey
) -> None:
    # Given two tokens for the same subject
    first = call_api("GET", "/api/v1/me", token=make_token(signing_key))
    second = call_api("GET", "/api/v1/me", token=make_token(signing_key, iat=int(time.time()) - 5))
    other = call_api("GET", "/api/v1/me", token=make_token(signing_key, sub="user_43"))
    # Then they are the same owner, and another subject is another owner
    assert first.status == 200, first.body
    assert first.data["owner_id"] == second.data["owner_id"]
    assert other.data["owner_id"] != first.data["owner_id"]
    assert first.data["name"] == f"{ISSUER}|user_42"


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _refused_tokens(key: rsa.RSAPrivateKey) -> dict[str, str]:
    now = int(time.time())
    valid = make_token(key)
    header, payload, signature = valid.split(".")
    tampered_payload = _b64({**jwt.decode(valid, options={"verify_signature": False}), "sub": "admin"})
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return {
        "expired": make_token(key, exp=now - 3600, iat=now - 7200),
        "wrong audience": make_token(key, aud="someone-else"),
        "wrong issuer": make_token(key, iss="https://evil.example.test/"),
        "unsigned (alg none)": f"{_b64({'alg': 'none', 'typ': 'JWT', 'kid': KID})}.{payload}.",
        "tampered payload": f"{header}.{tampered_payload}.{signature}",
        "HMAC with the public key": _hs256_with_public_key(public_pem, now),
        "no subject": jwt.encode(
            {"iss": ISSUER, "aud": AUDIENCE, "exp": now + 600}, key, algorithm="RS256", headers={"kid": KID}
        ),
        "garbage": "not.a.jwt",
    }


def _hs256_with_public_key(public_pem: bytes, now: int) -> str:
    # The classic algorithm-confusion attack, built by hand because PyJWT refuses to sign it.
    import hashlib
    import hmac

    head = _b64({"alg": "HS256", "typ": "JWT", "kid": KID})
    body = _b64({"iss": ISSUER, "aud": AUDIENCE, "sub": "user_42", "exp": now + 600})
    mac = hmac.new(public_pem, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"


@pytest.mark.parametrize(
    "case",
    [
        "expired",
        "wrong audience",
        "wrong issuer",
        "unsigned (alg none)",
        "tampered payload",
        "HMAC with the public key",
        "no subject",
        "garbage",
    ],
)
def test_bad_tokens_are_refused_with_401(
    call_api: CallApi, jwt_env: None, signing_key: rsa.RSAPrivateKey, case: str
) -> None:
    # When
    response = call_api("GET", "/api/v1/me", token=_refused_tokens(signing_key)[case])
    # Then
    assert response.status == 401, response.body
    assert response.error["code"] == ("AUTH_EXPIRED" if case == "expired" else "AUTH_INVALID")


def test_without_jwt_configuration_only_api_keys_work(
    call_api: CallApi, signing_key: rsa.RSAPrivateKey
) -> None:
    response = call_api("GET", "/api/v1/me", token=make_token(signing_key))
    assert response.status == 401
    assert response.error["code"] == "AUTH_INVALID"

"""Who is calling: an API key (servers) or a JWT from the product's identity provider (browsers, apps).

API keys start with ``ro_`` and are looked up by their SHA-256. Anything else is treated as a JWT
and verified against the configured JWKS, issuer and audience; only asymmetric algorithms are
accepted, so ``alg: none`` and HMAC tokens signed with a public key can never pass.
"""

from __future__ import annotations

from functools import lru_cache

import jwt

from renderowl.config import Settings
from renderowl.errors import UnauthorizedError
from renderowl.store import owners
from renderowl.store.db import Database
from renderowl.store.owners import Owner

ALLOWED_JWT_ALGORITHMS = [
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "ES512",
    "EdDSA",
]


def bearer_token(headers: dict[str, str]) -> str:
    """The token of an ``Authorization: Bearer …`` header (header names are case-insensitive)."""
    value = next((v for k, v in headers.items() if k.lower() == "authorization"), None)
    if not value:
        raise UnauthorizedError("missing Authorization header", code="AUTH_MISSING")
    scheme, _, token = value.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise UnauthorizedError("Authorization must be `Bearer <token>`", code="AUTH_MALFORMED")
    return token.strip()


@lru_cache(maxsize=4)
def _jwks_client(url: str) -> jwt.PyJWKClient:
    # Keys are cached in-process; an unknown `kid` triggers one refetch (key rotation).
    return jwt.PyJWKClient(url, cache_keys=True, lifespan=3600, timeout=5)


def verify_jwt(token: str, settings: Settings) -> dict[str, object]:
    """The verified claims of a JWT, or UnauthorizedError saying why not."""
    if not settings.jwt_enabled:
        raise UnauthorizedError("invalid API key", code="AUTH_INVALID")
    assert settings.jwt_jwks_url is not None
    try:
        signing_key = _jwks_client(settings.jwt_jwks_url).get_signing_key_from_jwt(token)
        claims: dict[str, object] = jwt.decode(
            token,
            signing_key.key,
            algorithms=ALLOWED_JWT_ALGORITHMS,
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            leeway=settings.jwt_leeway_s,
            options={"require": ["exp", "iss", "aud", settings.jwt_owner_claim]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise UnauthorizedError("token has expired", code="AUTH_EXPIRED") from exc
    except jwt.PyJWKClientConnectionError as exc:
        raise UnauthorizedError("token keys could not be fetched", code="AUTH_INVALID") from exc
    except (jwt.PyJWKClientError, jwt.InvalidTokenError) as exc:
        raise UnauthorizedError(f"invalid token: {exc}", code="AUTH_INVALID") from exc
    return claims


def authenticate(headers: dict[str, str], db: Database, settings: Settings) -> Owner:
    """The owner behind the request's bearer token."""
    token = bearer_token(headers)
    if token.startswith(owners.API_KEY_PREFIX):
        with db.tx() as conn:
            owner = owners.owner_for_api_key(conn, token)
        if owner is None:
            raise UnauthorizedError("invalid API key", code="AUTH_INVALID")
        return owner
    claims = verify_jwt(token, settings)
    subject = claims.get(settings.jwt_owner_claim)
    if not isinstance(subject, str) or not subject:
        raise UnauthorizedError(f"token has no `{settings.jwt_owner_claim}` claim", code="AUTH_INVALID")
    with db.tx() as conn:
        return owners.owner_for_subject(conn, str(claims["iss"]), subject)

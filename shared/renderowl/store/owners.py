"""Owners and their credentials: API keys (servers) and JWT subjects (browsers and apps)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

import psycopg

from renderowl.ids import new_id

API_KEY_PREFIX = "ro_"


@dataclass(frozen=True)
class Owner:
    id: str
    name: str


@dataclass(frozen=True)
class IssuedKey:
    owner: Owner
    key_id: str
    token: str  # shown once, never stored


def hash_token(token: str) -> bytes:
    """SHA-256 of an API key; the database stores only this."""
    return hashlib.sha256(token.encode()).digest()


def generate_token() -> str:
    """A new API key: the `ro_` prefix (so secret scanners can spot leaks) and 256 random bits."""
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def ensure_owner(conn: psycopg.Connection[dict[str, Any]], name: str) -> Owner:
    """The owner called ``name``, created if it does not exist yet."""
    row = conn.execute(
        "INSERT INTO owners (id, name) VALUES (%s, %s)"
        " ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id, name",
        (new_id("owner"), name),
    ).fetchone()
    assert row is not None
    return Owner(id=row["id"], name=row["name"])


def create_api_key(
    conn: psycopg.Connection[dict[str, Any]], owner_name: str, key_name: str = ""
) -> IssuedKey:
    """Issue a new API key for ``owner_name`` (creating the owner if needed)."""
    owner = ensure_owner(conn, owner_name)
    token = generate_token()
    key_id = new_id("key")
    conn.execute(
        "INSERT INTO api_keys (id, owner_id, name, key_hash, hint) VALUES (%s, %s, %s, %s, %s)",
        (key_id, owner.id, key_name, hash_token(token), token[-4:]),
    )
    return IssuedKey(owner=owner, key_id=key_id, token=token)


def owner_for_api_key(conn: psycopg.Connection[dict[str, Any]], token: str) -> Owner | None:
    """The owner of a live (not revoked) API key, or None."""
    row = conn.execute(
        "UPDATE api_keys k SET last_used_at = now() FROM owners o"
        " WHERE k.key_hash = %s AND k.revoked_at IS NULL AND o.id = k.owner_id"
        " RETURNING o.id, o.name",
        (hash_token(token),),
    ).fetchone()
    return Owner(id=row["id"], name=row["name"]) if row else None


def owner_for_subject(conn: psycopg.Connection[dict[str, Any]], issuer: str, subject: str) -> Owner:
    """The owner a JWT subject maps to, created on first sight (the identity provider vouches for it)."""
    external = f"{issuer}|{subject}"
    row = conn.execute(
        "INSERT INTO owners (id, name, external_subject) VALUES (%s, %s, %s)"
        " ON CONFLICT (external_subject) DO UPDATE SET external_subject = EXCLUDED.external_subject"
        " RETURNING id, name",
        (new_id("owner"), external, external),
    ).fetchone()
    assert row is not None
    return Owner(id=row["id"], name=row["name"])

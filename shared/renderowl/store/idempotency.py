"""`Idempotency-Key` records (IETF httpapi-idempotency-key draft, Stripe semantics), in Postgres.

Powertools' idempotency utility persists to DynamoDB or Redis; every other piece of Renderowl's
state is in Postgres, and the record must commit atomically with the render it creates, so the
few statements live here.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Literal

import psycopg
from psycopg.types.json import Jsonb

Conn = psycopg.Connection[dict[str, Any]]


@dataclass(frozen=True)
class Claim:
    outcome: Literal["new", "replay", "mismatch", "in_progress"]
    status: int | None = None
    body: Any = None


def request_hash(payload: Any) -> str:
    """A stable fingerprint of a request body (key order does not matter)."""
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def claim(conn: Conn, owner_id: str, key: str, fingerprint: str, ttl_hours: int = 24) -> Claim:
    """Start a request under ``key``, or say what to do instead (replay, 422, 409)."""
    # An expired record frees its key.
    conn.execute(
        "DELETE FROM idempotency_keys WHERE owner_id = %s AND key = %s AND expires_at < now()",
        (owner_id, key),
    )
    inserted = conn.execute(
        "INSERT INTO idempotency_keys (owner_id, key, request_hash, expires_at)"
        " VALUES (%s, %s, %s, now() + make_interval(hours => %s))"
        " ON CONFLICT (owner_id, key) DO NOTHING RETURNING key",
        (owner_id, key, fingerprint, ttl_hours),
    ).fetchone()
    if inserted:
        return Claim("new")
    row = conn.execute(
        "SELECT request_hash, status, response_status, response_body FROM idempotency_keys"
        " WHERE owner_id = %s AND key = %s",
        (owner_id, key),
    ).fetchone()
    assert row is not None
    if row["request_hash"] != fingerprint:
        return Claim("mismatch")
    if row["status"] != "completed":
        return Claim("in_progress")
    return Claim("replay", row["response_status"], row["response_body"])


def complete(conn: Conn, owner_id: str, key: str, status: int, body: Any) -> None:
    conn.execute(
        "UPDATE idempotency_keys SET status = 'completed', response_status = %s, response_body = %s"
        " WHERE owner_id = %s AND key = %s",
        (status, Jsonb(body), owner_id, key),
    )


def release(conn: Conn, owner_id: str, key: str) -> None:
    """Forget an in-progress key whose request failed, so the client may retry it."""
    conn.execute(
        "DELETE FROM idempotency_keys WHERE owner_id = %s AND key = %s AND status = 'in_progress'",
        (owner_id, key),
    )

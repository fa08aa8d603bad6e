"""Assets: uploaded media and what ingest learned about it. Every read is scoped to an owner."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from renderowl.ids import new_id
from renderowl.store import paging

Conn = psycopg.Connection[dict[str, Any]]
Row = dict[str, Any]

_COLUMNS = (
    "id, owner_id, status, kind, filename, content_type, declared_size, source_key, size_bytes, checksum, "
    "metadata, derivatives, reject_reason, reject_message, source_url, created_at, updated_at, ready_at"
)


def source_key(owner_id: str, asset_id: str) -> str:
    """Where the original bytes live; the upload policy pins exactly this key."""
    return f"uploads/{owner_id}/{asset_id}/source"


def derivative_prefix(owner_id: str, asset_id: str) -> str:
    return f"assets/{owner_id}/{asset_id}/"


def parse_source_key(key: str) -> tuple[str, str] | None:
    """(owner_id, asset_id) of an upload key, or None for any other key."""
    parts = key.split("/")
    if len(parts) == 4 and parts[0] == "uploads" and parts[3] == "source":
        return parts[1], parts[2]
    return None


def create(
    conn: Conn,
    owner_id: str,
    *,
    filename: str,
    content_type: str,
    declared_size: int,
    source_url: str | None = None,
) -> Row:
    asset_id = new_id("asset")
    row = conn.execute(
        f"INSERT INTO assets (id, owner_id, filename, content_type, declared_size, source_key, source_url)"
        f" VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING {_COLUMNS}",
        (
            asset_id,
            owner_id,
            filename,
            content_type,
            declared_size,
            source_key(owner_id, asset_id),
            source_url,
        ),
    ).fetchone()
    assert row is not None
    return row


def get(conn: Conn, owner_id: str, asset_id: str) -> Row | None:
    """The owner's asset, or None (another owner's asset and a deleted one are both None)."""
    return conn.execute(
        f"SELECT {_COLUMNS} FROM assets WHERE id = %s AND owner_id = %s AND status <> 'deleted'",
        (asset_id, owner_id),
    ).fetchone()


def get_many(conn: Conn, owner_id: str, asset_ids: list[str]) -> dict[str, Row]:
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM assets WHERE owner_id = %s AND id = ANY(%s) AND status <> 'deleted'",
        (owner_id, asset_ids),
    ).fetchall()
    return {row["id"]: row for row in rows}


def page(
    conn: Conn, owner_id: str, *, limit: int, cursor: str | None, status: str | None, kind: str | None
) -> list[Row]:
    """Newest first; ``cursor`` is the last id of the previous page."""
    return paging.page(
        conn,
        f"SELECT {_COLUMNS} FROM assets",
        owner_id=owner_id,
        limit=limit,
        cursor=cursor,
        filters={"status": status, "kind": kind},
        where=("status <> 'deleted'",),
    )


def claim(conn: Conn, owner_id: str, asset_id: str, *, lease_s: int) -> Row | None:
    """Take the asset for ingest: a pending one, or one whose previous claim expired. None when it
    is already done (ready, rejected, deleted) or another ingest holds it — a duplicate event."""
    return conn.execute(
        f"UPDATE assets SET status = 'processing', claimed_until = now() + make_interval(secs => %s),"
        f" updated_at = now()"
        f" WHERE id = %s AND owner_id = %s"
        f"   AND (status = 'pending' OR (status = 'processing' AND claimed_until < now()))"
        f" RETURNING {_COLUMNS}",
        (lease_s, asset_id, owner_id),
    ).fetchone()


def mark_ready(
    conn: Conn,
    asset_id: str,
    *,
    kind: str,
    size: int,
    checksum: str,
    metadata: dict[str, Any],
    derivatives: dict[str, str],
) -> Row | None:
    return conn.execute(
        f"UPDATE assets SET status = 'ready', kind = %s, size_bytes = %s, checksum = %s, metadata = %s,"
        f" derivatives = %s, claimed_until = NULL, ready_at = now(), updated_at = now()"
        f" WHERE id = %s AND status = 'processing' RETURNING {_COLUMNS}",
        (kind, size, checksum, Jsonb(metadata), Jsonb(derivatives), asset_id),
    ).fetchone()


def mark_rejected(
    conn: Conn, asset_id: str, *, reason: str, message: str, size: int | None = None
) -> Row | None:
    return conn.execute(
        f"UPDATE assets SET status = 'rejected', reject_reason = %s, reject_message = %s, size_bytes = %s,"
        f" claimed_until = NULL, updated_at = now()"
        f" WHERE id = %s AND status IN ('pending', 'processing') RETURNING {_COLUMNS}",
        (reason, message, size, asset_id),
    ).fetchone()


def in_use(conn: Conn, asset_id: str) -> list[str]:
    """Ids of queued or running renders that read this asset."""
    rows = conn.execute(
        "SELECT r.id FROM render_assets ra JOIN renders r ON r.id = ra.render_id"
        " WHERE ra.asset_id = %s AND r.status NOT IN ('succeeded', 'failed', 'cancelled') ORDER BY r.id",
        (asset_id,),
    ).fetchall()
    return [row["id"] for row in rows]


def mark_deleted(conn: Conn, owner_id: str, asset_id: str) -> bool:
    cur = conn.execute(
        "UPDATE assets SET status = 'deleted', updated_at = now() WHERE id = %s AND owner_id = %s AND status <> 'deleted'",
        (asset_id, owner_id),
    )
    return cur.rowcount == 1


def lock_for_delete(conn: Conn, owner_id: str, asset_id: str) -> Row | None:
    """Lock the asset row so no render can start using it while it is being deleted."""
    return conn.execute(
        f"SELECT {_COLUMNS} FROM assets WHERE id = %s AND owner_id = %s AND status <> 'deleted' FOR UPDATE",
        (asset_id, owner_id),
    ).fetchone()

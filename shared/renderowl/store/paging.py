"""Keyset pagination over time-sortable ids: newest first, the cursor is the last id seen."""

from __future__ import annotations

from typing import Any

import psycopg


def page(
    conn: psycopg.Connection[dict[str, Any]],
    sql: str,
    *,
    owner_id: str,
    limit: int,
    cursor: str | None,
    filters: dict[str, Any],
    where: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """Rows of ``sql`` (``SELECT … FROM t``) owned by ``owner_id``, after ``cursor``, matching every
    non-None value of ``filters`` (column → value) and the constant ``where`` clauses."""
    clauses, params = ["owner_id = %s", *where], [owner_id]
    if cursor:
        clauses.append("id < %s")
        params.append(cursor)
    for column, value in filters.items():
        if value is not None:
            clauses.append(f"{column} = %s")
            params.append(value)
    return conn.execute(
        f"{sql} WHERE {' AND '.join(clauses)} ORDER BY id DESC LIMIT %s", (*params, limit)
    ).fetchall()

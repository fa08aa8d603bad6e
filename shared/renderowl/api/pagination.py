"""Cursor pagination: newest first, the cursor is the last id of the previous page."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(
        None, description="Pass as `cursor` to get the next page; null on the last."
    )


def next_cursor(rows: list[dict], limit: int) -> str | None:  # type: ignore[type-arg]
    """The cursor after ``rows``, when a page was asked for ``limit + 1`` rows and got them."""
    return str(rows[limit - 1]["id"]) if len(rows) > limit else None

"""Public identifiers: a type prefix and a time-sortable body (`rnd_01JD…`).

Sortable ids make cursor pagination a plain `WHERE id < $cursor ORDER BY id DESC` on the primary
key. The body is a ULID-style Crockford base32 string of 48 bits of milliseconds and 80 random
bits; it is a dozen lines, so it is written here rather than pulled in as a dependency.
"""

from __future__ import annotations

import os
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

PREFIXES = {
    "owner": "own",
    "key": "key",
    "asset": "ast",
    "render": "rnd",
    "event": "evt",
    "webhook": "wh",
    "delivery": "dlv",
}


def new_id(kind: str, *, now_ms: int | None = None) -> str:
    """A new id for ``kind`` (one of ``PREFIXES``), e.g. ``new_id("render") -> "rnd_01J…"``."""
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    value = (ms << 80) | int.from_bytes(os.urandom(10), "big")
    chars = []
    for _ in range(26):
        value, rem = divmod(value, 32)
        chars.append(_ALPHABET[rem])
    return f"{PREFIXES[kind]}_{''.join(reversed(chars))}"

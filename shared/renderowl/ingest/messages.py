"""What arrives on the ingest queue: S3 ObjectCreated notifications and URL-import requests."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_plus

from renderowl.ingest.imports import IMPORT_MESSAGE, run_import
from renderowl.ingest.service import ingest_object
from renderowl.logs import logger
from renderowl.store.db import Database


class UnknownMessageError(ValueError):
    """A message this queue does not carry; it goes to the DLQ after its retries."""


def handle(db: Database, body: dict[str, Any]) -> list[str]:
    """Process one queue message; returns what happened to each object it names."""
    if body.get("Event") == "s3:TestEvent":
        return []  # S3 sends this once when notifications are configured
    if body.get("type") == IMPORT_MESSAGE:
        return [run_import(db, body["owner_id"], body["asset_id"], body["url"])]
    if "Records" in body:
        outcomes = []
        for record in body["Records"]:
            if not str(record.get("eventName", "")).startswith("ObjectCreated"):
                continue
            # Keys arrive URL-encoded (`+` for spaces), as in every S3 notification.
            key = unquote_plus(record["s3"]["object"]["key"])
            outcome = ingest_object(db, key)
            outcomes.append(outcome.status if outcome else "ignored")
        return outcomes
    logger.warning("unknown ingest message", extra={"keys": sorted(body)})
    raise UnknownMessageError("not an S3 notification or an import request")

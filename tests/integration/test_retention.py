"""Output retention, as the local cloud applies the S3 lifecycle rule."""

from __future__ import annotations

from psycopg.types.json import Jsonb

from renderowl.cloud.aws import client
from renderowl.pipeline.retention import expire_outputs
from renderowl.store.db import Database
from tests.integration.conftest import CallApi


def test_expired_outputs_are_deleted_and_the_render_says_so(
    call_api: CallApi, api_key: str, db: Database
) -> None:
    # Given two succeeded renders, one past its retention
    s3 = client("s3")
    s3.create_bucket(Bucket="renderowl-media")
    owner = call_api("GET", "/api/v1/me", token=api_key).data["owner_id"]
    for render_id, days in (("rnd_old", -1), ("rnd_new", 1)):
        keys = {
            "key": f"renders/{owner}/{render_id}/output.mp4",
            "poster_key": f"renders/{owner}/{render_id}/poster.jpg",
        }
        for key in keys.values():
            s3.put_object(Bucket="renderowl-media", Key=key, Body=b"bytes")
        output = {**keys, "format": "mp4", "content_type": "video/mp4", "size": 5, "duration": 1.0}
        with db.tx() as conn:
            conn.execute(
                "INSERT INTO renders (id, owner_id, status, spec, output, expires_at)"
                " VALUES (%s, %s, 'succeeded', '{}', %s, now() + make_interval(days => %s))",
                (render_id, owner, Jsonb(output), days),
            )
    # When the retention sweep runs (twice: it is idempotent)
    assert expire_outputs(db) == 1
    assert expire_outputs(db) == 0
    # Then only the old render's files are gone, and its record stays, saying the output expired
    left = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="renderowl-media").get("Contents", []))
    assert left == [f"renders/{owner}/rnd_new/output.mp4", f"renders/{owner}/rnd_new/poster.jpg"]
    old = call_api("GET", "/api/v1/renders/rnd_old", token=api_key).data
    assert old["status"] == "succeeded"
    assert old["output"]["url"] is None
    assert old["output"]["poster_url"] is None
    assert call_api("GET", "/api/v1/renders/rnd_new", token=api_key).data["output"]["url"]

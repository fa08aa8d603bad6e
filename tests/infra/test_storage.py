"""The media bucket is private, encrypted, TLS-only, expires what it should, and notifies ingest."""

from __future__ import annotations

from tests.infra.conftest import Synth


def _bucket(synth: Synth) -> tuple[str, dict]:
    logical_id = synth.logical_id(synth.stack.storage.bucket)
    return logical_id, synth.raw["Resources"][logical_id]["Properties"]


def test_the_media_bucket_is_private_and_encrypted(synth: Synth) -> None:
    # Given the media bucket
    _, props = _bucket(synth)

    # Then all four public-access blocks are on and objects are encrypted at rest
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    rule = props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in {"AES256", "aws:kms"}


def test_the_media_bucket_denies_requests_without_tls(synth: Synth) -> None:
    # Given the media bucket's policy
    bucket_id, _ = _bucket(synth)
    (policy,) = [
        p["Properties"]["PolicyDocument"]["Statement"]
        for p in synth.resources("AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": bucket_id}
    ]

    # Then it denies every S3 action on the bucket and its objects when aws:SecureTransport is false
    deny = [
        s
        for s in policy
        if s["Effect"] == "Deny" and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}
    ]
    assert len(deny) == 1
    assert deny[0]["Action"] == "s3:*"
    assert deny[0]["Principal"] == {"AWS": "*"}
    assert len(deny[0]["Resource"]) == 2  # the bucket and bucket/*


def test_lifecycle_expires_scratch_renders_abandoned_uploads_and_multipart_leftovers(synth: Synth) -> None:
    # Given the bucket's lifecycle rules
    _, props = _bucket(synth)
    rules = {r["Id"]: r for r in props["LifecycleConfiguration"]["Rules"]}

    # Then scratch lasts a day, renders 30 days (cdk.json), and incomplete multipart uploads a day
    assert (
        rules["expire-scratch"]["Prefix"] == "scratch/" and rules["expire-scratch"]["ExpirationInDays"] == 1
    )
    assert (
        rules["expire-renders"]["Prefix"] == "renders/" and rules["expire-renders"]["ExpirationInDays"] == 30
    )
    assert rules["abort-incomplete-multipart"]["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}
    # And uploads still tagged pending (never ingested) or rejected go after 7 days; ready ones stay
    for state in ("pending", "rejected"):
        rule = rules[f"expire-{state}-uploads"]
        assert rule["Prefix"] == "uploads/"
        assert rule["TagFilters"] == [{"Key": "renderowl-state", "Value": state}]
        assert rule["ExpirationInDays"] == 7


def test_cors_admits_presigned_posts_from_the_configured_origins_only(synth: Synth) -> None:
    # Given the frontend origin of the test context
    _, props = _bucket(synth)

    # Then exactly that origin may POST (presigned uploads) and GET
    (rule,) = props["CorsConfiguration"]["CorsRules"]
    assert rule["AllowedOrigins"] == ["https://app.example.com"]
    assert set(rule["AllowedMethods"]) == {"POST", "GET", "HEAD"}


def test_each_catalog_notification_sends_object_created_events_to_its_queue(synth: Synth) -> None:
    # Given the catalog's bucket notifications
    notes = synth.catalog.bucket.notifications
    assert notes
    (custom,) = synth.resources("Custom::S3BucketNotifications").values()
    configs = custom["Properties"]["NotificationConfiguration"]["QueueConfigurations"]

    for note in notes:
        queue_id = synth.logical_id(synth.stack.queues.queues[note.queue].queue)
        # Then ObjectCreated events under the prefix go to that queue
        assert {
            "Events": ["s3:ObjectCreated:*"],
            "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": note.prefix}]}},
            "QueueArn": {"Fn::GetAtt": [queue_id, "Arn"]},
        } in configs

"""The media bucket: every byte Renderowl keeps (uploads, proxies, renders, scratch).

Private (all four public-access blocks), encrypted (SSE-S3: presigned POSTs need no KMS grant),
TLS-only (a bucket policy denies ``aws:SecureTransport = false``), with server access logs in a
second bucket. CORS admits presigned POSTs and GETs from the configured frontend origins.

Lifecycle, by key prefix (the application writes under these prefixes):

- ``uploads/``: lifecycle rules cannot match "untagged", so uploads are born tagged: the presigned
  POST carries ``renderowl-state=pending``; ingest re-tags what it accepts ``ready`` and what it
  refuses ``rejected``. Objects still ``pending`` (the browser never finished, ingest never ran)
  or ``rejected`` expire after ``renderowl:abandonedUploadDays`` (default 7); ``ready`` ones stay
  until their asset is deleted.
- ``renders/``: render outputs expire after ``renderowl:renderRetentionDays`` (default 30).
- ``scratch/``: intermediate files expire after one day (``renderowl:scratchRetentionDays``).
- everywhere: incomplete multipart uploads are aborted after one day.
"""

from __future__ import annotations

import re

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.config import DeployConfig
from infra.names import (
    RENDERS_PREFIX,
    SCRATCH_PREFIX,
    UPLOAD_STATE_TAG,
    UPLOAD_STATES_EXPIRED,
    UPLOADS_PREFIX,
)
from renderowl.catalog import Notification

# What the application does with media objects (presign, download, upload, tag, delete, multipart).
OBJECT_ACTIONS = [
    "s3:GetObject",
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:GetObjectTagging",
    "s3:PutObjectTagging",
    "s3:AbortMultipartUpload",
    "s3:ListMultipartUploadParts",
]


class MediaStorage(Construct):
    """The media bucket and its access-log bucket."""

    def __init__(self, scope: Construct, construct_id: str, *, config: DeployConfig) -> None:
        super().__init__(scope, construct_id)
        removal = RemovalPolicy.RETAIN if config.deletion_protection else RemovalPolicy.DESTROY
        self.access_logs = s3.Bucket(
            self,
            "AccessLogs",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
            lifecycle_rules=[s3.LifecycleRule(id="expire-access-logs", expiration=Duration.days(90))],
            removal_policy=removal,
            auto_delete_objects=False,
        )
        self.bucket = s3.Bucket(
            self,
            "Media",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            minimum_tls_version=1.2,
            versioned=config.bucket_versioning,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix="media/",
            cors=self._cors(config),
            lifecycle_rules=self._lifecycle(config),
            removal_policy=removal,
        )

    @staticmethod
    def _cors(config: DeployConfig) -> list[s3.CorsRule] | None:
        if not config.frontend_origins:
            return None
        return [
            s3.CorsRule(
                allowed_origins=list(config.frontend_origins),
                # Browsers upload with a presigned POST and download with presigned GETs.
                allowed_methods=[s3.HttpMethods.POST, s3.HttpMethods.GET, s3.HttpMethods.HEAD],
                allowed_headers=["*"],
                exposed_headers=["ETag"],
                max_age=3000,
            )
        ]

    @staticmethod
    def _lifecycle(config: DeployConfig) -> list[s3.LifecycleRule]:
        rules = [
            s3.LifecycleRule(
                id="abort-incomplete-multipart", abort_incomplete_multipart_upload_after=Duration.days(1)
            ),
            *(
                s3.LifecycleRule(
                    id=f"expire-{state}-uploads",
                    prefix=UPLOADS_PREFIX,
                    tag_filters={UPLOAD_STATE_TAG: state},
                    expiration=Duration.days(config.abandoned_upload_days),
                )
                for state in UPLOAD_STATES_EXPIRED
            ),
            s3.LifecycleRule(
                id="expire-renders",
                prefix=RENDERS_PREFIX,
                expiration=Duration.days(config.render_retention_days),
            ),
            s3.LifecycleRule(
                id="expire-scratch",
                prefix=SCRATCH_PREFIX,
                expiration=Duration.days(config.scratch_retention_days),
            ),
        ]
        if config.bucket_versioning:
            rules.append(
                s3.LifecycleRule(id="expire-noncurrent", noncurrent_version_expiration=Duration.days(7))
            )
        return rules

    def grant_media(self, grantee: iam.IGrantable) -> None:
        """Read, write, tag and delete objects, and list keys: the media actions, without the
        wildcards of ``grant_read_write`` (``s3:GetObject*`` also covers ACLs and retention)."""
        iam.Grant.add_to_principal(
            grantee=grantee, actions=OBJECT_ACTIONS, resource_arns=[self.bucket.arn_for_objects("*")]
        )
        iam.Grant.add_to_principal(
            grantee=grantee, actions=["s3:ListBucket"], resource_arns=[self.bucket.bucket_arn]
        )

    def notify(self, note: Notification, queue: sqs.IQueue) -> None:
        """Send the catalog's ``ObjectCreated`` events under ``note.prefix`` to ``queue``."""
        for event in note.events:
            self.bucket.add_event_notification(
                _event_type(event), s3n.SqsDestination(queue), s3.NotificationKeyFilter(prefix=note.prefix)
            )


def _event_type(event: str) -> s3.EventType:
    """``s3:ObjectCreated:*`` → ``EventType.OBJECT_CREATED`` (the catalog speaks S3's names)."""
    words = re.findall(r"[A-Z][a-z]*", event.removeprefix("s3:").replace("*", ""))
    try:
        return s3.EventType["_".join(w.upper() for w in words)]
    except KeyError:
        raise ValueError(f"bucket notification event {event!r} is not an S3 event type") from None

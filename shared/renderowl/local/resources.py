"""The AWS resources the catalog names, created in the local AWS (moto): the media bucket, every
queue with its DLQ and redrive policy, and the bucket's notifications to queues."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from typing import Any

from renderowl.catalog import Catalog, dlq_url_env, queue_url_env

QUEUE_PREFIX = "renderowl-"


@dataclass
class LocalQueue:
    name: str
    url: str
    arn: str
    dlq_url: str
    dlq_arn: str


@dataclass
class LocalResources:
    bucket: str
    queues: dict[str, LocalQueue] = field(default_factory=dict)

    def environment(self) -> dict[str, str]:
        """Settings that point the handlers at these resources."""
        env = {"RENDEROWL_MEDIA_BUCKET": self.bucket}
        for name, queue in self.queues.items():
            env[queue_url_env(name)] = queue.url
            env[dlq_url_env(name)] = queue.dlq_url
        return env


def _queue_arn(sqs: Any, url: str) -> str:
    return str(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"])


def create_resources(
    catalog: Catalog, s3: Any, sqs: Any, *, bucket: str, cors_origins: list[str] | None = None
) -> LocalResources:
    """Create (or find) everything ``catalog`` declares. Safe to call again."""
    out = LocalResources(bucket=bucket)
    with contextlib.suppress(s3.exceptions.BucketAlreadyOwnedByYou):
        s3.create_bucket(Bucket=bucket)
    if cors_origins:
        s3.put_bucket_cors(
            Bucket=bucket,
            CORSConfiguration={
                "CORSRules": [
                    {
                        "AllowedOrigins": cors_origins,
                        "AllowedMethods": ["GET", "HEAD", "POST", "PUT"],
                        "AllowedHeaders": ["*"],
                        "ExposeHeaders": ["ETag"],
                        "MaxAgeSeconds": 3000,
                    }
                ]
            },
        )
    for queue in catalog.queues.values():
        dlq_url = sqs.create_queue(QueueName=QUEUE_PREFIX + queue.dlq_name)["QueueUrl"]
        dlq_arn = _queue_arn(sqs, dlq_url)
        url = sqs.create_queue(
            QueueName=QUEUE_PREFIX + queue.name,
            Attributes={
                "VisibilityTimeout": str(queue.visibility_timeout),
                "RedrivePolicy": json.dumps(
                    {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": queue.max_receive_count}
                ),
            },
        )["QueueUrl"]
        out.queues[queue.name] = LocalQueue(queue.name, url, _queue_arn(sqs, url), dlq_url, dlq_arn)
    return out


def connect_notifications(catalog: Catalog, s3: Any, resources: LocalResources) -> None:
    """Route the bucket's ObjectCreated events to their queues (after any restore, so restored
    objects are not ingested twice)."""
    if not catalog.bucket.notifications:
        return
    s3.put_bucket_notification_configuration(
        Bucket=resources.bucket,
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "QueueArn": resources.queues[note.queue].arn,
                    "Events": list(note.events),
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": note.prefix}]}},
                }
                for note in catalog.bucket.notifications
            ]
        },
    )


STATE_MACHINE_NAME = "renderowl-render"


def create_state_machine(
    catalog: Catalog, sfn: Any, resources: LocalResources, *, region: str = "us-east-1"
) -> str:
    """The render state machine from the very ASL file CDK deploys, filled with local ARNs and URLs."""
    from renderowl.catalog import ASL_PATH, asl_substitutions, render_asl
    from renderowl.local.lambda_proxy import ACCOUNT, function_arn

    definition = render_asl(
        ASL_PATH.read_text(),
        asl_substitutions(
            catalog, lambda name: function_arn(name, region), lambda q: resources.queues[q].url
        ),
    )
    existing = [m for m in sfn.list_state_machines()["stateMachines"] if m["name"] == STATE_MACHINE_NAME]
    if existing:
        arn = existing[0]["stateMachineArn"]
        sfn.update_state_machine(stateMachineArn=arn, definition=definition)
        return str(arn)
    return str(
        sfn.create_state_machine(
            name=STATE_MACHINE_NAME,
            definition=definition,
            roleArn=f"arn:aws:iam::{ACCOUNT}:role/renderowl-states",
        )["stateMachineArn"]
    )

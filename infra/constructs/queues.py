"""Every queue of the function catalog, each with its dead-letter queue.

The catalog derives a queue's visibility timeout (six times its consumer's timeout, capped at
SQS's 12 hours) and its redrive count; this construct only applies them. Queues are encrypted
with SQS-managed keys (S3 notifications and EventBridge Pipes both work with SSE-SQS, neither
needs a KMS grant) and refuse requests without TLS.
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.names import camel
from renderowl.catalog import Catalog
from renderowl.catalog import Queue as QueueSpec

DLQ_RETENTION = Duration.days(14)  # SQS's maximum: time to notice, fix and redrive


class WorkQueue(Construct):
    """One catalog queue and its DLQ."""

    def __init__(self, scope: Construct, construct_id: str, *, spec: QueueSpec) -> None:
        super().__init__(scope, construct_id)
        self.spec = spec
        self.dlq = sqs.Queue(
            self,
            "Dlq",
            retention_period=DLQ_RETENTION,
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
        )
        self.queue = sqs.Queue(
            self,
            "Queue",
            visibility_timeout=Duration.seconds(spec.visibility_timeout),
            # Messages outlive a full redrive cycle; the DLQ keeps them longer still.
            retention_period=Duration.days(4),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            dead_letter_queue=sqs.DeadLetterQueue(queue=self.dlq, max_receive_count=spec.max_receive_count),
        )


class WorkQueues(Construct):
    """``queues[name]`` for every queue the catalog declares."""

    def __init__(self, scope: Construct, construct_id: str, *, catalog: Catalog) -> None:
        super().__init__(scope, construct_id)
        self.queues = {name: WorkQueue(self, camel(name), spec=spec) for name, spec in catalog.queues.items()}

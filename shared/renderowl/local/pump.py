"""The event pump: long-polls every catalog queue and hands its messages to the consumer, the way
Lambda's SQS event source mapping (or an EventBridge Pipe to ECS) does.

- Lambda consumers get a real SQS event of up to ``batch_size`` records. Only the records that did
  not fail are deleted (partial batch responses); the rest reappear after the visibility timeout and
  reach the DLQ after ``maxReceiveCount`` receives, exactly as in AWS.
- Container consumers get one process per message, started with the message in
  ``RENDEROWL_TASK_MESSAGE``; the message is deleted once the task started, as the Pipe does.
"""

from __future__ import annotations

import hashlib
import logging
import subprocess
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from renderowl.catalog import Catalog, Function
from renderowl.local import process, runtime
from renderowl.local.resources import LocalQueue

log = logging.getLogger(__name__)

TASK_MESSAGE_ENV = "RENDEROWL_TASK_MESSAGE"
POLL_WAIT_S = 1

Invoke = Callable[[Function, dict[str, Any]], Any]


def _lambda_attributes(attrs: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name, value in attrs.items():
        out[name] = {
            "dataType": value["DataType"],
            "stringValue": value.get("StringValue"),
            "binaryValue": value.get("BinaryValue"),
            "stringListValues": [],
            "binaryListValues": [],
        }
    return out


def sqs_event(messages: list[dict[str, Any]], queue: LocalQueue, region: str) -> dict[str, Any]:
    """The event Lambda's SQS event source passes to its function."""
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": _lambda_attributes(m.get("MessageAttributes", {})),
                "md5OfBody": m.get("MD5OfBody") or hashlib.md5(m["Body"].encode()).hexdigest(),  # noqa: S324
                "eventSource": "aws:sqs",
                "eventSourceARN": queue.arn,
                "awsRegion": region,
            }
            for m in messages
        ]
    }


def failed_ids(result: Any) -> set[str]:
    """The message ids a partial batch response reports as failed."""
    if not isinstance(result, dict):
        return set()
    return {item["itemIdentifier"] for item in result.get("batchItemFailures") or []}


class EventPump:
    """One poller thread per queue; consumers run with their catalog concurrency."""

    def __init__(
        self,
        catalog: Catalog,
        queues: dict[str, LocalQueue],
        sqs_factory: Callable[[], Any],
        *,
        region: str = "us-east-1",
        concurrency: int = 4,
        container_env: dict[str, str] | None = None,
        invoke: Invoke = runtime.invoke,
    ) -> None:
        self._catalog = catalog
        self._queues = queues
        self._sqs_factory = sqs_factory
        self._region = region
        self._concurrency = concurrency
        self._container_env = container_env or {}
        self._invoke = invoke
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._children: set[subprocess.Popen[bytes]] = set()
        self._children_lock = threading.Lock()

    def _slots(self, fn: Function) -> int:
        # Like an event source mapping's maximum concurrency, capped by the machine's setting.
        return min(fn.trigger.max_concurrency or self._concurrency, self._concurrency)

    def start(self) -> None:
        for name, queue in self._queues.items():
            fn = self._catalog.consumer(name)
            target = self._run_containers if fn.is_container else self._run_lambda
            thread = threading.Thread(target=target, args=(fn, queue), name=f"pump-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, grace_s: float = 5.0) -> None:
        """Stop polling, let running batches finish, and stop container tasks."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=grace_s + POLL_WAIT_S + 30)
        with self._children_lock:
            children = list(self._children)
        for child in children:
            process.stop(child, grace_s)

    def _receive(self, sqs: Any, queue: LocalQueue, count: int) -> list[dict[str, Any]]:
        return list(
            sqs.receive_message(
                QueueUrl=queue.url,
                MaxNumberOfMessages=count,
                WaitTimeSeconds=POLL_WAIT_S,
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
            ).get("Messages", [])
        )

    def _run_lambda(self, fn: Function, queue: LocalQueue) -> None:
        sqs = self._sqs_factory()
        slots = threading.Semaphore(self._slots(fn))
        with ThreadPoolExecutor(max_workers=self._slots(fn), thread_name_prefix=f"fn-{fn.name}") as pool:
            while not self._stop.is_set():
                if not slots.acquire(timeout=POLL_WAIT_S):
                    continue
                try:
                    messages = self._receive(sqs, queue, fn.trigger.batch_size)
                except Exception:
                    log.exception("receive from %s failed", queue.name)
                    slots.release()
                    self._stop.wait(1)
                    continue
                if not messages:
                    slots.release()
                    continue
                pool.submit(self._deliver_batch, fn, queue, messages, slots)

    def _deliver_batch(
        self, fn: Function, queue: LocalQueue, messages: list[dict[str, Any]], slots: threading.Semaphore
    ) -> None:
        try:
            try:
                failed = failed_ids(self._invoke(fn, sqs_event(messages, queue, self._region)))
            except Exception as exc:
                # Lambda's event source treats a raised error as "the whole batch failed".
                log.warning("%s failed its whole batch of %d: %s", fn.name, len(messages), exc)
                return  # nothing deleted: every record comes back after the visibility timeout
            done = [m for m in messages if m["MessageId"] not in failed]
            if done:
                self._sqs_factory().delete_message_batch(
                    QueueUrl=queue.url,
                    Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)],
                )
        finally:
            slots.release()

    def _run_containers(self, fn: Function, queue: LocalQueue) -> None:
        assert fn.container is not None
        sqs = self._sqs_factory()
        slots = threading.Semaphore(self._slots(fn))
        while not self._stop.is_set():
            if not slots.acquire(timeout=POLL_WAIT_S):
                continue
            try:
                messages = self._receive(sqs, queue, 1)
            except Exception:
                log.exception("receive from %s failed", queue.name)
                messages = []
            if not messages:
                slots.release()
                continue
            message = messages[0]
            env = process.child_env({**self._container_env, TASK_MESSAGE_ENV: message["Body"]})
            child = process.spawn(process.python_module_argv(fn.container), env=env)
            with self._children_lock:
                self._children.add(child)
            sqs.delete_message(QueueUrl=queue.url, ReceiptHandle=message["ReceiptHandle"])
            threading.Thread(target=self._reap, args=(child, slots), daemon=True).start()

    def _reap(self, child: subprocess.Popen[bytes], slots: threading.Semaphore) -> None:
        child.wait()
        with self._children_lock:
            self._children.discard(child)
        slots.release()

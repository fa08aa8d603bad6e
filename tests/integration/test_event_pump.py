"""The local cloud's queue wiring: real SQS semantics from moto, catalog-driven consumers."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote_plus

import pytest

from renderowl.catalog import load_catalog
from renderowl.cloud.aws import client
from renderowl.local.pump import EventPump
from renderowl.local.resources import LocalResources, connect_notifications, create_resources

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def wired(aws: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[LocalResources, Path]]:
    catalog = load_catalog(FIXTURES / "functions" / "catalog.toml")
    outbox = tmp_path / "outbox.txt"
    monkeypatch.setenv("PICKY_OUTBOX", str(outbox))
    resources = create_resources(catalog, client("s3"), client("sqs"), bucket="test-media")
    connect_notifications(catalog, client("s3"), resources)
    pump = EventPump(
        catalog,
        resources.queues,
        lambda: client("sqs"),
        concurrency=2,
        container_env={"PYTHONPATH": str(FIXTURES / "containers"), "RENDEROWL_MEDIA_BUCKET": "test-media"},
    )
    pump.start()
    yield resources, outbox
    pump.stop(grace_s=2)


def _wait_for(predicate, timeout_s: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def _dlq_bodies(resources: LocalResources) -> list[dict]:  # type: ignore[type-arg]
    # S3 sends an `s3:TestEvent` when notifications are configured, as AWS does; the picky
    # handler cannot read it either, so it also ends in the DLQ. Leave it out.
    got = client("sqs").receive_message(QueueUrl=resources.queues["picky"].dlq_url, MaxNumberOfMessages=10)
    bodies = [json.loads(m["Body"]) for m in got.get("Messages", [])]
    return [b for b in bodies if b.get("Event") != "s3:TestEvent"]


def test_every_queue_has_a_dlq_and_a_derived_visibility_timeout(wired: tuple[LocalResources, Path]) -> None:
    resources, _ = wired
    attrs = client("sqs").get_queue_attributes(
        QueueUrl=resources.queues["picky"].url, AttributeNames=["All"]
    )["Attributes"]
    redrive = json.loads(attrs["RedrivePolicy"])
    assert redrive == {"deadLetterTargetArn": resources.queues["picky"].dlq_arn, "maxReceiveCount": 2}
    assert attrs["VisibilityTimeout"] == "6"


@pytest.mark.slow
def test_a_poisoned_message_lands_in_the_dlq_while_its_batch_succeeds(
    wired: tuple[LocalResources, Path],
) -> None:
    # Given one batch of three messages, the middle one poisoned
    resources, outbox = wired
    client("sqs").send_message_batch(
        QueueUrl=resources.queues["picky"].url,
        Entries=[
            {"Id": "a", "MessageBody": json.dumps({"n": 1})},
            {"Id": "b", "MessageBody": json.dumps({"n": 2, "poison": True})},
            {"Id": "c", "MessageBody": json.dumps({"n": 3})},
        ],
    )
    # When the pump delivers it, and redelivers the failure after the visibility timeout
    assert _wait_for(lambda: outbox.exists() and len(outbox.read_text().split()) >= 2, 15)
    dead: list[dict] = []  # type: ignore[type-arg]
    assert _wait_for(lambda: bool(dead.extend(_dlq_bodies(resources)) or dead), 30), (
        "poison never reached the DLQ"
    )
    # Then the good records were processed exactly once, and only the poisoned one is dead
    assert sorted(outbox.read_text().split()) == ["1", "3"]
    assert dead == [{"n": 2, "poison": True}]
    attrs = client("sqs").get_queue_attributes(
        QueueUrl=resources.queues["picky"].url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    assert attrs == {"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0"}


def test_s3_notifications_reach_the_consumer(wired: tuple[LocalResources, Path]) -> None:
    # Given the fixture's notification of inbox/ to the picky queue, whose handler reads {"n": …}
    resources, _ = wired
    # When an object lands outside the prefix, then inside it
    client("s3").put_object(Bucket="test-media", Key="elsewhere/x", Body=b"{}")
    client("s3").put_object(Bucket="test-media", Key="inbox/x", Body=b"{}")
    # Then only the second produces an event; it is an S3 event, not {"n"}, so it fails into the DLQ
    dead: list[dict] = []  # type: ignore[type-arg]
    assert _wait_for(lambda: bool(dead.extend(_dlq_bodies(resources)) or dead), 30)
    # (keys arrive URL-encoded, as in AWS)
    assert [unquote_plus(r["s3"]["object"]["key"]) for r in dead[0]["Records"]] == ["inbox/x"]


def test_container_consumers_start_one_process_per_message_with_its_environment(
    wired: tuple[LocalResources, Path], tmp_path: Path
) -> None:
    # Given two task messages
    resources, _ = wired
    outs = [tmp_path / "task-1.json", tmp_path / "task-2.json"]
    for out in outs:
        client("sqs").send_message(
            QueueUrl=resources.queues["tasks"].url, MessageBody=json.dumps({"out": str(out)})
        )
    # When the pump starts the container entry point for each
    assert _wait_for(lambda: all(o.exists() and o.stat().st_size for o in outs), 30)
    # Then each process got its own message and the function's environment, and the queue is empty
    for out in outs:
        written = json.loads(out.read_text())
        assert written == {"message": {"out": str(out)}, "bucket": "test-media"}
    attrs = client("sqs").get_queue_attributes(
        QueueUrl=resources.queues["tasks"].url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    assert attrs == {"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0"}

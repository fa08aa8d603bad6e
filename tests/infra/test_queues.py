"""Every queue of the catalog has a DLQ, a long enough visibility timeout, SSE, TLS and an alarm."""

from __future__ import annotations

from renderowl.catalog import MAX_VISIBILITY_TIMEOUT, VISIBILITY_FACTOR
from tests.infra.conftest import Synth


def test_every_queue_redrives_to_its_dlq_after_the_catalogs_receive_count(synth: Synth) -> None:
    # Given the catalog's queues
    assert synth.catalog.queues
    for name, spec in synth.catalog.queues.items():
        built = synth.stack.queues.queues[name]
        props = synth.raw["Resources"][synth.logical_id(built.queue)]["Properties"]
        dlq = synth.raw["Resources"][synth.logical_id(built.dlq)]["Properties"]

        # Then the queue redrives to its own DLQ after max_receive_count receives
        assert props["RedrivePolicy"] == {
            "deadLetterTargetArn": {"Fn::GetAtt": [synth.logical_id(built.dlq), "Arn"]},
            "maxReceiveCount": spec.max_receive_count,
        }
        # And the DLQ keeps messages 14 days
        assert dlq["MessageRetentionPeriod"] == 14 * 24 * 3600
        # And both are encrypted at rest
        assert props["SqsManagedSseEnabled"] is True and dlq["SqsManagedSseEnabled"] is True


def test_visibility_timeout_is_six_times_the_consumers_timeout(synth: Synth) -> None:
    for name, spec in synth.catalog.queues.items():
        # Given the queue's consumer
        consumer = synth.catalog.consumer(name)
        props = synth.raw["Resources"][synth.logical_id(synth.stack.queues.queues[name].queue)]["Properties"]

        # Then a message stays invisible long enough for six tries of the consumer (SQS caps at 12 h)
        assert props["VisibilityTimeout"] >= min(VISIBILITY_FACTOR * consumer.timeout, MAX_VISIBILITY_TIMEOUT)
        assert props["VisibilityTimeout"] == spec.visibility_timeout


def test_every_queue_refuses_requests_without_tls(synth: Synth) -> None:
    for built in synth.stack.queues.queues.values():
        for queue in (built.queue, built.dlq):
            # Given the queue's resource policies
            queue_id = synth.logical_id(queue)
            policies = [
                p["Properties"]["PolicyDocument"]["Statement"]
                for p in synth.resources("AWS::SQS::QueuePolicy").values()
                if {"Ref": queue_id} in p["Properties"]["Queues"]
            ]

            # Then one of them denies every action when aws:SecureTransport is false
            assert any(
                s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
                for statements in policies
                for s in statements
            ), queue_id


def test_each_dlq_alarms_on_its_first_message(synth: Synth) -> None:
    topic_id = synth.logical_id(synth.stack.monitoring.topic)
    for built in synth.stack.queues.queues.values():
        # Given the DLQ's alarm
        dlq_name = {"Fn::GetAtt": [synth.logical_id(built.dlq), "QueueName"]}
        alarms = [
            a["Properties"]
            for a in synth.resources("AWS::CloudWatch::Alarm").values()
            if a["Properties"].get("Dimensions") == [{"Name": "QueueName", "Value": dlq_name}]
        ]

        # Then one visible message is enough to notify the alarm topic
        assert len(alarms) == 1
        assert alarms[0]["MetricName"] == "ApproximateNumberOfMessagesVisible"
        assert alarms[0]["Threshold"] == 1
        assert alarms[0]["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert alarms[0]["AlarmActions"] == [{"Ref": topic_id}]

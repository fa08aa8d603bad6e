"""Long renders: one Fargate task per long-render message, started by an EventBridge Pipe."""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
import pytest

from infra.images import CONTEXT_EXCLUDE, REPO
from infra.names import RENDER_CONTAINER, TASK_MESSAGE_ENV
from tests.infra.conftest import Synth


def test_the_task_definition_takes_its_size_from_the_catalog(full: Synth) -> None:
    # Given the container function of the full catalog
    fn = full.catalog.functions["render-long"]
    worker = full.stack.workers.workers["render-long"]
    props = full.raw["Resources"][full.logical_id(worker.task_definition)]["Properties"]

    # Then the task has its cpu and memory, on Fargate, logging to its own log group
    assert props["Cpu"] == str(fn.cpu)
    assert props["Memory"] == str(fn.memory)
    assert props["RequiresCompatibilities"] == ["FARGATE"]
    (container,) = props["ContainerDefinitions"]
    assert container["Name"] == RENDER_CONTAINER
    assert container["LogConfiguration"]["LogDriver"] == "awslogs"


def test_a_pipe_starts_one_task_per_message_with_the_body_in_the_environment(full: Synth) -> None:
    # Given the Pipe
    worker = full.stack.workers.workers["render-long"]
    queue_id = full.logical_id(full.stack.queues.queues["long-render"].queue)
    (pipe,) = full.resources("AWS::Pipes::Pipe").values()
    props = pipe["Properties"]

    # Then it reads the long-render queue one message at a time
    assert props["Source"] == {"Fn::GetAtt": [queue_id, "Arn"]}
    assert props["SourceParameters"]["SqsQueueParameters"]["BatchSize"] == 1
    # And runs one task of the worker's definition in the cluster, in private subnets
    ecs = props["TargetParameters"]["EcsTaskParameters"]
    assert props["Target"] == {"Fn::GetAtt": [full.logical_id(full.stack.cluster.cluster), "Arn"]}
    assert ecs["TaskDefinitionArn"] == {"Ref": full.logical_id(worker.task_definition)}
    assert ecs["TaskCount"] == 1 and ecs["LaunchType"] == "FARGATE"
    assert ecs["NetworkConfiguration"]["AwsvpcConfiguration"]["AssignPublicIp"] == "DISABLED"
    # And hands the message body to the container as RENDEROWL_TASK_MESSAGE
    (override,) = ecs["Overrides"]["ContainerOverrides"]
    assert override == {
        "Name": RENDER_CONTAINER,
        "Environment": [{"Name": TASK_MESSAGE_ENV, "Value": "$.body"}],
    }


def test_the_cluster_arn_is_an_output_and_reaches_the_api(full: Synth) -> None:
    outputs = full.raw["Outputs"]
    assert {"ApiUrl", "MediaBucketName", "StateMachineArn", "DatabaseSecretArn", "ClusterArn"} <= set(outputs)
    api = full.raw["Resources"][full.logical_id(full.stack.functions.functions["api"].function)]
    assert "RENDEROWL_ECS_CLUSTER_ARN" in api["Properties"]["Environment"]["Variables"]


@pytest.mark.parametrize(
    ("path", "ignored"),
    [
        (".venv/lib/python3.12/site.py", True),
        (".git/HEAD", True),
        ("cdk.out/manifest.json", True),
        (".renderowl/postgres/PG_VERSION", True),
        (".tools/bin/uv", True),
        ("layers/build/deps.zip", True),
        ("out/video.mp4", True),
        ("node_modules/x/index.js", True),
        ("tests/infra/test_fargate.py", True),
        ("shared/renderowl/__pycache__/x.cpython-312.pyc", True),
        ("shared/renderowl/__init__.py", False),
        ("shared/renderowl/store/migrations/0001_initial.sql", False),
        ("functions/api/handler.py", False),
        ("uv.lock", False),
        ("pyproject.toml", False),
    ],
)
def test_the_image_build_context_holds_only_what_the_images_need(path: str, ignored: bool) -> None:
    # Given CDK's Docker ignore rules: the construct's exclusions plus .dockerignore
    patterns = CONTEXT_EXCLUDE + [
        line
        for line in (REPO / ".dockerignore").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    strategy = cdk.IgnoreStrategy.docker(str(REPO), patterns)

    # Then local state, build output and tests stay out; the lock, the package and the handlers go in
    assert strategy.ignores(str(Path(REPO) / path)) is ignored

"""Long renders on Fargate: one task per message of a container function's queue.

**Trigger: an EventBridge Pipe (SQS → ECS RunTask), not a queue-processing service.** Each
message starts exactly one task with the message body in ``RENDEROWL_TASK_MESSAGE`` (a container
override), so

- nothing runs, and nothing is billed, while the queue is empty; a queue-processing service that
  "scales to zero" still needs a CloudWatch alarm on queue depth to scale out (minutes of lag:
  SQS metrics are 1-minute, 5-minute alarms by default) and scale-in that can kill a task in the
  middle of a four-hour render unless scale-in protection is managed by the task itself;
- the task does not poll, extend visibility or delete messages: its work is tracked by the state
  machine's task token (heartbeats every few minutes, ``SendTaskSuccess``/``Failure`` at the
  end), and a task that dies stops heartbeating, so the state machine retries it. The queue's
  redrive and DLQ cover the other failure: a RunTask that cannot start (capacity, image pull);
- it is what the local cloud's task runner does (one process per message), so both behave alike.

The task role gets what the Lambda render worker gets (bucket, database, secrets, task
responses); the Pipe's role may only read its queue, run this task definition and pass its roles.
"""

from __future__ import annotations

from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_pipes as pipes
from constructs import Construct

from infra.config import DeployConfig
from infra.constructs.data import Database
from infra.constructs.network import Network
from infra.constructs.queues import WorkQueues
from infra.environment import Environment, grant_task_response
from infra.images import fargate_image
from infra.names import RENDER_CONTAINER, TASK_MESSAGE_ENV, camel
from renderowl.catalog import Function

# Fargate's valid memory (MiB) for each CPU size.
FARGATE_SIZES: dict[int, range] = {
    256: range(512, 2049, 512),
    512: range(1024, 4097, 1024),
    1024: range(2048, 8193, 1024),
    2048: range(4096, 16385, 1024),
    4096: range(8192, 30721, 1024),
    8192: range(16384, 61441, 4096),
    16384: range(32768, 122881, 8192),
}


class FargateError(ValueError):
    """A container function whose size Fargate cannot run."""


class RenderCluster(Construct):
    """The ECS cluster (created first: the API's cancel needs its ARN)."""

    def __init__(self, scope: Construct, construct_id: str, *, network: Network) -> None:
        super().__init__(scope, construct_id)
        self.cluster = ecs.Cluster(
            self,
            "Cluster",
            vpc=network.vpc,
            container_insights_v2=ecs.ContainerInsights.ENABLED,
            enable_fargate_capacity_providers=True,
        )


class FargateWorker(Construct):
    """One container function: its task definition and the Pipe that starts it."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        fn: Function,
        cluster: RenderCluster,
        environment: Environment,
        network: Network,
        database: Database,
        queues: WorkQueues,
        config: DeployConfig,
        reports_tasks: bool,
    ) -> None:
        super().__init__(scope, construct_id)
        cpu, memory = _size(fn, config)
        resolved = environment.resolve(fn)
        self.log_group = logs.LogGroup(
            self,
            "Logs",
            retention=config.log_retention,
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.task_definition = ecs.FargateTaskDefinition(
            self,
            "Task",
            cpu=cpu,
            memory_limit_mib=memory,
            ephemeral_storage_gib=config.fargate_ephemeral_storage_gib,
            runtime_platform=ecs.RuntimePlatform(
                operating_system_family=ecs.OperatingSystemFamily.LINUX,
                cpu_architecture=ecs.CpuArchitecture.X86_64,
            ),
        )
        self.container = self.task_definition.add_container(
            RENDER_CONTAINER,
            container_name=RENDER_CONTAINER,
            image=fargate_image(),
            logging=ecs.LogDriver.aws_logs(stream_prefix=fn.name, log_group=self.log_group),
            environment={**resolved.variables, "AWS_REGION": Stack.of(self).region},
            essential=True,
        )
        resolved.apply(self.task_definition.task_role)
        if reports_tasks:
            grant_task_response(self.task_definition.task_role, environment.state_machine_arn)
        if resolved.needs_database:
            database.allow_from(network.tasks_sg, f"Renderowl {fn.name} tasks")
        # ECS Exec into an operator's one-off task (docs/deploy.md: the first API key); the Pipe's
        # tasks never enable it.
        self.task_definition.task_role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=[
                    "ssmmessages:CreateControlChannel",
                    "ssmmessages:CreateDataChannel",
                    "ssmmessages:OpenControlChannel",
                    "ssmmessages:OpenDataChannel",
                ],
                resources=["*"],
            )
        )

        assert fn.trigger.queue is not None
        queue = queues.queues[fn.trigger.queue].queue
        self.pipe_role = iam.Role(
            self,
            "PipeRole",
            assumed_by=iam.ServicePrincipal("pipes.amazonaws.com"),
            description=f"{fn.name} pipe",
        )
        queue.grant_consume_messages(self.pipe_role)
        self.pipe_role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["ecs:RunTask"],
                # Any revision of this family: a deploy registers the new revision before it updates
                # the Pipe, and a message arriving in between must still start a task.
                resources=[
                    Stack.of(self).format_arn(
                        service="ecs",
                        resource="task-definition",
                        resource_name=f"{self.task_definition.family}:*",
                    )
                ],
                conditions={"ArnEquals": {"ecs:cluster": cluster.cluster.cluster_arn}},
            )
        )
        self.pipe_role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["iam:PassRole"],
                resources=[
                    self.task_definition.task_role.role_arn,
                    self.task_definition.obtain_execution_role().role_arn,
                ],
                conditions={"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
            )
        )
        self.pipe_role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["ecs:TagResource"],
                resources=[Stack.of(self).format_arn(service="ecs", resource="task", resource_name="*")],
                conditions={"StringEquals": {"ecs:CreateAction": "RunTask"}},
            )
        )
        self.pipe_logs = logs.LogGroup(
            self,
            "PipeLogs",
            retention=config.log_retention,
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.pipe = pipes.CfnPipe(
            self,
            "Pipe",
            description=f"One {fn.name} task per message",
            role_arn=self.pipe_role.role_arn,
            source=queue.queue_arn,
            source_parameters=pipes.CfnPipe.PipeSourceParametersProperty(
                sqs_queue_parameters=pipes.CfnPipe.PipeSourceSqsQueueParametersProperty(batch_size=1)
            ),
            target=cluster.cluster.cluster_arn,
            target_parameters=pipes.CfnPipe.PipeTargetParametersProperty(
                ecs_task_parameters=pipes.CfnPipe.PipeTargetEcsTaskParametersProperty(
                    task_definition_arn=self.task_definition.task_definition_arn,
                    task_count=1,
                    launch_type="FARGATE",
                    enable_ecs_managed_tags=True,
                    propagate_tags="TASK_DEFINITION",
                    network_configuration=pipes.CfnPipe.NetworkConfigurationProperty(
                        awsvpc_configuration=pipes.CfnPipe.AwsVpcConfigurationProperty(
                            subnets=network.vpc.select_subnets(
                                subnet_group_name=network.compute_subnets.subnet_group_name
                            ).subnet_ids,
                            security_groups=[network.tasks_sg.security_group_id],
                            assign_public_ip="DISABLED",
                        )
                    ),
                    overrides=pipes.CfnPipe.EcsTaskOverrideProperty(
                        container_overrides=[
                            pipes.CfnPipe.EcsContainerOverrideProperty(
                                name=RENDER_CONTAINER,
                                # A dynamic path: the whole SQS message body, as the container reads it.
                                environment=[
                                    pipes.CfnPipe.EcsEnvironmentVariableProperty(
                                        name=TASK_MESSAGE_ENV, value="$.body"
                                    )
                                ],
                            )
                        ]
                    ),
                )
            ),
            log_configuration=pipes.CfnPipe.PipeLogConfigurationProperty(
                level="ERROR",
                cloudwatch_logs_log_destination=pipes.CfnPipe.CloudwatchLogsLogDestinationProperty(
                    log_group_arn=self.pipe_logs.log_group_arn
                ),
            ),
        )
        # The Pipe validates its role when it is created: the policy must exist first.
        if self.pipe_role.node.try_find_child("DefaultPolicy") is not None:
            self.pipe.node.add_dependency(self.pipe_role.node.find_child("DefaultPolicy"))


class FargateWorkers(Construct):
    """``workers[name]`` for every ``container`` entry of the catalog."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        functions: list[Function],
        cluster: RenderCluster,
        environment: Environment,
        network: Network,
        database: Database,
        queues: WorkQueues,
        task_queues: frozenset[str],
        config: DeployConfig,
    ) -> None:
        super().__init__(scope, construct_id)
        self.workers = {
            fn.name: FargateWorker(
                self,
                camel(fn.name),
                fn=fn,
                cluster=cluster,
                environment=environment,
                network=network,
                database=database,
                queues=queues,
                config=config,
                reports_tasks=fn.trigger.queue in task_queues,
            )
            for fn in functions
        }


def _size(fn: Function, config: DeployConfig) -> tuple[int, int]:
    cpu = config.fargate_cpu or fn.cpu or 2048
    memory = config.fargate_memory_mib or fn.memory
    if cpu not in FARGATE_SIZES or memory not in FARGATE_SIZES[cpu]:
        valid = FARGATE_SIZES.get(cpu)
        hint = f"{valid.start}-{valid.stop - valid.step} MiB in steps of {valid.step}" if valid else "none"
        raise FargateError(
            f"function {fn.name!r}: Fargate cannot run cpu={cpu} with memory={memory} MiB "
            f"(valid memory for that cpu: {hint})"
        )
    return cpu, memory
